#!/usr/bin/env bash
# bench.sh [KVER...]: the benchmarks, one VM boot per kernel (default: all
# test kernels). Tables land in build/vm-out/KVER/bench.md and are printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <(rd_kernels)
for k in "${kernels[@]}"; do
	RD_VM_MEMORY=${RD_VM_MEMORY:-3G} "$here/run.sh" "$k" bench
done
for k in "${kernels[@]}"; do
	echo
	cat "$here/../../build/vm-out/$k/bench.md"
done
