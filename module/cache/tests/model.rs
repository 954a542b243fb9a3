//! The cache core against a model with asynchronous I/O: reads and writes
//! start, their source/cache steps run in random interleavings, and they
//! complete in random order. A read must never return data older than the
//! last write that completed before the read started. Every sector holds
//! the version number of the write that wrote it (0 at first).
#![cfg(feature = "host")]

mod common;

use proptest::prelude::*;
use rcache::args::Mode;
use rcache::map::{Cache, Dir, Plan};
use rcache::slot::{state_of, Shared, State};
use std::collections::VecDeque;

const SECTORS: u64 = 256;

#[derive(Debug, Clone)]
enum Op {
    Read {
        sector: u64,
        len: u64,
    },
    Write {
        sector: u64,
        len: u64,
    },
    /// advance the pending I/O with this index (modulo the number pending);
    /// `true`: a hit's read of the cache device fails
    Step(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    let sector = 0..SECTORS - 16;
    // mostly whole aligned blocks (the cached case), some unaligned/partial
    let len = prop_oneof![4 => Just(8u64), 1 => 1u64..=8];
    prop_oneof![
        3 => (sector.clone(), len.clone(), any::<bool>()).prop_map(|(s, l, a)| Op::Read { sector: if a { s & !7 } else { s }, len: l }),
        2 => (sector, len, any::<bool>()).prop_map(|(s, l, a)| Op::Write { sector: if a { s & !7 } else { s }, len: l }),
        6 => (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(i, f)| Op::Step(i, f)),
    ]
}

/// Whole aligned blocks only: in a cache as large as the source every
/// block stays on its home way, so sets have no strays and lookups and
/// invalidation take their scan-free path.
fn aligned_op() -> impl Strategy<Value = Op> {
    let sector = (0..SECTORS / 8).prop_map(|b| b * 8);
    prop_oneof![
        3 => sector.clone().prop_map(|s| Op::Read { sector: s, len: 8 }),
        2 => sector.prop_map(|s| Op::Write { sector: s, len: 8 }),
        6 => (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(i, f)| Op::Step(i, f)),
    ]
}

/// The remaining steps of one I/O.
#[derive(Debug)]
struct Pending {
    dir: Dir,
    sector: u64,
    len: u64,
    plan: Plan,
    version: u64,
    /// for reads: per sector, the committed version when the read started
    floor: Vec<u64>,
    /// data read so far (reads) and how many steps are done
    data: Vec<u64>,
    step: u32,
}

struct World<'a> {
    cache: Cache<'a>,
    source: Vec<u64>,
    /// cache device contents, per slot 8 sectors: (source sector, version)
    cache_dev: Vec<[(u64, u64); 8]>,
    committed: Vec<u64>,
    pending: VecDeque<Pending>,
    next_version: u64,
}

impl World<'_> {
    fn start(&mut self, dir: Dir, sector: u64, len: u64) {
        let range = sector as usize..(sector + len) as usize;
        if dir == Dir::Write
            && self.pending.iter().any(|p| {
                p.dir == Dir::Write && p.sector < sector + len && sector < p.sector + p.len
            })
        {
            return; // overlapping concurrent writes have no defined result
        }
        // reads try the lock-free hit first, as the target does (on a CPU
        // that changes from I/O to I/O)
        let cpu = self.next_version as u32;
        let lock_free = match dir {
            Dir::Read => self.cache.shared().try_hit(sector, len, cpu).map(Plan::Hit),
            Dir::Write => None,
        };
        let plan = lock_free.unwrap_or_else(|| self.cache.map(dir, sector, len));
        self.next_version += 1;
        self.pending.push_back(Pending {
            dir,
            sector,
            len,
            plan,
            version: self.next_version,
            floor: self.committed[range].to_vec(),
            data: Vec::new(),
            step: 0,
        });
    }

    /// Run the next step of pending I/O `i`; true when it completed.
    /// `fail`: a hit's read of the cache device fails (the caller gets an
    /// error, so its data is not checked).
    fn step(&mut self, i: usize, fail: bool) -> bool {
        let mut p = self.pending.remove(i).unwrap();
        let range = p.sector as usize..(p.sector + p.len) as usize;
        let done = match (p.dir, p.plan) {
            // a remapped hit reads the slot at some later time: other I/O
            // runs in between, and must not have reused the slot
            (Dir::Read, Plan::Hit(_)) if p.step == 0 => {
                p.step = 1;
                false
            }
            (Dir::Read, Plan::Hit(slot)) if fail => {
                self.cache.hit_done(slot, false);
                let w = self.cache.shared().word(slot);
                assert_ne!(
                    state_of(w),
                    State::Valid,
                    "slot {slot} still trusted after a failed read"
                );
                p.floor.clear();
                true
            }
            (Dir::Read, Plan::Hit(slot)) => {
                let block = &self.cache_dev[slot as usize][..p.len as usize];
                for (k, &(sector, _)) in block.iter().enumerate() {
                    assert_eq!(
                        sector,
                        p.sector + k as u64,
                        "slot {slot} was reused under a hit"
                    );
                }
                p.data = block.iter().map(|&(_, v)| v).collect();
                self.cache.hit_done(slot, true);
                true
            }
            (Dir::Read, Plan::Fill(slot)) if p.step == 0 => {
                p.data = self.source[range.clone()].to_vec();
                if self.cache.fill_read_done(slot, true) {
                    p.step = 1;
                    false
                } else {
                    true
                }
            }
            (Dir::Read, Plan::Fill(slot)) => {
                for (k, cell) in self.cache_dev[slot as usize].iter_mut().enumerate() {
                    *cell = (p.sector + k as u64, p.data[k]);
                }
                self.cache.fill_done(slot, true);
                true
            }
            (Dir::Read, _) => {
                p.data = self.source[range.clone()].to_vec();
                self.cache.source_done(Dir::Read, p.sector, p.len, true);
                true
            }
            (Dir::Write, Plan::WriteBoth(_)) if p.step == 0 => {
                self.source[range.clone()].fill(p.version);
                p.step = 1;
                false
            }
            (Dir::Write, Plan::WriteBoth(slot)) => {
                for (k, cell) in self.cache_dev[slot as usize].iter_mut().enumerate() {
                    *cell = (p.sector + k as u64, p.version);
                }
                self.cache.write_done(slot, true, true);
                true
            }
            (Dir::Write, _) => {
                self.source[range.clone()].fill(p.version);
                self.cache.source_done(Dir::Write, p.sector, p.len, true);
                true
            }
        };
        if !done {
            self.pending.insert(i.min(self.pending.len()), p);
            return false;
        }
        match p.dir {
            Dir::Write => self.committed[range].fill(p.version),
            Dir::Read => {
                for (k, (&got, &floor)) in p.data.iter().zip(&p.floor).enumerate() {
                    assert!(
                        got >= floor,
                        "read of sector {} ({:?}) returned version {got}, but version {floor} was written before it started",
                        p.sector + k as u64,
                        p.plan
                    );
                }
            }
        }
        true
    }
}

fn run(ops: Vec<Op>, assoc: u32, sets: u64, mode: Mode) {
    let mut backing = common::backing(assoc, sets, mode);
    let geo = backing.geo;
    let shared = Shared::new(geo, &backing.words).unwrap();
    let mut w = World {
        cache: Cache::new(&shared, &mut backing.sets).unwrap(),
        source: vec![0; SECTORS as usize],
        cache_dev: vec![[(u64::MAX, 0); 8]; geo.blocks as usize],
        committed: vec![0; SECTORS as usize],
        pending: VecDeque::new(),
        next_version: 0,
    };
    for op in ops {
        match op {
            Op::Read { sector, len } => w.start(Dir::Read, sector, len),
            Op::Write { sector, len } => w.start(Dir::Write, sector, len),
            Op::Step(i, fail) if !w.pending.is_empty() => {
                let n = w.pending.len();
                w.step(i % n, fail);
            }
            Op::Step(..) => {}
        }
        common::assert_strays_exact(&w.cache, "with I/O in flight");
    }
    while !w.pending.is_empty() {
        w.step(0, false);
    }
    // quiet: every block reads back what the source holds, twice; the second
    // read right after the fill is a hit
    let hits = w.cache.stats().cache_hits;
    for b in 0..SECTORS / 8 {
        for _ in 0..2 {
            w.start(Dir::Read, b * 8, 8);
            while !w.step(0, false) {}
        }
    }
    let s = w.cache.stats();
    assert!(
        s.cache_hits - hits >= SECTORS / 8,
        "second reads of a quiet cache hit"
    );
    assert!(s.cached_blocks <= geo.blocks);
    assert!(s.cache_hits <= s.reads);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn write_through_never_serves_stale_data(ops in prop::collection::vec(op(), 1..300)) {
        run(ops, 4, 4, Mode::WriteThrough);
    }

    #[test]
    fn write_around_never_serves_stale_data(ops in prop::collection::vec(op(), 1..300)) {
        run(ops, 4, 4, Mode::WriteAround);
    }

    #[test]
    fn one_set_full_associativity(ops in prop::collection::vec(op(), 1..300)) {
        run(ops, 16, 1, Mode::WriteThrough);
    }

    #[test]
    fn aligned_io_without_strays(ops in prop::collection::vec(aligned_op(), 1..300)) {
        run(ops, 8, 4, Mode::WriteThrough);
    }

    #[test]
    fn direct_mapped(ops in prop::collection::vec(op(), 1..300)) {
        run(ops, 1, 16, Mode::WriteThrough);
    }
}
