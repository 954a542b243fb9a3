//! One RAM disk: capacity, page tree and counters, with the byte-level
//! operations the block driver needs.
use crate::copy;
use crate::errno::{EINVAL, EIO};
use crate::mem::{NeedPage, Retire, Spare};
use crate::tree::Tree;
use crate::{PAGE_SIZE, SECTORS_PER_PAGE, SECTOR_SHIFT, SECTOR_SIZE};
use core::sync::atomic::{AtomicU64, Ordering};

pub struct RamDisk {
    nr_sectors: AtomicU64,
    /// highest end sector (exclusive) ever written; resize may not go below
    max_sector: AtomicU64,
    tree: Tree,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub nr_sectors: u64,
    pub pages: u64,
    pub max_sector: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteError {
    /// negative errno without the sign
    Errno(i32),
    /// a page is missing and no spare was given
    NeedPage,
}

/// Outcome of a resize request, see [`RamDisk::resize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResizeError {
    Unaligned,
    BelowWritten,
    NoMemory,
}

fn pages_for(nr_sectors: u64) -> u64 {
    nr_sectors.div_ceil(SECTORS_PER_PAGE)
}

/// Split the byte range starting at `sector` into (page index, offset in
/// page, length) pieces, each inside one page.
fn pieces(sector: u64, len: usize) -> impl Iterator<Item = (u64, usize, usize)> {
    let mut index = sector / SECTORS_PER_PAGE;
    let mut offset = ((sector % SECTORS_PER_PAGE) << SECTOR_SHIFT) as usize;
    let mut left = len;
    core::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let chunk = left.min(PAGE_SIZE - offset);
        let piece = (index, offset, chunk);
        index += 1;
        offset = 0;
        left -= chunk;
        Some(piece)
    })
}

/// The bytes `offset..offset+len` of a data page.
///
/// # Safety
/// `page` must be a live data page and nobody may hold another reference
/// to the same bytes for the lifetime of the slice (the block layer gives
/// overlapping I/O no ordering, as for any disk).
unsafe fn page_bytes<'a>(page: *mut u8, offset: usize, len: usize) -> &'a mut [u8] {
    crate::bug::kbug_on!(offset + len > PAGE_SIZE);
    core::slice::from_raw_parts_mut(page.add(offset), len)
}

impl RamDisk {
    pub fn new(nr_sectors: u64) -> Option<RamDisk> {
        Some(RamDisk {
            nr_sectors: AtomicU64::new(nr_sectors),
            max_sector: AtomicU64::new(0),
            tree: Tree::new(pages_for(nr_sectors))?,
        })
    }

    pub fn destroy(self) {
        self.tree.destroy()
    }

    /// Checks a request of `bytes` at `sector`: sector multiple, inside the disk.
    fn check_range(&self, sector: u64, bytes: u64) -> Result<u64, i32> {
        if !bytes.is_multiple_of(SECTOR_SIZE) {
            return Err(EINVAL);
        }
        let end = sector.checked_add(bytes >> SECTOR_SHIFT).ok_or(EIO)?;
        // Acquire pairs with resize's Release: a capacity seen here comes
        // with the tree levels grown for it
        if end > self.nr_sectors.load(Ordering::Acquire) {
            return Err(EIO);
        }
        Ok(end)
    }

    pub fn read(&self, sector: u64, buf: &mut [u8]) -> Result<(), i32> {
        self.check_range(sector, buf.len() as u64)?;
        let mut rest = buf;
        for (index, offset, len) in pieces(sector, rest.len()) {
            let Some((out, tail)) = core::mem::take(&mut rest).split_at_mut_checked(len) else {
                crate::bug::bug(line!())
            };
            let page = self.tree.lookup(index);
            if page.is_null() {
                copy::zero(out);
            } else {
                // SAFETY: published pages stay valid while the caller is in
                // an RCU read section; see page_bytes.
                copy::copy(out, unsafe { page_bytes(page, offset, len) });
            }
            rest = tail;
        }
        Ok(())
    }

    /// Write `buf` at `sector`. Missing pages come from `spare`; without one
    /// the write stops with [`WriteError::NeedPage`] and may be repeated.
    pub fn write(&self, sector: u64, buf: &[u8], spare: &mut Spare) -> Result<(), WriteError> {
        let end = self
            .check_range(sector, buf.len() as u64)
            .map_err(WriteError::Errno)?;
        if buf.is_empty() {
            return Ok(());
        }
        let mut rest = buf;
        for (index, offset, len) in pieces(sector, rest.len()) {
            let Some((data, tail)) = rest.split_at_checked(len) else {
                crate::bug::bug(line!())
            };
            let page = self
                .tree
                .lookup_or_fill(index, spare)
                .map_err(|NeedPage| WriteError::NeedPage)?;
            // SAFETY: as in read.
            copy::copy(unsafe { page_bytes(page, offset, len) }, data);
            rest = tail;
        }
        self.max_sector.fetch_max(end, Ordering::Relaxed);
        Ok(())
    }

    /// Discard / write-zeroes: pages wholly inside the range leave the tree
    /// (and are freed after readers are done); partly covered pages that
    /// exist get zeroes over the covered part. Afterwards the range reads
    /// as zeroes and the memory of whole pages is given back.
    pub fn zero(&self, sector: u64, nr_sectors: u64, retire: Retire) -> Result<(), i32> {
        let bytes = nr_sectors.checked_mul(SECTOR_SIZE).ok_or(EIO)?;
        let end = self.check_range(sector, bytes)?;
        if nr_sectors == 0 {
            return Ok(());
        }
        let first_whole = sector.div_ceil(SECTORS_PER_PAGE);
        let end_whole = end / SECTORS_PER_PAGE;
        if first_whole < end_whole {
            self.tree.remove_range(first_whole, end_whole - 1, retire);
        }
        let head_end = end.min(first_whole.saturating_mul(SECTORS_PER_PAGE));
        self.zero_partial(sector, head_end);
        self.zero_partial((end_whole * SECTORS_PER_PAGE).max(head_end), end);
        Ok(())
    }

    /// Zero sectors `from..to` (within one page) of an existing page.
    fn zero_partial(&self, from: u64, to: u64) {
        if from >= to {
            return;
        }
        let page = self.tree.lookup(from / SECTORS_PER_PAGE);
        if !page.is_null() {
            let offset = ((from % SECTORS_PER_PAGE) << SECTOR_SHIFT) as usize;
            let len = ((to - from) << SECTOR_SHIFT) as usize;
            // SAFETY: as in read.
            copy::zero(unsafe { page_bytes(page, offset, len) });
        }
    }

    /// Give back every data page and reset the counters (flush ioctl).
    pub fn free_all(&self, retire: Retire) {
        self.tree.remove_range(0, u64::MAX, retire);
        self.max_sector.store(0, Ordering::Relaxed);
    }

    /// Change the capacity to `size` bytes. Growing is free; shrinking is
    /// allowed while the new end stays above the highest written sector.
    pub fn resize(&self, size: u64) -> Result<(), ResizeError> {
        if !size.is_multiple_of(SECTOR_SIZE) {
            return Err(ResizeError::Unaligned);
        }
        let nr_sectors = size >> SECTOR_SHIFT;
        if nr_sectors <= self.max_sector.load(Ordering::Relaxed) {
            return Err(ResizeError::BelowWritten);
        }
        if !self.tree.grow(pages_for(nr_sectors)) {
            return Err(ResizeError::NoMemory);
        }
        self.nr_sectors.store(nr_sectors, Ordering::Release);
        Ok(())
    }

    pub fn usage(&self) -> Usage {
        Usage {
            nr_sectors: self.nr_sectors.load(Ordering::Relaxed),
            pages: self.tree.pages(),
            max_sector: self.max_sector.load(Ordering::Relaxed),
        }
    }
}
