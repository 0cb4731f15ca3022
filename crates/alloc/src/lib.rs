//! The playground's allocator: one free list per power-of-two size class,
//! carved from fresh wasm pages.
//!
//! Why not the standard one: Rust's wasm32 default is dlmalloc, about 7 KB
//! of code (2.7 KB gzip) in a bundle that must stay under 250 KB. This one
//! is a few hundred bytes and O(1) for every call. The price is memory:
//! a block is rounded up to a power of two, and a freed block is only
//! reused by its own class. Wasm memory never shrinks anyway, and the page
//! holds one editor's analysis at a time, so the peak stays within about
//! twice the live data.
//!
//! The logic ([`Heap`]) is plain integer arithmetic over addresses, tested
//! natively against a simulated memory; [`WasmPages`] wires it to
//! `memory.grow` as the global allocator (single-threaded: wasm32 without
//! atomics).

#![no_std]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// Wasm page size.
pub const PAGE: usize = 65536;
/// Smallest block: room for the free-list link.
const MIN_SHIFT: u32 = 3;
const CLASSES: usize = usize::BITS as usize;

/// Where fresh memory comes from.
pub trait Grow {
    /// Adds `pages` pages; returns the address where they start, or None.
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

/// Size-class state: free-list heads (0 = empty) and the bump region.
pub struct Heap<G> {
    free: [usize; CLASSES],
    top: usize,
    end: usize,
    grow: G,
}

/// The class of a request: the power of two that holds it (and its alignment).
fn class(layout: &Layout) -> u32 {
    let size = layout.size().max(layout.align()).max(1 << MIN_SHIFT);
    usize::BITS - (size - 1).leading_zeros()
}

impl<G: Grow> Heap<G> {
    pub const fn new(grow: G) -> Self {
        Heap {
            free: [0; CLASSES],
            top: 0,
            end: 0,
            grow,
        }
    }

    /// # Safety
    /// The addresses handed out are only valid memory if `grow` returns real
    /// fresh memory; links are written into freed blocks.
    pub unsafe fn alloc(&mut self, layout: Layout) -> usize {
        self.try_alloc(layout).unwrap_or(0)
    }

    unsafe fn try_alloc(&mut self, layout: Layout) -> Option<usize> {
        // Blocks are aligned to their size, up to a page: that covers every
        // alignment up to a page (a class is at least its alignment). Larger
        // alignments are refused (null), as `GlobalAlloc` allows.
        if layout.align() > PAGE {
            return None;
        }
        let k = class(&layout) as usize;
        if k >= CLASSES - 1 {
            return None;
        }
        let head = self.free[k];
        if head != 0 {
            self.free[k] = *(head as *const usize);
            return Some(head);
        }
        let size = 1usize << k;
        let align = size.min(PAGE);
        // The aligned start of a block of `size` between `top` and `end`.
        let fit = |top: usize, end: usize| {
            let at = top.checked_add(align - 1)? & !(align - 1);
            (at.checked_add(size)? <= end).then_some(at)
        };
        let at = match fit(self.top, self.end).filter(|_| self.top != 0) {
            Some(at) => at,
            None => {
                let pages = size.checked_add(align)?.div_ceil(PAGE);
                let start = self.grow.grow(pages)?;
                let end = start.checked_add(pages.checked_mul(PAGE)?)?;
                if start != self.end {
                    // Not contiguous with the last region: start over there.
                    self.top = start;
                }
                self.end = end;
                fit(self.top, self.end)?
            }
        };
        self.top = at + size;
        Some(at)
    }

    /// # Safety
    /// `ptr` must come from `alloc` with the same layout, and not be freed twice.
    pub unsafe fn dealloc(&mut self, ptr: usize, layout: Layout) {
        let k = class(&layout) as usize;
        *(ptr as *mut usize) = self.free[k];
        self.free[k] = ptr;
    }

    /// Whether a block of `layout` can simply keep serving `new_size` bytes.
    pub fn fits(layout: &Layout, new_size: usize) -> bool {
        Layout::from_size_align(new_size, layout.align()).is_ok_and(|l| class(&l) == class(layout))
    }
}

/// Fresh pages from `memory.grow`.
pub struct WasmPages;

impl Grow for WasmPages {
    fn grow(&mut self, pages: usize) -> Option<usize> {
        #[cfg(target_arch = "wasm32")]
        {
            let old = core::arch::wasm32::memory_grow(0, pages);
            (old != usize::MAX).then_some(old * PAGE)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = pages;
            None
        }
    }
}

/// The global allocator for the wasm build (`#[global_allocator]`).
pub struct PageAlloc(UnsafeCell<Heap<WasmPages>>);

// Wasm32 without atomics has one thread.
unsafe impl Sync for PageAlloc {}

impl PageAlloc {
    pub const fn new() -> Self {
        PageAlloc(UnsafeCell::new(Heap::new(WasmPages)))
    }
}

impl Default for PageAlloc {
    fn default() -> Self {
        Self::new()
    }
}

unsafe impl GlobalAlloc for PageAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match (*self.0.get()).alloc(layout) {
            0 => null_mut(),
            p => p as *mut u8,
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).dealloc(ptr as usize, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Heap::<WasmPages>::fits(&layout, new_size) {
            return ptr;
        }
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        let new = self.alloc(new_layout);
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// A simulated memory: a real buffer handed out a few pages at a time,
    /// sometimes with a gap (as if something else had grown memory).
    struct Sim {
        base: usize,
        used: usize,
        cap: usize,
        grows: usize,
    }

    impl Grow for Sim {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            self.grows += 1;
            if self.grows % 5 == 0 {
                self.used += PAGE; // a gap
            }
            let start = self.base + self.used;
            if self.used + pages * PAGE > self.cap {
                return None;
            }
            self.used += pages * PAGE;
            Some(start)
        }
    }

    fn sim(pages: usize) -> (Vec<u8>, Heap<Sim>) {
        let buf = std::vec![0u8; (pages + 1) * PAGE];
        let base = (buf.as_ptr() as usize + PAGE - 1) & !(PAGE - 1);
        (
            buf,
            Heap::new(Sim {
                base,
                used: 0,
                cap: pages * PAGE,
                grows: 0,
            }),
        )
    }

    #[test]
    fn classes_round_up_to_powers_of_two() {
        let c = |size, align| class(&Layout::from_size_align(size, align).unwrap());
        assert_eq!(c(1, 1), 3);
        assert_eq!(c(8, 8), 3);
        assert_eq!(c(9, 1), 4);
        assert_eq!(c(16, 1), 4);
        assert_eq!(c(17, 1), 5);
        assert_eq!(c(3, 64), 6);
        assert_eq!(c(PAGE, 1), 16);
        assert!(Heap::<Sim>::fits(
            &Layout::from_size_align(20, 4).unwrap(),
            32
        ));
        assert!(!Heap::<Sim>::fits(
            &Layout::from_size_align(20, 4).unwrap(),
            33
        ));
    }

    #[test]
    fn random_use_never_overlaps_and_keeps_contents() {
        let (_buf, mut heap) = sim(600);
        let mut live: Vec<(usize, Layout, u8)> = Vec::new();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..20_000u32 {
            let r = next();
            if live.len() < 300 && r % 3 != 0 {
                let size = match r % 10 {
                    0 => (next() % 200_000) as usize + 1,
                    1..=3 => (next() % 4000) as usize + 1,
                    _ => (next() % 64) as usize + 1,
                };
                let align = 1usize << (next() % 7);
                let layout = Layout::from_size_align(size, align).unwrap();
                let p = unsafe { heap.alloc(layout) };
                assert_ne!(p, 0, "out of simulated memory at round {round}");
                assert_eq!(p % align, 0, "alignment");
                let fill = (round % 251) as u8;
                unsafe { core::ptr::write_bytes(p as *mut u8, fill, size) };
                live.push((p, layout, fill));
            } else if !live.is_empty() {
                let i = (next() as usize) % live.len();
                let (p, layout, fill) = live.swap_remove(i);
                let bytes = unsafe { core::slice::from_raw_parts(p as *const u8, layout.size()) };
                assert!(bytes.iter().all(|&b| b == fill), "a block was overwritten");
                unsafe { heap.dealloc(p, layout) };
            }
        }
        // No two live blocks overlap.
        live.sort_by_key(|b| b.0);
        for w in live.windows(2) {
            assert!(w[0].0 + w[0].1.size() <= w[1].0, "overlapping blocks");
        }
    }

    #[test]
    fn freed_blocks_are_reused_by_their_class() {
        let (_buf, mut heap) = sim(4);
        let l = Layout::from_size_align(24, 8).unwrap();
        let a = unsafe { heap.alloc(l) };
        let b = unsafe { heap.alloc(l) };
        unsafe { heap.dealloc(a, l) };
        assert_eq!(unsafe { heap.alloc(l) }, a);
        assert_ne!(a, b);
    }

    #[test]
    fn running_out_returns_null_not_garbage() {
        let (_buf, mut heap) = sim(2);
        let big = Layout::from_size_align(3 * PAGE, 8).unwrap();
        assert_eq!(unsafe { heap.alloc(big) }, 0);
        let huge = Layout::from_size_align(usize::MAX / 2, 1).unwrap();
        assert_eq!(unsafe { heap.alloc(huge) }, 0);
        // Alignment beyond a page is refused rather than silently broken.
        let over_aligned = Layout::from_size_align(1 << 17, 1 << 17).unwrap();
        assert_eq!(unsafe { heap.alloc(over_aligned) }, 0);
        // Small requests still work afterwards.
        assert_ne!(
            unsafe { heap.alloc(Layout::from_size_align(10, 1).unwrap()) },
            0
        );
    }
}
