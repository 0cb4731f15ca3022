//! Prints the optimizer's output for a Dockerfile: `cargo run -p layerlab-core --example optimize FILE [--unsafe]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let src = std::fs::read_to_string(&args[1]).expect("read");
    let opts = layerlab_core::fix::optimize::OptimizeOptions {
        unsafe_fixes: args.iter().any(|a| a == "--unsafe"),
        ..Default::default()
    };
    let o = layerlab_core::fix::optimize::optimize(&src, &Default::default(), &opts);
    println!("{}", o.diff);
    for a in &o.applied {
        println!(
            "{} {} ({:?}, round {})",
            a.code, a.title, a.applicability, a.round
        );
    }
    println!("before {:?}\nafter  {:?}", o.before, o.after);
}
