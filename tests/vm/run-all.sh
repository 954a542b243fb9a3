#!/usr/bin/env bash
# run-all.sh: every VM scenario on every test kernel (one boot per kernel).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
mapfile -t kernels < <(rd_kernels)
[ ${#kernels[@]} -eq 2 ] || { echo "run-all: need the 6.1 and 6.12 kernels (make setup)"; exit 1; }
scenarios=(rd_sysfs rd_ioctl rd_io rd_params rd_stress rc_basic rc_faults rc_nowait rc_nopage rc_churn cli_disks cli_cache cli_garbage capi daemon nvmet persist persist_nvmet)
fail=0
for k in "${kernels[@]}"; do
	"$here/run.sh" "$k" "${scenarios[@]}" || fail=1
done
for k in "${kernels[@]}"; do
	echo "VM tests on $k: $(cat "$here/../../build/vm-out/$k/summary" 2>/dev/null || echo 'did not finish')"
done
exit $fail
