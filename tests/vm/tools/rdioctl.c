// SPDX-License-Identifier: GPL-2.0
/*
 * rdioctl DEV ACTION [ARG]: issues one ioctl on a rapiddisk device for the
 * VM tests. Prints the value read, or "ERR <errno name>" and exits 1.
 *   stats | usage        the driver's u64 counters (0x0529 / 0x0530)
 *   flush                free all data (0x0531)
 *   badptr-stats         0x0529 with an invalid user pointer
 *   raw HEX              any command number, argument 0
 *   setro 0|1 | getro    BLKROSET / BLKROGET
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int fail(void)
{
	printf("ERR %s\n", strerrorname_np(errno));
	return 1;
}

int main(int argc, char **argv)
{
	uint64_t value = 0;
	int fd, flag;

	if (argc < 3) {
		fprintf(stderr, "usage: rdioctl DEV stats|usage|flush|badptr-stats|raw HEX|setro 0|1|getro\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return fail();
	if (!strcmp(argv[2], "stats") || !strcmp(argv[2], "usage")) {
		if (ioctl(fd, argv[2][0] == 's' ? 0x0529 : 0x0530, &value))
			return fail();
		printf("%llu\n", (unsigned long long)value);
	} else if (!strcmp(argv[2], "flush")) {
		if (ioctl(fd, 0x0531, 0))
			return fail();
		printf("flushed\n");
	} else if (!strcmp(argv[2], "badptr-stats")) {
		if (ioctl(fd, 0x0529, (void *)16))
			return fail();
		printf("no error\n");
	} else if (!strcmp(argv[2], "raw") && argc > 3) {
		if (ioctl(fd, strtoul(argv[3], NULL, 16), 0))
			return fail();
		printf("no error\n");
	} else if (!strcmp(argv[2], "setro") && argc > 3) {
		flag = atoi(argv[3]);
		if (ioctl(fd, BLKROSET, &flag))
			return fail();
		printf("ro=%d\n", flag);
	} else if (!strcmp(argv[2], "getro")) {
		if (ioctl(fd, BLKROGET, &flag))
			return fail();
		printf("%d\n", flag);
	} else {
		fprintf(stderr, "rdioctl: unknown action %s\n", argv[2]);
		return 2;
	}
	return 0;
}
