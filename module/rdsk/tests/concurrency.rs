//! Threads racing on one `RamDisk`: page allocation, reads against writes
//! and discards, and tree growth under writers.
#![cfg(feature = "host")]

use rdsk::host::{self, LIVE_ALLOCATIONS};
use rdsk::mem::{self, Retire, Spare};
use rdsk::store::{RamDisk, WriteError};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use std::thread;

const SECTOR: usize = 512;
const SPP: u64 = 8;

/// The allocation counter and retired list are process-wide.
static GLOBAL: Mutex<()> = Mutex::new(());

/// Takes the test lock and returns the live allocation count to come back to.
fn start() -> (MutexGuard<'static, ()>, i64) {
    let guard = GLOBAL.lock().unwrap_or_else(PoisonError::into_inner);
    host::free_retired();
    (guard, LIVE_ALLOCATIONS.load(Ordering::SeqCst))
}

fn finish(rd: RamDisk, before: i64) {
    rd.destroy();
    host::free_retired();
    assert_eq!(LIVE_ALLOCATIONS.load(Ordering::SeqCst), before, "leak");
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Raised when a test thread panics, so that the others stop waiting for it
/// (a hang would hide the failure).
#[derive(Default)]
struct Failed(AtomicBool);

struct FailGuard<'a>(&'a Failed);

impl Drop for FailGuard<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            (self.0).0.store(true, Ordering::Relaxed);
        }
    }
}

impl Failed {
    fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Keep alive for the whole thread body.
    fn guard(&self) -> FailGuard<'_> {
        FailGuard(self)
    }
}

/// A barrier whose waiters spin, so they leave it at nearly the same time
/// (std's Barrier wakes them one by one).
struct SpinBarrier {
    arrived: AtomicU64,
    generation: AtomicU64,
    n: u64,
}

impl SpinBarrier {
    fn wait(&self, failed: &Failed) {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            return;
        }
        let mut spins = 0u32;
        while self.generation.load(Ordering::Acquire) == generation {
            assert!(!failed.is_set(), "another thread failed");
            spins += 1;
            if spins.is_multiple_of(64) {
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}

/// host::write's protocol, also telling whether a spare page was left over
/// because another writer filled the slot first. `sleepy` yields after the
/// allocation, as the shim's page allocation may sleep, so that races are
/// lost even without parallel cores.
fn write_counting_losses(rd: &RamDisk, sector: u64, buf: &[u8], sleepy: bool) -> bool {
    let mut spare = std::ptr::null_mut();
    loop {
        match rd.write(sector, buf, &mut Spare(&mut spare)) {
            Ok(()) => break,
            Err(WriteError::NeedPage) => {
                spare = mem::alloc_page();
                if sleepy {
                    thread::yield_now();
                }
            }
            Err(e) => panic!("write {sector}: {e:?}"),
        }
    }
    let lost = !spare.is_null();
    if lost {
        mem::free_page(spare);
    }
    lost
}

#[test]
fn racing_writers_allocate_each_page_once() {
    // one thread per sector of a page
    const THREADS: u64 = SPP;
    // more than 512 pages, so level-1 tree nodes are raced for too
    const PAGES: u64 = 1100;
    const PASSES: u64 = 3;
    let (_guard, before) = start();
    let rd = RamDisk::new(PAGES * SPP).unwrap();
    // level-1 nodes past the first (which was the root before growth)
    // are allocated by the writes, through the spare protocol too
    let created = LIVE_ALLOCATIONS.load(Ordering::SeqCst) - before;
    let nodes = created + PAGES.div_ceil(512) as i64 - 1;
    let barrier = SpinBarrier {
        arrived: AtomicU64::new(0),
        generation: AtomicU64::new(0),
        n: THREADS,
    };
    let losses = AtomicU64::new(0);
    let failed = Failed::default();
    let value = |pass: u64, page: u64, t: u64| ((pass * PAGES + page) * THREADS + t) as u8 | 1;
    let mut buf = vec![0; SECTOR * SPP as usize];
    for pass in 0..PASSES {
        thread::scope(|s| {
            for t in 0..THREADS {
                let (rd, barrier, losses, failed) = (&rd, &barrier, &losses, &failed);
                s.spawn(move || {
                    let _guard = failed.guard();
                    for page in 0..PAGES {
                        let buf = [value(pass, page, t); SECTOR];
                        barrier.wait(failed);
                        let sleepy = page.is_multiple_of(2);
                        let lost = write_counting_losses(rd, page * SPP + t, &buf, sleepy);
                        losses.fetch_add(lost as u64, Ordering::Relaxed);
                    }
                });
            }
        });
        let usage = rd.usage();
        assert_eq!(usage.pages, PAGES);
        assert_eq!(usage.max_sector, PAGES * SPP);
        // every spare page that lost its race was freed: one allocation per
        // page, live or retired by the earlier passes' free_all
        let live = LIVE_ALLOCATIONS.load(Ordering::SeqCst) - before;
        assert_eq!(live, nodes + ((pass + 1) * PAGES) as i64);
        for page in 0..PAGES {
            rd.read(page * SPP, &mut buf).unwrap();
            for (t, block) in (0..).zip(buf.chunks(SECTOR)) {
                let want = value(pass, page, t);
                assert!(block.iter().all(|b| *b == want), "page {page} sector {t}");
            }
        }
        // fresh pages again for the next pass (tree nodes stay)
        rd.free_all(Retire(std::ptr::null_mut()));
        assert_eq!(rd.usage().pages, 0);
    }
    eprintln!("lost allocation races: {}", losses.load(Ordering::Relaxed));
    finish(rd, before);
}

/// The interleaving of a lost race, made deterministic: the spare page that
/// was allocated for a slot filled meanwhile comes back unused.
#[test]
fn spare_page_survives_a_lost_race() {
    let (_guard, before) = start();
    let rd = RamDisk::new(16).unwrap();
    let mut spare = std::ptr::null_mut();
    let r = rd.write(2, &[7; SECTOR], &mut Spare(&mut spare));
    assert_eq!(r, Err(WriteError::NeedPage));
    spare = mem::alloc_page();
    assert_eq!(host::write(&rd, 3, &[9; SECTOR]), Ok(()));
    assert_eq!(rd.write(2, &[7; SECTOR], &mut Spare(&mut spare)), Ok(()));
    assert!(!spare.is_null(), "spare consumed although the page existed");
    mem::free_page(spare);
    assert_eq!(rd.usage().pages, 1);
    let mut buf = [0; 2 * SECTOR];
    rd.read(2, &mut buf).unwrap();
    assert!(buf[..SECTOR].iter().all(|b| *b == 7));
    assert!(buf[SECTOR..].iter().all(|b| *b == 9));
    finish(rd, before);
}

/// Readers under per-block read locks see each 512-byte block either
/// zeroed or holding the last value its writer wrote, while other blocks of
/// the same pages are written and whole pages are discarded under them.
#[test]
fn readers_see_whole_blocks_during_writes_and_discards() {
    const PAGES: u64 = 48;
    const WRITERS: u64 = 4;
    const READERS: u64 = 3;
    let (_guard, before) = start();
    let rd = RamDisk::new(PAGES * SPP).unwrap();
    // per block: the value last written (0 after a locked partial zero).
    // Writer w owns the blocks b with b % WRITERS == w.
    let blocks: Vec<RwLock<u8>> = (0..PAGES * SPP).map(|_| RwLock::new(0)).collect();
    // Writers share their page's lock, whole-page discards take it alone:
    // a write racing the discard of its page hits the bug shown by
    // write_racing_discard_of_its_page. Readers never take it.
    let page_locks: Vec<RwLock<()>> = (0..PAGES).map(|_| RwLock::new(())).collect();
    let writing = AtomicBool::new(true);
    let failed = Failed::default();
    let go_on = || writing.load(Ordering::Relaxed) && !failed.is_set();
    let reads = AtomicU64::new(0);
    let zeroes = AtomicU64::new(0);
    // writers go on until the readers and the discarder had their turns
    let enough = || reads.load(Ordering::Relaxed) >= 2000 && zeroes.load(Ordering::Relaxed) >= 1000;
    thread::scope(|s| {
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (rd, blocks, page_locks) = (&rd, &blocks, &page_locks);
            let (enough, failed) = (&enough, &failed);
            writers.push(s.spawn(move || {
                let _guard = failed.guard();
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (w + 1));
                let mut i = 0u64;
                while (i < 3000 || !enough()) && !failed.is_set() {
                    i += 1;
                    let block = rng.below(PAGES * SPP / WRITERS) * WRITERS + w;
                    // values 1..=255, never 0, different on every write
                    let value = (i % 255 + 1) as u8;
                    let mut last = blocks[block as usize].write().unwrap();
                    let _page = page_locks[(block / SPP) as usize].read().unwrap();
                    assert_eq!(host::write(rd, block, &[value; SECTOR]), Ok(()));
                    *last = value;
                }
            }));
        }
        for r in 0..READERS {
            let (rd, blocks, reads, failed, go_on) = (&rd, &blocks, &reads, &failed, &go_on);
            s.spawn(move || {
                let _guard = failed.guard();
                let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ (r + 1));
                let mut buf = vec![0; 3 * SPP as usize * SECTOR];
                while go_on() {
                    // up to 3 pages from any block: crosses page boundaries
                    let first = rng.below(PAGES * SPP);
                    let n = 1 + rng.below((3 * SPP).min(PAGES * SPP - first));
                    let held: Vec<_> = (first..first + n)
                        .map(|b| blocks[b as usize].read().unwrap())
                        .collect();
                    let buf = &mut buf[..n as usize * SECTOR];
                    rd.read(first, buf).unwrap();
                    for (i, block) in buf.chunks(SECTOR).enumerate() {
                        let b = block[0];
                        assert!(
                            block.iter().all(|x| *x == b),
                            "torn block {}",
                            first + i as u64
                        );
                        assert!(
                            b == 0 || b == *held[i],
                            "block {} has {b}",
                            first + i as u64
                        );
                    }
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let (rd, blocks, page_locks) = (&rd, &blocks, &page_locks);
        let (zeroes, failed, go_on) = (&zeroes, &failed, &go_on);
        s.spawn(move || {
            let _guard = failed.guard();
            let mut rng = Rng(0x1234_5678);
            while go_on() {
                let page = rng.below(PAGES);
                if rng.below(4) == 0 {
                    // sectors inside one page are zeroed in place: lock them
                    let from = page * SPP + rng.below(SPP);
                    let to = from + 1 + rng.below(page * SPP + SPP - from);
                    let mut held: Vec<_> = (from..to)
                        .map(|b| blocks[b as usize].write().unwrap())
                        .collect();
                    rd.zero(from, to - from, Retire(std::ptr::null_mut()))
                        .unwrap();
                    held.iter_mut().for_each(|v| **v = 0);
                } else {
                    // whole pages leave the tree atomically: readers need no
                    // lock (writers do, see page_locks)
                    let n = 1 + rng.below(3.min(PAGES - page));
                    let _held: Vec<_> = (page..page + n)
                        .map(|p| page_locks[p as usize].write().unwrap())
                        .collect();
                    rd.zero(page * SPP, n * SPP, Retire(std::ptr::null_mut()))
                        .unwrap();
                }
                zeroes.fetch_add(1, Ordering::Relaxed);
            }
        });
        for w in writers {
            // a panic is reported when the scope ends; stop the others first
            let _ = w.join();
        }
        writing.store(false, Ordering::Relaxed);
    });
    assert!(reads.load(Ordering::Relaxed) > 0 && zeroes.load(Ordering::Relaxed) > 0);
    eprintln!(
        "reads {} zeroes {}",
        reads.load(Ordering::Relaxed),
        zeroes.load(Ordering::Relaxed)
    );
    // quiescent: every block holds 0 or its last value (a write that raced
    // a discard may have gone into the retired page)
    let mut buf = vec![0; PAGES as usize * SPP as usize * SECTOR];
    rd.read(0, &mut buf).unwrap();
    for (b, block) in buf.chunks(SECTOR).enumerate() {
        let last = *blocks[b].read().unwrap();
        assert!(block.iter().all(|x| *x == block[0]), "torn block {b}");
        assert!(
            block[0] == 0 || block[0] == last,
            "block {b}: {} not {last}",
            block[0]
        );
    }
    assert!(rd.usage().pages <= PAGES);
    finish(rd, before);
}

/// Writers run while a resizer grows the disk through several tree levels:
/// every write lands, whichever root the writer started from.
#[test]
fn writes_survive_tree_growth() {
    const WRITERS: u64 = 4;
    const WRITES: u64 = 2000;
    // 1 page, then past 512, 512^2 and 512^3 pages
    const STEPS: [u64; 5] = [1, 600, 300_000, 200_000_000, 1 << 40];
    let (_guard, before) = start();
    let rd = RamDisk::new(STEPS[0] * SPP).unwrap();
    let done = AtomicU64::new(0);
    let failed = Failed::default();
    let logs: Vec<BTreeMap<u64, u8>> = thread::scope(|s| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (rd, done, failed) = (&rd, &done, &failed);
                s.spawn(move || {
                    let _guard = failed.guard();
                    let mut rng = Rng(0xdead_beef ^ (w + 1));
                    let mut log = BTreeMap::new();
                    for i in 0..WRITES {
                        let pages = rd.usage().nr_sectors / SPP;
                        // near the start, or at one of 64 spots spread over
                        // the capacity (bounded node memory on huge disks)
                        let page = if i.is_multiple_of(2) {
                            rng.below(pages.min(4))
                        } else {
                            (pages / 64 * rng.below(64) + rng.below(4)).min(pages - 1)
                        };
                        let sector = page * SPP + w;
                        let value = (i % 251 + 1) as u8;
                        assert_eq!(host::write(rd, sector, &[value; SECTOR]), Ok(()));
                        log.insert(sector, value);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    log
                })
            })
            .collect();
        // grow at evenly spread points of the writers' progress
        let every = WRITERS * WRITES / STEPS.len() as u64;
        for (k, pages) in STEPS.iter().enumerate().skip(1) {
            while done.load(Ordering::Relaxed) < k as u64 * every {
                assert!(!failed.is_set(), "a writer failed");
                thread::yield_now();
            }
            assert_eq!(rd.resize(pages * SPP * SECTOR as u64), Ok(()));
        }
        writers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(rd.usage().nr_sectors, STEPS[4] * SPP);
    let mut pages = BTreeSet::new();
    let mut buf = [0; SECTOR];
    for (sector, value) in logs.iter().flatten() {
        rd.read(*sector, &mut buf).unwrap();
        assert!(buf.iter().all(|b| b == value), "sector {sector}");
        pages.insert(sector / SPP);
    }
    assert_eq!(rd.usage().pages, pages.len() as u64);
    finish(rd, before);
}

/// Regression: a write that publishes a page while a discard takes the same
/// page out must still copy into a live page (it once read the slot again
/// and copied to null + offset).
#[test]
fn write_racing_discard_of_its_page() {
    let (_guard, before) = start();
    let rd = RamDisk::new(SPP).unwrap();
    let stop = AtomicBool::new(false);
    thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                rd.zero(0, SPP, Retire(std::ptr::null_mut())).unwrap();
            }
        });
        for _ in 0..200_000 {
            assert_eq!(host::write(&rd, 3, &[1; SECTOR]), Ok(()));
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert!(rd.usage().pages <= 1);
    finish(rd, before);
}
