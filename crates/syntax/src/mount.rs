//! `RUN --mount=…` values, after BuildKit's
//! `frontend/dockerfile/instructions/commands_runmount.go` (`parseMount`,
//! `validateMount`). Fields are split like Go's `encoding/csv` reader does.
//!
//! BuildKit defers most checks until variables are expanded; we type the
//! literal values and only check fields whose value has no `$`.
//!
//! Invariant: a refused mount's message is BuildKit's, word for word
//! (`refusals_in_buildkits_words`). It is made here, where the refusal is
//! found, not through a typed error as the instructions' are: a typed
//! `MountError` cost 0.7 KB gzip of wasm (measured on 1c8ff8b).

use super::cat;
use serde::Serialize;

/// Mount types (`type=`), bind being the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MountType {
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}

/// Cache sharing modes (`sharing=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sharing {
    Shared,
    Private,
    Locked,
}

/// One parsed `--mount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    #[serde(rename = "type")]
    pub kind: MountType,
    /// The raw `type=` value when it is a variable (`$T`), else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_expr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub readonly: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing: Option<Sharing>,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gid: Option<u32>,
    /// tmpfs `size=` in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// secret `env=`: expose the secret as this environment variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
}

/// `encoding/csv` `Reader.Read` for a single record (comma separator,
/// `"…"` quoting with `""` as a literal quote).
pub fn csv_fields(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        let mut f = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => {
                        return Err(
                            "failed to parse csv mounts: extraneous or missing \" in quoted-field"
                                .into(),
                        )
                    }
                    Some('"') => match chars.peek() {
                        Some('"') => {
                            chars.next();
                            f.push('"');
                        }
                        Some(',') | None => break,
                        Some(_) => return Err(
                            "failed to parse csv mounts: extraneous or missing \" in quoted-field"
                                .into(),
                        ),
                    },
                    Some(c) => f.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err("failed to parse csv mounts: bare \" in non-quoted-field".into());
                }
                f.push(c);
                chars.next();
            }
        }
        out.push(f);
        match chars.next() {
            Some(',') => continue,
            _ => return Ok(out),
        }
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    // strconv.ParseBool
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// docker/go-units `RAMInBytes`: a number with an optional binary unit.
fn ram_in_bytes(v: &str) -> Option<u64> {
    let v = v.trim();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    // A decimal number (what ParseFloat accepts of digits and one dot),
    // multiplied exactly and truncated, without float parsing.
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() || frac.contains('.') {
        return None;
    }
    let whole = if int.is_empty() {
        0
    } else {
        super::parse_uint(int, 10).unwrap_or(u64::MAX)
    };
    // Four fraction digits keep `part * mult` within u64 (and u128 division
    // out of the wasm); ParseFloat's own rounding is coarser than that.
    let frac = &frac[..frac.len().min(4)];
    let scale = 10u64.pow(frac.len() as u32);
    let part = if frac.is_empty() {
        0
    } else {
        super::parse_uint(frac, 10)?
    };
    let mut unit_buf = [0u8; super::node::KW_MAX];
    let mult: u64 = match super::node::lower_keyword(unit.trim(), &mut unit_buf) {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        "p" | "pb" | "pib" => 1 << 50,
        _ => return None,
    };
    Some(
        whole
            .saturating_mul(mult)
            .saturating_add(part * mult / scale),
    )
}

/// `parseMount` + `validateMount`.
pub fn parse_mount(val: &str) -> Result<Mount, String> {
    let fields = csv_fields(val)?;
    let mut m = Mount {
        kind: MountType::Bind,
        type_expr: None,
        from: None,
        source: None,
        target: None,
        readonly: false,
        id: None,
        sharing: None,
        required: false,
        mode: None,
        uid: None,
        gid: None,
        size: None,
        env: None,
    };
    let mut ro_auto = true;
    for field in &fields {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v)),
            None => (field.to_ascii_lowercase(), None),
        };
        let Some(value) = value else {
            match key.as_str() {
                "readonly" | "ro" => {
                    m.readonly = true;
                    ro_auto = false;
                }
                "readwrite" | "rw" => {
                    m.readonly = false;
                    ro_auto = false;
                }
                "required" => {
                    if matches!(m.kind, MountType::Secret | MountType::Ssh) {
                        m.required = true;
                    } else {
                        return Err(not_for_type(&key, m.kind));
                    }
                }
                _ => {
                    return Err(cat(&[
                        "invalid field '",
                        field,
                        "' must be a key=value pair",
                    ]))
                }
            }
            continue;
        };
        let is_var = value.contains('$');
        let bad = || cat(&["invalid value for ", &key, ": ", value]);
        match key.as_str() {
            "type" if is_var => m.type_expr = Some(value.to_string()),
            "type" => {
                m.kind = match value.to_ascii_lowercase().as_str() {
                    "bind" => MountType::Bind,
                    "cache" => MountType::Cache,
                    "tmpfs" => MountType::Tmpfs,
                    "secret" => MountType::Secret,
                    "ssh" => MountType::Ssh,
                    _ => {
                        return Err(cat(&[
                            "unsupported mount type ",
                            &super::dump::go_quote(value),
                        ]))
                    }
                }
            }
            "from" => {
                // `\$.` : BuildKit refuses variables in `from`.
                if value.find('$').is_some_and(|i| i + 1 < value.len()) {
                    return Err(cat(&[
                        "'",
                        &key,
                        "' doesn't support variable expansion, define alias stage instead",
                    ]));
                }
                m.from = Some(value.to_string());
            }
            "source" | "src" => m.source = Some(value.to_string()),
            "target" | "dst" | "destination" => m.target = Some(value.to_string()),
            "readonly" | "ro" | "readwrite" | "rw" => {
                ro_auto = false;
                if !is_var {
                    let b = parse_bool(value).ok_or_else(bad)?;
                    m.readonly = if key.starts_with("readw") || key == "rw" {
                        !b
                    } else {
                        b
                    };
                }
            }
            "required" => {
                if !matches!(m.kind, MountType::Secret | MountType::Ssh) && m.type_expr.is_none() {
                    return Err(not_for_type(&key, m.kind));
                }
                if !is_var {
                    m.required = parse_bool(value).ok_or_else(bad)?;
                }
            }
            "size" => {
                if m.kind != MountType::Tmpfs && m.type_expr.is_none() {
                    return Err(not_for_type(&key, m.kind));
                }
                if !is_var {
                    m.size = Some(ram_in_bytes(value).ok_or_else(bad)?);
                }
            }
            "id" => m.id = Some(value.to_string()),
            "env" => m.env = Some(value.to_string()),
            "sharing" if is_var => {}
            "sharing" => {
                m.sharing = Some(match value.to_ascii_lowercase().as_str() {
                    "shared" => Sharing::Shared,
                    "private" => Sharing::Private,
                    "locked" => Sharing::Locked,
                    _ => {
                        return Err(cat(&[
                            "unsupported sharing value ",
                            &super::dump::go_quote(value),
                        ]))
                    }
                })
            }
            "mode" | "uid" | "gid" if is_var => {}
            "mode" | "uid" | "gid" => {
                // Go's ParseUint (octal for mode) into 32 bits; a leading `+` is accepted.
                let n = super::parse_uint(
                    value.strip_prefix('+').unwrap_or(value),
                    if key == "mode" { 8 } else { 10 },
                )
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| cat(&["invalid value ", value, " for ", &key]))?;
                *match key.as_str() {
                    "mode" => &mut m.mode,
                    "uid" => &mut m.uid,
                    _ => &mut m.gid,
                } = Some(n);
            }
            _ => return Err(cat(&["unexpected key '", &key, "' in '", field, "'"])),
        }
    }
    if m.type_expr.is_none() {
        validate(&mut m, ro_auto)?;
    }
    Ok(m)
}

/// `unexpected key '…' for mount type '…'`.
fn not_for_type(key: &str, kind: MountType) -> String {
    cat(&[
        "unexpected key '",
        key,
        "' for mount type '",
        type_name(kind),
        "'",
    ])
}

fn type_name(t: MountType) -> &'static str {
    match t {
        MountType::Bind => "bind",
        MountType::Cache => "cache",
        MountType::Tmpfs => "tmpfs",
        MountType::Secret => "secret",
        MountType::Ssh => "ssh",
    }
}

/// `validateMount`.
fn validate(m: &mut Mount, ro_auto: bool) -> Result<(), String> {
    let t = type_name(m.kind);
    if !matches!(
        m.kind,
        MountType::Secret | MountType::Ssh | MountType::Cache
    ) {
        for (set, what) in [
            (m.mode.is_some(), "mode"),
            (m.uid.is_some(), "uid"),
            (m.gid.is_some(), "gid"),
        ] {
            if set {
                return Err(cat(&[what, " not allowed for \"", t, "\" type mounts"]));
            }
        }
    }
    if ro_auto {
        m.readonly = !matches!(m.kind, MountType::Cache | MountType::Tmpfs);
    }
    if m.kind == MountType::Secret {
        if m.from.is_some() {
            return Err("secret mount should not have a from".into());
        }
        if m.sharing.is_some() {
            return Err("secret mount should not define sharing".into());
        }
        if m.source.is_none() && m.target.is_none() && m.id.is_none() && m.env.is_none() {
            return Err("invalid secret mount. one of source, target required".into());
        }
        if m.source.is_some() && m.id.is_some() {
            return Err("both source and id can't be set".into());
        }
    }
    if m.sharing.is_some() && m.kind != MountType::Cache {
        return Err(cat(&["invalid cache sharing set for ", t, " mount"]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass() {
        let m = parse_mount("type=cache,target=/root/.cache,sharing=locked,id=pip,mode=0755,uid=1")
            .unwrap();
        assert_eq!(m.kind, MountType::Cache);
        assert_eq!(m.sharing, Some(Sharing::Locked));
        assert_eq!(m.mode, Some(0o755));
        assert!(!m.readonly);
        let m = parse_mount("target=/src,from=build,source=/out,rw").unwrap();
        assert_eq!(m.kind, MountType::Bind);
        assert!(!m.readonly);
        assert!(parse_mount("type=bind,target=/x").unwrap().readonly);
        let m = parse_mount("type=secret,id=tok,env=TOKEN,required").unwrap();
        assert!(m.required);
        let m = parse_mount("type=tmpfs,target=/t,size=64m").unwrap();
        assert_eq!(m.size, Some(64 << 20));
        for (v, want) in [
            ("1.5k", 1536),
            (".5m", 512 << 10),
            ("2.", 2),
            ("7 GiB", 7 << 30),
            ("10", 10),
        ] {
            assert_eq!(ram_in_bytes(v), Some(want), "{v}");
        }
        for v in ["", ".", "1.2.3", "5x", "k"] {
            assert_eq!(ram_in_bytes(v), None, "{v}");
        }
        assert!(parse_mount("type=ssh").is_ok());
        assert_eq!(csv_fields(r#"a,"b,c""d",e"#).unwrap(), ["a", "b,c\"d", "e"]);
    }

    #[test]
    fn fail() {
        for v in [
            "type=nope",
            "type=bind,required",
            "type=secret",
            "type=secret,from=x,id=a",
            "type=bind,mode=0755",
            "type=bind,sharing=shared",
            "type=cache,sharing=weird",
            "type=cache,bogus=1",
            "type=cache,target",
            "type=bind,from=$X",
            "type=cache,mode=9",
            "a\"b",
        ] {
            assert!(parse_mount(v).is_err(), "{v}");
        }
    }

    /// The bare words, and keys a typed-by-variable mount may take.
    #[test]
    fn words_and_deferred_checks() {
        assert!(parse_mount("type=cache,target=/x,ro").unwrap().readonly);
        assert!(
            parse_mount("type=cache,target=/x,readonly")
                .unwrap()
                .readonly
        );
        assert!(!parse_mount("target=/x,rw").unwrap().readonly);
        assert!(!parse_mount("target=/x,ReadWrite").unwrap().readonly);
        assert!(parse_mount("type=secret,id=a,required").unwrap().required);
        assert!(parse_mount("type=ssh,required=true").unwrap().required);
        assert!(parse_mount("type=$T,size=1g,required=$R").is_ok());
        assert_eq!(
            parse_mount("type=cache,target=/x,mode=+0755").unwrap().mode,
            Some(0o755)
        );
        assert_eq!(
            parse_mount("type=cache,target=/x,uid=$U").unwrap().uid,
            None
        );
    }

    /// Each refusal in BuildKit's words (`commands_runmount.go`).
    #[test]
    fn refusals_in_buildkits_words() {
        for (v, msg) in [
            (
                "\"a",
                "failed to parse csv mounts: extraneous or missing \" in quoted-field",
            ),
            (
                "a\"b",
                "failed to parse csv mounts: bare \" in non-quoted-field",
            ),
            ("foo", "invalid field 'foo' must be a key=value pair"),
            (
                "type=bind,required",
                "unexpected key 'required' for mount type 'bind'",
            ),
            (
                "type=cache,target=/x,size=1",
                "unexpected key 'size' for mount type 'cache'",
            ),
            ("bar=1", "unexpected key 'bar' in 'bar=1'"),
            ("type=bind,ro=maybe", "invalid value for ro: maybe"),
            ("type=cache,target=/x,mode=9", "invalid value 9 for mode"),
            ("type=nfs", "unsupported mount type \"nfs\""),
            (
                "type=cache,target=/x,sharing=none",
                "unsupported sharing value \"none\"",
            ),
            (
                "from=$X",
                "'from' doesn't support variable expansion, define alias stage instead",
            ),
            (
                "type=bind,target=/x,uid=1",
                "uid not allowed for \"bind\" type mounts",
            ),
            (
                "type=secret,id=a,from=x",
                "secret mount should not have a from",
            ),
            (
                "type=secret,id=a,sharing=locked",
                "secret mount should not define sharing",
            ),
            (
                "type=secret",
                "invalid secret mount. one of source, target required",
            ),
            (
                "type=secret,source=a,id=b",
                "both source and id can't be set",
            ),
            (
                "type=tmpfs,target=/x,sharing=locked",
                "invalid cache sharing set for tmpfs mount",
            ),
        ] {
            assert_eq!(parse_mount(v).unwrap_err(), msg, "{v}");
        }
    }
}
