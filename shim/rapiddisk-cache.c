// SPDX-License-Identifier: GPL-2.0
/*
 * rapiddisk-cache.c - kernel glue of the rapiddisk-cache device-mapper
 * target: a RAM disk (/dev/rdN) caching a slower source device in
 * write-through or write-around mode.
 *
 * The decisions (argument parsing, set-associative map, block states,
 * invalidation, counters, status text) are made by the Rust core in
 * module/cache (include/rcache_core.h) under this target's spinlock. This
 * file turns them into I/O. With a RAM disk of rapiddisk.ko as the cache,
 * blocks are copied between its pages and the bio (hits in map, write-
 * through data in map, a miss's data in end_io once the source has read
 * it) and every bio that is no hit goes on to the source. With any other
 * cache device, hits are remapped to it and cache writes go through dm-io.
 */
#include <linux/module.h>
#include <linux/device-mapper.h>
#include <linux/dm-io.h>
#include <linux/bio.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "../include/rcache_core.h"
#include "../include/rd_direct.h"

#define DM_MSG_PREFIX		"rapiddisk-cache"
#define RC_VERSION		"9.2.0"
#define RC_BLOCK_SECTORS	8
#define RC_CACHE_NAME_MAX	127
/* shim-only plan: the target completes the bio itself */
#define RC_PLAN_DONE		(-1)

struct rc_target {
	struct dm_dev *source;
	struct dm_dev *cache;
	spinlock_t lock;		/* every call on core */
	struct rcache *core;
	const struct rcache_shared *hits;	/* read hits: no lock */
	/* rapiddisk.ko's copies when the cache is one of its RAM disks */
	const struct rapiddisk_direct *direct;
	struct dm_io_client *io_client;
	char *source_name;		/* as given in the table */
	char *cache_name;
};

/* per-bio state, in the bio's dm per-io data */
struct rc_bio {
	struct rc_target *rc;
	struct work_struct work;	/* dm-io fills: the cache write */
	sector_t sector;		/* target-relative */
	u64 slot;
	unsigned int sectors;
	int plan;
	int dir;
	struct bvec_iter iter;		/* a fill's data, for the copy in end_io */
	bool counted;			/* an uncached read/write, not a pass-through */
	bool cache_ok;			/* write-through: the copy to the slot worked */
};

static struct workqueue_struct *kcached_wq;

/* ---- callbacks for the Rust core ---- */

void *rcache_cb_vzalloc(size_t size)
{
	return vzalloc(size);
}

void rcache_cb_vfree(void *ptr)
{
	vfree(ptr);
}

void __cold rcache_cb_bug(u32 line)
{
	DMERR("broken invariant in the Rust core (line %u), called from %pS",
		line, __builtin_return_address(0));
}

/* ---- I/O ---- */

static struct bio *rc_bio_of(struct rc_bio *rb)
{
	return dm_bio_from_per_bio_data(rb, sizeof(*rb));
}

/* run one core call under the lock */
#define RC_LOCKED(rc, call) do {				\
		unsigned long __flags;				\
		spin_lock_irqsave(&(rc)->lock, __flags);	\
		call;						\
		spin_unlock_irqrestore(&(rc)->lock, __flags);	\
	} while (0)

static int rc_map_to(struct dm_dev *dev, struct bio *bio, sector_t sector)
{
	bio_set_dev(bio, dev->bdev);
	bio->bi_iter.bi_sector = sector;
	return DM_MAPIO_REMAPPED;
}

static sector_t rc_slot_sector(struct rc_bio *rb)
{
	return rb->slot * RC_BLOCK_SECTORS;
}

/*
 * Cache devices that are no RAM disk of rapiddisk.ko (or a copy that would
 * have to wait for a free page): fills and write-through writes go through
 * dm-io, and the target completes the bio itself.
 */

static int rc_dm_io(struct rc_target *rc, struct bio *bio, blk_opf_t opf,
		    struct dm_io_region *where, unsigned int nr,
		    io_notify_fn done, void *context)
{
	struct dm_io_request req = {
		.bi_opf = opf,
		.mem.type = DM_IO_BIO,
		.mem.ptr.bio = bio,
		.notify.fn = done,
		.notify.context = context,
		.client = rc->io_client,
	};

	return dm_io(&req, nr, where, NULL, bio_prio(bio));
}

/* the caller's data came from the source, so a failed cache write only
 * means the block is not cached */
static void rc_fill_write_work(struct work_struct *work)
{
	struct rc_bio *rb = container_of(work, struct rc_bio, work);
	struct rc_target *rc = rb->rc;
	struct dm_io_region cache = { rc->cache->bdev, rc_slot_sector(rb), RC_BLOCK_SECTORS };
	bool cached = !rc_dm_io(rc, rc_bio_of(rb), REQ_OP_WRITE, &cache, 1, NULL, NULL);

	RC_LOCKED(rc, rcache_fill_done(rc->core, rb->slot, cached));
	bio_endio(rc_bio_of(rb));
}

static void rc_dmio_fill_read_done(unsigned long error, void *context)
{
	struct rc_bio *rb = context;
	struct rc_target *rc = rb->rc;
	struct bio *bio = rc_bio_of(rb);
	bool write;

	RC_LOCKED(rc, write = rcache_fill_read_done(rc->core, rb->slot, !error));
	if (error)
		bio->bi_status = BLK_STS_IOERR;
	if (write)
		/* dm-io may complete in interrupt context: write from a worker */
		queue_work(kcached_wq, &rb->work);
	else
		/* failed, or invalidated by a racing write (the data is still right) */
		bio_endio(bio);
}

static int rc_dmio_fill(struct rc_target *rc, struct rc_bio *rb, struct bio *bio)
{
	struct dm_io_region source = { rc->source->bdev, rb->sector, rb->sectors };

	rb->plan = RC_PLAN_DONE;
	INIT_WORK(&rb->work, rc_fill_write_work);
	if (rc_dm_io(rc, bio, REQ_OP_READ, &source, 1, rc_dmio_fill_read_done, rb))
		rc_dmio_fill_read_done(1, rb);
	return DM_MAPIO_SUBMITTED;
}

static void rc_dmio_write_done(unsigned long error, void *context)
{
	struct rc_bio *rb = context;
	struct rc_target *rc = rb->rc;
	struct bio *bio = rc_bio_of(rb);
	bool source_ok = !(error & 1), cache_ok = !(error & 2);

	RC_LOCKED(rc, rcache_write_done(rc->core, rb->slot, source_ok, cache_ok));
	if (!source_ok)
		bio->bi_status = BLK_STS_IOERR;
	bio_endio(bio);
}

/* FUA must reach the source: write-through has to be durable */
static int rc_dmio_write_both(struct rc_target *rc, struct rc_bio *rb, struct bio *bio)
{
	struct dm_io_region both[2] = {
		{ rc->source->bdev, rb->sector, rb->sectors },
		{ rc->cache->bdev, rc_slot_sector(rb), rb->sectors },
	};

	rb->plan = RC_PLAN_DONE;
	if (rc_dm_io(rc, bio, REQ_OP_WRITE | (bio->bi_opf & (REQ_FUA | REQ_SYNC)),
		     both, 2, rc_dmio_write_done, rb))
		rc_dmio_write_done(3, rb);
	return DM_MAPIO_SUBMITTED;
}

/*
 * A RAM disk of rapiddisk.ko as the cache: blocks are copied between its
 * pages and the bio, and the bio itself goes to the source.
 */

/*
 * Nowait I/O (io_uring, RWF_NOWAIT) runs map under rcu_read_lock and must
 * not sleep. The direct copies never do; dm-io may, so with another cache
 * device a nowait miss or write is served by the source alone and leaves
 * the block uncached.
 */
static bool rc_may_sleep(struct bio *bio)
{
	return !(bio->bi_opf & REQ_NOWAIT);
}

/* a read miss: the bio reads the source; rc_fill_end copies the data */
static int rc_fill(struct rc_target *rc, struct rc_bio *rb, struct bio *bio)
{
	if (!rc->direct && rc_may_sleep(bio))
		return rc_dmio_fill(rc, rb, bio);
	/* the source consumes the iterator: keep it for the copy */
	rb->iter = bio->bi_iter;
	return rc_map_to(rc->source, bio, rb->sector);
}

/* the source read of a fill ended (end_io: may be interrupt context) */
static void rc_fill_end(struct rc_target *rc, struct rc_bio *rb, struct bio *bio,
			blk_status_t error)
{
	bool write, cached;

	/* without direct copies (a nowait miss) there is no copy to make */
	RC_LOCKED(rc, write = rcache_fill_read_done(rc->core, rb->slot, !error && rc->direct));
	if (!write)
		return;
	bio->bi_iter = rb->iter;
	/* without a free page at hand the block is simply not cached */
	cached = rc->direct->write(rc->cache->bdev, rc_slot_sector(rb), bio) == BLK_STS_OK;
	RC_LOCKED(rc, rcache_fill_done(rc->core, rb->slot, cached));
}

/* a write-through write: copied into the slot here, then to the source
 * with its own flags (FUA and all); when there is no copy to make without
 * sleeping, dm-io writes both, or a nowait write goes to the source alone */
static int rc_write_both(struct rc_target *rc, struct rc_bio *rb, struct bio *bio)
{
	blk_status_t status = BLK_STS_AGAIN;

	if (rc->direct)
		status = rc->direct->write(rc->cache->bdev, rc_slot_sector(rb), bio);
	if (status == BLK_STS_AGAIN && rc_may_sleep(bio))
		return rc_dmio_write_both(rc, rb, bio);
	rb->cache_ok = status == BLK_STS_OK;
	return rc_map_to(rc->source, bio, rb->sector);
}

/* a failed read of the cache device drops the block: under the lock */
static noinline __cold void rc_hit_failed(struct rc_target *rc, u64 slot)
{
	RC_LOCKED(rc, rcache_hit_failed(rc->core, slot));
}

static __always_inline void rc_hit_end(struct rc_target *rc, u64 slot, bool ok)
{
	if (likely(ok))
		rcache_hit_done(rc->hits, slot);
	else
		rc_hit_failed(rc, slot);
}

/*
 * A read hit: the slot's reader count is held. Copied from the RAM disk
 * here (the reader count drops at once), or remapped to a cache device
 * that is no RAM disk of rapiddisk.ko (it drops in end_io).
 */
static __always_inline int rc_hit(struct rc_target *rc, struct rc_bio *rb, struct bio *bio)
{
	blk_status_t status;

	if (!rc->direct)
		return rc_map_to(rc->cache, bio, rc_slot_sector(rb));
	status = rc->direct->read(rc->cache->bdev, rc_slot_sector(rb), bio);
	rc_hit_end(rc, rb->slot, status == BLK_STS_OK);
	rb->plan = RC_PLAN_DONE;
	bio->bi_status = status;
	bio_endio(bio);
	return DM_MAPIO_SUBMITTED;
}

/* everything that is no lock-free read hit: kept out of rc_map's frame */
static noinline int rc_map_locked(struct dm_target *ti, struct rc_target *rc,
				  struct rc_bio *rb, struct bio *bio)
{
	enum req_op op = bio_op(bio);

	rb->rc = rc;
	rb->dir = op_is_write(op) ? RCACHE_WRITE : RCACHE_READ;
	rb->counted = false;

	if ((op != REQ_OP_READ && op != REQ_OP_WRITE) || !bio_has_data(bio)) {
		/* flush, discard, write-zeroes: to the source, cache invalidated */
		rb->plan = RCACHE_PLAN_SOURCE;
		RC_LOCKED(rc, rcache_map_passthrough(rc->core, rb->sector, rb->sectors));
		return rc_map_to(rc->source, bio, rb->sector);
	}

	RC_LOCKED(rc, rb->plan = rcache_map(rc->core, rb->dir, rb->sector,
					    rb->sectors, &rb->slot));
	switch (rb->plan) {
	case RCACHE_PLAN_HIT:
		return rc_hit(rc, rb, bio);
	case RCACHE_PLAN_FILL:
		return rc_fill(rc, rb, bio);
	case RCACHE_PLAN_WRITE_BOTH:
		return rc_write_both(rc, rb, bio);
	default:
		rb->counted = true;
		return rc_map_to(rc->source, bio, rb->sector);
	}
}

static int rc_map(struct dm_target *ti, struct bio *bio)
{
	struct rc_target *rc = ti->private;
	struct rc_bio *rb = dm_per_bio_data(bio, sizeof(*rb));

	rb->sector = dm_target_offset(ti, bio->bi_iter.bi_sector);
	rb->sectors = bio_sectors(bio);

	/* a hit on its block's home way (or the hinted way) needs no lock;
	 * rcache_try_hit takes whole blocks only, so no empty reads */
	if (bio_op(bio) == REQ_OP_READ) {
		rb->slot = rcache_try_hit(rc->hits, rb->sector, rb->sectors,
					  raw_smp_processor_id());
		if (rb->slot != RCACHE_NO_HIT) {
			rb->plan = RCACHE_PLAN_HIT;
			return rc_hit(rc, rb, bio);
		}
	}
	return rc_map_locked(ti, rc, rb, bio);
}

/* the completion of a bio the target did not complete itself */
static noinline void rc_end_io_plan(struct rc_target *rc, struct rc_bio *rb,
				    struct bio *bio, blk_status_t error)
{
	switch (rb->plan) {
	case RCACHE_PLAN_HIT:
		/* BLK_STS_AGAIN: a nowait read the cache device did not take */
		rc_hit_end(rc, rb->slot, !error || error == BLK_STS_AGAIN);
		break;
	case RCACHE_PLAN_FILL:
		rc_fill_end(rc, rb, bio, error);
		break;
	case RCACHE_PLAN_WRITE_BOTH:
		RC_LOCKED(rc, rcache_write_done(rc->core, rb->slot, !error, rb->cache_ok));
		break;
	default:
		/* invalidate again: a fill may have raced with this write */
		RC_LOCKED(rc, rcache_source_done(rc->core, rb->dir, rb->sector,
						 rb->sectors, rb->counted));
		break;
	}
}

static int rc_end_io(struct dm_target *ti, struct bio *bio, blk_status_t *error)
{
	struct rc_bio *rb = dm_per_bio_data(bio, sizeof(*rb));

	/* direct hits and dm-io: completed by the target itself */
	if (rb->plan != RC_PLAN_DONE)
		rc_end_io_plan(ti->private, rb, bio, *error);
	return DM_ENDIO_DONE;
}

/* ---- table ---- */

/* ti->error is not const in the kernel's struct, but only ever read */
static void rc_set_error(struct dm_target *ti, const char *text)
{
	ti->error = (char *)text;
}

/* Direct copies when the cache device is a RAM disk of rapiddisk.ko
 * (loaded or not: the modules do not depend on each other); the module
 * reference is held until the table goes. */
static void rc_direct_get(struct rc_target *rc)
{
	const struct rapiddisk_direct *(*direct_for)(struct block_device *bdev) =
		symbol_get(rapiddisk_direct_for);

	if (!direct_for)
		return;
	rc->direct = direct_for(rc->cache->bdev);
	if (!rc->direct)
		symbol_put(rapiddisk_direct_for);
}

static void rc_free(struct rc_target *rc)
{
	if (rc->direct)
		symbol_put(rapiddisk_direct_for);
	if (rc->io_client)
		dm_io_client_destroy(rc->io_client);
	rcache_destroy(rc->core);
	kfree(rc->source_name);
	kfree(rc->cache_name);
	kfree(rc);
}

static int rc_fail(struct dm_target *ti, struct rc_target *rc, const char *text, int err)
{
	rc_set_error(ti, text);
	if (rc->cache)
		dm_put_device(ti, rc->cache);
	if (rc->source)
		dm_put_device(ti, rc->source);
	rc_free(rc);
	return err;
}

static int rc_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	struct rcache_geometry geo;
	struct rcache_args args;
	struct rc_target *rc;
	sector_t cache_sectors;
	int reason, ret;

	reason = rcache_parse_args(argc, (const char *const *)argv, &args);
	if (reason) {
		if (reason == RCACHE_R_NOT_RAPIDDISK)
			DMERR("%s is not a valid cache device for rapiddisk-cache.", argv[1]);
		rc_set_error(ti, rcache_reason_text(reason));
		return -EINVAL;
	}
	rc = kzalloc(sizeof(*rc), GFP_KERNEL);
	if (!rc) {
		rc_set_error(ti, rcache_reason_text(RCACHE_R_NO_MEMORY));
		return -ENOMEM;
	}
	spin_lock_init(&rc->lock);
	ret = dm_get_device(ti, argv[0], dm_table_get_mode(ti->table), &rc->source);
	if (ret)
		return rc_fail(ti, rc, "rapiddisk-cache: Disk device lookup failed", ret);
	ret = dm_get_device(ti, argv[1], dm_table_get_mode(ti->table), &rc->cache);
	if (ret)
		return rc_fail(ti, rc, "rapiddisk-cache: Cache device lookup failed", ret);
	rc_direct_get(rc);
	cache_sectors = bdev_nr_sectors(rc->cache->bdev);
	reason = rcache_create(&args, cache_sectors, &rc->core);
	if (reason == RCACHE_R_SIZE && args.has_size)
		DMERR("Requested cache size exceeds the cache device's capacity (%llu>%llu)",
		      args.size, (u64)cache_sectors);
	if (reason)
		return rc_fail(ti, rc, rcache_reason_text(reason),
			       reason == RCACHE_R_NO_MEMORY ? -ENOMEM : -EINVAL);
	rc->hits = rcache_shared(rc->core);
	rc->io_client = dm_io_client_create();
	rc->source_name = kstrdup(argv[0], GFP_KERNEL);
	rc->cache_name = kstrndup(argv[1], RC_CACHE_NAME_MAX, GFP_KERNEL);
	if (IS_ERR(rc->io_client) || !rc->source_name || !rc->cache_name) {
		if (IS_ERR(rc->io_client))
			rc->io_client = NULL;
		return rc_fail(ti, rc, rcache_reason_text(RCACHE_R_NO_MEMORY), -ENOMEM);
	}
	ret = dm_set_target_max_io_len(ti, RC_BLOCK_SECTORS);
	if (ret)
		return rc_fail(ti, rc, rcache_reason_text(RCACHE_R_NO_MEMORY), ret);
	ti->num_flush_bios = 1;
	ti->num_discard_bios = 1;
	ti->num_write_zeroes_bios = 1;
	ti->per_io_data_size = sizeof(struct rc_bio);
	ti->private = rc;

	rcache_get_geometry(rc->core, &geo);
	DMINFO("Allocate %lluKB (%uB per) mem for %llu-entry cache(capacity:%lluMB, associativity:%u, block size:%u sectors(%uKB))",
	       (geo.blocks * 8) >> 10, 8, geo.blocks, (geo.blocks * RC_BLOCK_SECTORS) >> 11,
	       geo.assoc, RC_BLOCK_SECTORS, RC_BLOCK_SECTORS / 2);
	return 0;
}

static void rc_dtr(struct dm_target *ti)
{
	struct rc_target *rc = ti->private;
	struct rcache_geometry geo;
	struct rcache_stats st;

	rcache_get_stats(rc->core, &st);
	if (st.reads + st.writes) {
		/* the same three blocks upstream logs when a used mapping goes */
		rcache_get_geometry(rc->core, &geo);
		DMINFO("stats:\n\treads(%llu), writes(%llu)", st.reads, st.writes);
		DMINFO("\tcache hits(%llu), replacement(%llu), write replacement(%llu)\n"
		       "\tread invalidates(%llu), write invalidates(%llu)",
		       st.cache_hits, st.replace, st.write_replace,
		       st.read_invalidates, st.write_invalidates);
		DMINFO("conf:\n\tcapacity(%lluM), associativity(%u), block size(%uK)\n"
		       "\ttotal blocks(%llu), cached blocks(%llu)",
		       (geo.blocks * RC_BLOCK_SECTORS) >> 11, geo.assoc, RC_BLOCK_SECTORS / 2,
		       geo.blocks, st.cached_blocks);
	}
	dm_put_device(ti, rc->cache);
	dm_put_device(ti, rc->source);
	rc_free(rc);
}

static void rc_status(struct dm_target *ti, status_type_t type,
		      unsigned int status_flags, char *result, unsigned int maxlen)
{
	struct rc_target *rc = ti->private;
	unsigned int sz = 0;

	switch (type) {
	case STATUSTYPE_INFO:
		RC_LOCKED(rc, rcache_status_info(rc->core, result, maxlen));
		break;
	case STATUSTYPE_TABLE:
		RC_LOCKED(rc, rcache_status_table(rc->core, rc->source_name,
						  rc->cache_name, result, maxlen));
		break;
	case STATUSTYPE_IMA:
		DMEMIT("target_name=%s,target_version=9.2.0,source_device_name=%s,cache_device_name=%s;",
		       ti->type->name, rc->source->name, rc->cache->name);
		break;
	}
}

static int rc_iterate_devices(struct dm_target *ti, iterate_devices_callout_fn fn, void *data)
{
	struct rc_target *rc = ti->private;
	struct rcache_geometry geo;
	int ret;

	/* the cache device is used up to the last cache block only */
	rcache_get_geometry(rc->core, &geo);
	ret = fn(ti, rc->cache, 0, geo.blocks * RC_BLOCK_SECTORS, data);
	return ret ? ret : fn(ti, rc->source, 0, ti->len, data);
}

static void rc_io_hints(struct dm_target *ti, struct queue_limits *limits)
{
	/* whole, aligned 4 KiB I/O is what gets cached */
	limits->io_min = max_t(unsigned int, limits->io_min, RC_BLOCK_SECTORS << SECTOR_SHIFT);
	limits->physical_block_size = max_t(unsigned int, limits->physical_block_size,
					    RC_BLOCK_SECTORS << SECTOR_SHIFT);
}

static struct target_type rc_target_type = {
	.name		= "rapiddisk-cache",
	.version	= {9, 2, 0},
	.module		= THIS_MODULE,
	.features	= DM_TARGET_NOWAIT,
	.ctr		= rc_ctr,
	.dtr		= rc_dtr,
	.map		= rc_map,
	.end_io		= rc_end_io,
	.status		= rc_status,
	.iterate_devices = rc_iterate_devices,
	.io_hints	= rc_io_hints,
};

static int __init rc_init(void)
{
	int ret;

	kcached_wq = alloc_workqueue("kcached", WQ_MEM_RECLAIM, 0);
	if (!kcached_wq)
		return -ENOMEM;
	ret = dm_register_target(&rc_target_type);
	if (ret) {
		destroy_workqueue(kcached_wq);
		return ret;
	}
	DMINFO("Module successfully loaded.");
	return 0;
}

static void __exit rc_exit(void)
{
	dm_unregister_target(&rc_target_type);
	destroy_workqueue(kcached_wq);
}

module_init(rc_init);
module_exit(rc_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(RC_VERSION);
MODULE_DESCRIPTION("RAM disk cache target for device-mapper, decisions made in Rust (rapiddisk-rs)");
MODULE_AUTHOR("rapiddisk-rs authors");
