//! The large pastes of issue 11, built here (the playground must keep every
//! character and stay responsive on each): used by the e2e suite and by
//! `cargo xtask bench-web`.

/// 10,000 stages, each `FROM` the previous (about 300 KB).
pub fn chained_stages() -> String {
    let mut s = String::from("FROM alpine AS s0\n");
    for i in 1..10_000 {
        s.push_str(&format!("FROM s{} AS s{i}\nRUN echo {i}\n", i - 1));
    }
    s
}

/// 10,000 stages copied into one final stage (about 450 KB).
pub fn fan_in_stages() -> String {
    let mut s = String::new();
    for i in 0..10_000 {
        s.push_str(&format!("FROM alpine AS s{i}\nRUN echo {i}\n"));
    }
    s.push_str("FROM alpine\n");
    for i in 0..10_000 {
        s.push_str(&format!("COPY --from=s{i} /f /f{i}\n"));
    }
    s
}

/// One `ENV` line of 120,000 pairs (about 1.6 MB on one line).
pub fn long_env_line() -> String {
    let pairs: Vec<String> = (0..120_000).map(|i| format!("K{i}=v{i}")).collect();
    format!(
        "FROM python:3.12-slim\nWORKDIR /app\nENV {}\n",
        pairs.join(" ")
    )
}

/// 200,000 `RUN echo N` lines (about 3 MB).
pub fn two_hundred_thousand_lines() -> String {
    let mut s = String::from("FROM python:3.12-slim\nWORKDIR /app\n");
    for i in 0..200_000 {
        s.push_str(&format!("RUN echo {i}\n"));
    }
    s
}

/// One `RUN` of 8,000 `apt-get install`s joined by `&&` (about 200 KB on
/// one line, all of it analyzed: thousands of findings on one line).
pub fn installs_in_one_run() -> String {
    let installs: Vec<String> = (0..8000)
        .map(|i| format!("apt-get install -y p{i}"))
        .collect();
    format!("FROM debian\nRUN {}\n", installs.join(" && "))
}

/// Every large paste, by name.
pub fn pastes() -> Vec<(&'static str, String)> {
    vec![
        ("8,000 installs in one RUN", installs_in_one_run()),
        ("10,000 chained stages", chained_stages()),
        ("10,000 stages fanned in", fan_in_stages()),
        ("a 1.6 MB ENV line", long_env_line()),
        ("200,000 lines", two_hundred_thousand_lines()),
    ]
}
