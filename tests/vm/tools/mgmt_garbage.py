#!/usr/bin/env python3
"""mgmt_garbage.py COUNT SEED: writes COUNT invalid lines to the rapiddisk
mgmt file. Every write must fail (EINVAL, or E2BIG for over-long writes)
and the device table must not change. Prints one summary line and exits
non-zero on the first line that was accepted or failed otherwise."""
import errno
import os
import random
import sys

MGMT = "/sys/kernel/rapiddisk/mgmt"
DEVICES = "/sys/kernel/rapiddisk/devices"
PREFIXES = [b"rapiddisk attach ", b"rapiddisk detach ", b"rapiddisk resize "]
EDGES = [
    b"rapiddisk attach 18446744073709551615 512",
    b"rapiddisk attach 18446744073709551616 512",
    b"rapiddisk attach 1 18446744073709551616",
    b"rapiddisk attach 1048576 512",
    b"rapiddisk attach 4294967296 512",
    b"rapiddisk attach 2 511",
    b"rapiddisk attach 2 18446744073709551615",
    b"rapiddisk attach 0x 512",
    b"rapiddisk attach 0x1g 512",
    b"rapiddisk attach 09 512",
    b"rapiddisk attach 2\x00511",
    b"rapiddisk attach \x00",
    b"rapiddisk attach 0 4096",  # rd0 exists
    b"rapiddisk detach 18446744073709551615",
    b"rapiddisk detach 4",
    b"rapiddisk detach -0",
    b"rapiddisk resize 0 0",
    b"rapiddisk resize 0 511",
    b"rapiddisk resize 0 -4096",
    b"rapiddisk resize 1048575 4096",
    b"rapiddisk  attach 2 4096",
    b"rapiddisk attach  2 4096",
    b"rapiddisk",
    b"\n",
    b"\xff\xfe\x00",
    b"x" * 4096,
    b"rapiddisk attach 2 " + b"9" * 4000,
]


def garbage(rng):
    """A line that can never be a valid command."""
    kind = rng.randrange(3)
    tail = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
    if kind == 0:
        # valid prefix, random bytes, then text that can't end a command
        return rng.choice(PREFIXES) + tail + b" zz"
    if kind == 1:
        # valid prefix with numbers, then trailing garbage
        n, size = rng.randrange(1 << 64), rng.randrange(1 << 64)
        return rng.choice(PREFIXES) + b"%d %d" % (n, size) + b"q" + tail
    line = tail + b"\n"
    return b"x" + line if any(line.startswith(p) for p in PREFIXES) else line


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    before = open(DEVICES).read()
    lines = EDGES + [garbage(rng) for _ in range(count - len(EDGES))]
    for i, line in enumerate(lines):
        fd = os.open(MGMT, os.O_WRONLY)
        try:
            os.write(fd, line)
        except OSError as e:
            if e.errno not in (errno.EINVAL, errno.E2BIG):
                print(f"line {i} {line!r}: unexpected {errno.errorcode[e.errno]}")
                return 1
        else:
            print(f"line {i} {line!r}: accepted")
            return 1
        finally:
            os.close(fd)
    after = open(DEVICES).read()
    if after != before:
        print(f"device table changed:\n{before}\n->\n{after}")
        return 1
    print(f"{len(lines)} invalid lines refused, device table unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
