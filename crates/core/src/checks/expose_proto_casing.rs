//! ExposeProtoCasing: `EXPOSE 53/UDP`, a protocol not in lower case.
//!
//! ## What it reports
//!
//! Each port of an EXPOSE whose protocol (after the `/`) is not all lower
//! case, once per port (BuildKit's `dispatchExpose`).
//!
//! ## Why
//!
//! The protocol is matched in lower case (`tcp`, `udp`, `sctp`); writing it
//! so says what the image records.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! EXPOSE 53/UDP
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! EXPOSE 53/udp
//! ```

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "ExposeProtoCasing";
pub const DESCRIPTION: &str = "Protocol in EXPOSE instruction should be lowercase";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/expose-proto-casing/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for ins in &df.instructions {
        let Command::Expose { ports } = &ins.command else { continue };
        for p in ports {
            let Some((_, proto)) = p.split_once('/') else { continue };
            // ASCII upper case only (Go lowers any letter): the protocols are
            // tcp, udp and sctp, and this keeps Unicode's case tables out.
            if proto.bytes().any(|b| b.is_ascii_uppercase()) {
                cx.report(ins, format!("Defined protocol '{p}' in EXPOSE instruction should be lowercase"));
            }
        }
    }
}
