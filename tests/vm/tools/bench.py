#!/usr/bin/env python3
"""bench.py OUT.md: runs inside the VM. fio on /dev/rd0 against the
kernel's brd (/dev/ram0) of the same size, case by case, alternating the
two devices, and writes a markdown table with IOPS, bandwidth and the
rd/brd ratio. Both disks are filled first so reads hit real pages."""
import json
import os
import subprocess
import sys

SIZE_MIB = 512
RUNTIME = 6
CASES = [
    # name, rw, bs, ioengine, iodepth, numjobs
    ("4k randread psync j1", "randread", "4k", "psync", 1, 1),
    ("4k randread psync j2", "randread", "4k", "psync", 1, 2),
    ("4k randread io_uring qd32 j1", "randread", "4k", "io_uring", 32, 1),
    ("4k randread io_uring qd32 j2", "randread", "4k", "io_uring", 32, 2),
    ("4k randwrite psync j1", "randwrite", "4k", "psync", 1, 1),
    ("4k randwrite psync j2", "randwrite", "4k", "psync", 1, 2),
    ("4k randwrite io_uring qd32 j1", "randwrite", "4k", "io_uring", 32, 1),
    ("4k randwrite io_uring qd32 j2", "randwrite", "4k", "io_uring", 32, 2),
    ("1m seq read psync j1", "read", "1m", "psync", 1, 1),
    ("1m seq write psync j1", "write", "1m", "psync", 1, 1),
]
DEVICES = [("rd", "/dev/rd0"), ("brd", "/dev/ram0")]


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


def fio(dev, rw, bs, engine, depth, jobs, runtime=RUNTIME, size_mib=SIZE_MIB, offset_mib=0):
    cmd = [
        "fio", "--name=bench", f"--filename={dev}", "--direct=1",
        f"--rw={rw}", f"--bs={bs}", f"--ioengine={engine}",
        f"--iodepth={depth}", f"--numjobs={jobs}", "--group_reporting",
        "--time_based", f"--runtime={runtime}", "--ramp_time=1",
        f"--size={size_mib}M", f"--offset={offset_mib}M", "--randrepeat=0",
        "--norandommap", "--output-format=json",
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    job = json.loads(out[out.index("{"):])["jobs"][0]
    side = job["read"] if "read" in rw else job["write"]
    return side["iops"], side["bw_bytes"] / (1 << 20)


def fio_once(dev, rw, size_mib, offset_mib=0):
    """One pass over a region (cold-cache miss path), 4 KiB psync."""
    cmd = [
        "fio", "--name=pass", f"--filename={dev}", "--direct=1", f"--rw={rw}",
        "--bs=4k", "--ioengine=psync", f"--size={size_mib}M",
        f"--offset={offset_mib}M", "--output-format=json",
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    job = json.loads(out[out.index("{"):])["jobs"][0]
    return (job["read"] if "read" in rw else job["write"])["iops"]


HIT_ROUNDS = int(os.environ.get("RD_BENCH_HIT_ROUNDS", "3"))


def median(values):
    return sorted(values)[len(values) // 2]


def attach(n, mib):
    sh(f"echo 'rapiddisk attach {n} {mib << 20}' > /sys/kernel/rapiddisk/mgmt")
    sh(f"for i in $(seq 50); do [ -b /dev/rd{n} ] && break; sleep 0.1; done")
    sh(f"dd if=/dev/urandom of=/dev/rd{n} bs=1M count={mib} oflag=direct status=none")


def cache_rows():
    """rapiddisk-cache (write-through) against the raw RAM disk, a plain
    dm-linear mapping of a RAM disk (device-mapper's own cost), the raw
    source and the kernel's dm-cache (smq). Read hits: all four devices
    exist at once, each with its own RAM disk, and are measured in
    alternating rounds; the median of the rounds is reported."""
    src_mib, cache_mib, ws_mib = 384, 128, 64
    sh(f"truncate -s {src_mib}M /tmp/bench-src.img")
    loop = subprocess.run(["losetup", "-f", "--show", "/tmp/bench-src.img"], check=True,
                          capture_output=True, text=True).stdout.strip()
    sh(f"dd if=/dev/urandom of={loop} bs=1M count={src_mib} oflag=direct status=none")
    # rd1: rapiddisk-cache's cache, rd2: dm-cache metadata, rd3: dm-cache's
    # cache, rd4: under dm-linear and the raw RAM disk case
    for n, mib in ((1, cache_mib), (2, 16), (3, cache_mib), (4, cache_mib)):
        attach(n, mib)
    sh("dd if=/dev/zero of=/dev/rd2 bs=1M count=16 oflag=direct status=none")
    src_sectors = src_mib * 2048

    def iops(dev, rw, size_mib=ws_mib, offset_mib=0, engine="psync", depth=1):
        return fio(dev, rw, "4k", engine, depth, 1, size_mib=size_mib, offset_mib=offset_mib)[0]

    def hit_rounds(engine, depth):
        samples = {label: [] for label in hit_devices}
        for _ in range(HIT_ROUNDS):
            for label, dev in hit_devices.items():
                samples[label].append(iops(dev, "randread", engine=engine, depth=depth))
        print(f"  read hit rounds, {engine} qd{depth} (IOPS): {samples}", flush=True)
        return {label: median(v) for label, v in samples.items()}

    sh(f"dmsetup create bench-linear --table '0 {cache_mib * 2048} linear /dev/rd4 0'")
    sh(f"dmsetup create bench-rc --table '0 {src_sectors} rapiddisk-cache {loop} /dev/rd1 {cache_mib * 2048} 0'")
    sh(f"dmsetup create bench-dmc --table '0 {src_sectors} cache /dev/rd2 /dev/rd3 {loop} 64 1 "
       f"writethrough smq 2 migration_threshold 1000000'")
    rc, dmc = "/dev/mapper/bench-rc", "/dev/mapper/bench-dmc"
    miss = fio_once(rc, "read", ws_mib, ws_mib * 2)
    for dev, passes in ((rc, 2), (dmc, 4)):
        for _ in range(passes):
            sh(f"dd if={dev} of=/dev/null bs=4k count={ws_mib * 256} iflag=direct status=none")
    hit_devices = {"raw": "/dev/rd4", "linear": "/dev/mapper/bench-linear", "rc": rc, "dmc": dmc}
    hits = hit_rounds("psync", 1)
    # io_uring issues nowait first: a mapping that does not take nowait I/O
    # has every request handed to a kernel worker thread
    uring = hit_rounds("io_uring", 32)
    rc_wt = iops(rc, "randwrite")
    # a working set read in random order into full sets (its 2 MiB runs
    # share sets with the one cached above): replacement puts nearly every
    # block on a way that is not its home, where hits find it by the hint
    scattered_mib = ws_mib * 4
    fio_once(rc, "randread", ws_mib, scattered_mib)
    scattered = median([iops(rc, "randread", offset_mib=scattered_mib) for _ in range(HIT_ROUNDS)])
    src_wt = iops(loop, "randwrite")
    src_miss = fio_once(loop, "read", ws_mib, ws_mib * 3)
    raw_src = iops(loop, "randread", size_mib=src_mib)
    sh("udevadm settle; dmsetup remove --retry bench-rc bench-dmc bench-linear")
    sh(f"losetup -d {loop}; rm -f /tmp/bench-src.img")
    for n in (1, 2, 3, 4):
        sh(f"echo 'rapiddisk detach {n}' > /sys/kernel/rapiddisk/mgmt")
    return [
        ("rc-wt 4k read hits vs raw rd", hits["rc"], hits["raw"]),
        ("rc-wt 4k read hits vs dm-linear over a rd", hits["rc"], hits["linear"]),
        ("rc-wt 4k read hits vs dm-cache smq hits", hits["rc"], hits["dmc"]),
        ("rc-wt 4k read hits, io_uring qd32, vs raw rd", uring["rc"], uring["raw"]),
        ("rc-wt 4k read hits, io_uring qd32, vs dm-linear over a rd", uring["rc"], uring["linear"]),
        ("rc-wt 4k read hits, io_uring qd32, vs dm-cache smq hits", uring["rc"], uring["dmc"]),
        ("rc-wt 4k read hits, filled in random order into full sets, vs dm-cache smq hits",
         scattered, hits["dmc"]),
        ("rc-wt 4k cold read (miss + fill) vs raw source", miss, src_miss),
        ("rc-wt 4k randwrite vs raw source", rc_wt, src_wt),
        ("(raw source 4k randread)", raw_src, raw_src),
    ]


def main():
    out_path = sys.argv[1]
    # RD_BENCH_CACHE_ONLY=1: only the cache cases (a shorter run)
    rows = [] if os.environ.get("RD_BENCH_CACHE_ONLY") else run_ram_disk_cases()
    crows = cache_rows()
    for name, a, b in crows:
        print(f"  {name}: {a:.0f} vs {b:.0f} IOPS, ratio {a / b:.2f}", flush=True)
    write_table(out_path, rows, crows)


def run_ram_disk_cases():
    """rd0 against brd, case by case; both disks are filled first."""
    sh(f"modprobe brd rd_nr=1 rd_size={SIZE_MIB * 1024} max_part=0")
    sh(f"echo 'rapiddisk attach 0 {SIZE_MIB << 20}' > /sys/kernel/rapiddisk/mgmt")
    sh("for i in $(seq 50); do [ -b /dev/rd0 ] && break; sleep 0.1; done")
    for _, dev in DEVICES:
        sh(f"dd if=/dev/urandom of={dev} bs=1M count={SIZE_MIB} oflag=direct status=none")
    rows = []
    for name, rw, bs, engine, depth, jobs in CASES:
        res = {label: fio(dev, rw, bs, engine, depth, jobs) for label, dev in DEVICES}
        (rd_iops, rd_bw), (brd_iops, brd_bw) = res["rd"], res["brd"]
        rows.append((name, rd_iops, brd_iops, rd_iops / brd_iops, rd_bw, brd_bw))
        print(f"  {name}: rd {rd_iops:.0f} IOPS, brd {brd_iops:.0f} IOPS, ratio {rd_iops / brd_iops:.2f}", flush=True)
    sh("echo 'rapiddisk detach 0' > /sys/kernel/rapiddisk/mgmt")
    sh("rmmod brd")
    return rows


def write_table(out_path, rows, crows):
    kernel = subprocess.run(["uname", "-r"], capture_output=True, text=True).stdout.strip()
    shift = os.environ.get("RD_VM_ICOUNT")
    clock = f"QEMU TCG, icount shift {shift} (guest time counts instructions)" if shift else "QEMU TCG"
    with open(out_path, "w") as f:
        f.write(f"Kernel {kernel}, {clock}, {SIZE_MIB} MiB disks filled first, {RUNTIME} s per run\n\n")
        if rows:
            f.write("| case | rd IOPS | brd IOPS | rd/brd | rd MiB/s | brd MiB/s |\n")
            f.write("|---|---:|---:|---:|---:|---:|\n")
            for name, ri, bi, ratio, rb, bb in rows:
                f.write(f"| {name} | {ri:.0f} | {bi:.0f} | {ratio:.2f} | {rb:.1f} | {bb:.1f} |\n")
            f.write("\n")
        f.write(f"| cache case (4 KiB, 1 job, psync unless named; hits: median of {HIT_ROUNDS} "
                "alternating rounds) "
                "| rapiddisk-cache IOPS | peer IOPS | ratio |\n")
        f.write("|---|---:|---:|---:|\n")
        for name, a, b in crows:
            f.write(f"| {name} | {a:.0f} | {b:.0f} | {a / b:.2f} |\n")


if __name__ == "__main__":
    sys.exit(main())
