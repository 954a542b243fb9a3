#!/usr/bin/env bash
# bench.sh [KVER...]: the benchmarks, one VM boot per kernel (default: all
# test kernels). Tables land in build/vm-out/KVER/bench.md (the block
# devices) and bench-daemon.md (rapiddiskd) and are printed.
# RD_BENCH_DAEMON_ONLY=1 runs only the daemon's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <(rd_kernels)
scenarios=(bench daemon_bench)
[ "${RD_BENCH_DAEMON_ONLY:-0}" = 1 ] && scenarios=(daemon_bench)
for k in "${kernels[@]}"; do
	RD_VM_MEMORY=${RD_VM_MEMORY:-3G} "$here/run.sh" "$k" "${scenarios[@]}"
done
for k in "${kernels[@]}"; do
	for table in bench.md bench-daemon.md; do
		[ -f "$here/../../build/vm-out/$k/$table" ] && { echo; cat "$here/../../build/vm-out/$k/$table"; }
	done
done
