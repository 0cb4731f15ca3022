//! A small stable sort for the few places the core (and the playground)
//! sort. The standard library's sorts are fast but each call site
//! instantiates its own quicksort, driftsort and small-sort kernels: about
//! 2 KB of wasm per call, 19 KB for the playground's handful of sorts. Here
//! one non-generic merge sort orders indices through a `dyn` comparison, and
//! only a short permutation is generic. Still O(n log n), still stable.
//!
//! Measured on 2026-12-02 (issue 14 asked to use std unless it costs more
//! than 5 KB gzip): with these functions delegating to std's `sort_by_key`,
//! `sort_by` and `sort` at the 19 call sites, `dist/` grew from 298.5 KB to
//! 309.5 KB gzip (+11.0 KB), so this stays. `matches_the_standard_stable_sort`
//! checks it against std's stable sort.
//!
//! Invariant: stable (equal elements keep their order) and O(n log n);
//! `matches_the_standard_stable_sort` holds it to std's stable sort.

use std::cmp::Ordering;

/// Sorts `v` by the key `key` computes once per element, stably: elements
/// with equal keys keep their order.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let keys: Vec<K> = v.iter().map(key).collect();
    let order = merge_order(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
    permute(v, &order);
}

/// Sorts `v` by the comparison `cmp`, stably.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let order = merge_order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    permute(v, &order);
}

/// Sorts and removes repeated elements.
pub fn sort_dedup<T: Ord>(v: &mut Vec<T>) {
    let order = merge_order(v.len(), &|a, b| v[a].cmp(&v[b]));
    permute(v, &order);
    v.dedup();
}

/// Rearranges `v` so that position i holds the element that was at `order[i]`.
fn permute<T>(v: &mut Vec<T>, order: &[usize]) {
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.iter().filter_map(|&i| slots[i].take()));
}

/// The stable sorted order of the indices `0..n` (bottom-up merge sort).
#[inline(never)]
fn merge_order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    let mut b = a.clone();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut l, mut r) = (start, mid);
            for slot in &mut b[start..end] {
                // Take from the left run unless the right one is strictly smaller: stable.
                if l < mid && (r >= end || cmp(a[r], a[l]) != Ordering::Less) {
                    *slot = a[l];
                    l += 1;
                } else {
                    *slot = a[r];
                    r += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        // A small deterministic generator: many lengths, many duplicate keys.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in (0..70).chain([255, 256, 257, 1000]) {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    ((seed % 7) as u8, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by_key(&mut ours, |p| p.0);
            let mut std_sorted = v.clone();
            std_sorted.sort_by_key(|p| p.0);
            assert_eq!(ours, std_sorted, "length {len}");
        }
    }

    #[test]
    fn sort_dedup_sorts_and_removes_repeats() {
        let mut v = vec!["LL502", "LL101", "LL502", "LL303", "LL101"];
        sort_dedup(&mut v);
        assert_eq!(v, ["LL101", "LL303", "LL502"]);
        let mut empty: Vec<u8> = Vec::new();
        sort_dedup(&mut empty);
        assert!(empty.is_empty());
    }
}
