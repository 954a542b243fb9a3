//! The slot words and everything that may run without the target's lock:
//! read hits (`try_hit`) and their completion (`hit_done`).
//!
//! A slot is one u64 (8 bytes of metadata per 4 KiB block): the key (the
//! exact start sector of a 4 KiB I/O) in the low 45 bits, a hint in the next
//! 10, the number of read hits in flight on it in the next 6 and the state
//! in the top 3. A hit adds itself to the reader count with one
//! compare-and-swap while the slot is `Valid`; nothing else may reuse a slot
//! whose count is not zero, so a remapped read never sees the block
//! overwritten. Invalidation of a slot with readers marks it `Stale`; the
//! last reader to leave frees it.
//!
//! The hint of a slot belongs to the keys whose home way it is, not to the
//! key it holds: it is where the last of them that had to go elsewhere in
//! the set was put (as a distance from the home way). A hit tries the home
//! way and then that one, so blocks that lost their home way to another are
//! still found without the lock and without a scan of the set. A stale hint
//! costs one look at a slot that does not hold the key.
use crate::args::Geometry;
use crate::BLOCK_SHIFT;
use core::num::NonZeroU64;
use core::sync::atomic::{AtomicU64, Ordering::*};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum State {
    Invalid = 0,
    /// holds the data of its key; read hits may be in flight
    Valid = 1,
    /// a fill after a read miss, or a write-through write, is running
    InProgress = 2,
    /// invalidated while read hits were in flight: free when they end
    Stale = 3,
    /// invalidated while in progress: must end invalid
    InProgressInvalid = 4,
}

const KEY_BITS: u32 = 45;
const HINT_SHIFT: u32 = KEY_BITS;
const HINT_BITS: u32 = 10;
const READERS_SHIFT: u32 = HINT_SHIFT + HINT_BITS;
const STATE_SHIFT: u32 = 61;
const KEY_MASK: u64 = (1 << KEY_BITS) - 1;
const HINT_MASK: u64 = ((1 << HINT_BITS) - 1) << HINT_SHIFT;
const STATE_MASK: u64 = 7 << STATE_SHIFT;
const READER_ONE: u64 = 1 << READERS_SHIFT;
const READERS_MAX: u64 = (1 << (STATE_SHIFT - READERS_SHIFT)) - 1;
/// Keys are sectors below this (16 PiB of source; I/O beyond goes
/// uncached).
pub const KEY_LIMIT: u64 = 1 << KEY_BITS;
/// Hints reach ways this far from the home way (all of a set of up to 1024
/// ways).
const HINT_LIMIT: u64 = 1 << HINT_BITS;

/// A word for a slot with no readers: `key` in `state`, the hint of the
/// slot's old word `word` kept.
pub fn rekey(word: u64, key: u64, state: State) -> u64 {
    (word & HINT_MASK) | (key & KEY_MASK) | ((state as u64) << STATE_SHIFT)
}

/// `word` with another state, key and readers kept.
pub fn restate(word: u64, state: State) -> u64 {
    (word & !STATE_MASK) | ((state as u64) << STATE_SHIFT)
}

pub fn key_of(word: u64) -> u64 {
    word & KEY_MASK
}

pub fn readers(word: u64) -> u64 {
    (word >> READERS_SHIFT) & READERS_MAX
}

pub fn state_of(word: u64) -> State {
    match word >> STATE_SHIFT {
        1 => State::Valid,
        2 => State::InProgress,
        3 => State::Stale,
        4 => State::InProgressInvalid,
        _ => State::Invalid,
    }
}

/// Whether `word` holds `key` with valid data.
pub fn holds_valid(word: u64, key: u64) -> bool {
    word & (KEY_MASK | STATE_MASK) == (key & KEY_MASK) | ((State::Valid as u64) << STATE_SHIFT)
}

fn hint_of(word: u64) -> u64 {
    (word & HINT_MASK) >> HINT_SHIFT
}

/// The word of a slot after a hit on it failed to read the cache device:
/// one reader less and stale, or free if it was the last; `None` when no
/// hit can be in flight on `word`.
pub fn after_failed_hit(word: u64) -> Option<u64> {
    if readers(word) == 0 || !matches!(state_of(word), State::Valid | State::Stale) {
        return None;
    }
    let left = restate(word - READER_ONE, State::Stale);
    Some(if readers(left) == 0 {
        restate(left, State::Invalid)
    } else {
        left
    })
}

/// Whether a slot may be claimed: invalid, and no hit in flight.
pub fn is_free(word: u64) -> bool {
    // the state and the reader count are the bits above key and hint
    word >> READERS_SHIFT == 0
}

/// Whether a word counts as a cached block (`cached blocks` of the status).
pub fn holds(word: u64) -> bool {
    state_of(word) == State::Valid
}

/// A counter in a cache line of its own: updating it does not take the
/// line of the read-mostly geometry away from the other CPUs.
#[repr(align(64))]
#[derive(Default)]
pub struct LineCounter(pub AtomicU64);

/// How many lines the hit counter is spread over (CPUs beyond share them).
pub const HIT_STRIPES: usize = 16;

/// Reads served as lock-free hits, one line per CPU (modulo HIT_STRIPES),
/// so hits on different CPUs do not contend for one counter.
#[derive(Default)]
pub struct HitCounter([LineCounter; HIT_STRIPES]);

impl HitCounter {
    pub fn add(&self, cpu: u32) {
        if let Some(line) = self.0.get(cpu as usize % HIT_STRIPES) {
            line.0.fetch_add(1, Relaxed);
        }
    }

    pub fn sum(&self) -> u64 {
        self.0.iter().map(|line| line.0.load(Relaxed)).sum()
    }
}

/// The slots, the geometry that places keys, and the counters the
/// lock-free hit path updates.
pub struct Shared<'a> {
    pub geo: Geometry,
    pub sets: NonZeroU64,
    pub assoc: NonZeroU64,
    assoc_shift: u32,
    words: &'a [AtomicU64],
    /// reads served as lock-free hits (also counted in `reads`)
    pub hits: HitCounter,
    /// slots holding data
    pub cached_blocks: LineCounter,
}

impl<'a> Shared<'a> {
    /// `words` must hold `geo.blocks` zeroed words.
    pub fn new(geo: Geometry, words: &'a [AtomicU64]) -> Option<Self> {
        if words.len() as u64 != geo.blocks || !geo.assoc.is_power_of_two() {
            return None;
        }
        Some(Shared {
            geo,
            sets: NonZeroU64::new(geo.sets)?,
            assoc: NonZeroU64::new(geo.assoc as u64)?,
            assoc_shift: geo.assoc.trailing_zeros(),
            words,
            hits: HitCounter::default(),
            cached_blocks: LineCounter::default(),
        })
    }

    /// The slot words (to free them).
    pub fn words(&self) -> &'a [AtomicU64] {
        self.words
    }

    pub fn region_shift(&self) -> u32 {
        BLOCK_SHIFT + self.assoc_shift
    }

    pub fn set_of(&self, sector: u64) -> u64 {
        (sector >> self.region_shift()) % self.sets
    }

    /// The way a key prefers: hits on it need no scan of the set.
    pub fn home(&self, key: u64) -> u64 {
        (self.set_of(key) << self.assoc_shift) | ((key >> BLOCK_SHIFT) & (self.assoc.get() - 1))
    }

    /// The slot the hint of `home` points to.
    pub fn hinted(&self, home: u64) -> u64 {
        let mask = self.assoc.get() - 1;
        (home & !mask) | (home.wrapping_add(hint_of(self.word(home))) & mask)
    }

    /// Records that a key whose home way is `home` went to `slot` (of the
    /// same set); a distance the hint cannot hold leaves it as it was.
    pub fn set_hint(&self, home: u64, slot: u64) {
        let distance = slot.wrapping_sub(home) & (self.assoc.get() - 1);
        if distance >= HINT_LIMIT {
            return;
        }
        let hint = distance << HINT_SHIFT;
        self.update(home, |w| {
            (w & HINT_MASK != hint).then_some((w & !HINT_MASK) | hint)
        });
    }

    fn cell(&self, slot: u64) -> &AtomicU64 {
        match self.words.get(slot as usize) {
            Some(w) => w,
            None => crate::bug::bug(line!()),
        }
    }

    pub fn word(&self, slot: u64) -> u64 {
        self.cell(slot).load(Acquire)
    }

    /// The number of the first slot of `set` and the words of its ways, for
    /// scans that look at every way with one bounds check.
    pub fn set_words(&self, set: u64) -> (u64, &'a [AtomicU64]) {
        let first = set * self.assoc.get();
        let ways = usize::try_from(first)
            .ok()
            .and_then(|f| self.words.get(f..f.checked_add(self.geo.assoc as usize)?));
        match ways {
            Some(w) => (first, w),
            None => crate::bug::bug(line!()),
        }
    }

    /// Replaces a slot word by `f(word)` atomically, retrying while hits
    /// change the reader count; `f` returning `None` leaves it. Keeps
    /// `cached_blocks` right. Returns the word replaced and its successor.
    pub fn swap(&self, slot: u64, f: impl Fn(u64) -> Option<u64>) -> Option<(u64, u64)> {
        let cell = self.cell(slot);
        let mut old = cell.load(Acquire);
        loop {
            let new = f(old)?;
            match cell.compare_exchange_weak(old, new, AcqRel, Acquire) {
                Ok(_) => {
                    match (holds(old), holds(new)) {
                        (true, false) => self.cached_blocks.0.fetch_sub(1, Relaxed),
                        (false, true) => self.cached_blocks.0.fetch_add(1, Relaxed),
                        _ => 0,
                    };
                    return Some((old, new));
                }
                Err(now) => old = now,
            }
        }
    }

    /// `swap`, returning only the word replaced.
    pub fn update(&self, slot: u64, f: impl Fn(u64) -> Option<u64>) -> Option<u64> {
        self.swap(slot, f).map(|(old, _)| old)
    }

    /// The set `slot` belongs to.
    pub fn set_of_slot(&self, slot: u64) -> u64 {
        slot >> self.assoc_shift
    }

    /// Joins the readers of `slot` if it holds `key`; false when it does
    /// not, or when the count is full.
    pub fn enter(&self, slot: u64, key: u64) -> bool {
        // not `update`: the state stays, so `cached_blocks` does too
        let cell = self.cell(slot);
        let mut w = cell.load(Acquire);
        while holds_valid(w, key) && readers(w) < READERS_MAX {
            match cell.compare_exchange_weak(w, w + READER_ONE, AcqRel, Acquire) {
                Ok(_) => return true,
                Err(now) => w = now,
            }
        }
        false
    }

    /// A read of `sectors` at `sector` served without the lock, if its
    /// home slot or the slot the home's hint points to holds it: the slot
    /// to remap to. Counted as a read and a hit, on the counter line of
    /// `cpu` (the caller's CPU; any number is correct, the caller's own
    /// keeps the line local).
    #[inline]
    pub fn try_hit(&self, sector: u64, sectors: u64, cpu: u32) -> Option<u64> {
        if sectors != crate::BLOCK_SECTORS || sector >= KEY_LIMIT {
            return None;
        }
        let home = self.home(sector);
        let slot = if self.enter(home, sector) {
            home
        } else {
            let hinted = self.hinted(home);
            if hinted == home || !self.enter(hinted, sector) {
                return None;
            }
            hinted
        };
        self.hits.add(cpu);
        Some(slot)
    }

    /// A read hit on `slot` that read its data ended: one atomic
    /// subtraction, as the count it leaves is not zero (no borrow from the
    /// state). Only the last reader of a stale block has more to do: it
    /// frees the block, which nothing else touches meanwhile (a stale slot
    /// with no readers is neither claimed nor entered nor invalidated). A
    /// failed hit changes the block's state, so it ends under the lock
    /// (`Cache::hit_failed`).
    #[inline(always)]
    pub fn hit_done(&self, slot: u64) {
        let cell = self.cell(slot);
        let old = cell.fetch_sub(READER_ONE, AcqRel);
        match (state_of(old), readers(old)) {
            (_, 0) => {
                cell.fetch_add(READER_ONE, AcqRel);
                crate::bug::bug(line!())
            }
            (State::Valid, _) => {}
            (State::Stale, 1) => {
                let freed = self.update(slot, |w| {
                    (state_of(w) == State::Stale && readers(w) == 0)
                        .then(|| restate(w, State::Invalid))
                });
                if freed.is_none() {
                    crate::bug::bug(line!());
                }
            }
            (State::Stale, _) => {}
            _ => crate::bug::bug(line!()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_on_any_cpu_number_add_up() {
        let hits = HitCounter::default();
        for cpu in [0, 1, 15, 16, 17, 4095, u32::MAX] {
            hits.add(cpu);
        }
        assert_eq!(hits.sum(), 7);
        // modulo 16: 0 and 16 share line 0, 1 and 17 line 1, the rest line 15
        assert_eq!(hits.0[0].0.load(Relaxed), 2);
        assert_eq!(hits.0[1].0.load(Relaxed), 2);
        assert_eq!(hits.0[15].0.load(Relaxed), 3);
    }

    /// A set of four ways whose slot 0 holds key 8 with two hits in
    /// flight, and a hint to way 3.
    fn two_readers(words: &[AtomicU64; 4]) -> Shared<'_> {
        let geo = Geometry {
            blocks: 4,
            sets: 1,
            assoc: 4,
            mode: crate::args::Mode::WriteThrough,
        };
        let s = Shared::new(geo, words).unwrap();
        s.update(0, |w| Some(rekey(w, 8, State::Valid)));
        s.set_hint(0, 3);
        assert!(s.enter(0, 8) && s.enter(0, 8));
        assert!(!s.enter(0, 16), "another key does not enter");
        assert_eq!(s.cached_blocks.0.load(Relaxed), 1);
        s
    }

    fn state_and_readers(s: &Shared) -> (State, u64) {
        (state_of(s.word(0)), readers(s.word(0)))
    }

    #[test]
    fn readers_leave_a_valid_block_valid() {
        let words = [const { AtomicU64::new(0) }; 4];
        let s = two_readers(&words);
        s.hit_done(0);
        assert_eq!(state_and_readers(&s), (State::Valid, 1));
        s.hit_done(0);
        assert_eq!(state_and_readers(&s), (State::Valid, 0));
        assert_eq!((key_of(s.word(0)), s.hinted(0)), (8, 3));
        assert_eq!(s.cached_blocks.0.load(Relaxed), 1);
    }

    #[test]
    fn last_reader_frees_a_stale_block() {
        let words = [const { AtomicU64::new(0) }; 4];
        let s = two_readers(&words);
        s.update(0, |w| Some(restate(w, State::Stale)));
        assert!(!s.enter(0, 8), "a stale block takes no new hits");
        s.hit_done(0);
        assert_eq!(state_and_readers(&s), (State::Stale, 1));
        s.hit_done(0);
        assert_eq!(state_and_readers(&s), (State::Invalid, 0));
        assert!(is_free(s.word(0)));
        assert_eq!(s.cached_blocks.0.load(Relaxed), 0);
    }

    #[test]
    fn counters_own_their_cache_lines() {
        assert_eq!(core::mem::align_of::<LineCounter>(), 64);
        assert_eq!(core::mem::size_of::<HitCounter>(), 64 * HIT_STRIPES);
    }
}
