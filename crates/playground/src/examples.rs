//! Example Dockerfiles compiled into the wasm, so the page works offline.

/// An example: (id, menu label, text).
pub struct Example {
    pub id: &'static str,
    pub label: &'static str,
    pub text: &'static str,
}

macro_rules! example {
    ($id:literal, $label:literal) => {
        Example {
            id: $id,
            label: $label,
            text: include_str!(concat!("../../../web/examples/", $id, ".Dockerfile")),
        }
    };
}

/// The examples menu, one or more per ecosystem.
pub const EXAMPLES: &[Example] = &[
    example!("python-slow", "Python (Flask), slow"),
    example!("python-optimized", "Python (Flask), optimized"),
    example!("node-express", "Node.js (npm)"),
    example!("go-service", "Go"),
    example!("rust-cli", "Rust (cargo)"),
    example!("java-maven", "Java (Maven)"),
    example!("ruby-rails", "Ruby (Rails, bundler)"),
    example!("php-composer", "PHP (Composer)"),
    example!("dotnet-api", ".NET (dotnet)"),
    example!("alpine-tools", "Alpine (apk)"),
    example!("fedora-dnf", "Fedora (dnf, build arg)"),
];

/// The example loaded when the page opens: the slow Python build that copies
/// the whole project before `pip install`.
pub const DEFAULT_EXAMPLE: &str = EXAMPLES[0].text;
