//! `dmsetup status` (INFO) and `dmsetup table` (TABLE) text, byte for byte
//! as upstream prints them.
use crate::args::Mode;
use crate::map::Cache;
use crate::text::Writer;
use crate::BLOCK_SECTORS;

pub fn info(c: &Cache, w: &mut Writer) {
    let s = c.stats();
    w.str(b"stats:\n\treads(").num(s.reads);
    w.str(b"), writes(").num(s.writes);
    w.str(b")\n\tcache hits(").num(s.cache_hits);
    w.str(b"), replacement(").num(s.replace);
    w.str(b"), write replacement(").num(s.write_replace);
    w.str(b")\n\tread invalidates(").num(s.read_invalidates);
    w.str(b"), write invalidates(").num(s.write_invalidates);
    w.str(b")\n\tuncached reads(").num(s.uncached_reads);
    w.str(b"), uncached writes(").num(s.uncached_writes);
    w.str(b")\n\tdisk reads(").num(s.disk_reads);
    w.str(b"), disk writes(").num(s.disk_writes);
    w.str(b")\n\tcache reads(").num(s.cache_reads);
    w.str(b"), cache writes(").num(s.cache_writes);
    w.str(b")\n");
}

pub fn table(c: &Cache, source: &[u8], cache_dev: &[u8], w: &mut Writer) {
    let g = c.geometry();
    let mode: &[u8] = match g.mode {
        Mode::WriteAround => b"WRITE_AROUND",
        Mode::WriteThrough => b"WRITETHROUGH",
    };
    w.str(b"conf:\n\tRapidDisk dev (").str(cache_dev);
    w.str(b"), disk dev (").str(source);
    w.str(b") mode (").str(mode);
    w.str(b")\n\tcapacity(")
        .num((g.blocks * BLOCK_SECTORS) >> 11);
    w.str(b"M), associativity(").num(g.assoc as u64);
    w.str(b"), block size(").num(BLOCK_SECTORS >> 1);
    w.str(b"K)\n\ttotal blocks(").num(g.blocks);
    w.str(b"), cached blocks(").num(c.stats().cached_blocks);
    w.str(b")\n");
}
