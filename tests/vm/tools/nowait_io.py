#!/usr/bin/env python3
"""nowait_io.py read DEV BYTE_OFFSET | write DEV BYTE_OFFSET FILE: one
O_DIRECT 4 KiB preadv2/pwritev2 with RWF_NOWAIT, the way io_uring and
nowait aio issue I/O first. A read writes the data to stdout. Exits 1 with
the errno name when the kernel refuses (EOPNOTSUPP: the device does not
take nowait I/O; EAGAIN: it would have blocked)."""
import errno
import mmap
import os
import sys

BLOCK = 4096


def main():
    op, dev, offset = sys.argv[1], sys.argv[2], int(sys.argv[3])
    buf = mmap.mmap(-1, BLOCK)  # page aligned, as O_DIRECT needs
    fd = os.open(dev, (os.O_RDONLY if op == "read" else os.O_WRONLY) | os.O_DIRECT)
    try:
        if op == "read":
            done = os.preadv(fd, [buf], offset, os.RWF_NOWAIT)
        else:
            with open(sys.argv[4], "rb") as f:
                buf.write(f.read(BLOCK))
            done = os.pwritev(fd, [buf], offset, os.RWF_NOWAIT)
    except OSError as e:
        print(f"nowait_io: {op} {dev}: {errno.errorcode.get(e.errno, e.errno)}", file=sys.stderr)
        return 1
    finally:
        os.close(fd)
    if done != BLOCK:
        print(f"nowait_io: {op} {dev}: {done} of {BLOCK} bytes", file=sys.stderr)
        return 1
    if op == "read":
        sys.stdout.buffer.write(buf[:BLOCK])
    return 0


if __name__ == "__main__":
    sys.exit(main())
