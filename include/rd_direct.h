/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rd_direct.h - what rapiddisk.ko offers rapiddisk-cache.ko: a read hit is
 * copied straight out of the RAM disk's pages into the caller's bio, instead
 * of being remapped and sent through the block layer a second time.
 *
 * rapiddisk-cache looks both symbols up with symbol_get() when a table names
 * a cache device, so neither module needs the other to load; with a cache
 * device that is no RAM disk of this module, hits are remapped as before.
 */
#ifndef RD_DIRECT_H
#define RD_DIRECT_H

#include <linux/blk_types.h>

/* true when bdev is a RAM disk of rapiddisk.ko */
bool rapiddisk_owns(struct block_device *bdev);

/*
 * Copies the data of bio (a read, whose own sector is ignored) from
 * sector of the RAM disk bdev. Runs in the caller's context, never sleeps;
 * the caller keeps bdev open.
 */
blk_status_t rapiddisk_read_bio(struct block_device *bdev, sector_t sector, struct bio *bio);

#endif /* RD_DIRECT_H */
