#!/usr/bin/env python3
"""bench.py OUT.md: runs inside the VM. fio on /dev/rd0 against the
kernel's brd (/dev/ram0) of the same size, case by case, alternating the
two devices, and writes a markdown table with IOPS, bandwidth and the
rd/brd ratio. Both disks are filled first so reads hit real pages."""
import json
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


def fio(dev, rw, bs, engine, depth, jobs, runtime=RUNTIME):
    cmd = [
        "fio", "--name=bench", f"--filename={dev}", "--direct=1",
        f"--rw={rw}", f"--bs={bs}", f"--ioengine={engine}",
        f"--iodepth={depth}", f"--numjobs={jobs}", "--group_reporting",
        "--time_based", f"--runtime={runtime}", "--ramp_time=1",
        f"--size={SIZE_MIB}M", "--randrepeat=0", "--norandommap",
        "--output-format=json",
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    job = json.loads(out[out.index("{"):])["jobs"][0]
    side = job["read"] if "read" in rw else job["write"]
    return side["iops"], side["bw_bytes"] / (1 << 20)


def main():
    out_path = sys.argv[1]
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
    kernel = subprocess.run(["uname", "-r"], capture_output=True, text=True).stdout.strip()
    with open(out_path, "w") as f:
        f.write(f"Kernel {kernel}, QEMU TCG, {SIZE_MIB} MiB disks filled first, {RUNTIME} s per run\n\n")
        f.write("| case | rd IOPS | brd IOPS | rd/brd | rd MiB/s | brd MiB/s |\n")
        f.write("|---|---:|---:|---:|---:|---:|\n")
        for name, ri, bi, ratio, rb, bb in rows:
            f.write(f"| {name} | {ri:.0f} | {bi:.0f} | {ratio:.2f} | {rb:.1f} | {bb:.1f} |\n")
    sh("echo 'rapiddisk detach 0' > /sys/kernel/rapiddisk/mgmt")
    sh("rmmod brd")


if __name__ == "__main__":
    sys.exit(main())
