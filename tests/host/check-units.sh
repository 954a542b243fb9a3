#!/usr/bin/env bash
# check-units.sh: the systemd units as systemd reads them (systemd-analyze
# verify, with the installed programs stood in for) and the ordering of
# rapiddisk-restore.service: after modules and udev, before the file
# systems and the daemon, leaving the NVMe part out; at shutdown it stops
# after them. rapiddisk-restore-nvme.service: the NVMe part, once the
# network is online and after the first restore.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
unit=$top/systemd/rapiddisk-restore.service
fail=0
has() { # KEY VALUE: the unit's KEY= lines name VALUE
	if ! grep -E "^$1=" "$unit" | tr ' =' '\n\n' | grep -qxF -- "$2"; then
		echo "$(basename "$unit"): $1= lacks $2"
		fail=1
	fi
}
has After systemd-modules-load.service
has After systemd-udev-settle.service
has Before local-fs-pre.target
has Before rapiddiskd.service
has Conflicts shutdown.target
has DefaultDependencies no
has Type oneshot
has RemainAfterExit yes
has ExecStop /usr/lib/rapiddisk/rapiddisk-shutdown
has ExecStart --without-nvme
unit=$top/systemd/rapiddisk-restore-nvme.service
has After rapiddisk-restore.service
has After network-online.target
has Wants network-online.target
has ExecStartPre nvmet-tcp
has Type oneshot
if grep -q -- '--without-nvme' "$unit"; then echo "rapiddisk-restore-nvme.service leaves NVMe out"; fail=1; fi
for u in rapiddisk-restore.service rapiddisk-restore-nvme.service; do
	grep -q "systemd/$u" "$top/Makefile" "$top"/mk/*.mk || { echo "Makefile does not install $u"; fail=1; }
done
grep -q 'systemd/rapiddisk-shutdown' "$top/Makefile" "$top"/mk/*.mk || { echo "Makefile does not install rapiddisk-shutdown"; fail=1; }
sh -n "$top/systemd/rapiddisk-shutdown" || fail=1
if command -v systemd-analyze >/dev/null; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# the programs are not installed on a build host: point at stand-ins
	units=(rapiddisk-restore.service rapiddisk-restore-nvme.service rapiddiskd.service)
	for u in "${units[@]}"; do
		sed -e "s|/sbin/rapiddiskd|/bin/true|; s|/sbin/rapiddisk|/bin/true|; s|/usr/lib/rapiddisk/rapiddisk-shutdown|/bin/true|; s|/sbin/modprobe|/bin/true|; /^Documentation=/d" \
			"$top/systemd/$u" >"$tmp/$u"
	done
	if ! out=$(systemd-analyze verify --man=no "${units[@]/#/$tmp/}" 2>&1) || [ -n "$out" ]; then
		echo "systemd-analyze verify: $out"
		fail=1
	fi
else
	echo "check-units: SKIPPED systemd-analyze verify (not installed)"
fi
[ $fail = 0 ] && echo "units: ok"
exit $fail
