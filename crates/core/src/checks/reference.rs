//! Docker's image reference grammar (`distribution/reference`,
//! `ParseNormalizedNamed`), enough to tell a valid base image name.

fn alnum_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn path_component(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let run = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && alnum_lower(b[*i]) {
            *i += 1;
        }
        *i > st
    };
    if !run(&mut i) {
        return false;
    }
    while i < b.len() {
        let sep_start = i;
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < b.len() && b[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < b.len() && b[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        if i == sep_start || !run(&mut i) {
            return false;
        }
    }
    true
}

/// `domain-component(\.domain-component)*(:port)?`
fn domain(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    if host.starts_with('[') {
        return host.ends_with(']');
    }
    !host.is_empty()
        && host.split('.').all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
        })
}

/// `[\w][\w.-]{0,127}`
fn tag(s: &str) -> bool {
    let b = s.as_bytes();
    let w = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    !b.is_empty() && b.len() <= 128 && w(b[0]) && b.iter().all(|&x| w(x) || x == b'.' || x == b'-')
}

/// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`
fn digest(s: &str) -> bool {
    let Some((alg, hex)) = s.split_once(':') else { return false };
    let alg_ok = alg
        .split(['-', '_', '+', '.'])
        .all(|c| c.as_bytes().first().is_some_and(|b| b.is_ascii_alphabetic()) && c.bytes().all(|b| b.is_ascii_alphanumeric()));
    alg_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `s` is a reference `ParseNormalizedNamed` accepts.
pub fn is_valid(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return false;
    }
    let (rest, dig) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if dig.is_some_and(|d| !digest(d)) {
        return false;
    }
    // The tag: after the last ':' that follows the last '/'.
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tg) = match rest[slash..].find(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    if tg.is_some_and(|t| !tag(t)) || name.is_empty() || name.len() > 255 {
        return false;
    }
    // splitDockerDomain: the first component is a domain when it has a '.'
    // or ':', is `localhost`, or has an upper-case letter.
    let (dom, path) = match name.split_once('/') {
        Some((d, p))
            if d.contains(['.', ':']) || d == "localhost" || d.to_ascii_lowercase() != d =>
        {
            (Some(d), p)
        }
        _ => (None, name),
    };
    dom.is_none_or(domain) && path.split('/').all(path_component)
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn references() {
        for r in [
            "alpine", "golang:1.22-alpine", "ghcr.io/a/b:c", "localhost:5000/x", "scratch",
            "node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "a__b/c-d.e", "mcr.microsoft.com/dotnet/sdk:8.0",
        ] {
            assert!(is_valid(r), "{r}");
        }
        for r in ["", ":latest", "Ubuntu", "a/:x", "/alpine", "alpine:", "alpine:-x", "-a"] {
            assert!(!is_valid(r), "{r}");
        }
    }
}
