// SPDX-License-Identifier: GPL-2.0
/*
 * rapiddisk.c - kernel glue of the rapiddisk RAM disk.
 *
 * The page store, the copies, discard and the mgmt command language live in
 * the Rust core (module/rdsk, include/rdsk_core.h). This file registers the
 * block devices, walks bios, exposes /sys/kernel/rapiddisk and the ioctls,
 * and provides the page allocator callbacks the core needs.
 */
#define pr_fmt(fmt) "rapiddisk: " fmt

#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include <linux/capability.h>

#include "rd_compat.h"
#include "../include/rdsk_core.h"
#include "../include/rd_direct.h"

#define RD_VERSION		"9.2.0"

/* driver-private ioctls: raw numbers, as the tools use them */
#define RD_IOCTL_GET_STATS	0x0529	/* u64: highest written end sector */
#define RD_IOCTL_GET_USAGE	0x0530	/* u64: data pages in use */
#define RD_IOCTL_FLUSH		0x0531	/* free all data */

static int max_sectors = 127;
module_param(max_sectors, int, 0444);
MODULE_PARM_DESC(max_sectors, " Maximum sectors (in KB) for the request queue. (Default = 127)");
static int nr_requests = 128;
module_param(nr_requests, int, 0444);
MODULE_PARM_DESC(nr_requests, " Number of requests at a given time for the request queue. (Default = 128)");
static unsigned long rd_nr;
module_param(rd_nr, ulong, 0444);
MODULE_PARM_DESC(rd_nr, " Maximum number of RapidDisk devices to load on insertion. (Default = 0)");
static unsigned long rd_size;
module_param(rd_size, ulong, 0444);
MODULE_PARM_DESC(rd_size, " Size of each RAM disk (in MB) loaded on insertion. (Default = 0)");
static unsigned long rd_max_nr = 1024;
module_param(rd_max_nr, ulong, 0444);
MODULE_PARM_DESC(rd_max_nr, " Maximum number of RAM Disks. (Default = 1024)");

struct rd_device {
	struct list_head list;		/* rd_devices, in attach order */
	unsigned long number;
	struct gendisk *disk;
	struct rdsk *core;
	atomic_long_t errors;		/* writes that could not get memory */
	bool detaching;			/* refuse new opens; under open_mutex */
};

static int rd_major;
static LIST_HEAD(rd_devices);
static unsigned long rd_attached;
static DEFINE_MUTEX(rd_mutex);		/* rd_devices, rd_attached, mgmt */
static struct kobject *rd_kobj;

/* ---- callbacks for the Rust core ---- */

void *rdsk_cb_alloc_page(void)
{
	return (void *)get_zeroed_page(GFP_KERNEL);
}

void rdsk_cb_free_page(void *page)
{
	free_page((unsigned long)page);
}

/* ctx is a list_head collecting pages to free after an RCU grace period */
void rdsk_cb_retire_page(void *ctx, void *page)
{
	list_add(&virt_to_page(page)->lru, ctx);
}

void *rdsk_cb_kzalloc(size_t size)
{
	return kzalloc(size, GFP_KERNEL);
}

void rdsk_cb_kfree(void *ptr)
{
	kfree(ptr);
}

void __cold rdsk_cb_bug(u32 line)
{
	pr_emerg("broken invariant in the Rust core (line %u), called from %pS\n",
		 line, __builtin_return_address(0));
}

/* ---- freeing retired pages after readers are gone ---- */

struct rd_retired {
	struct rcu_head rcu;
	struct list_head pages;
};

static void rd_free_page_list(struct list_head *pages)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

static void rd_free_retired_rcu(struct rcu_head *rcu)
{
	struct rd_retired *r = container_of(rcu, struct rd_retired, rcu);

	rd_free_page_list(&r->pages);
	kfree(r);
}

/* Free pages taken out of a tree once no reader can still copy from them. */
static void rd_free_after_grace(struct list_head *pages)
{
	struct rd_retired *r;

	if (list_empty(pages))
		return;
	r = kmalloc(sizeof(*r), GFP_NOWAIT | __GFP_NOWARN);
	if (r) {
		INIT_LIST_HEAD(&r->pages);
		list_splice(pages, &r->pages);
		call_rcu(&r->rcu, rd_free_retired_rcu);
		return;
	}
	synchronize_rcu();
	rd_free_page_list(pages);
}

/* ---- I/O ---- */

static blk_status_t rd_errno_to_status(struct rd_device *rd, int err)
{
	switch (err) {
	case 0:
		return BLK_STS_OK;
	case -EAGAIN:
		return BLK_STS_AGAIN;
	case -ENOMEM:
		atomic_long_inc(&rd->errors);
		return BLK_STS_IOERR;
	default:
		return BLK_STS_IOERR;
	}
}

/*
 * A zeroed page for a write that found none. Out of line and out of gcc's
 * cloning, so that the VM tests can make it fail with a kretprobe
 * (tests/vm/kmod/rd_nopage.c): Debian's kernels have no page allocation
 * fault injection.
 */
static noinline __attribute__((__noipa__)) void *rd_alloc_spare(gfp_t gfp)
{
	return (void *)__get_free_page(gfp | __GFP_ZERO | __GFP_NOWARN);
}

/* one bio segment into the disk; pages are allocated outside RCU */
static int rd_write_segment(struct rd_device *rd, sector_t sector, void *buf,
			    unsigned int len, bool nowait, void **spare)
{
	int err;

	while ((err = rdsk_write(rd->core, sector, buf, len, spare)) == RDSK_NEED_PAGE) {
		if (nowait) {
			*spare = rd_alloc_spare(GFP_NOWAIT);
			if (!*spare)
				return -EAGAIN;
			continue;
		}
		rcu_read_unlock();
		*spare = rd_alloc_spare(GFP_NOIO);
		rcu_read_lock();
		if (!*spare)
			return -ENOMEM;
	}
	return err;
}

/* the data of bio to (write) or from the disk, starting at sector; nowait:
 * without sleeping, BLK_STS_AGAIN when a page cannot be had at once */
static blk_status_t rd_copy(struct rd_device *rd, struct bio *bio, sector_t sector,
			    bool write, bool nowait)
{
	struct bvec_iter iter;
	struct bio_vec bvec;
	void *spare = NULL;
	int err = 0;

	rcu_read_lock();
	bio_for_each_segment(bvec, bio, iter) {
		void *buf = bvec_kmap_local(&bvec);

		if (write) {
			err = rd_write_segment(rd, sector, buf, bvec.bv_len, nowait, &spare);
		} else {
			err = rdsk_read(rd->core, sector, buf, bvec.bv_len);
			flush_dcache_page(bvec.bv_page);
		}
		kunmap_local(buf);
		if (err)
			break;
		sector += bvec.bv_len >> SECTOR_SHIFT;
	}
	rcu_read_unlock();
	if (spare)
		free_page((unsigned long)spare);
	return rd_errno_to_status(rd, err);
}

static blk_status_t rd_zero(struct rd_device *rd, struct bio *bio)
{
	LIST_HEAD(retired);
	int err;

	rcu_read_lock();
	err = rdsk_zero(rd->core, bio->bi_iter.bi_sector, bio_sectors(bio), &retired);
	rcu_read_unlock();
	rd_free_after_grace(&retired);
	return rd_errno_to_status(rd, err);
}

static void rd_submit_bio(struct bio *bio)
{
	struct rd_device *rd = bio->bi_bdev->bd_disk->private_data;

	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		bio->bi_status = rd_copy(rd, bio, bio->bi_iter.bi_sector,
					 op_is_write(bio_op(bio)), bio->bi_opf & REQ_NOWAIT);
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		bio->bi_status = rd_zero(rd, bio);
		break;
	default:
		bio->bi_status = BLK_STS_NOTSUPP;
		break;
	}
	bio_endio(bio);
}

/* ---- cache blocks of rapiddisk-cache (include/rd_direct.h) ---- */

static const struct block_device_operations rd_fops;

static blk_status_t rd_direct_read(struct block_device *bdev, sector_t sector, struct bio *bio)
{
	return rd_copy(bdev->bd_disk->private_data, bio, sector, false, true);
}

static blk_status_t rd_direct_write(struct block_device *bdev, sector_t sector, struct bio *bio)
{
	return rd_copy(bdev->bd_disk->private_data, bio, sector, true, true);
}

static const struct rapiddisk_direct rd_direct = {
	.read = rd_direct_read,
	.write = rd_direct_write,
};

const struct rapiddisk_direct *rapiddisk_direct_for(struct block_device *bdev)
{
	return bdev->bd_disk->fops == &rd_fops ? &rd_direct : NULL;
}
EXPORT_SYMBOL_GPL(rapiddisk_direct_for);

/* ---- block device operations ---- */

static int rd_open(RD_OPEN_ARGS)
{
	struct rd_device *rd = RD_OPEN_DISK->private_data;

	/* the block layer holds disk->open_mutex here, as rd_detach does */
	return READ_ONCE(rd->detaching) ? -ENXIO : 0;
}

static int rd_flush(struct rd_device *rd, struct block_device *bdev)
{
	struct gendisk *disk = rd->disk;
	LIST_HEAD(retired);
	int ret = 0;

	mutex_lock(&rd_mutex);
	mutex_lock(&disk->open_mutex);
	/* the caller's own open is one: anyone else (mount, dm) keeps the data */
	if (disk_openers(disk) > 1) {
		ret = -EBUSY;
	} else {
		invalidate_bdev(bdev);
		rdsk_free_all(rd->core, &retired);
	}
	mutex_unlock(&disk->open_mutex);
	mutex_unlock(&rd_mutex);
	rd_free_after_grace(&retired);
	return ret;
}

static int rd_ioctl(struct block_device *bdev, RD_IOCTL_MODE mode,
		    unsigned int cmd, unsigned long arg)
{
	struct rd_device *rd = bdev->bd_disk->private_data;
	struct rdsk_usage usage;

	switch (cmd) {
	case RD_IOCTL_GET_STATS:
		rdsk_get_usage(rd->core, &usage);
		return put_user(usage.max_sector, (u64 __user *)arg) ? -EFAULT : 0;
	case RD_IOCTL_GET_USAGE:
		rdsk_get_usage(rd->core, &usage);
		return put_user(usage.pages, (u64 __user *)arg) ? -EFAULT : 0;
	case RD_IOCTL_FLUSH:
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		return rd_flush(rd, bdev);
	case 0x5331:	/* CDROM_GET_CAPABILITY */
	case 0x5395:	/* SCSI_IOCTL_PROBE_HOST */
	case 0x5401:	/* TCGETS */
	case 0x2285:	/* SG_IO */
		return -EINVAL;
	default:
		pr_info_ratelimited("0x%x invalid ioctl.\n", cmd);
		return -ENOTTY;
	}
}

static const struct block_device_operations rd_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= rd_submit_bio,
	.open		= rd_open,
	.ioctl		= rd_ioctl,
};

/* ---- attach / detach / resize (rd_mutex held) ---- */

static struct rd_device *rd_find(unsigned long number)
{
	struct rd_device *rd;

	list_for_each_entry(rd, &rd_devices, list)
		if (rd->number == number)
			return rd;
	return NULL;
}

static void rd_free(struct rd_device *rd)
{
	put_disk(rd->disk);
	rdsk_destroy(rd->core);
	kfree(rd);
}

static int rd_attach(unsigned long number, u64 size)
{
	struct rd_limits lim = { .max_hw_sectors = max_sectors * 2 };
	struct rd_device *rd;
	int ret;

	ret = rdsk_check_attach(number, size, rd_attached, rd_max_nr);
	if (ret)
		return ret;
	if (rd_find(number))
		return RDSK_R_EXISTS;
	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return RDSK_R_NO_MEMORY;
	rd->number = number;
	atomic_long_set(&rd->errors, 0);
	if (rdsk_create(size >> SECTOR_SHIFT, &rd->core)) {
		kfree(rd);
		return RDSK_R_NO_MEMORY;
	}
	rd->disk = rd_alloc_disk(&lim);
	if (IS_ERR(rd->disk)) {
		rdsk_destroy(rd->core);
		kfree(rd);
		return RDSK_R_NO_MEMORY;
	}
	rd->disk->major = rd_major;
	rd->disk->first_minor = number;
	rd->disk->minors = 1;
	rd->disk->flags |= GENHD_FL_NO_PART;
	rd->disk->fops = &rd_fops;
	rd->disk->private_data = rd;
	rd->disk->queue->nr_requests = nr_requests;
	snprintf(rd->disk->disk_name, DISK_NAME_LEN, "rd%lu", number);
	set_capacity(rd->disk, size >> SECTOR_SHIFT);
	if (add_disk(rd->disk)) {
		rd_free(rd);
		return RDSK_R_NO_MEMORY;
	}
	list_add_tail(&rd->list, &rd_devices);
	rd_attached++;
	pr_info("Attached rd%lu of %llu bytes in size.\n", number, size);
	return RDSK_OK;
}

static void rd_remove(struct rd_device *rd)
{
	list_del(&rd->list);
	rd_attached--;
	del_gendisk(rd->disk);	/* waits for all I/O */
	rd_free(rd);
}

static int rd_detach(unsigned long number)
{
	struct rd_device *rd = rd_find(number);
	int busy;

	if (!rd)
		return RDSK_R_NO_DEVICE;
	mutex_lock(&rd->disk->open_mutex);
	busy = disk_openers(rd->disk) > 0;
	if (!busy)
		WRITE_ONCE(rd->detaching, true);
	mutex_unlock(&rd->disk->open_mutex);
	if (busy)
		return RDSK_R_BUSY;
	rd_remove(rd);
	pr_info("Detached rd%lu.\n", number);
	return RDSK_OK;
}

static int rd_resize(unsigned long number, u64 size)
{
	struct rd_device *rd = rd_find(number);
	int ret;

	if (!rd)
		return RDSK_R_NO_DEVICE;
	ret = rdsk_resize(rd->core, size);
	if (ret)
		return ret;
	set_capacity_and_notify(rd->disk, size >> SECTOR_SHIFT);
	pr_info("Resized rd%lu of %llu bytes in size.\n", number, size);
	return RDSK_OK;
}

static int rd_reason_errno(int reason)
{
	switch (reason) {
	case RDSK_R_BUSY:
		return -EBUSY;
	case RDSK_R_NO_MEMORY:
		return -ENOMEM;
	default:
		return -EINVAL;
	}
}

/* ---- /sys/kernel/rapiddisk ---- */

static ssize_t mgmt_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	ssize_t len;

	mutex_lock(&rd_mutex);
	len = sysfs_emit(buf, "RapidDisk %s\n\nMaximum Number of Attachable Devices: %lu\n"
			 "Number of Attached Devices: %lu\nMax Sectors (KB): %d\n"
			 "Number of Requests: %d\n",
			 RD_VERSION, rd_max_nr, rd_attached, max_sectors, nr_requests);
	mutex_unlock(&rd_mutex);
	return len;
}

static ssize_t mgmt_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct rdsk_cmd cmd;
	int reason;

	if (count > PAGE_SIZE)
		return -EINVAL;
	reason = rdsk_mgmt_parse(buf, count, &cmd);
	if (reason) {
		pr_warn_ratelimited("Unsupported command: %.*s (%s)\n",
				    (int)min_t(size_t, count, 64), buf, rdsk_reason_text(reason));
		return -EINVAL;
	}
	mutex_lock(&rd_mutex);
	switch (cmd.op) {
	case RDSK_OP_ATTACH:
		reason = rd_attach(cmd.number, cmd.size);
		if (reason)
			pr_warn_ratelimited("%s Unable to attach a new RapidDisk device.\n",
					    rdsk_reason_text(reason));
		break;
	case RDSK_OP_DETACH:
		reason = rd_detach(cmd.number);
		if (reason)
			pr_warn_ratelimited("%s Unable to detach rd%llu\n",
					    rdsk_reason_text(reason), cmd.number);
		break;
	default:
		reason = rd_resize(cmd.number, cmd.size);
		if (reason)
			pr_warn_ratelimited("%s Unable to resize rd%llu\n",
					    rdsk_reason_text(reason), cmd.number);
		break;
	}
	mutex_unlock(&rd_mutex);
	return reason ? rd_reason_errno(reason) : count;
}

static ssize_t devices_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct rd_device *rd;
	struct rdsk_usage usage;
	int len;

	mutex_lock(&rd_mutex);
	len = sysfs_emit(buf, "Device\tSize\tErrors\tUsed\n");
	list_for_each_entry(rd, &rd_devices, list) {
		rdsk_get_usage(rd->core, &usage);
		len += sysfs_emit_at(buf, len, "rd%lu\t%llu\t%lu\t%llu\n", rd->number,
				     usage.nr_sectors << SECTOR_SHIFT,
				     atomic_long_read(&rd->errors),
				     usage.pages << PAGE_SHIFT);
	}
	mutex_unlock(&rd_mutex);
	return len;
}

static struct kobj_attribute mgmt_attr = __ATTR(mgmt, 0664, mgmt_show, mgmt_store);
/* no store: a write fails with EIO, as upstream */
static struct kobj_attribute devices_attr = __ATTR(devices, 0664, devices_show, NULL);

static struct attribute *rd_attrs[] = {
	&mgmt_attr.attr,
	&devices_attr.attr,
	NULL,
};

static const struct attribute_group rd_attr_group = {
	.attrs = rd_attrs,
};

/* ---- module ---- */

static void rd_remove_all(void)
{
	struct rd_device *rd, *next;

	mutex_lock(&rd_mutex);
	list_for_each_entry_safe(rd, next, &rd_devices, list)
		rd_remove(rd);
	mutex_unlock(&rd_mutex);
}

static int __init rd_preload(void)
{
	unsigned long i;
	int reason = RDSK_OK;

	mutex_lock(&rd_mutex);
	for (i = 0; i < rd_nr; i++) {
		reason = rd_attach(i, (u64)rd_size << 20);
		if (reason) {
			pr_err("Failed to load RapidDisk volume rd%lu: %s\n", i,
			       rdsk_reason_text(reason));
			break;
		}
	}
	mutex_unlock(&rd_mutex);
	return reason ? rd_reason_errno(reason) : 0;
}

static int __init rd_init(void)
{
	int ret;

	if (max_sectors < 4 || max_sectors > INT_MAX / 2 || nr_requests < 1) {
		pr_err("max_sectors must be at least 4 (KB) and nr_requests at least 1\n");
		return -EINVAL;
	}
	rd_major = register_blkdev(0, "rapiddisk");
	if (rd_major < 0)
		return rd_major;
	rd_kobj = kobject_create_and_add("rapiddisk", kernel_kobj);
	if (!rd_kobj) {
		ret = -ENOMEM;
		goto out_blkdev;
	}
	ret = sysfs_create_group(rd_kobj, &rd_attr_group);
	if (ret)
		goto out_kobj;
	ret = rd_preload();
	if (ret)
		goto out_devices;
	pr_info("Module successfully loaded.\n");
	return 0;

out_devices:
	rd_remove_all();
out_kobj:
	kobject_put(rd_kobj);
out_blkdev:
	unregister_blkdev(rd_major, "rapiddisk");
	return ret;
}

static void __exit rd_exit(void)
{
	kobject_put(rd_kobj);
	rd_remove_all();
	unregister_blkdev(rd_major, "rapiddisk");
	rcu_barrier();	/* retired pages still queued by discards */
	pr_info("Module successfully unloaded.\n");
}

module_init(rd_init);
module_exit(rd_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(RD_VERSION);
MODULE_DESCRIPTION("RAM disks whose data path is written in Rust (rapiddisk-rs)");
MODULE_AUTHOR("rapiddisk-rs authors");
