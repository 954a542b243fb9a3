//! A radix tree of pages indexed by page number, read without locks.
//!
//! Every node is one page of 512 atomic pointers; level-1 nodes point to data
//! pages. The root word packs the root node address (page aligned) with the
//! tree depth in its low bits, so a reader always sees a matching pair. The
//! tree grows upwards (the old root becomes child 0 of a new root), so a
//! reader holding the old root still finds every page it covers. Slots are
//! filled with compare-and-swap: when two writers race for a missing page,
//! one allocation wins and the other is freed, so a page is allocated once.
//! Pages leave the tree only by swapping their slot to null and handing them
//! to a retire list that is freed after readers are done (RCU in the kernel).
use crate::mem::{self, NeedPage, Retire, Spare};
use crate::PAGE_SIZE;
use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

const FANOUT_SHIFT: u32 = 9;
const FANOUT: usize = 1 << FANOUT_SHIFT;
const DEPTH_MASK: usize = 0x7;
/// 512^7 pages cover every u64 sector number.
const MAX_DEPTH: u32 = 7;

const _: () = assert!(FANOUT * core::mem::size_of::<AtomicPtr<u8>>() == PAGE_SIZE);

type Node = [AtomicPtr<u8>; FANOUT];

pub struct Tree {
    root: AtomicUsize,
    /// data pages currently published
    pages: AtomicU64,
}

/// Pages covered by a tree of `depth` levels (saturating).
fn span(depth: u32) -> u64 {
    1u64.checked_shl(FANOUT_SHIFT * depth).unwrap_or(u64::MAX)
}

fn depth_for(nr_pages: u64) -> u32 {
    let mut depth = 1;
    while depth < MAX_DEPTH && span(depth) < nr_pages {
        depth += 1;
    }
    depth
}

fn slot_index(index: u64, level: u32) -> usize {
    ((index >> (FANOUT_SHIFT * (level - 1))) as usize) & (FANOUT - 1)
}

/// # Safety
/// `p` must be a live node page published in (or owned by) the tree.
unsafe fn node<'a>(p: *mut u8) -> &'a Node {
    &*p.cast::<Node>()
}

impl Tree {
    /// A tree able to address `nr_pages` pages, or None without memory.
    pub fn new(nr_pages: u64) -> Option<Tree> {
        let root = mem::alloc_page();
        if root.is_null() {
            return None;
        }
        let tree = Tree {
            root: AtomicUsize::new(root as usize | 1),
            pages: AtomicU64::new(0),
        };
        if tree.grow(nr_pages) {
            Some(tree)
        } else {
            tree.destroy();
            None
        }
    }

    fn load_root(&self) -> (*mut u8, u32) {
        let word = self.root.load(Ordering::Acquire);
        ((word & !DEPTH_MASK) as *mut u8, (word & DEPTH_MASK) as u32)
    }

    /// Add levels on top until `nr_pages` pages are addressable. Callers
    /// serialize growth (the mgmt mutex); readers and writers may run.
    pub fn grow(&self, nr_pages: u64) -> bool {
        loop {
            let (old, depth) = self.load_root();
            if depth >= depth_for(nr_pages) {
                return true;
            }
            let new = mem::alloc_page();
            if new.is_null() {
                return false;
            }
            // SAFETY: new is a fresh zeroed node page.
            let fresh = unsafe { node(new) };
            fresh[0].store(old, Ordering::Relaxed);
            self.root
                .store(new as usize | (depth + 1) as usize, Ordering::Release);
        }
    }

    pub fn pages(&self) -> u64 {
        self.pages.load(Ordering::Relaxed)
    }

    /// The data page holding `index`, or null for a hole.
    pub fn lookup(&self, index: u64) -> *mut u8 {
        let (mut cur, depth) = self.load_root();
        if index >= span(depth) {
            return ptr::null_mut();
        }
        for level in (1..=depth).rev() {
            // SAFETY: cur is a published node; nodes are never freed while
            // the tree lives.
            cur = unsafe { node(cur) }[slot_index(index, level)].load(Ordering::Acquire);
            if cur.is_null() {
                break;
            }
        }
        cur
    }

    /// The data page holding `index`; a missing page or node is filled from
    /// `spare`. The caller checked `index` against the capacity, which the
    /// tree always covers.
    pub fn lookup_or_fill(&self, index: u64, spare: &mut Spare) -> Result<*mut u8, NeedPage> {
        let (mut cur, depth) = self.load_root();
        crate::bug::kbug_on!(index >= span(depth));
        for level in (1..=depth).rev() {
            // SAFETY: as in lookup.
            let slot = &unsafe { node(cur) }[slot_index(index, level)];
            cur = slot.load(Ordering::Acquire);
            if cur.is_null() {
                let (page, published) = spare.fill(slot)?;
                if published && level == 1 {
                    self.pages.fetch_add(1, Ordering::Relaxed);
                }
                // a page a discard takes out after this point is retired,
                // not freed, until the caller's RCU section ends
                cur = page;
            }
        }
        Ok(cur)
    }

    /// Unpublish every data page with index in `first..=last` and retire it.
    pub fn remove_range(&self, first: u64, last: u64, retire: Retire) {
        let (root, depth) = self.load_root();
        let last = last.min(span(depth).saturating_sub(1));
        if first <= last {
            self.remove_in(root, depth, 0, first, last, retire);
        }
    }

    fn remove_in(&self, n: *mut u8, level: u32, base: u64, first: u64, last: u64, r: Retire) {
        let child_span = span(level - 1);
        // SAFETY: n is a published node.
        for (i, slot) in unsafe { node(n) }.iter().enumerate() {
            let lo = base + i as u64 * child_span;
            let hi = lo + (child_span - 1);
            if hi < first || lo > last || slot.load(Ordering::Acquire).is_null() {
                continue;
            }
            if level == 1 {
                let page = slot.swap(ptr::null_mut(), Ordering::AcqRel);
                if !page.is_null() {
                    self.pages.fetch_sub(1, Ordering::Relaxed);
                    r.page(page);
                }
            } else {
                let child = slot.load(Ordering::Acquire);
                self.remove_in(child, level - 1, lo, first, last, r);
            }
        }
    }

    /// Free every node and data page. No reader or writer may remain.
    pub fn destroy(self) {
        let (root, depth) = self.load_root();
        free_subtree(root, depth);
    }
}

fn free_subtree(n: *mut u8, level: u32) {
    // SAFETY: exclusive access at destroy time.
    for slot in unsafe { node(n) }.iter() {
        let child = slot.load(Ordering::Relaxed);
        if child.is_null() {
            continue;
        }
        if level == 1 {
            mem::free_page(child);
        } else {
            free_subtree(child, level - 1);
        }
    }
    mem::free_page(n);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(t: &Tree, index: u64) -> *mut u8 {
        let mut page = ptr::null_mut();
        loop {
            match t.lookup_or_fill(index, &mut Spare(&mut page)) {
                Ok(p) => {
                    if !page.is_null() {
                        mem::free_page(page);
                    }
                    return p;
                }
                Err(NeedPage) => page = mem::alloc_page(),
            }
        }
    }

    #[test]
    fn depth_grows_with_capacity() {
        assert_eq!(depth_for(0), 1);
        assert_eq!(depth_for(512), 1);
        assert_eq!(depth_for(513), 2);
        assert_eq!(depth_for(u64::MAX), MAX_DEPTH);
    }

    #[test]
    fn grown_tree_keeps_pages() {
        let t = Tree::new(4).unwrap();
        let p = fill(&t, 3);
        assert!(t.grow(1 << 30));
        assert_eq!(t.lookup(3), p);
        assert!(t.lookup(1 << 29).is_null());
        let q = fill(&t, 1 << 29);
        assert_eq!(t.lookup(1 << 29), q);
        assert_eq!(t.pages(), 2);
        t.destroy();
    }
}
