//! The cache's placement and replacement decisions against a plain
//! reference: I/O runs one at a time, and after every step the keys and
//! states of all slots, the plan and every counter must equal what the
//! rules below give. The rules, for a whole aligned 4 KiB block:
//! - a read of a cached key is a hit (its home way first, then the set's
//!   ways in order), taken without the lock when the key is on its home way
//!   or where the hint of its home way points;
//! - anything else first invalidates every slot whose 8 sectors overlap the
//!   I/O, in the sets of the 4 KiB runs it touches;
//! - a new block goes to its home way if free, else to the lowest free way,
//!   else replaces the way the set's FIFO pointer finds first; unless it
//!   went to its free home way, the home way's hint then points to it (if
//!   it is less than 1024 ways away).
//!
//! Partial or unaligned I/O and write-around writes only invalidate.
#![cfg(feature = "host")]

mod common;

use proptest::prelude::*;
use rcache::args::{Geometry, Mode};
use rcache::map::{Cache, Dir, Plan, Stats};
use rcache::slot::{key_of, state_of, Shared, State};

#[derive(Debug, Clone, Copy)]
enum Op {
    Read(u64, u64),
    Write(u64, u64),
    Discard(u64, u64),
}

fn op(sectors: u64) -> impl Strategy<Value = Op> {
    let at = (0..sectors, any::<bool>()).prop_map(|(s, aligned)| if aligned { s & !7 } else { s });
    let len = prop_oneof![6 => Just(8u64), 1 => 1u64..=8, 1 => 9u64..=64];
    prop_oneof![
        4 => (at.clone(), len.clone()).prop_map(|(s, l)| Op::Read(s, l)),
        3 => (at.clone(), len.clone()).prop_map(|(s, l)| Op::Write(s, l)),
        1 => (at, len).prop_map(|(s, l)| Op::Discard(s, l)),
    ]
}

/// The reference: each slot a key with a valid flag.
struct Reference {
    geo: Geometry,
    slots: Vec<Option<u64>>,
    fifo: Vec<u64>,
    /// per slot: how many ways after it (round its set) the hint points
    hints: Vec<u64>,
    /// whether the last read hit was one without the lock
    lock_free: bool,
    stats: Stats,
}

impl Reference {
    fn assoc(&self) -> u64 {
        self.geo.assoc as u64
    }

    fn set_of(&self, sector: u64) -> u64 {
        (sector / 8 / self.assoc()) % self.geo.sets
    }

    fn home(&self, key: u64) -> u64 {
        self.set_of(key) * self.assoc() + (key / 8) % self.assoc()
    }

    fn hinted(&self, home: u64) -> u64 {
        let set_start = home - home % self.assoc();
        set_start + (home + self.hints[home as usize]) % self.assoc()
    }

    fn ways(&self, set: u64) -> std::ops::Range<u64> {
        set * self.assoc()..(set + 1) * self.assoc()
    }

    fn invalidate(&mut self, start: u64, end: u64, dir: Dir, keep: Option<u64>) {
        let region = 8 * self.assoc();
        let first = start.saturating_sub(7) / region;
        let count = (end / region - first + 1).min(self.geo.sets);
        for r in first..first + count {
            for slot in self.ways(r % self.geo.sets) {
                let hit =
                    matches!(self.slots[slot as usize], Some(k) if k <= end && k + 7 >= start);
                if hit && Some(slot) != keep {
                    self.slots[slot as usize] = None;
                    match dir {
                        Dir::Read => self.stats.read_invalidates += 1,
                        Dir::Write => self.stats.write_invalidates += 1,
                    }
                }
            }
        }
    }

    fn claim(&mut self, key: u64) -> (u64, bool) {
        let set = self.set_of(key);
        let home = self.home(key);
        let free = std::iter::once(home)
            .chain(self.ways(set))
            .find(|&s| self.slots[s as usize].is_none());
        let claimed = match free {
            Some(slot) if slot == home => return (slot, false),
            Some(slot) => (slot, false),
            None => {
                let way = self.fifo[set as usize];
                self.fifo[set as usize] = (way + 1) % self.assoc();
                (set * self.assoc() + way, true)
            }
        };
        let distance =
            (claimed.0 + self.assoc() - home % self.assoc() - set * self.assoc()) % self.assoc();
        if distance < 1024 {
            self.hints[home as usize] = distance;
        }
        claimed
    }

    /// The plan of one I/O, completed at once (`Source` for pass-through),
    /// and whether it is a hit taken without the lock.
    fn run(&mut self, op: Op) -> (Plan, bool) {
        let (dir, sector, len) = match op {
            Op::Read(s, l) => (Dir::Read, s, l),
            Op::Write(s, l) => (Dir::Write, s, l),
            Op::Discard(s, l) => {
                self.invalidate(s, s + l - 1, Dir::Write, None);
                return (Plan::Source, false);
            }
        };
        (self.plan(dir, sector, len), self.lock_free)
    }

    fn plan(&mut self, dir: Dir, sector: u64, len: u64) -> Plan {
        self.lock_free = false;
        let end = sector + len - 1;
        let whole = len == 8;
        if dir == Dir::Read && whole {
            let set = self.set_of(sector);
            let found = std::iter::once(self.home(sector))
                .chain(self.ways(set))
                .find(|&s| self.slots[s as usize] == Some(sector));
            if let Some(slot) = found {
                let home = self.home(sector);
                self.lock_free = slot == home || slot == self.hinted(home);
                self.stats.reads += 1;
                self.stats.cache_hits += 1;
                self.stats.cache_reads += 1;
                return Plan::Hit(slot);
            }
        }
        let s = &mut self.stats;
        match dir {
            Dir::Read => s.reads += 1,
            Dir::Write => s.writes += 1,
        }
        self.invalidate(sector, end, dir, None);
        if !whole || (dir == Dir::Write && self.geo.mode == Mode::WriteAround) {
            let s = &mut self.stats;
            match dir {
                Dir::Read => {
                    (s.disk_reads, s.uncached_reads) = (s.disk_reads + 1, s.uncached_reads + 1)
                }
                Dir::Write => {
                    (s.disk_writes, s.uncached_writes) = (s.disk_writes + 1, s.uncached_writes + 1)
                }
            }
            return Plan::Source;
        }
        let (slot, replaced) = self.claim(sector);
        self.slots[slot as usize] = Some(sector);
        let s = &mut self.stats;
        s.cache_writes += 1;
        match dir {
            Dir::Read => {
                s.replace += replaced as u64;
                s.disk_reads += 1;
                Plan::Fill(slot)
            }
            Dir::Write => {
                s.write_replace += replaced as u64;
                s.disk_writes += 1;
                self.invalidate(sector, sector + 7, Dir::Write, Some(slot));
                Plan::WriteBoth(slot)
            }
        }
    }
}

/// The same I/O through the cache, completed at once, and whether it was
/// a hit taken without the lock.
fn run_cache(cache: &mut Cache, op: Op) -> (Plan, bool) {
    let (dir, sector, len) = match op {
        Op::Read(s, l) => (Dir::Read, s, l),
        Op::Write(s, l) => (Dir::Write, s, l),
        Op::Discard(s, l) => {
            cache.map_passthrough(s, l);
            return (Plan::Source, false);
        }
    };
    let lock_free = match dir {
        // hits counted on lines of "CPUs" that vary with the sector
        Dir::Read => cache.shared().try_hit(sector, len, sector as u32),
        Dir::Write => None,
    };
    let plan = lock_free.map_or_else(|| cache.map(dir, sector, len), Plan::Hit);
    match plan {
        Plan::Hit(slot) => cache.hit_done(slot, true),
        Plan::Fill(slot) => {
            assert!(cache.fill_read_done(slot, true));
            cache.fill_done(slot, true);
        }
        Plan::WriteBoth(slot) => cache.write_done(slot, true, true),
        Plan::Source => cache.source_done(dir, sector, len, true),
    }
    (plan, lock_free.is_some())
}

fn check(ops: &[Op], assoc: u32, sets: u64, mode: Mode) {
    let mut backing = common::backing(assoc, sets, mode);
    let (geo, words) = (backing.geo, &backing.words);
    let shared = Shared::new(geo, words).unwrap();
    let mut cache = Cache::new(&shared, &mut backing.sets).unwrap();
    let mut reference = Reference {
        geo,
        slots: vec![None; geo.blocks as usize],
        fifo: vec![0; sets as usize],
        hints: vec![0; geo.blocks as usize],
        lock_free: false,
        stats: Stats::default(),
    };
    for (i, &op) in ops.iter().enumerate() {
        let want = reference.run(op);
        let got = run_cache(&mut cache, op);
        assert_eq!(got.0, want.0, "plan of op {i} ({op:?})");
        assert_eq!(got.1, want.1, "lock-free hit or not, op {i} ({op:?})");
        let slots: Vec<Option<u64>> = words
            .iter()
            .map(|w| {
                let w = w.load(std::sync::atomic::Ordering::Relaxed);
                (state_of(w) == State::Valid).then(|| key_of(w))
            })
            .collect();
        assert_eq!(slots, reference.slots, "slots after op {i} ({op:?})");
        let mut want_stats = reference.stats;
        want_stats.cached_blocks = slots.iter().flatten().count() as u64;
        assert_eq!(cache.stats(), want_stats, "counters after op {i} ({op:?})");
        common::assert_strays_exact(&cache, &format!("after op {i} ({op:?})"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn write_through_policy(ops in prop::collection::vec(op(1024), 1..400)) {
        check(&ops, 8, 4, Mode::WriteThrough);
    }

    #[test]
    fn write_around_policy(ops in prop::collection::vec(op(1024), 1..400)) {
        check(&ops, 8, 4, Mode::WriteAround);
    }

    #[test]
    fn wide_sets_policy(ops in prop::collection::vec(op(4096), 1..400)) {
        // 128 ways: bit maps and scans span several words
        check(&ops, 128, 2, Mode::WriteThrough);
    }

    #[test]
    fn hints_beyond_reach_policy(ops in prop::collection::vec(op(65536), 1..400)) {
        // 2048 ways: a block may land further away than a hint reaches
        check(&ops, 2048, 1, Mode::WriteThrough);
    }

    #[test]
    fn direct_mapped_policy(ops in prop::collection::vec(op(512), 1..400)) {
        check(&ops, 1, 16, Mode::WriteThrough);
    }
}
