# Rust: every edit recompiles all dependencies.
FROM rust:1.80
WORKDIR /app
COPY . .
RUN cargo build --release
CMD ["./target/release/app"]
