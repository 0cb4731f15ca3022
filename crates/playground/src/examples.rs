//! Example Dockerfiles compiled into the wasm, so the page works offline.
//! The same files are copied into `dist/examples/` by trunk.

/// The example loaded when the page opens: the slow Python build that copies
/// the whole project before `pip install`.
pub const DEFAULT_EXAMPLE: &str = include_str!("../../../web/examples/python-slow.Dockerfile");
