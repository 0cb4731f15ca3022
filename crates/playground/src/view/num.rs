//! Number formatting without the float formatter (core's `num`): seconds and
//! SVG coordinates only need integers and tenths.

pub use layerlab_core::num::{F0, F1};
