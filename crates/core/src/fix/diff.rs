//! A unified diff of two texts, line by line (Myers' O(ND) algorithm).

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The line-level edit script turning `a` into `b`.
pub fn diff_lines<'a>(a: &'a str, b: &'a str) -> Vec<DiffLine<'a>> {
    let x: Vec<&str> = a.split_inclusive('\n').collect();
    let y: Vec<&str> = b.split_inclusive('\n').collect();
    let (n, m) = (x.len() as isize, y.len() as isize);
    let max = (n + m) as usize;
    let offset = max as isize + 1;
    let mut v = vec![0isize; 2 * max + 3];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    'outer: for d in 0..=max as isize {
        trace.push(v.clone());
        let mut k = -d;
        while k <= d {
            let idx = (k + offset) as usize;
            let mut xi = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
                v[idx + 1]
            } else {
                v[idx - 1] + 1
            };
            let mut yi = xi - k;
            while xi < n && yi < m && x[xi as usize] == y[yi as usize] {
                xi += 1;
                yi += 1;
            }
            v[idx] = xi;
            if xi >= n && yi >= m {
                trace.push(v.clone());
                break 'outer;
            }
            k += 2;
        }
    }
    // Backtrack.
    let mut out = Vec::new();
    let (mut xi, mut yi) = (n, m);
    for d in (1..trace.len() as isize - 1).rev() {
        let v = &trace[d as usize];
        let k = xi - yi;
        let idx = (k + offset) as usize;
        let prev_k = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = v[(prev_k + offset) as usize];
        let prev_y = prev_x - prev_k;
        while xi > prev_x && yi > prev_y {
            xi -= 1;
            yi -= 1;
            out.push(DiffLine::Same(x[xi as usize]));
        }
        if xi == prev_x {
            yi -= 1;
            out.push(DiffLine::Added(y[yi as usize]));
        } else {
            xi -= 1;
            out.push(DiffLine::Removed(x[xi as usize]));
        }
    }
    while xi > 0 && yi > 0 {
        xi -= 1;
        yi -= 1;
        out.push(DiffLine::Same(x[xi as usize]));
    }
    out.reverse();
    out
}

/// A unified diff with 3 lines of context, `---`/`+++` headers included.
/// Empty when the texts are equal.
pub fn unified(a: &str, b: &str, name: &str) -> String {
    if a == b {
        return String::new();
    }
    let lines = diff_lines(a, b);
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    let ctx = 3usize;
    let changed: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(l, DiffLine::Same(_)))
        .map(|(i, _)| i)
        .collect();
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(ctx);
        let mut end = changed[i];
        while i < changed.len() && changed[i] <= end + 2 * ctx {
            end = changed[i];
            i += 1;
        }
        let end = (end + ctx + 1).min(lines.len());
        let (mut a_line, mut b_line) = (1, 1);
        for l in &lines[..start] {
            match l {
                DiffLine::Same(_) => {
                    a_line += 1;
                    b_line += 1;
                }
                DiffLine::Removed(_) => a_line += 1,
                DiffLine::Added(_) => b_line += 1,
            }
        }
        let hunk = &lines[start..end];
        let a_len = hunk
            .iter()
            .filter(|l| !matches!(l, DiffLine::Added(_)))
            .count();
        let b_len = hunk
            .iter()
            .filter(|l| !matches!(l, DiffLine::Removed(_)))
            .count();
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            if a_len == 0 { a_line - 1 } else { a_line },
            a_len,
            if b_len == 0 { b_line - 1 } else { b_line },
            b_len
        ));
        for l in hunk {
            let (sign, text) = match l {
                DiffLine::Same(t) => (' ', *t),
                DiffLine::Removed(t) => ('-', *t),
                DiffLine::Added(t) => ('+', *t),
            };
            out.push(sign);
            out.push_str(text.trim_end_matches('\n').trim_end_matches('\r'));
            out.push('\n');
            if !text.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diff_of_a_move() {
        let a = "FROM x\nCOPY . .\nRUN apt-get install -y curl\nCMD y\n";
        let b = "FROM x\nRUN apt-get install -y curl\nCOPY . .\nCMD y\n";
        let d = unified(a, b, "Dockerfile");
        assert!(
            d.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,4 +1,4 @@\n"),
            "{d}"
        );
        assert_eq!(
            d.lines()
                .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
                .count(),
            1
        );
        assert_eq!(
            d.lines()
                .filter(|l| l.starts_with('-') && !l.starts_with("---"))
                .count(),
            1
        );
    }

    #[test]
    fn reconstructs_both_sides() {
        let a = "a\nb\nc\nd\ne\n";
        let b = "a\nc\nd\nX\ne\nf\n";
        let lines = diff_lines(a, b);
        let left: String = lines
            .iter()
            .filter_map(|l| match l {
                DiffLine::Same(t) | DiffLine::Removed(t) => Some(*t),
                _ => None,
            })
            .collect();
        let right: String = lines
            .iter()
            .filter_map(|l| match l {
                DiffLine::Same(t) | DiffLine::Added(t) => Some(*t),
                _ => None,
            })
            .collect();
        assert_eq!((left.as_str(), right.as_str()), (a, b));
        assert_eq!(unified(a, a, "x"), "");
    }
}
