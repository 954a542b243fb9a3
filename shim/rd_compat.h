/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rd_compat.h - the block-layer API differences between the kernels the
 * RAM disk supports (Debian 6.1 and 6.12), each behind one small helper.
 */
#ifndef RD_COMPAT_H
#define RD_COMPAT_H

#include <linux/blkdev.h>
#include <linux/version.h>

struct rd_limits {
	unsigned int max_hw_sectors;
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
/* 6.11+: limits and features are set once, through queue_limits */
static inline struct gendisk *rd_alloc_disk(const struct rd_limits *l)
{
	struct queue_limits lim = {
		.logical_block_size	= SECTOR_SIZE,
		.physical_block_size	= PAGE_SIZE,
		.max_hw_sectors		= l->max_hw_sectors,
		.max_hw_discard_sectors	= UINT_MAX,
		.max_write_zeroes_sectors = UINT_MAX,
		.discard_granularity	= PAGE_SIZE,
		/* no BLK_FEAT_ROTATIONAL, no volatile write cache */
		.features		= BLK_FEAT_SYNCHRONOUS | BLK_FEAT_NOWAIT,
	};

	return blk_alloc_disk(&lim, NUMA_NO_NODE);
}
#else
static inline struct gendisk *rd_alloc_disk(const struct rd_limits *l)
{
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);
	struct request_queue *q;

	if (!disk)
		return ERR_PTR(-ENOMEM);
	q = disk->queue;
	blk_queue_logical_block_size(q, SECTOR_SIZE);
	blk_queue_physical_block_size(q, PAGE_SIZE);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_max_discard_sectors(q, UINT_MAX);
	blk_queue_max_write_zeroes_sectors(q, UINT_MAX);
	q->limits.discard_granularity = PAGE_SIZE;
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
	blk_queue_flag_set(QUEUE_FLAG_NOWAIT, q);
	return disk;
}
#endif

/* block_device_operations signatures */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define RD_OPEN_ARGS		struct gendisk *disk, blk_mode_t mode
#define RD_OPEN_DISK		disk
#define RD_IOCTL_MODE		blk_mode_t
#else
#define RD_OPEN_ARGS		struct block_device *bdev, fmode_t mode
#define RD_OPEN_DISK		bdev->bd_disk
#define RD_IOCTL_MODE		fmode_t
#endif

#endif /* RD_COMPAT_H */
