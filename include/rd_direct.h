/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rd_direct.h - what rapiddisk.ko offers rapiddisk-cache.ko: cache blocks
 * are copied straight between the RAM disk's pages and the caller's bio
 * (read hits out of the cache; fills after a miss and write-through writes
 * into it), instead of a second trip through the block layer.
 *
 * rapiddisk-cache looks rapiddisk_direct_for() up with symbol_get() when a
 * table names a cache device, so neither module needs the other to load;
 * with a cache device that is no RAM disk of this module, hits are remapped
 * and cache writes go through dm-io.
 */
#ifndef RD_DIRECT_H
#define RD_DIRECT_H

#include <linux/blk_types.h>

struct rapiddisk_direct {
	/*
	 * Copies sector.. of the RAM disk bdev into the data of bio (a read;
	 * its own sector is ignored).
	 */
	blk_status_t (*read)(struct block_device *bdev, sector_t sector, struct bio *bio);
	/*
	 * Copies the data of bio (a write, or a read that has completed
	 * elsewhere; its own sector is ignored) to sector.. of the RAM disk.
	 * BLK_STS_AGAIN: a page was missing and none could be had without
	 * sleeping; nothing is lost, write it again from a context that may
	 * sleep.
	 */
	blk_status_t (*write)(struct block_device *bdev, sector_t sector, struct bio *bio);
};

/*
 * The copy operations when bdev is a RAM disk of rapiddisk.ko, else NULL.
 * Both run in any context (interrupts included) and never sleep; the
 * caller keeps bdev open and this module referenced while it uses them.
 */
const struct rapiddisk_direct *rapiddisk_direct_for(struct block_device *bdev);

#endif /* RD_DIRECT_H */
