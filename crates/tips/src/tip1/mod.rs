//! Tip 1: avoid rebuilding in development.

pub mod compose;
pub mod dev_server;
