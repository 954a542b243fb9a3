//! Property tests: `RamDisk` against a plain model of the disk (written
//! sectors, allocated pages, highest written sector), on small dense disks
//! and on huge sparse ones whose radix tree is several levels deep.
#![cfg(feature = "host")]

use proptest::prelude::*;
use rdsk::errno::{EINVAL, EIO};
use rdsk::host::{self, LIVE_ALLOCATIONS};
use rdsk::mem::{Retire, Spare};
use rdsk::store::{RamDisk, ResizeError, Usage, WriteError};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;
use std::sync::{Mutex, PoisonError};

const SECTOR: usize = 512;
const SPP: u64 = 8;
/// Dense disks stay below 512 pages: the tree keeps depth 1 (no node
/// allocations), so the live allocation count is known exactly.
const DENSE_LIMIT: u64 = 264 * SPP;
const SPARSE_LIMIT: u64 = 1 << 41;

/// LIVE_ALLOCATIONS and the retired list are process-wide: every test in
/// this binary that allocates holds this lock.
static GLOBAL: Mutex<()> = Mutex::new(());

/// A sector position, resolved against the capacity when the op runs.
#[derive(Debug, Clone)]
enum Pos {
    Any(u64),
    /// one of five hot spots, so ops overlap even on huge disks
    Hot(u8, u64),
    NearEnd(u64),
    /// next to u64::MAX: end-sector overflow
    Huge(u64),
}

#[derive(Debug, Clone)]
enum Len {
    Small(u64),
    ToEnd,
    /// sectors * 512 overflows u64
    Overflow(u64),
}

#[derive(Debug, Clone)]
enum Op {
    /// `probe`: first try without a spare page (NeedPage exactly when a
    /// touched page is missing), then write through host::write
    Write {
        at: Pos,
        sectors: u64,
        seed: u64,
        probe: bool,
    },
    Read {
        at: Pos,
        sectors: u64,
    },
    /// a byte length that is no multiple of 512
    BadLen {
        at: Pos,
        bytes: usize,
        write: bool,
    },
    Zero {
        at: Pos,
        len: Len,
    },
    Resize {
        to: Pos,
        odd_bytes: u64,
    },
    FreeAll,
    CheckAll,
}

fn pos() -> impl Strategy<Value = Pos> {
    prop_oneof![
        4 => any::<u64>().prop_map(Pos::Any),
        4 => (0u8..5, 0u64..48).prop_map(|(h, o)| Pos::Hot(h, o)),
        2 => (0u64..48).prop_map(Pos::NearEnd),
        1 => (0u64..48).prop_map(Pos::Huge),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let len = prop_oneof![
        8 => (0u64..=48).prop_map(Len::Small),
        1 => Just(Len::ToEnd),
        1 => (u64::MAX / 512 + 1..=u64::MAX).prop_map(Len::Overflow),
    ];
    prop_oneof![
        10 => (pos(), 1u64..=40, any::<u64>(), any::<bool>())
            .prop_map(|(at, sectors, seed, probe)| Op::Write { at, sectors, seed, probe }),
        5 => (pos(), 0u64..=48).prop_map(|(at, sectors)| Op::Read { at, sectors }),
        1 => (pos(), 1usize..=20000, any::<bool>())
            .prop_filter_map("aligned", |(at, bytes, write)| {
                (!bytes.is_multiple_of(SECTOR)).then_some(Op::BadLen { at, bytes, write })
            }),
        5 => (pos(), len).prop_map(|(at, len)| Op::Zero { at, len }),
        2 => (pos(), prop_oneof![3 => Just(0u64), 1 => 1u64..512])
            .prop_map(|(to, odd_bytes)| Op::Resize { to, odd_bytes }),
        1 => Just(Op::FreeAll),
        1 => Just(Op::CheckAll),
    ]
}

struct Model {
    nr: u64,
    /// bounds Pos::Any for resize targets
    limit: u64,
    /// content of sectors that may be non-zero
    sectors: BTreeMap<u64, Vec<u8>>,
    pages: BTreeSet<u64>,
    max_sector: u64,
    /// pages handed to the retire list so far
    retired: u64,
}

impl Model {
    fn resolve(&self, p: &Pos, cap: u64) -> u64 {
        match *p {
            Pos::Any(x) => x % (cap + 1),
            Pos::Hot(h, o) => (self.nr / 5 * h as u64 + o).min(self.nr),
            Pos::NearEnd(d) => self.nr.saturating_sub(d),
            Pos::Huge(d) => u64::MAX - d,
        }
    }

    /// Sector range `sector..sector+n` if it lies inside the disk.
    fn range(&self, sector: u64, n: u64) -> Option<(u64, u64)> {
        sector
            .checked_add(n)
            .filter(|end| *end <= self.nr)
            .map(|end| (sector, end))
    }

    fn expected(&self, from: u64, to: u64) -> Vec<u8> {
        let mut out = vec![0; ((to - from) as usize) * SECTOR];
        for (s, data) in self.sectors.range(from..to) {
            let at = ((s - from) as usize) * SECTOR;
            out[at..at + SECTOR].copy_from_slice(data);
        }
        out
    }

    fn usage(&self) -> Usage {
        Usage {
            nr_sectors: self.nr,
            pages: self.pages.len() as u64,
            max_sector: self.max_sector,
        }
    }

    fn remove_pages(&mut self, first: u64, end: u64) {
        if first >= end {
            return;
        }
        let gone: Vec<u64> = self.pages.range(first..end).copied().collect();
        self.retired += gone.len() as u64;
        for p in gone {
            self.pages.remove(&p);
        }
    }
}

fn pattern(seed: u64, len: usize) -> Vec<u8> {
    // xorshift64: random bytes without a proptest value per byte
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn read_range(rd: &RamDisk, from: u64, to: u64) -> Vec<u8> {
    let mut buf = vec![0xa5; ((to - from) as usize) * SECTOR];
    assert_eq!(rd.read(from, &mut buf), Ok(()));
    buf
}

fn live() -> i64 {
    LIVE_ALLOCATIONS.load(Ordering::SeqCst)
}

fn run_op(rd: &RamDisk, m: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let nr = m.nr;
    match op {
        Op::Write {
            at,
            sectors,
            seed,
            probe,
        } => {
            let sector = m.resolve(at, nr);
            let buf = pattern(*seed, *sectors as usize * SECTOR);
            let Some((from, to)) = m.range(sector, *sectors) else {
                // out of range: refused before any allocation, even without a spare
                let mut none = std::ptr::null_mut();
                let r = rd.write(sector, &buf, &mut Spare(&mut none));
                prop_assert_eq!(r, Err(WriteError::Errno(EIO)));
                prop_assert_eq!(host::write(rd, sector, &buf), Err(EIO));
                return Ok(());
            };
            let touched = from / SPP..to.div_ceil(SPP);
            if *probe {
                let missing = touched.clone().any(|p| !m.pages.contains(&p));
                let mut none = std::ptr::null_mut();
                let r = rd.write(sector, &buf, &mut Spare(&mut none));
                let want = if missing {
                    Err(WriteError::NeedPage)
                } else {
                    Ok(())
                };
                prop_assert_eq!(r, want);
                // a refused probe may leave the range half written, but
                // never raises max_sector
                if missing {
                    prop_assert_eq!(rd.usage().max_sector, m.max_sector);
                }
            }
            prop_assert_eq!(host::write(rd, sector, &buf), Ok(()));
            for (i, chunk) in buf.chunks(SECTOR).enumerate() {
                m.sectors.insert(from + i as u64, chunk.to_vec());
            }
            m.pages.extend(touched);
            m.max_sector = m.max_sector.max(to);
            prop_assert!(
                read_range(rd, from, to) == buf,
                "read back {}..{}",
                from,
                to
            );
        }
        Op::Read { at, sectors } => {
            let sector = m.resolve(at, nr);
            let mut buf = vec![0x5a; *sectors as usize * SECTOR];
            match m.range(sector, *sectors) {
                Some((from, to)) => {
                    prop_assert_eq!(rd.read(sector, &mut buf), Ok(()));
                    prop_assert!(buf == m.expected(from, to), "read {}..{}", from, to);
                }
                None => {
                    prop_assert_eq!(rd.read(sector, &mut buf), Err(EIO));
                    prop_assert!(buf.iter().all(|b| *b == 0x5a), "failed read wrote");
                }
            }
        }
        Op::BadLen { at, bytes, write } => {
            let sector = m.resolve(at, nr);
            let mut buf = vec![0x77; *bytes];
            if *write {
                let mut none = std::ptr::null_mut();
                let r = rd.write(sector, &buf, &mut Spare(&mut none));
                prop_assert_eq!(r, Err(WriteError::Errno(EINVAL)));
                prop_assert_eq!(host::write(rd, sector, &buf), Err(EINVAL));
            } else {
                prop_assert_eq!(rd.read(sector, &mut buf), Err(EINVAL));
            }
        }
        Op::Zero { at, len } => {
            let sector = m.resolve(at, nr);
            let n = match *len {
                Len::Small(n) => n,
                Len::ToEnd => nr.saturating_sub(sector),
                Len::Overflow(n) => n,
            };
            let r = rd.zero(sector, n, Retire(std::ptr::null_mut()));
            let range = n
                .checked_mul(SECTOR as u64)
                .and_then(|_| m.range(sector, n));
            let Some((from, to)) = range else {
                prop_assert_eq!(r, Err(EIO));
                return Ok(());
            };
            prop_assert_eq!(r, Ok(()));
            let gone: Vec<u64> = m.sectors.range(from..to).map(|(s, _)| *s).collect();
            for s in gone {
                m.sectors.remove(&s);
            }
            // only pages wholly inside the range are given back
            m.remove_pages(from.div_ceil(SPP), to / SPP);
            // (a window of it: ToEnd on a huge disk spans terabytes)
            let window = to.min(from + 2 * DENSE_LIMIT);
            prop_assert!(read_range(rd, from, window).iter().all(|b| *b == 0));
        }
        Op::Resize { to, odd_bytes } => {
            // clamped so that sectors * 512 fits in u64
            let sectors = m.resolve(to, m.limit).min(m.limit);
            let bytes = sectors * SECTOR as u64 + odd_bytes;
            let r = rd.resize(bytes);
            if *odd_bytes != 0 {
                prop_assert_eq!(r, Err(ResizeError::Unaligned));
            } else if sectors <= m.max_sector {
                prop_assert_eq!(r, Err(ResizeError::BelowWritten));
            } else {
                prop_assert_eq!(r, Ok(()));
                m.nr = sectors;
                // nothing is written at or above max_sector < sectors
                prop_assert!(m.sectors.range(sectors..).next().is_none());
            }
        }
        Op::FreeAll => {
            rd.free_all(Retire(std::ptr::null_mut()));
            m.sectors.clear();
            m.remove_pages(0, u64::MAX);
            m.max_sector = 0;
        }
        Op::CheckAll => check_all(rd, m)?,
    }
    Ok(())
}

/// Every written sector, and a read of the whole disk when it is small.
fn check_all(rd: &RamDisk, m: &Model) -> Result<(), TestCaseError> {
    if m.nr <= DENSE_LIMIT {
        prop_assert!(
            read_range(rd, 0, m.nr) == m.expected(0, m.nr),
            "disk content"
        );
    }
    for (s, data) in &m.sectors {
        prop_assert!(read_range(rd, *s, s + 1) == *data, "sector {}", s);
    }
    Ok(())
}

fn run_case(nr: u64, limit: u64, ops: &[Op]) -> Result<(), TestCaseError> {
    let _guard = GLOBAL.lock().unwrap_or_else(PoisonError::into_inner);
    // pages parked by an earlier failed case must not count against this one
    host::free_retired();
    let before = live();
    let rd = RamDisk::new(nr).expect("alloc");
    let nodes = live() - before;
    let mut m = Model {
        nr,
        limit,
        sectors: BTreeMap::new(),
        pages: BTreeSet::new(),
        max_sector: 0,
        retired: 0,
    };
    for op in ops {
        run_op(&rd, &mut m, op)?;
        prop_assert_eq!(rd.usage(), m.usage(), "after {:?}", op);
        if limit == DENSE_LIMIT {
            // one allocation per data page, live or retired: no spare leaks
            let want = nodes + m.pages.len() as i64 + m.retired as i64;
            prop_assert_eq!(live() - before, want, "allocations after {:?}", op);
        }
    }
    check_all(&rd, &m)?;
    rd.destroy();
    host::free_retired();
    prop_assert_eq!(live(), before, "leak");
    Ok(())
}

proptest! {
    #[test]
    fn dense_disk_matches_model(
        pages in 1u64..=256,
        cut in 0u64..SPP,
        ops in prop::collection::vec(op(), 1..60),
    ) {
        run_case(pages * SPP - cut, DENSE_LIMIT, &ops)?;
    }

    #[test]
    fn sparse_huge_disk_matches_model(
        bits in 3u32..41,
        low in any::<u64>(),
        ops in prop::collection::vec(op(), 1..60),
    ) {
        run_case((1 << bits) + low % (1 << bits), SPARSE_LIMIT, &ops)?;
    }
}

#[test]
fn fresh_disk_reads_zero_and_counts_nothing() {
    let _guard = GLOBAL.lock().unwrap_or_else(PoisonError::into_inner);
    let before = live();
    let rd = RamDisk::new(17).unwrap();
    let want = Usage {
        nr_sectors: 17,
        pages: 0,
        max_sector: 0,
    };
    assert_eq!(rd.usage(), want);
    assert!(read_range(&rd, 0, 17).iter().all(|b| *b == 0));
    assert_eq!(rd.read(17, &mut [0; 512]), Err(EIO));
    assert_eq!(rd.read(0, &mut [0; 511]), Err(EINVAL));
    rd.destroy();
    assert_eq!(live(), before);
}

#[test]
fn resize_boundary_is_the_highest_written_sector() {
    let _guard = GLOBAL.lock().unwrap_or_else(PoisonError::into_inner);
    host::free_retired();
    let before = live();
    let rd = RamDisk::new(64).unwrap();
    assert_eq!(host::write(&rd, 9, &[1; 1024]), Ok(()));
    assert_eq!(rd.usage().max_sector, 11);
    assert_eq!(rd.resize(11 * 512), Err(ResizeError::BelowWritten));
    assert_eq!(rd.resize(12 * 512 + 1), Err(ResizeError::Unaligned));
    assert_eq!(rd.resize(12 * 512), Ok(()));
    assert_eq!(rd.usage().nr_sectors, 12);
    assert_eq!(host::write(&rd, 11, &[2; 1024]), Err(EIO));
    rd.free_all(Retire(std::ptr::null_mut()));
    assert_eq!(rd.resize(512), Ok(()));
    assert_eq!(rd.resize(0), Err(ResizeError::BelowWritten));
    rd.destroy();
    host::free_retired();
    assert_eq!(live(), before);
}
