//! A unified diff of two texts, line by line (Myers' O(ND) algorithm).

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// Beyond this many differing lines (Myers' D), the differing middle of the
/// two texts is reported as removed, then added: the search keeps O(D²)
/// memory (about 16 MB at this bound), and a diff that large reads as
/// "everything changed" anyway.
const MAX_D: usize = 2000;

/// The line-level edit script turning `a` into `b`.
pub fn diff_lines<'a>(a: &'a str, b: &'a str) -> Vec<DiffLine<'a>> {
    let x: Vec<&str> = a.split_inclusive('\n').collect();
    let y: Vec<&str> = b.split_inclusive('\n').collect();
    // A common prefix and suffix need no search.
    let pre = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let suf = x[pre..]
        .iter()
        .rev()
        .zip(y[pre..].iter().rev())
        .take_while(|(p, q)| p == q)
        .count();
    let (xm, ym) = (&x[pre..x.len() - suf], &y[pre..y.len() - suf]);
    let mut out: Vec<DiffLine> = x[..pre].iter().map(|l| DiffLine::Same(l)).collect();
    match myers(xm, ym, MAX_D) {
        Some(middle) => out.extend(middle),
        None => {
            out.extend(xm.iter().map(|l| DiffLine::Removed(l)));
            out.extend(ym.iter().map(|l| DiffLine::Added(l)));
        }
    }
    out.extend(x[x.len() - suf..].iter().map(|l| DiffLine::Same(l)));
    out
}

/// Myers' O(ND) search, or None when the texts differ in more than `max_d`
/// lines. Row d of the trace holds the furthest x on each diagonal
/// k ∈ -d..=d (at index k + d).
fn myers<'a>(x: &[&'a str], y: &[&'a str], max_d: usize) -> Option<Vec<DiffLine<'a>>> {
    let (n, m) = (x.len() as isize, y.len() as isize);
    let max = ((n + m) as usize).min(max_d) as isize;
    let at = |row: &[isize], d: isize, k: isize| row[(k + d) as usize];
    // Whether diagonal k of row d is reached from k + 1 (a line of y added).
    let down = |prev: &[isize], d: isize, k: isize| {
        k == -d || (k != d && at(prev, d - 1, k - 1) < at(prev, d - 1, k + 1))
    };
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=max {
        let mut row = vec![0isize; (2 * d + 1) as usize];
        let mut k = -d;
        while k <= d {
            let mut xi = match trace.last() {
                None => 0,
                Some(prev) if down(prev, d, k) => at(prev, d - 1, k + 1),
                Some(prev) => at(prev, d - 1, k - 1) + 1,
            };
            let mut yi = xi - k;
            while xi < n && yi < m && x[xi as usize] == y[yi as usize] {
                xi += 1;
                yi += 1;
            }
            row[(k + d) as usize] = xi;
            if xi >= n && yi >= m {
                trace.push(row);
                return Some(backtrack(x, y, &trace, down, at));
            }
            k += 2;
        }
        trace.push(row);
    }
    None
}

fn backtrack<'a>(
    x: &[&'a str],
    y: &[&'a str],
    trace: &[Vec<isize>],
    down: impl Fn(&[isize], isize, isize) -> bool,
    at: impl Fn(&[isize], isize, isize) -> isize,
) -> Vec<DiffLine<'a>> {
    let mut out = Vec::new();
    let (mut xi, mut yi) = (x.len() as isize, y.len() as isize);
    for d in (1..trace.len() as isize).rev() {
        let prev = &trace[d as usize - 1];
        let k = xi - yi;
        let prev_k = if down(prev, d, k) { k + 1 } else { k - 1 };
        let prev_x = at(prev, d - 1, prev_k);
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
    // Line numbers at `counted` (1-based), advanced hunk by hunk.
    let (mut counted, mut a_line, mut b_line) = (0, 1, 1);
    while i < changed.len() {
        let start = changed[i].saturating_sub(ctx);
        let mut end = changed[i];
        while i < changed.len() && changed[i] <= end + 2 * ctx {
            end = changed[i];
            i += 1;
        }
        let end = (end + ctx + 1).min(lines.len());
        for l in &lines[counted..start] {
            match l {
                DiffLine::Same(_) => {
                    a_line += 1;
                    b_line += 1;
                }
                DiffLine::Removed(_) => a_line += 1,
                DiffLine::Added(_) => b_line += 1,
            }
        }
        counted = start;
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

    fn sides(lines: &[DiffLine]) -> (String, String, usize) {
        let (mut l, mut r, mut changes) = (String::new(), String::new(), 0);
        for d in lines {
            match d {
                DiffLine::Same(t) => {
                    l.push_str(t);
                    r.push_str(t);
                }
                DiffLine::Removed(t) => {
                    l.push_str(t);
                    changes += 1;
                }
                DiffLine::Added(t) => {
                    r.push_str(t);
                    changes += 1;
                }
            }
        }
        (l, r, changes)
    }

    #[test]
    fn random_edits_reconstruct_and_stay_minimal() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut next = |k: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % k
        };
        for _ in 0..300 {
            let a: Vec<String> = (0..next(30)).map(|_| format!("l{}\n", next(6))).collect();
            let mut b = a.clone();
            let edits = next(6);
            for _ in 0..edits {
                match next(3) {
                    0 if !b.is_empty() => {
                        let i = next(b.len() as u64) as usize;
                        b.remove(i);
                    }
                    1 => {
                        let i = next(b.len() as u64 + 1) as usize;
                        b.insert(i, format!("n{}\n", next(6)));
                    }
                    _ => {}
                }
            }
            let (a, b) = (a.concat(), b.concat());
            let lines = diff_lines(&a, &b);
            let (l, r, changes) = sides(&lines);
            assert_eq!((l.as_str(), r.as_str()), (a.as_str(), b.as_str()));
            // Each inserted or removed line costs at most one change each way.
            assert!(
                changes <= 2 * edits as usize,
                "{changes} changes for {edits} edits:\n{a}---\n{b}"
            );
        }
    }

    #[test]
    fn a_huge_difference_falls_back_to_remove_then_add() {
        let a: String = (0..3000).map(|i| format!("a{i}\n")).collect();
        let b: String = (0..3000).map(|i| format!("b{i}\n")).collect();
        let text = format!("FROM x\n{a}CMD y\n");
        let other = format!("FROM x\n{b}CMD y\n");
        let lines = diff_lines(&text, &other);
        let (l, r, changes) = sides(&lines);
        assert_eq!((l, r), (text.clone(), other.clone()));
        assert_eq!(changes, 6000);
        assert_eq!(lines[0], DiffLine::Same("FROM x\n"));
        assert_eq!(lines[1], DiffLine::Removed("a0\n"));
        assert_eq!(lines[3001], DiffLine::Added("b0\n"));
        let u = unified(&text, &other, "Dockerfile");
        assert_eq!(u.lines().nth(2), Some("@@ -1,3002 +1,3002 @@"));
    }

    #[test]
    fn hunk_headers_count_lines_across_hunks() {
        let a: String = (1..=40).map(|i| format!("l{i}\n")).collect();
        let b = a.replace("l5\n", "L5\n").replace("l30\n", "L30\n");
        let u = unified(&a, &b, "f");
        let headers: Vec<&str> = u.lines().filter(|l| l.starts_with("@@")).collect();
        assert_eq!(headers, ["@@ -2,7 +2,7 @@", "@@ -27,7 +27,7 @@"], "{u}");
    }
}
