#!/usr/bin/env python3
"""daemon_bench.py URL MAPPING OUT.md: runs inside the VM against a running
rapiddiskd. wrk at 1, 16 and 64 connections on three routes (requests/s,
p50 and p99 latency), and the cost of the same answer from `rapiddisk -j`
(one process from start to exit), written as a markdown table."""
import re
import subprocess
import sys
import time

SECONDS = int(__import__("os").environ.get("RD_BENCH_DAEMON_SECONDS", "5"))
CLI_RUNS = 200
CONNECTIONS = [1, 16, 64]


def wrk(url, connections):
    threads = min(2, connections)
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{SECONDS}s",
           "--timeout", "10s", "--latency", url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    if "Socket errors" in out or "Non-2xx" in out:
        raise SystemExit(f"wrk saw failed requests:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return float(m.group(1)) * scale

    return rate, pct(50), pct(99)


def cli(args):
    """Runs per second, p50 and p99 of one `rapiddisk` run, in ms."""
    times = []
    for _ in range(CLI_RUNS):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return 1000 / (sum(times) / len(times)), times[len(times) // 2], times[int(len(times) * 0.99)]


def main():
    url, mapping, out_path = sys.argv[1:4]
    rapiddisk = sys.argv[4]
    routes = [
        ("listRapidDiskVolumes", "/v1/listRapidDiskVolumes", [rapiddisk, "-j", "-l"]),
        ("showRapidDiskCacheStats", f"/v1/showRapidDiskCacheStats/{mapping}",
         [rapiddisk, "-j", "-s", mapping]),
        ("checkServiceStatus", "/v1/checkServiceStatus", [rapiddisk, "-v"]),
    ]
    lines = [
        "| route | connections | requests/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, path, args in routes:
        for c in CONNECTIONS:
            rate, p50, p99 = wrk(url + path, c)
            lines.append(f"| {name} | {c} | {rate:.0f} | {p50:.2f} | {p99:.2f} |")
        rate, p50, p99 = cli(args)
        lines.append(f"| `{' '.join(['rapiddisk'] + args[1:])}` (a process each) | 1 | {rate:.0f} | {p50:.2f} | {p99:.2f} |")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


main()
