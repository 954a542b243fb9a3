/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * capi_test SOURCE [RAPIDDISK]: librapiddisk.so.1 as a C program uses it,
 * on a system with both modules loaded (run by tests/vm/scenarios/capi.sh).
 * SOURCE is a spare block device (/dev/loopN) to cache; RAPIDDISK, if
 * given, is the command whose `-j -l` output the list document must equal.
 *
 * Attaches a RAM disk, lists, resizes, locks, flushes, maps SOURCE
 * write-through behind it, does I/O through the mapping, reads its
 * statistics, unmaps and detaches; checks the refusals, NULL arguments and
 * the per-thread last error. Prints one "ok - capi: ..." or
 * "not ok - capi: ..." line per check; exits 1 if any failed.
 */
#define _GNU_SOURCE
#include <rapiddisk.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void check(int cond, const char *what)
{
	printf("%s - capi: %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

/* rc must be want; on mismatch the values and the last error are shown */
static void check_rc(int rc, int want, const char *what)
{
	check(rc == want, what);
	if (rc != want)
		printf("  expected %d, got %d (%s)\n", want, rc, rapiddisk_last_error());
}

static void check_str(const char *got, const char *want, const char *what)
{
	int same = got && strcmp(got, want) == 0;

	check(same, what);
	if (!same)
		printf("  expected: %s\n  actual:   %s\n", want, got ? got : "(NULL)");
}

/* check that haystack (may be NULL) contains needle */
static void check_has(const char *haystack, const char *needle, const char *what)
{
	int has = haystack && strstr(haystack, needle);

	check(has, what);
	if (!has)
		printf("  missing: %s\n  in:      %s\n", needle, haystack ? haystack : "(NULL)");
}

/* udev probes a disk after attach and resize and holds it open meanwhile;
 * flush and detach need no other open, so wait for udev first (as an admin
 * would) */
static void settle(void)
{
	if (system("udevadm settle 2>/dev/null") != 0)
		sleep(1);
}

/* the list document; NULL (and the value in *rc) on failure */
static char *list(int *rc)
{
	char *out = (char *)"garbage";

	*rc = rapiddisk_list_json(&out);
	return out;
}

/* the output of `cmd` without its final newline, malloc'd */
static char *command_output(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];

	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		if (len + n + 1 > cap) {
			cap = 2 * (len + n + 1);
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	pclose(p);
	if (!buf)
		return NULL;
	if (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return buf;
}

/* udev is not running: devtmpfs creates the node a moment after attach */
static int wait_node(const char *path)
{
	struct stat st;
	int i;

	for (i = 0; i < 100; i++) {
		if (stat(path, &st) == 0 && S_ISBLK(st.st_mode))
			return 1;
		usleep(50000);
	}
	return 0;
}

static void null_arguments(void)
{
	char *out = (char *)"garbage";
	char name[RAPIDDISK_NAME_MAX];

	check_rc(rapiddisk_detach(NULL), -EINVAL, "detach(NULL) is -EINVAL");
	check_str(rapiddisk_last_error(), "rapiddisk_detach: rd is NULL", "detach(NULL) message");
	check_rc(rapiddisk_resize(NULL, 64), -EINVAL, "resize(NULL) is -EINVAL");
	check_rc(rapiddisk_flush(NULL), -EINVAL, "flush(NULL) is -EINVAL");
	check_rc(rapiddisk_lock(NULL, 1), -EINVAL, "lock(NULL) is -EINVAL");
	check_rc(rapiddisk_map(NULL, "/dev/null", RAPIDDISK_WRITE_THROUGH, name, sizeof(name)),
		 -EINVAL, "map(NULL rd) is -EINVAL");
	check_rc(rapiddisk_map("rd0", NULL, RAPIDDISK_WRITE_THROUGH, name, sizeof(name)),
		 -EINVAL, "map(NULL source) is -EINVAL");
	check_rc(rapiddisk_unmap(NULL), -EINVAL, "unmap(NULL) is -EINVAL");
	check_rc(rapiddisk_list_json(NULL), -EINVAL, "list_json(NULL) is -EINVAL");
	check_rc(rapiddisk_resources_json(NULL), -EINVAL, "resources_json(NULL) is -EINVAL");
	check_rc(rapiddisk_stats_json("rc-wt_x", NULL), -EINVAL, "stats_json(name, NULL) is -EINVAL");
	check_rc(rapiddisk_stats_json(NULL, &out), -EINVAL, "stats_json(NULL, out) is -EINVAL");
	check(out == NULL, "a failed document call leaves *out NULL");
	rapiddisk_free(NULL);
}

static void *fail_in_thread(void *arg)
{
	(void)arg;
	rapiddisk_detach(NULL);
	return strdup(rapiddisk_last_error());
}

static void last_error_is_per_thread(void)
{
	pthread_t t;
	void *theirs = NULL;

	check_rc(rapiddisk_detach("rd98"), -1, "detach of an unknown disk is -1");
	check_str(rapiddisk_last_error(), "Error. Device rd98 does not exist.",
		  "detach of an unknown disk: message");
	check(pthread_create(&t, NULL, fail_in_thread, NULL) == 0 && pthread_join(t, &theirs) == 0,
	      "a second thread ran");
	check_str(theirs, "rapiddisk_detach: rd is NULL", "the other thread has its own message");
	check_str(rapiddisk_last_error(), "Error. Device rd98 does not exist.",
		  "this thread's message is unchanged");
	free(theirs);
}

static void unknown_devices(void)
{
	char *out = (char *)"garbage";

	check_rc(rapiddisk_resize("rd98", 128), -ENOENT, "resize of an unknown disk is -ENOENT");
	check_rc(rapiddisk_flush("rd98"), -ENOENT, "flush of an unknown disk is -ENOENT");
	check_str(rapiddisk_last_error(), "Error. Device rd98 does not exist.",
		  "flush of an unknown disk: message");
	check_rc(rapiddisk_lock("rd98", 1), -ENOENT, "lock of an unknown disk is -ENOENT");
	check_rc(rapiddisk_unmap("rc-wt_nothing"), -ENOENT, "unmap of an unknown mapping is -ENOENT");
	check_str(rapiddisk_last_error(), "Error. Cache target rc-wt_nothing does not exist.",
		  "unmap of an unknown mapping: message");
	check_rc(rapiddisk_stats_json("rc-wt_nothing", &out), -1, "stats without mappings is -1");
	check_str(rapiddisk_last_error(), "No RapidDisk-Cache Mappings exist.",
		  "stats without mappings: message");
	check(out == NULL, "failed stats leave *out NULL");
	check_rc(rapiddisk_map("rd0", "/dev/null", (enum rapiddisk_mode)7, NULL, 0), -EINVAL,
		 "map with an unknown mode is -EINVAL");
	check_rc(rapiddisk_attach(0, NULL, 0), -EINVAL, "attach of 0 MiB is -EINVAL");
}

int main(int argc, char **argv)
{
	const char *source = argc > 1 ? argv[1] : NULL;
	const char *cli = argc > 2 ? argv[2] : NULL;
	char rd[RAPIDDISK_NAME_MAX], map[RAPIDDISK_NAME_MAX], small[8];
	char want[512], node[RAPIDDISK_NAME_MAX + 16];
	static const char resources_head[] = "{\"resources\": [{\"memory\": [{\"mem_total\": ";
	char *before, *doc, *out;
	int rc, fd, had_disks;

	if (!source) {
		fprintf(stderr, "usage: %s SOURCE [RAPIDDISK]\n", argv[0]);
		return 2;
	}
	check_str(rapiddisk_version(), "9.2.0", "version");
	null_arguments();

	/* a too small name buffer: refused before anything is attached */
	before = list(&rc);
	had_disks = before != NULL;
	if (!had_disks) {
		check_rc(rc, -ENOENT, "list without RAM disks is -ENOENT");
		check_str(rapiddisk_last_error(), "Unable to locate any RapidDisk devices.",
			  "list without RAM disks: message");
		check_rc(rapiddisk_detach("rd98"), -EINVAL, "detach without RAM disks is -EINVAL");
	}
	check_rc(rapiddisk_attach(64, small, sizeof(small)), -ERANGE, "attach with an 8-byte buffer is -ERANGE");
	doc = list(&rc);
	check((before == NULL && doc == NULL) || (before && doc && strcmp(before, doc) == 0),
	      "nothing was attached");
	rapiddisk_free(before);
	rapiddisk_free(doc);

	/* attach and list */
	check_rc(rapiddisk_attach(64, rd, sizeof(rd)), 0, "attach 64 MiB");
	check(strncmp(rd, "rd", 2) == 0, "the new disk is named rdN");
	check_str(rapiddisk_last_error(), "", "no last error after success");
	snprintf(node, sizeof(node), "/dev/%s", rd);
	check(wait_node(node), "the disk's node appeared");
	/* refusals need a RAM disk to exist: without any, detach and resize
	 * say so first */
	last_error_is_per_thread();
	unknown_devices();
	doc = list(&rc);
	check_rc(rc, 0, "list");
	snprintf(want, sizeof(want), "{\"device\": \"%s\", \"size\": 67108864, \"usage\": 0, \"status\": \"unlocked\"}", rd);
	check_has(doc, want, "the list has the new disk");
	check_has(doc, "{\"volumes\": [{\"rapiddisk\": [", "the list is the volumes document");
	if (cli) {
		char cmd[512];
		char *printed;

		snprintf(cmd, sizeof(cmd), "%s -j -l", cli);
		printed = command_output(cmd);
		check_str(doc, printed ? printed : "", "the list is what rapiddisk -j -l prints");
		free(printed);
	}
	rapiddisk_free(doc);

	/* resize, lock, flush */
	check_rc(rapiddisk_resize(rd, 128), 0, "resize to 128 MiB");
	check_rc(rapiddisk_resize(rd, 128), -EINVAL, "resize to the same size is -EINVAL");
	check_has(rapiddisk_last_error(), "Error. Size is currently set to 128 Mbytes.", "same size: message");
	check_rc(rapiddisk_lock(rd, 1), 0, "lock");
	doc = list(&rc);
	snprintf(want, sizeof(want), "{\"device\": \"%s\", \"size\": 134217728, \"usage\": 0, \"status\": \"locked\"}", rd);
	check_has(doc, want, "the list shows 128 MiB, locked");
	rapiddisk_free(doc);
	fd = open(node, O_WRONLY);
	check(fd < 0 || write(fd, want, 512) < 0, "a locked disk refuses writes");
	if (fd >= 0)
		close(fd);
	check_rc(rapiddisk_lock(rd, 0), 0, "unlock");
	settle();
	check_rc(rapiddisk_flush(rd), 0, "flush");

	/* map the source behind the disk */
	check_rc(rapiddisk_map(rd, source, RAPIDDISK_WRITE_THROUGH, small, sizeof(small)), -ERANGE,
		 "map with an 8-byte buffer is -ERANGE");
	check_rc(rapiddisk_map(rd, source, RAPIDDISK_WRITE_THROUGH, map, sizeof(map)), 0, "map write-through");
	snprintf(want, sizeof(want), "rc-wt_%s", strrchr(source, '/') + 1);
	check_str(map, want, "the mapping is named rc-wt_<source>");
	check_rc(rapiddisk_map(rd, source, RAPIDDISK_WRITE_AROUND, NULL, 0), -1, "mapping twice is -1");
	check_rc(rapiddisk_detach(rd), -1, "the cache disk cannot be detached");
	snprintf(want, sizeof(want),
		 "Error. Unable to remove %s. This RapidDisk device is currently mapped as a cache drive to %s.",
		 rd, map);
	check_str(rapiddisk_last_error(), want, "detach of the cache disk: message");
	check_rc(rapiddisk_flush(rd), -EBUSY, "the cache disk cannot be flushed");
	doc = list(&rc);
	snprintf(want, sizeof(want),
		 "{\"rapiddisk_cache\": [{\"device\": \"%s\", \"cache\": \"%s\", \"source\": \"%s\", \"mode\": \"write-through\"}]}",
		 map, rd, strrchr(source, '/') + 1);
	check_has(doc, want, "the list has the mapping");
	rapiddisk_free(doc);

	/* traffic through the mapping, then its statistics */
	snprintf(node, sizeof(node), "/dev/mapper/%s", map);
	fd = open(node, O_RDWR);
	check(fd >= 0, "the mapping opens");
	if (fd >= 0) {
		char block[4096];

		memset(block, 0x5a, sizeof(block));
		check(pwrite(fd, block, sizeof(block), 1 << 20) == (ssize_t)sizeof(block) && fsync(fd) == 0,
		      "a write through the mapping");
		memset(block, 0, sizeof(block));
		check(pread(fd, block, sizeof(block), 1 << 20) == (ssize_t)sizeof(block) && block[4095] == 0x5a,
		      "the write reads back");
		close(fd);
	}
	out = (char *)"garbage";
	check_rc(rapiddisk_stats_json(map, &out), 0, "stats");
	snprintf(want, sizeof(want), "{\"statistics\": [{\"cache_stats\": [{\"device\": \"%s\", \"reads\": ", map);
	check(out && strncmp(out, want, strlen(want)) == 0, "stats document starts with the device and reads");
	check_has(out, "\"writes\": ", "stats document has writes");
	check(out && strstr(out, "\"writes\": 0,") == NULL, "stats count the write");
	rapiddisk_free(out);

	/* unmap and detach */
	check_rc(rapiddisk_unmap(map), 0, "unmap");
	check_rc(rapiddisk_unmap(map), -ENOENT, "unmap again is -ENOENT");
	out = (char *)"garbage";
	check_rc(rapiddisk_stats_json(map, &out), -1, "stats of the removed mapping is -1");

	/* writeback through dm-writecache, which wants a clean cache disk */
	settle();
	check_rc(rapiddisk_flush(rd), 0, "flush before writeback");
	check_rc(rapiddisk_map(rd, source, RAPIDDISK_WRITEBACK, map, sizeof(map)), 0, "map writeback");
	snprintf(want, sizeof(want), "rc-wb_%s", strrchr(source, '/') + 1);
	check_str(map, want, "the mapping is named rc-wb_<source>");
	out = NULL;
	check_rc(rapiddisk_stats_json(map, &out), 0, "writeback stats");
	check_has(out, "\"errors\": 0, \"num_blocks\": ", "writeback stats are dm-writecache's");
	check_has(out, "\"num_discard_req\": ", "writeback stats have the extended counters");
	rapiddisk_free(out);
	check_rc(rapiddisk_unmap(map), 0, "unmap writeback");
	settle();
	check_rc(rapiddisk_detach(rd), 0, "detach");
	/* with no RAM disk left, upstream checks that first */
	check_rc(rapiddisk_detach(rd), had_disks ? -1 : -EINVAL, "detach again fails");

	/* resources */
	out = NULL;
	check_rc(rapiddisk_resources_json(&out), 0, "resources");
	check(out && strncmp(out, resources_head, strlen(resources_head)) == 0,
	      "resources document starts with the memory");
	check_has(out, "}]}, {\"volumes\": [", "resources document has the volumes");
	rapiddisk_free(out);

	printf("capi_test: %d failed\n", failures);
	return failures ? 1 : 0;
}
