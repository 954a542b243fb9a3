//! The set-associative block map and its state machine.
//!
//! A key is the exact start sector of a 4 KiB I/O (upstream semantics: an
//! unaligned 4 KiB read is cached under its own key) and covers
//! `[key, key + 8)`. Sectors map to sets by 4 KiB block runs of `assoc`
//! blocks; within a set a block prefers its "home" way (its block number
//! modulo `assoc`), so hits on aligned data are found without a scan.
//! Each slot is one u64: the key in the low 61 bits and the state in the top
//! 3 (8 bytes of metadata per 4 KiB block).
use crate::args::{Geometry, Mode};
use crate::{BLOCK_SECTORS, BLOCK_SHIFT};
use core::num::NonZeroU64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum State {
    Invalid = 0,
    Valid = 1,
    /// a fill after a read miss, or a write-through write, is running
    InProgress = 2,
    /// a read hit is being served from the cache device
    CacheReadInProgress = 3,
    /// invalidated while in progress: must end invalid
    InProgressInvalid = 4,
}

const STATE_SHIFT: u32 = 61;
const KEY_MASK: u64 = (1 << STATE_SHIFT) - 1;

fn pack(key: u64, state: State) -> u64 {
    (key & KEY_MASK) | ((state as u64) << STATE_SHIFT)
}

fn key_of(word: u64) -> u64 {
    word & KEY_MASK
}

fn state_of(word: u64) -> State {
    match word >> STATE_SHIFT {
        1 => State::Valid,
        2 => State::InProgress,
        3 => State::CacheReadInProgress,
        4 => State::InProgressInvalid,
        _ => State::Invalid,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Stats {
    pub reads: u64,
    pub writes: u64,
    pub cache_hits: u64,
    pub replace: u64,
    pub write_replace: u64,
    pub read_invalidates: u64,
    pub write_invalidates: u64,
    pub uncached_reads: u64,
    pub uncached_writes: u64,
    pub disk_reads: u64,
    pub disk_writes: u64,
    pub cache_reads: u64,
    pub cache_writes: u64,
    /// slots holding data (valid, or valid and being read)
    pub cached_blocks: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Read,
    Write,
}

/// What the shim must do with a bio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// read hit: remap to the cache device at slot * 8
    Hit(u64),
    /// read miss: read the source, write the data to the slot, then `fill_*`
    Fill(u64),
    /// write-through: write source and slot, then `write_done`
    WriteBoth(u64),
    /// send to the source unchanged, then `source_done`
    Source,
}

pub struct Cache<'a> {
    geo: Geometry,
    sets: NonZeroU64,
    assoc: NonZeroU64,
    assoc_shift: u32,
    slots: &'a mut [u64],
    /// per set: the next way the FIFO replacement looks at
    fifo: &'a mut [u32],
    pub stats: Stats,
}

impl<'a> Cache<'a> {
    /// `slots` must hold `geo.blocks` zeroed words, `fifo` `geo.sets`.
    pub fn new(geo: Geometry, slots: &'a mut [u64], fifo: &'a mut [u32]) -> Option<Self> {
        if slots.len() as u64 != geo.blocks || fifo.len() as u64 != geo.sets {
            return None;
        }
        Some(Cache {
            geo,
            sets: NonZeroU64::new(geo.sets)?,
            assoc: NonZeroU64::new(geo.assoc as u64)?,
            assoc_shift: geo.assoc.trailing_zeros(),
            slots,
            fifo,
            stats: Stats::default(),
        })
    }

    pub fn geometry(&self) -> Geometry {
        self.geo
    }

    fn region_shift(&self) -> u32 {
        BLOCK_SHIFT + self.assoc_shift
    }

    fn set_of(&self, sector: u64) -> u64 {
        (sector >> self.region_shift()) % self.sets
    }

    fn home(&self, key: u64) -> u64 {
        self.set_of(key) * self.geo.assoc as u64
            + ((key >> BLOCK_SHIFT) & (self.geo.assoc as u64 - 1))
    }

    fn word(&self, slot: u64) -> u64 {
        match self.slots.get(slot as usize) {
            Some(w) => *w,
            None => crate::bug::bug(line!()),
        }
    }

    /// Move a slot to a new state, keeping `cached_blocks` right.
    fn set(&mut self, slot: u64, key: u64, state: State) {
        let old = state_of(self.word(slot));
        let holds = |s: State| matches!(s, State::Valid | State::CacheReadInProgress);
        match (holds(old), holds(state)) {
            (true, false) => self.stats.cached_blocks -= 1,
            (false, true) => self.stats.cached_blocks += 1,
            _ => {}
        }
        if let Some(w) = self.slots.get_mut(slot as usize) {
            *w = pack(key, state);
        }
    }

    fn ways(&self, set: u64) -> core::ops::Range<u64> {
        let first = set * self.geo.assoc as u64;
        first..first + self.geo.assoc as u64
    }

    /// The slot whose key is `key` in a live state.
    fn find(&self, key: u64) -> Option<u64> {
        let live = |w: u64| {
            key_of(w) == key
                && state_of(w) != State::Invalid
                && state_of(w) != State::InProgressInvalid
        };
        let home = self.home(key);
        if live(self.word(home)) {
            return Some(home);
        }
        self.ways(self.set_of(key)).find(|&s| live(self.word(s)))
    }

    /// Invalidate every slot whose block overlaps sectors `[start, end]`.
    /// Returns whether one of them was in progress.
    pub fn invalidate(&mut self, start: u64, end: u64, dir: Dir) -> bool {
        self.invalidate_except(start, end, dir, None)
    }

    fn invalidate_except(&mut self, start: u64, end: u64, dir: Dir, keep: Option<u64>) -> bool {
        // keys in [start - 7, end] overlap; visit the sets of their regions,
        // each set once (a long range may wrap around all sets)
        let first_region = start.saturating_sub(BLOCK_SECTORS - 1) >> self.region_shift();
        let last_region = end >> self.region_shift();
        let regions = (last_region - first_region)
            .saturating_add(1)
            .min(self.sets.get());
        let mut busy = false;
        for r in 0..regions {
            let set = (first_region + r) % self.sets;
            busy |= self.invalidate_in_set(set, start, end, dir, keep);
        }
        busy
    }

    fn invalidate_in_set(
        &mut self,
        set: u64,
        start: u64,
        end: u64,
        dir: Dir,
        keep: Option<u64>,
    ) -> bool {
        let mut busy = false;
        for slot in self.ways(set).filter(|&s| Some(s) != keep) {
            let w = self.word(slot);
            let key = key_of(w);
            let state = state_of(w);
            if matches!(state, State::Invalid | State::InProgressInvalid)
                || key > end
                || key + (BLOCK_SECTORS - 1) < start
            {
                continue;
            }
            match dir {
                Dir::Read => self.stats.read_invalidates += 1,
                Dir::Write => self.stats.write_invalidates += 1,
            }
            if state == State::Valid {
                self.set(slot, key, State::Invalid);
            } else {
                busy = true;
                self.set(slot, key, State::InProgressInvalid);
            }
        }
        busy
    }

    /// A slot for a new key: its home way if free, any free way, else the
    /// first valid way from the set's FIFO pointer. None: all busy.
    fn victim(&mut self, key: u64) -> Option<u64> {
        let home = self.home(key);
        if state_of(self.word(home)) == State::Invalid {
            return Some(home);
        }
        let set = self.set_of(key);
        let ways = self.ways(set);
        if let Some(s) = ways
            .clone()
            .find(|&s| state_of(self.word(s)) == State::Invalid)
        {
            return Some(s);
        }
        let assoc = self.assoc;
        let start = *self.fifo.get(set as usize)? as u64;
        let found = (0..assoc.get())
            .map(|i| (start + i) % assoc)
            .find(|&way| state_of(self.word(ways.start + way)) == State::Valid);
        let next = match found {
            Some(way) => (way + 1) % assoc,
            None => (start + 1) % assoc,
        };
        if let Some(p) = self.fifo.get_mut(set as usize) {
            *p = next as u32;
        }
        found.map(|way| ways.start + way)
    }

    fn uncached(&mut self, dir: Dir) -> Plan {
        match dir {
            Dir::Read => self.stats.disk_reads += 1,
            Dir::Write => self.stats.disk_writes += 1,
        }
        Plan::Source
    }

    /// Decide what to do with a read or write of `sectors` at `sector`.
    pub fn map(&mut self, dir: Dir, sector: u64, sectors: u64) -> Plan {
        match dir {
            Dir::Read => self.stats.reads += 1,
            Dir::Write => self.stats.writes += 1,
        }
        let end = sector + sectors.max(1) - 1;
        let whole_block = sectors == BLOCK_SECTORS;
        if !whole_block || (dir == Dir::Write && self.geo.mode == Mode::WriteAround) {
            self.invalidate(sector, end, dir);
            return self.uncached(dir);
        }
        if dir == Dir::Read {
            if let Some(slot) = self.find(sector) {
                if state_of(self.word(slot)) == State::Valid {
                    self.set(slot, sector, State::CacheReadInProgress);
                    self.stats.cache_hits += 1;
                    self.stats.cache_reads += 1;
                    return Plan::Hit(slot);
                }
            }
        }
        if self.invalidate(sector, end, dir) {
            return self.uncached(dir);
        }
        let Some(slot) = self.victim(sector) else {
            return self.uncached(dir);
        };
        if state_of(self.word(slot)) == State::Valid {
            match dir {
                Dir::Read => self.stats.replace += 1,
                Dir::Write => self.stats.write_replace += 1,
            }
        }
        self.set(slot, sector, State::InProgress);
        match dir {
            Dir::Read => {
                self.stats.disk_reads += 1;
                Plan::Fill(slot)
            }
            Dir::Write => {
                self.stats.disk_writes += 1;
                self.stats.cache_writes += 1;
                Plan::WriteBoth(slot)
            }
        }
    }

    /// Discard / write-zeroes / flush: no caching, overlapping blocks go.
    pub fn map_passthrough(&mut self, sector: u64, sectors: u64) {
        if sectors > 0 {
            self.invalidate(sector, sector + sectors - 1, Dir::Write);
        }
    }

    /// End an in-progress slot: valid only if everything went well and
    /// nothing invalidated it meanwhile.
    fn finish(&mut self, slot: u64, ok: bool) {
        let w = self.word(slot);
        let valid = ok && matches!(state_of(w), State::InProgress | State::CacheReadInProgress);
        self.set(
            slot,
            key_of(w),
            if valid { State::Valid } else { State::Invalid },
        );
    }

    pub fn hit_done(&mut self, slot: u64, ok: bool) {
        self.finish(slot, ok)
    }

    /// The source read of a fill ended. Returns whether the data should be
    /// written to the cache slot (then call `fill_done`).
    pub fn fill_read_done(&mut self, slot: u64, ok: bool) -> bool {
        if ok && state_of(self.word(slot)) == State::InProgress {
            self.stats.cache_writes += 1;
            return true;
        }
        self.finish(slot, false);
        false
    }

    pub fn fill_done(&mut self, slot: u64, cache_ok: bool) {
        self.finish(slot, cache_ok)
    }

    /// A write-through write ended. Like an uncached write it invalidates
    /// the other blocks it overlaps: once invalidated by a racing read its
    /// slot no longer kept a fill that started meanwhile from caching data
    /// read from the source before this write reached it.
    pub fn write_done(&mut self, slot: u64, source_ok: bool, cache_ok: bool) {
        let key = key_of(self.word(slot));
        self.finish(slot, source_ok && cache_ok);
        self.invalidate_except(key, key + (BLOCK_SECTORS - 1), Dir::Write, Some(slot));
    }

    /// An uncached (or pass-through) I/O ended: a fill that raced with it
    /// may have cached data from before it, so overlapping blocks go again.
    pub fn source_done(&mut self, dir: Dir, sector: u64, sectors: u64, counted: bool) {
        if counted {
            match dir {
                Dir::Read => self.stats.uncached_reads += 1,
                Dir::Write => self.stats.uncached_writes += 1,
            }
        }
        if sectors > 0 {
            self.invalidate(sector, sector + sectors - 1, dir);
        }
    }

    /// Slots currently holding data for `key` (test support).
    pub fn cached(&self, key: u64) -> bool {
        self.find(key)
            .is_some_and(|s| state_of(self.word(s)) == State::Valid)
    }
}

impl<'a> Cache<'a> {
    /// Hand back the memory given to `new`.
    pub fn into_parts(self) -> (&'a mut [u64], &'a mut [u32]) {
        (self.slots, self.fifo)
    }
}
