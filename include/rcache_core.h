/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcache_core.h - the boundary between shim/rapiddisk-cache.c and the
 * no_std Rust core in module/cache (checked by tests/abi_rcache_core.rs).
 *
 * Every call that takes a struct rcache must be made under the target's
 * lock; the calls on a struct rcache_shared need none (atomic slot words).
 */
#ifndef RCACHE_CORE_H
#define RCACHE_CORE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint32_t u32;
typedef uint64_t u64;
#endif

struct rcache;
/* the part of a cache that read hits use without the lock */
struct rcache_shared;

/* what the table line asks for */
struct rcache_args {
	u64 size;		/* cache sectors, when has_size */
	u32 has_size;
	u32 mode;		/* 0 write-through, 1 write-around */
	u32 assoc;
	u32 reserved;
};

struct rcache_geometry {
	u64 blocks;
	u64 sets;
	u32 assoc;
	u32 mode;
};

/* the status counters, in INFO order, plus the TABLE's cached blocks */
struct rcache_stats {
	u64 reads, writes, cache_hits, replace, write_replace;
	u64 read_invalidates, write_invalidates, uncached_reads, uncached_writes;
	u64 disk_reads, disk_writes, cache_reads, cache_writes, cached_blocks;
};

/* table refusals; rcache_reason_text() gives the ti->error string */
enum rcache_reason {
	RCACHE_OK = 0,
	RCACHE_R_ARGC = 1,
	RCACHE_R_NOT_RAPIDDISK = 2,
	RCACHE_R_SIZE = 3,
	RCACHE_R_MODE = 4,
	RCACHE_R_ASSOC = 5,
	RCACHE_R_NO_MEMORY = 6,
};

enum rcache_dir {
	RCACHE_READ = 0,
	RCACHE_WRITE = 1,
};

/* what to do with a bio, from rcache_map() */
enum rcache_plan {
	RCACHE_PLAN_SOURCE = 0,		/* to the source; then rcache_source_done */
	RCACHE_PLAN_HIT = 1,		/* remap to the cache slot; then rcache_hit_done */
	RCACHE_PLAN_FILL = 2,		/* read source, write slot; rcache_fill_* */
	RCACHE_PLAN_WRITE_BOTH = 3,	/* write source and slot; rcache_write_done */
};

/* ---- provided by the shim (kernel) or the host test support ---- */
void *rcache_cb_vzalloc(size_t size);
void rcache_cb_vfree(void *ptr);
void rcache_cb_bug(u32 line);

/* ---- provided by the Rust core ---- */
int rcache_parse_args(u32 argc, const char *const *argv, struct rcache_args *out);
int rcache_create(const struct rcache_args *args, u64 cache_dev_sectors, struct rcache **out);
void rcache_destroy(struct rcache *c);
void rcache_get_geometry(const struct rcache *c, struct rcache_geometry *out);
void rcache_get_stats(const struct rcache *c, struct rcache_stats *out);
const char *rcache_reason_text(int reason);

/* lock-free: the shared part (fixed for the life of c), a read hit on the
 * home way of its block or where that way's hint points, the end of any
 * read hit that read its data */
const struct rcache_shared *rcache_shared(const struct rcache *c);
/* returns the slot to read, or RCACHE_NO_HIT; cpu: the caller's CPU, for
 * the line of the hit counter it counts on */
#define RCACHE_NO_HIT 0xffffffffffffffffULL
u64 rcache_try_hit(const struct rcache_shared *s, u64 sector, u64 sectors, u32 cpu);
void rcache_hit_done(const struct rcache_shared *s, u64 slot);

/* returns an enum rcache_plan; *slot is the cache block for HIT/FILL/WRITE_BOTH */
int rcache_map(struct rcache *c, int dir, u64 sector, u64 sectors, u64 *slot);
/* discard, write-zeroes and flush: invalidate, then send to the source */
void rcache_map_passthrough(struct rcache *c, u64 sector, u64 sectors);
/* a read hit whose read of the cache device failed: the block goes */
void rcache_hit_failed(struct rcache *c, u64 slot);
/* returns whether to write the data read from the source to the slot */
bool rcache_fill_read_done(struct rcache *c, u64 slot, bool ok);
void rcache_fill_done(struct rcache *c, u64 slot, bool cache_ok);
void rcache_write_done(struct rcache *c, u64 slot, bool source_ok, bool cache_ok);
/* counted: the I/O was an uncached read/write (not a pass-through) */
void rcache_source_done(struct rcache *c, int dir, u64 sector, u64 sectors, bool counted);

/* status text into buf (NUL-terminated); returns its length */
size_t rcache_status_info(const struct rcache *c, char *buf, size_t len);
size_t rcache_status_table(const struct rcache *c, const char *source,
			   const char *cache_dev, char *buf, size_t len);

#endif /* RCACHE_CORE_H */
