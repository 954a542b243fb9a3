#!/usr/bin/env bash
# run-all.sh: the boot test (run.sh) on every test kernel.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091 # the test kernels
. "$here/../vm/kernels.sh"
mapfile -t kernels < <(rd_kernels)
[ ${#kernels[@]} -eq 2 ] || { echo "boot run-all: need the 6.1 and 6.12 kernels (make setup)"; exit 1; }
fail=0
for k in "${kernels[@]}"; do
	"$here/run.sh" "$k" >/dev/null || fail=1
	cat "$here/../../build/boot-out/$k/summary" 2>/dev/null || echo "boot test on $k: did not finish"
	grep '^not ok' "$here/../../build/boot-out/$k/results" 2>/dev/null
done
exit $fail
