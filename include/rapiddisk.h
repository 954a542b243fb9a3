/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rapiddisk.h - librapiddisk.so.1: RapidDisk RAM disks and RAM caches for C
 * programs. Link with -lrapiddisk (pkg-config: rapiddisk).
 *
 * Each action is one run of the `rapiddisk` command: it checks that the
 * rapiddisk and rapiddisk-cache modules are loaded, discovers the RAM disks
 * (/dev/rdN) and cache mappings (/dev/mapper/rc-*) afresh, checks its
 * arguments as the command does, and acts. The JSON documents are byte for
 * byte what `rapiddisk -j` prints, without the final newline.
 *
 * Return values: 0 on success. On failure, the value the command returns,
 * whose low byte is its exit status: a negative errno (-EINVAL, -ENOENT,
 * -EBUSY, -EIO, ...), -1 for failures without an errno (the command's exit
 * status 255), or 1 when a writeback mapping could not write its dirty
 * blocks back. Calls that change the system need the privileges the command
 * needs (root); without them the kernel refuses and the call fails.
 * Arguments are checked first: a NULL pointer argument is -EINVAL and does
 * nothing.
 *
 * Errors: the calls that return int record a message for each failure, read
 * with rapiddisk_last_error() on the same thread (the command's message, for
 * example "Error. Device rd9 does not exist.").
 *
 * Names are C strings of any bytes but NUL; they need not be UTF-8.
 * The library is thread-safe in the sense that every call stands alone; two
 * calls that change the same device at once race as two commands would.
 */
#ifndef RAPIDDISK_H
#define RAPIDDISK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Size of a buffer that holds any device name the library writes, NUL
 * included (device-mapper names are at most 127 bytes). */
#define RAPIDDISK_NAME_MAX 128

/* The caching policy of a new mapping (the command's -p wt|wa|wb). */
enum rapiddisk_mode {
	/* rc-wt_<source>: writes go to the source and the RAM disk */
	RAPIDDISK_WRITE_THROUGH = 0,
	/* rc-wa_<source>: writes go to the source only */
	RAPIDDISK_WRITE_AROUND = 1,
	/* rc-wb_<source>: writeback through the kernel's dm-writecache, which
	 * must be loaded as a module */
	RAPIDDISK_WRITEBACK = 2,
};

/*
 * Attaches a new RAM disk of size_mib MiB (rapiddisk -a), named rdN with
 * the number the command would pick.
 * name: NULL if the name is not wanted, else a buffer of name_len bytes
 * that receives the name, NUL-terminated. name_len must be at least
 * RAPIDDISK_NAME_MAX, or the call fails with -ERANGE before doing anything.
 * Returns 0, or -EINVAL (size 0 or too large), -ERANGE, or the kernel's
 * refusal (-ENOMEM, -EEXIST, ...).
 */
int rapiddisk_attach(uint64_t size_mib, char *name, size_t name_len);

/*
 * Detaches RAM disk rd ("rd0") (rapiddisk -d). Refused while it is the
 * cache of a mapping or mounted (-1), or open (the kernel's -EBUSY).
 * Returns 0, -EINVAL when there is no RAM disk at all or rd is empty, -1
 * when rd does not exist.
 */
int rapiddisk_detach(const char *rd);

/*
 * Resizes RAM disk rd to size_mib MiB (rapiddisk -r), which must differ
 * from its size and exceed the highest sector written so far (-EINVAL).
 * Returns 0, -EINVAL (also when there is no RAM disk at all), -ENOENT when
 * rd does not exist or cannot be opened, -EIO when its counters cannot be
 * read, or the kernel's refusal.
 */
int rapiddisk_resize(const char *rd, uint64_t size_mib);

/*
 * Frees all data of RAM disk rd, which then reads as zeroes (rapiddisk -f).
 * Returns 0, -ENOENT when rd does not exist, -EBUSY when it is a cache or
 * mounted, -EIO when the kernel refuses.
 */
int rapiddisk_flush(const char *rd);

/*
 * Makes RAM disk rd read-only when read_only is non-zero (rapiddisk -L),
 * read-write when it is 0 (rapiddisk -U).
 * Returns 0, -ENOENT when rd does not exist, -EIO when the kernel refuses.
 */
int rapiddisk_lock(const char *rd, int read_only);

/*
 * Maps the block device source ("/dev/sdb") behind RAM disk rd as a cache
 * in mode (rapiddisk -m rd -b source -p mode). The mapping is named
 * rc-wt_, rc-wa_ or rc-wb_ followed by the source's name without /dev/.
 * name: as for rapiddisk_attach; receives the mapping's name.
 * Returns 0, -EINVAL (NULL or empty argument, unknown mode), -ERANGE,
 * -ENOENT when rd does not exist, -1 when a device is in use, mounted, not
 * under /dev/, dm-writecache is missing, or device-mapper refuses.
 */
int rapiddisk_map(const char *rd, const char *source, enum rapiddisk_mode mode,
		  char *name, size_t name_len);

/*
 * Removes mapping name ("rc-wt_sdb") (rapiddisk -u); a writeback mapping
 * writes its dirty blocks back first (1 if that fails).
 * Returns 0, -ENOENT when the mapping does not exist, -EBUSY when it is
 * mounted, -1 when device-mapper refuses.
 */
int rapiddisk_unmap(const char *name);

/*
 * The RAM disks and mappings as JSON (rapiddisk -j -l):
 * {"volumes": [{"rapiddisk": [...]}, {"rapiddisk_cache": [...]}]}
 * *out: set to NULL first; on success a new string, freed by the caller
 * with rapiddisk_free().
 * Returns 0, -ENOENT when there is no RAM disk, -EINVAL when out is NULL.
 */
int rapiddisk_list_json(char **out);

/*
 * The statistics of mapping name as JSON (rapiddisk -j -s name):
 * {"statistics": [{"cache_stats": [{"device": ..., ...}]}]}, with an empty
 * cache_stats list when device-mapper cannot report them.
 * *out: as for rapiddisk_list_json.
 * Returns 0, -1 when there is no mapping or no mapping of that name,
 * -EINVAL.
 */
int rapiddisk_stats_json(const char *name, char **out);

/*
 * Memory and the block devices worth caching as JSON (rapiddisk -j -q):
 * {"resources": [{"memory": [...]}, {"volumes": [...]}]}
 * *out: as for rapiddisk_list_json.
 * Returns 0, -EIO when the memory figures are unavailable, -1 when
 * /sys/block cannot be read, -EINVAL.
 */
int rapiddisk_resources_json(char **out);

/* The transport of a new NVMe-oF target port (the command's -t). */
enum rapiddisk_transport {
	RAPIDDISK_NVME_TCP = 0,
	RAPIDDISK_NVME_RDMA = 1,
	/* needs the kernel's nvme-loop (Debian 6.12 has it, 6.1 not) */
	RAPIDDISK_NVME_LOOP = 2,
};

/* Which address of the interface a tcp or rdma port listens on. */
enum rapiddisk_adrfam {
	/* IPv4 if the interface has one, else its first non-link-local IPv6 */
	RAPIDDISK_ADRFAM_AUTO = 0,
	RAPIDDISK_ADRFAM_IPV4 = 1,
	RAPIDDISK_ADRFAM_IPV6 = 2,
};

/*
 * NVMe-oF targets through the kernel's nvmet (modules nvmet and nvmet-tcp
 * or nvme-loop; configfs mounted). Without it every call below fails with
 * -1 and "The NVMe Target subsystem is not loaded. ...". Failures are -1
 * with the command's message unless said otherwise. A call that changes
 * the target and fails undoes its own changes first.
 *
 * The NVMe ports as JSON (rapiddisk -j -N):
 * {"targets": [{"nvmet_ports": [{"port": 1, "address": ..., "protocol": ...}]}]}
 * *out: as for rapiddisk_list_json.
 */
int rapiddisk_nvmet_ports_json(char **out);

/*
 * The exported namespaces as JSON (rapiddisk -j -n):
 * {"targets": [{"nvmet_targets": [{"nqn": ..., "namespace": 1, "device": ...,
 * "enabled": "true", "allowed_hosts": [...], "assigned_ports": [...]}]}]}
 * *out: as for rapiddisk_list_json.
 */
int rapiddisk_nvmet_targets_json(char **out);

/*
 * Creates target port port on network interface iface (rapiddisk -i IFACE
 * -P PORT -t ...), service 4420; iface may be NULL for the loop transport.
 * Returns 0, -1 (port exists, no such address, address in use, no
 * nvme-loop, refused by the kernel), -EINVAL (unknown enum value).
 */
int rapiddisk_nvmet_port_enable(int port, const char *iface,
				enum rapiddisk_transport transport,
				enum rapiddisk_adrfam adrfam);

/* Removes target port port (rapiddisk -X -P PORT); -1 while in use. */
int rapiddisk_nvmet_port_disable(int port);

/*
 * Exports RAM disk or mapping device ("rd0", "rc-wt_sdb") as
 * nqn.2021-06.org.rapiddisk:<hostname>-<device> (rapiddisk -e), on port
 * (-1: every port) to host (an NQN; NULL: any host). host_key_file (and
 * ctrl_key_file for bidirectional authentication) name files with
 * DH-HMAC-CHAP secrets for host; a missing file gets a new secret (mode
 * 0600), a file group or others can read is refused. Both NULL: no
 * authentication. Returns 0, -1, or -EINVAL (a secret without a host).
 */
int rapiddisk_nvmet_export(const char *device, int port, const char *host,
			   const char *host_key_file, const char *ctrl_key_file);

/*
 * Stops exporting device (rapiddisk -x): to host (NULL: the whole target,
 * refused while hosts remain), on port (-1: every port). Removing the last
 * host removes the target.
 */
int rapiddisk_nvmet_unexport(const char *device, int port, const char *host);

/* Makes the namespace of device take its new size (rapiddisk -R). */
int rapiddisk_nvmet_revalidate(const char *device);

/*
 * Saves the configuration (RAM disks, cache mappings, NVMe ports and
 * exports) to file as one JSON document (rapiddisk --save); NULL is
 * /etc/rapiddisk/rapiddisk.json. DH-HMAC-CHAP secrets go to root-only
 * files in keys/ next to it. Warnings of the command are not reported.
 */
int rapiddisk_save(const char *file);

/*
 * Recreates the configuration of file (rapiddisk --restore; NULL as for
 * rapiddisk_save): keeps what exists as described, refuses what exists
 * differently before any change, and undoes what it created when a step
 * fails (rapiddisk_last_error() names the step).
 */
int rapiddisk_restore(const char *file);

/* Frees a string of rapiddisk_*_json(); NULL is ignored. */
void rapiddisk_free(char *text);

/*
 * The message of the last failed call on this thread, "" if it succeeded.
 * Owned by the library, never NULL; valid until the next call of an
 * int-returning rapiddisk_* function on this thread.
 */
const char *rapiddisk_last_error(void);

/* The RapidDisk version this library implements ("9.2.0"); static. */
const char *rapiddisk_version(void);

#ifdef __cplusplus
}
#endif

#endif /* RAPIDDISK_H */
