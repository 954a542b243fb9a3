#!/usr/bin/env bash
# guest.sh KVER OUTDIR SCENARIO... : runs inside the VM. Each scenario is a
# separate bash process; checks append to OUTDIR/results. The kernel log is
# cleared first and scanned last for splats.
kver=$1 out=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
export RD_TOP=$top RD_KVER=$kver RD_OUT=$out RD_RESULTS=$out/results
export RD_BUILD=$top/build/$kver
export PATH=$top/tests/vm/tools:$PATH
: >"$RD_RESULTS"
dmesg -C
echo "guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/{print $2" kB"}' /proc/meminfo)"
for s in "$@"; do
	echo "---- scenario $s"
	start=$(date +%s)
	timeout "${RD_SCENARIO_TIMEOUT:-900}" bash "$top/tests/vm/scenarios/$s.sh"
	rc=$?
	if [ $rc -eq 124 ]; then
		# hung: log the blocked tasks so the kernel log shows where
		echo w >/proc/sysrq-trigger
		dmesg | tail -n 150
	fi
	[ $rc -eq 0 ] || echo "not ok - scenario $s exited with $rc" | tee -a "$RD_RESULTS"
	echo "---- scenario $s done in $(( $(date +%s) - start )) s"
done
dmesg >"$out/dmesg.log"
bad='BUG:|WARNING:|Oops|general protection|refcount_t|list_del corruption|list_add corruption|lockdep|possible circular locking|possible recursive locking|suspicious RCU usage|sleeping function called from invalid context|Call Trace'
if grep -Eq "$bad" "$out/dmesg.log"; then
	echo "not ok - dmesg is clean" | tee -a "$RD_RESULTS"
	grep -E -B2 -A20 "$bad" "$out/dmesg.log" | head -n 80
else
	echo "ok - dmesg is clean" | tee -a "$RD_RESULTS"
fi
passed=$(grep -c '^ok' "$RD_RESULTS")
failed=$(grep -c '^not ok' "$RD_RESULTS")
echo "$passed passed, $failed failed" | tee "$out/summary"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
echo $? >"$out/status"
