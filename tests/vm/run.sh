#!/usr/bin/env bash
# run.sh KVER SCENARIO... : builds the modules for Debian kernel KVER, boots
# it under QEMU (TCG) with virtme-ng over the host filesystem, runs the
# scenarios (tests/vm/scenarios/NAME.sh) inside, and fails when a check
# failed or dmesg shows a kernel splat. Output: build/vm-out/KVER/.
set -euo pipefail
kver=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/vm-out/$kver
rm -rf "$out"
mkdir -p "$out"
"$top/tests/vm/build-module.sh" "$kver" >/dev/null
"$top/tests/vm/build-userspace.sh"
make -s -C "$top/tests/vm/tools" >/dev/null

# settings for the guest side (RD_BENCH_*, RD_SEED, RD_SCENARIO_TIMEOUT, RD_VM_ICOUNT)
guest_env=$(env | { grep -E '^(RD_BENCH_[A-Z_]+|RD_SEED|RD_SCENARIO_TIMEOUT|RD_VM_ICOUNT)=[A-Za-z0-9_.-]*$' || true; } | tr '\n' ' ')
mem=${RD_VM_MEMORY:-2G}
cpus=${RD_VM_CPUS:-2}
# RD_VM_ICOUNT=SHIFT: guest time counts executed instructions (2^SHIFT ns
# each), so what the guest measures no longer depends on the host's load;
# the CPUs then run one at a time
qemu_opts=()
accel=TCG
if [ -n "${RD_VM_ICOUNT:-}" ]; then
	qemu_opts=(--qemu-opts "-icount shift=$RD_VM_ICOUNT,sleep=on")
	accel="TCG, icount shift $RD_VM_ICOUNT"
fi
echo "== $kver: booting ($accel, $cpus CPUs, $mem) for: $*"
set +e
timeout "${RD_VM_TIMEOUT:-1500}" vng --run "/boot/vmlinuz-$kver" --disable-kvm \
	--memory "$mem" --cpus "$cpus" --rwdir "$out" "${qemu_opts[@]}" \
	--exec "env $guest_env $top/tests/vm/guest.sh $kver $out $*" </dev/null 2>&1 | tee "$out/console.log"
set -e
if [ ! -f "$out/status" ]; then
	echo "== $kver: the guest did not finish (see $out/console.log)"
	exit 1
fi
status=$(cat "$out/status")
echo "== $kver: $(tail -n 1 "$out/summary")"
exit "$status"
