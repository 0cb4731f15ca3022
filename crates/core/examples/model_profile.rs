//! Profiling aid: builds the model of the bench's 60-line Dockerfile many
//! times (`valgrind --tool=callgrind target/release/examples/model_profile`).
fn main() {
    let src = include_str!("../benches/support/sixty-lines.Dockerfile");
    let df = layerlab_core::parse(src);
    let mut n = 0;
    for _ in 0..2000 {
        n += layerlab_core::model::build(std::hint::black_box(&df), src)
            .steps
            .len();
    }
    println!("{n}");
}
