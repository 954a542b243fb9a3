/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdsk_core.h - the boundary between shim/rapiddisk.c and the no_std Rust
 * core in module/rdsk. The Rust side is checked against this header at build
 * time (build.rs + src/abi_check.rs), so the two cannot drift apart.
 *
 * Errors are negative errno values. Data pages are page-sized, page-aligned,
 * zero-filled kernel virtual addresses handed out by rdsk_cb_alloc_page().
 */
#ifndef RDSK_CORE_H
#define RDSK_CORE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

/* one RAM disk's page store (opaque, allocated by rdsk_create) */
struct rdsk;

/* counters of one RAM disk */
struct rdsk_usage {
	u64 nr_sectors;		/* current capacity in 512-byte sectors */
	u64 pages;		/* data pages in use */
	u64 max_sector;		/* highest end sector (exclusive) ever written */
};

/* a parsed line written to /sys/kernel/rapiddisk/mgmt */
enum rdsk_op {
	RDSK_OP_ATTACH = 1,
	RDSK_OP_DETACH = 2,
	RDSK_OP_RESIZE = 3,
};

struct rdsk_cmd {
	u32 op;			/* enum rdsk_op */
	u32 reserved;
	u64 number;		/* N of rdN */
	u64 size;		/* bytes (attach/resize) */
};

/* why a management command was refused; text by rdsk_reason_text() */
enum rdsk_reason {
	RDSK_OK = 0,
	RDSK_R_UNSUPPORTED = 1,		/* unknown command */
	RDSK_R_BAD_NUMBER = 2,		/* missing, malformed or overflowing number */
	RDSK_R_TRAILING = 3,		/* text after the last number */
	RDSK_R_MAX_NUMBER = 4,		/* N above MINORMASK */
	RDSK_R_MAX_DEVICES = 5,		/* rd_max_nr disks attached already */
	RDSK_R_SIZE_ALIGN = 6,		/* size not a multiple of 512 */
	RDSK_R_EXISTS = 7,		/* rdN attached already */
	RDSK_R_NO_DEVICE = 8,		/* no rdN */
	RDSK_R_BELOW_WRITTEN = 9,	/* resize not above the highest written sector */
	RDSK_R_BUSY = 10,		/* rdN is open (mounted, mapped, ...) */
	RDSK_R_NO_MEMORY = 11,		/* allocation failed */
};

/* rdsk_write() needs a fresh zeroed page in *spare before it can go on */
#define RDSK_NEED_PAGE 1

/* ---- provided by the shim (kernel) or the host test support ---- */
/* a zeroed page for tree nodes at create/resize time (may sleep) */
void *rdsk_cb_alloc_page(void);
void rdsk_cb_free_page(void *page);
/* hand a page that readers may still see to the caller's free-later list */
void rdsk_cb_retire_page(void *ctx, void *page);
void *rdsk_cb_kzalloc(size_t size);
void rdsk_cb_kfree(void *ptr);
/* report a broken invariant; the Rust caller then traps (ud2) */
void rdsk_cb_bug(u32 line);

/* ---- provided by the Rust core ---- */
int rdsk_create(u64 nr_sectors, struct rdsk **out);
void rdsk_destroy(struct rdsk *rd);
/* validate and apply a new capacity (resize rules of the mgmt interface);
 * returns an enum rdsk_reason */
int rdsk_resize(struct rdsk *rd, u64 size_bytes);
/*
 * Copy between a kernel buffer and the disk; callers hold rcu_read_lock().
 * rdsk_write() never allocates: when it meets a missing page (or tree node)
 * it takes the zeroed page in *spare (setting it to NULL), or returns
 * RDSK_NEED_PAGE when *spare is NULL so the caller can allocate outside the
 * RCU section and call again (rewriting the same bytes is harmless).
 */
int rdsk_read(const struct rdsk *rd, u64 sector, u8 *buf, u32 len);
int rdsk_write(const struct rdsk *rd, u64 sector, const u8 *buf, u32 len,
	       void **spare);
/* discard / write-zeroes: whole pages are retired, partial ones zeroed */
int rdsk_zero(const struct rdsk *rd, u64 sector, u64 nr_sectors, void *retire_ctx);
/* retire every data page and reset the counters (the flush ioctl) */
void rdsk_free_all(const struct rdsk *rd, void *retire_ctx);
void rdsk_get_usage(const struct rdsk *rd, struct rdsk_usage *out);

/* parse one mgmt write; returns an enum rdsk_reason */
int rdsk_mgmt_parse(const u8 *buf, size_t len, struct rdsk_cmd *out);
/* the attach rules, in upstream's order; returns an enum rdsk_reason */
int rdsk_check_attach(u64 number, u64 size, u64 attached, u64 max_nr);
/* NUL-terminated message for an enum rdsk_reason (never NULL) */
const char *rdsk_reason_text(int reason);

#endif /* RDSK_CORE_H */
