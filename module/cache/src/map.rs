//! The set-associative block map: lookups, fills, write-through writes,
//! invalidation and replacement, run under the target's lock. Read hits
//! on a block's home way, or on the way its home's hint points to, also run
//! without it (`slot::Shared::try_hit`), so every change of a slot word here
//! is a compare-and-swap.
//!
//! A key is the exact start sector of a 4 KiB I/O (upstream semantics: an
//! unaligned 4 KiB read is cached under its own key) and covers
//! `[key, key + 8)`. Sectors map to sets by 4 KiB block runs of `assoc`
//! blocks; within a set a block prefers its "home" way (its block number
//! modulo `assoc`), so hits on aligned data are found without a scan; a
//! block placed elsewhere is recorded in the hint of its home way. Sets
//! count such blocks (`SetState::stray`): in a set without any, misses,
//! writes and invalidation need no scan either.
use crate::args::{Geometry, Mode};
use crate::slot::{
    after_failed_hit, holds_valid, is_free, key_of, readers, rekey, restate, state_of, Shared,
    State, KEY_LIMIT,
};
use crate::BLOCK_SECTORS;
use core::num::NonZeroU64;
use core::sync::atomic::Ordering::{Acquire, Relaxed};

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
    /// slots holding data
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
    /// read hit: remap to the cache device at slot * 8, then `hit_done`
    Hit(u64),
    /// read miss: read the source, write the data to the slot, then `fill_*`
    Fill(u64),
    /// write-through: write source and slot, then `write_done`
    WriteBoth(u64),
    /// send to the source unchanged, then `source_done`
    Source,
}

/// What the lock keeps per set (zeroed memory is the empty set).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
pub struct SetState {
    /// the next way the FIFO replacement looks at
    fifo: u32,
    /// Slots in use (valid or in progress) whose key is unaligned or not
    /// on its home way. While it is 0, a block that an I/O overlaps can only
    /// be on the home way of an aligned key the I/O covers, so lookups and
    /// invalidation need not scan the set. Never too low: a read hit that
    /// fails and frees its slot without the lock leaves it too high.
    stray: u32,
}

/// Ranges up to this many sectors are invalidated key by key in sets
/// without strays rather than by a scan.
const KEYWISE_SPAN: u64 = 64 * BLOCK_SECTORS;

pub struct Cache<'a> {
    shared: &'a Shared<'a>,
    sets: &'a mut [SetState],
    /// counters kept under the lock (hits are counted in `shared`)
    counts: Stats,
}

impl<'a> Cache<'a> {
    /// `sets` must hold `geo.sets` zeroed entries.
    pub fn new(shared: &'a Shared<'a>, sets: &'a mut [SetState]) -> Option<Self> {
        if sets.len() as u64 != shared.geo.sets {
            return None;
        }
        Some(Cache {
            shared,
            sets,
            counts: Stats::default(),
        })
    }

    pub fn geometry(&self) -> Geometry {
        self.shared.geo
    }

    /// The part of the map that hits use without the lock.
    pub fn shared(&self) -> &'a Shared<'a> {
        self.shared
    }

    /// All counters, the lock-free hits included.
    pub fn stats(&self) -> Stats {
        let hits = self.shared.hits.sum();
        Stats {
            reads: self.counts.reads + hits,
            cache_hits: self.counts.cache_hits + hits,
            cache_reads: self.counts.cache_reads + hits,
            cached_blocks: self.shared.cached_blocks.0.load(Relaxed),
            ..self.counts
        }
    }

    fn word(&self, slot: u64) -> u64 {
        self.shared.word(slot)
    }

    /// The slot holding `key` with valid data, if the home way or the
    /// hinted way holds it (no scan).
    fn find_near(&self, key: u64) -> Option<u64> {
        let home = self.shared.home(key);
        if holds_valid(self.word(home), key) {
            return Some(home);
        }
        let hinted = self.shared.hinted(home);
        holds_valid(self.word(hinted), key).then_some(hinted)
    }

    /// A whole-block read of `key`: `Ok` with the slot holding it valid, or
    /// what the miss needs to know. One pass over the sets `invalidate`
    /// would scan: a valid copy of `key` is one of the slots overlapping
    /// it, and keys live in their own set only.
    fn read_lookup(&self, key: u64) -> Result<u64, Miss> {
        if let Some(slot) = self.find_near(key) {
            return Ok(slot);
        }
        let own_set = self.shared.set_of(key);
        let scope = self.overlap_scope(key, key + (BLOCK_SECTORS - 1));
        if self.without_strays(&scope) {
            // an aligned key would be on its home way, an unaligned one is
            // not in use; invalidation is cheap here, so leave it to that
            return Err(Miss {
                overlaps: true,
                free: None,
            });
        }
        let mut miss = Miss {
            overlaps: false,
            free: None,
        };
        for set in scope.sets() {
            let (first, words) = self.shared.set_words(set);
            let look_for_free = set == own_set;
            for (way, cell) in (0..).zip(words) {
                let w = cell.load(Acquire);
                if scope.holds_overlap(w) {
                    if holds_valid(w, key) {
                        return Ok(first + way);
                    }
                    miss.overlaps = true;
                } else if look_for_free && miss.free.is_none() && is_free(w) {
                    miss.free = Some(first + way);
                }
            }
        }
        Err(miss)
    }

    /// Where blocks overlapping sectors `[start, end]` can be: keys in
    /// `[start - 7, end]`, in the sets of their regions.
    fn overlap_scope(&self, start: u64, end: u64) -> OverlapScope {
        let lowest = start.saturating_sub(BLOCK_SECTORS - 1);
        let shift = self.shared.region_shift();
        let first_region = lowest >> shift;
        OverlapScope {
            lowest,
            span: end - lowest,
            first_region,
            // a long range may wrap around all sets: each set once
            regions: ((end >> shift) - first_region)
                .saturating_add(1)
                .min(self.shared.sets.get()),
            sets: self.shared.sets,
        }
    }

    /// Invalidate every slot whose block overlaps sectors `[start, end]`.
    /// Returns whether one of them was being filled or written.
    pub fn invalidate(&mut self, start: u64, end: u64, dir: Dir) -> bool {
        self.invalidate_except(start, end, dir, None)
    }

    fn invalidate_except(&mut self, start: u64, end: u64, dir: Dir, keep: Option<u64>) -> bool {
        self.invalidate_finding_free(start, end, dir, keep, None).0
    }

    /// `invalidate_except`, also telling which way of the set `free_in`
    /// is the first one free once it is done, if it scanned that set
    /// (`Some(None)`: none is).
    fn invalidate_finding_free(
        &mut self,
        start: u64,
        end: u64,
        dir: Dir,
        keep: Option<u64>,
        free_in: Option<u64>,
    ) -> (bool, Option<Option<u64>>) {
        let scope = self.overlap_scope(start, end);
        if scope.span < KEYWISE_SPAN && self.without_strays(&scope) {
            return (self.invalidate_keywise(&scope, start, end, dir, keep), None);
        }
        let mut busy = false;
        let mut scanned = false;
        let mut free = None;
        for set in scope.sets() {
            let (first, words) = self.shared.set_words(set);
            let look_for_free = Some(set) == free_in;
            scanned |= look_for_free;
            for (way, cell) in (0..).zip(words) {
                // keys change under the lock only, and no hit makes an
                // invalid slot anything else: what this skips stays out
                let slot = first + way;
                let mut w = cell.load(Acquire);
                if scope.holds_overlap(w) && Some(slot) != keep {
                    busy |= self.invalidate_slot(slot, start, end, dir);
                    w = cell.load(Acquire);
                }
                if look_for_free && free.is_none() && is_free(w) {
                    free = Some(slot);
                }
            }
        }
        (busy, scanned.then_some(free))
    }

    /// `invalidate_except` in sets without strays: only the home ways of
    /// the aligned keys in the scope can hold an overlapping block.
    fn invalidate_keywise(
        &mut self,
        scope: &OverlapScope,
        start: u64,
        end: u64,
        dir: Dir,
        keep: Option<u64>,
    ) -> bool {
        let mut busy = false;
        let mut key = scope.lowest.checked_next_multiple_of(BLOCK_SECTORS);
        while let Some(k) = key.filter(|&k| k <= end) {
            let slot = self.shared.home(k);
            if Some(slot) != keep && scope.holds_overlap(self.word(slot)) {
                busy |= self.invalidate_slot(slot, start, end, dir);
            }
            key = k.checked_add(BLOCK_SECTORS);
        }
        busy
    }

    /// Whether no set of `scope` has strays (see `SetState`).
    fn without_strays(&self, scope: &OverlapScope) -> bool {
        scope
            .sets()
            .all(|set| self.sets.get(set as usize).is_some_and(|s| s.stray == 0))
    }

    /// Whether `word` makes `slot` a stray of its set.
    fn is_stray(&self, slot: u64, word: u64) -> bool {
        let key = key_of(word);
        matches!(
            state_of(word),
            State::Valid | State::InProgress | State::InProgressInvalid
        ) && (!key.is_multiple_of(BLOCK_SECTORS) || self.shared.home(key) != slot)
    }

    /// Changes the word of `slot` as `Shared::swap` does and keeps the
    /// stray count of its set right. Returns the word replaced.
    fn change(&mut self, slot: u64, f: impl Fn(u64) -> Option<u64>) -> Option<u64> {
        let (old, new) = self.shared.swap(slot, f)?;
        let (was, is) = (self.is_stray(slot, old), self.is_stray(slot, new));
        if was != is {
            let set = self.shared.set_of_slot(slot);
            let Some(state) = self.sets.get_mut(set as usize) else {
                crate::bug::bug(line!())
            };
            state.stray = match (is, state.stray.checked_sub(1)) {
                (true, _) => state.stray + 1,
                (false, Some(n)) => n,
                (false, None) => crate::bug::bug(line!()),
            };
        }
        Some(old)
    }

    /// Invalidates `slot` if its block overlaps `[start, end]`; true when
    /// it was in progress.
    fn invalidate_slot(&mut self, slot: u64, start: u64, end: u64, dir: Dir) -> bool {
        let old = self.change(slot, |w| {
            let key = key_of(w);
            if key > end || key + (BLOCK_SECTORS - 1) < start {
                return None;
            }
            match state_of(w) {
                State::Valid if readers(w) == 0 => Some(restate(w, State::Invalid)),
                // the hits in flight read the old data; the last one frees it
                State::Valid => Some(restate(w, State::Stale)),
                State::InProgress => Some(restate(w, State::InProgressInvalid)),
                State::Invalid | State::Stale | State::InProgressInvalid => None,
            }
        });
        let Some(old) = old else { return false };
        match dir {
            Dir::Read => self.counts.read_invalidates += 1,
            Dir::Write => self.counts.write_invalidates += 1,
        }
        state_of(old) == State::InProgress
    }

    /// Claims a slot for a new `key` (in progress): its home way if free,
    /// the first free way, else the first valid way without readers from
    /// the set's FIFO pointer. Returns the slot and whether it held a block.
    /// `free`: the first free way as a pass over the set just saw it, if
    /// the caller made one (`Some(None)`: it saw none).
    fn claim_victim(&mut self, key: u64, free: Option<Option<u64>>) -> Option<(u64, bool)> {
        let home = self.shared.home(key);
        if self.claim_if(home, key, State::Invalid) {
            return Some((home, false));
        }
        let claimed = self.claim_elsewhere(key, free);
        if let Some((slot, _)) = claimed {
            self.shared.set_hint(home, slot);
        }
        claimed
    }

    /// Makes `slot` hold `key` in progress if it is in state `want` with no
    /// readers.
    fn claim_if(&mut self, slot: u64, key: u64, want: State) -> bool {
        self.change(slot, |w| {
            (state_of(w) == want && readers(w) == 0).then(|| rekey(w, key, State::InProgress))
        })
        .is_some()
    }

    /// `claim_victim` once the home way is taken.
    fn claim_elsewhere(&mut self, key: u64, free: Option<Option<u64>>) -> Option<(u64, bool)> {
        let set = self.shared.set_of(key);
        let (first, words) = self.shared.set_words(set);
        // the pass's finding holds unless a hit let go of a slot since
        // (then this takes a valid way where a free one was: still right)
        let free = match free {
            Some(seen) => seen.filter(|&s| self.claim_if(s, key, State::Invalid)),
            None => (0..)
                .zip(words)
                .filter(|(_, cell)| is_free(cell.load(Acquire)))
                .map(|(way, _)| first + way)
                .find(|&s| self.claim_if(s, key, State::Invalid)),
        };
        if let Some(s) = free {
            return Some((s, false));
        }
        let assoc = self.shared.assoc;
        let start = self.sets.get(set as usize)?.fifo as u64;
        let found = (0..assoc.get())
            .map(|i| (start + i) % assoc)
            .find(|&way| self.claim_if(first + way, key, State::Valid));
        let next = match found {
            Some(way) => (way + 1) % assoc,
            None => (start + 1) % assoc,
        };
        if let Some(s) = self.sets.get_mut(set as usize) {
            s.fifo = next as u32;
        }
        found.map(|way| (first + way, true))
    }

    fn uncached(&mut self, dir: Dir) -> Plan {
        match dir {
            Dir::Read => self.counts.disk_reads += 1,
            Dir::Write => self.counts.disk_writes += 1,
        }
        Plan::Source
    }

    /// Decide what to do with a read or write of `sectors` at `sector`.
    pub fn map(&mut self, dir: Dir, sector: u64, sectors: u64) -> Plan {
        let end = sector + sectors.max(1) - 1;
        let whole_block = sectors == BLOCK_SECTORS && sector < KEY_LIMIT;
        // what a read miss's lookup saw: it invalidates only when that saw
        // overlapping blocks; the invalidation then finds the free way
        let mut seen: Option<Miss> = None;
        if dir == Dir::Read && whole_block {
            match self.read_lookup(sector) {
                Err(miss) => seen = Some(miss),
                Ok(slot) if self.shared.enter(slot, sector) => {
                    self.counts.reads += 1;
                    self.counts.cache_hits += 1;
                    self.counts.cache_reads += 1;
                    return Plan::Hit(slot);
                }
                Ok(_) => {
                    // the reader count is full: read around the cache
                    self.counts.reads += 1;
                    return self.uncached(dir);
                }
            }
        }
        match dir {
            Dir::Read => self.counts.reads += 1,
            Dir::Write => self.counts.writes += 1,
        }
        if !whole_block || (dir == Dir::Write && self.shared.geo.mode == Mode::WriteAround) {
            self.invalidate(sector, end, dir);
            return self.uncached(dir);
        }
        let free = match seen {
            Some(miss) if !miss.overlaps => Some(miss.free),
            _ => {
                let own_set = self.shared.set_of(sector);
                let (busy, free) =
                    self.invalidate_finding_free(sector, end, dir, None, Some(own_set));
                if busy {
                    return self.uncached(dir);
                }
                free
            }
        };
        let Some((slot, replaced)) = self.claim_victim(sector, free) else {
            return self.uncached(dir);
        };
        match (dir, replaced) {
            (Dir::Read, true) => self.counts.replace += 1,
            (Dir::Write, true) => self.counts.write_replace += 1,
            _ => {}
        }
        match dir {
            Dir::Read => {
                self.counts.disk_reads += 1;
                Plan::Fill(slot)
            }
            Dir::Write => {
                self.counts.disk_writes += 1;
                self.counts.cache_writes += 1;
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
        let done = self.change(slot, |w| {
            let valid = match state_of(w) {
                State::InProgress => ok,
                State::InProgressInvalid => false,
                _ => return None,
            };
            // no hit joins a slot in progress: there are no readers
            Some(restate(
                w,
                if valid { State::Valid } else { State::Invalid },
            ))
        });
        if done.is_none() {
            crate::bug::bug(line!());
        }
    }

    /// A read hit ended: `ok` as `Shared::hit_done`, else `hit_failed`.
    pub fn hit_done(&mut self, slot: u64, ok: bool) {
        if ok {
            self.shared.hit_done(slot)
        } else {
            self.hit_failed(slot)
        }
    }

    /// A read hit whose read of the cache device failed: the block is not
    /// trusted any more, stale until its last reader leaves. Takes the
    /// lock (`&mut`) because the block stops counting as a stray.
    pub fn hit_failed(&mut self, slot: u64) {
        let left = self.change(slot, after_failed_hit);
        if left.is_none() {
            crate::bug::bug(line!());
        }
    }

    /// The source read of a fill ended. Returns whether the data should be
    /// written to the cache slot (then call `fill_done`).
    pub fn fill_read_done(&mut self, slot: u64, ok: bool) -> bool {
        if ok && state_of(self.word(slot)) == State::InProgress {
            self.counts.cache_writes += 1;
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
    ///
    /// Every I/O mapped meanwhile that overlaps the block invalidated this
    /// slot (reads included: they find it in progress). So a slot still in
    /// progress means none did, no fill can have started, and the set needs
    /// no second look.
    pub fn write_done(&mut self, slot: u64, source_ok: bool, cache_ok: bool) {
        let word = self.word(slot);
        let raced = state_of(word) != State::InProgress;
        self.finish(slot, source_ok && cache_ok);
        if raced {
            let key = key_of(word);
            self.invalidate_except(key, key + (BLOCK_SECTORS - 1), Dir::Write, Some(slot));
        }
    }

    /// An uncached (or pass-through) I/O ended: a fill that raced with it
    /// may have cached data from before it, so overlapping blocks go again.
    pub fn source_done(&mut self, dir: Dir, sector: u64, sectors: u64, counted: bool) {
        if counted {
            match dir {
                Dir::Read => self.counts.uncached_reads += 1,
                Dir::Write => self.counts.uncached_writes += 1,
            }
        }
        if sectors > 0 {
            self.invalidate(sector, sector + sectors - 1, dir);
        }
    }

    /// Whether `key` is cached (test support).
    pub fn cached(&self, key: u64) -> bool {
        self.read_lookup(key).is_ok()
    }

    /// The stray count of `set` (test support).
    pub fn strays(&self, set: u64) -> Option<u32> {
        Some(self.sets.get(set as usize)?.stray)
    }
}

impl<'a> Cache<'a> {
    /// Hand back the memory given to `new`.
    pub fn into_parts(self) -> (&'a Shared<'a>, &'a mut [SetState]) {
        (self.shared, self.sets)
    }
}

/// What the lookup pass of a read miss saw.
#[derive(Clone, Copy)]
struct Miss {
    /// a slot holds a block the read overlaps
    overlaps: bool,
    /// the first free way of the key's set
    free: Option<u64>,
}

/// The slots `invalidate` looks at for a range (see `Cache::overlap_scope`).
struct OverlapScope {
    lowest: u64,
    span: u64,
    first_region: u64,
    regions: u64,
    sets: NonZeroU64,
}

impl OverlapScope {
    fn sets(&self) -> impl Iterator<Item = u64> + '_ {
        (0..self.regions).map(|r| (self.first_region + r) % self.sets)
    }

    /// Whether `word` is a slot in use whose key overlaps the range: a key
    /// k overlaps when k - lowest <= span.
    fn holds_overlap(&self, word: u64) -> bool {
        state_of(word) != State::Invalid && key_of(word).wrapping_sub(self.lowest) <= self.span
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::AtomicU64;
    use std::vec::Vec;

    #[test]
    fn blocks_from_the_key_limit_on_go_around_the_cache() {
        let geo = Geometry {
            blocks: 64,
            sets: 8,
            assoc: 8,
            mode: Mode::WriteThrough,
        };
        let words: Vec<AtomicU64> = (0..geo.blocks).map(|_| AtomicU64::new(0)).collect();
        let shared = Shared::new(geo, &words).unwrap();
        let mut sets = std::vec![SetState::default(); geo.sets as usize];
        let mut cache = Cache::new(&shared, &mut sets).unwrap();
        let last = KEY_LIMIT - BLOCK_SECTORS;
        let Plan::Fill(slot) = cache.map(Dir::Read, last, 8) else {
            panic!("the last block below the limit is cached")
        };
        assert!(cache.fill_read_done(slot, true));
        cache.fill_done(slot, true);
        assert_eq!(shared.try_hit(last, 8, 0), Some(slot));
        cache.hit_done(slot, true);
        for dir in [Dir::Read, Dir::Write] {
            assert_eq!(cache.map(dir, KEY_LIMIT, 8), Plan::Source);
        }
        assert_eq!(shared.try_hit(KEY_LIMIT, 8, 0), None);
        // the block below is still there: no key wrapped onto it
        assert!(cache.cached(last));
    }
}
