#!/usr/bin/env bash
# run.sh: the install and packaging tests (make check-pkg). Needs root on a
# throwaway Debian 12 with tests/vm/setup.sh's packages, as it installs the
# built packages on the machine itself: make install/uninstall into a
# DESTDIR, the DKMS build with Debian's rustc-web (and its refusal of a
# compiler that makes unsafe objects), make dkms-install/dkms-uninstall,
# make deb + lintian, the packages installed (DKMS builds for both test
# kernels), the VM scenario pkg_dkms on each kernel, a simulated kernel
# upgrade, and the purge. Whatever it installed is purged again on exit.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/vm/kernels.sh
out=$top/build/pkg
rm -rf "$out"
mkdir -p "$out"
export RD_PKG_RESULTS=$out/results
: >"$RD_PKG_RESULTS"
. tests/pkg/lib.sh
start=$(date +%s)

mapfile -t kernels < <(rd_kernels)
[ ${#kernels[@]} -eq 2 ] || { echo "pkg: need the 6.1 and 6.12 kernels (make setup)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "pkg: needs root (it installs the packages)"; exit 1; }
ver=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
pkgs=(rapiddisk rapiddisk-dkms librapiddisk1 librapiddisk-dev)
extra_headers=

installed_pkgs() { dpkg-query -W -f '${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null | awk '$2 != "not-installed" {print $1}'; }
dkms_rapiddisk() { dkms status 2>/dev/null | grep '^rapiddisk/' || true; }
cleanup() {
	local p
	p=$(installed_pkgs)
	[ -z "$p" ] || apt-get purge -y -qq $p >/dev/null 2>&1
	if [ -n "$(dkms_rapiddisk)" ]; then dkms remove -m rapiddisk -v "$ver" --all >/dev/null 2>&1; fi
	rm -rf "/usr/src/rapiddisk-$ver"
	if [ -n "$extra_headers" ]; then
		apt-get purge -y -qq --autoremove "$extra_headers" >/dev/null 2>&1
		rmdir "/lib/modules/${extra_headers#linux-headers-}" 2>/dev/null
	fi
	true
}
trap cleanup EXIT
if [ -n "$(installed_pkgs)$(dkms_rapiddisk)" ]; then
	echo "pkg: removing the rapiddisk packages or DKMS entries a previous run left"
	cleanup
fi

echo "== make install / uninstall (DESTDIR)"
tests/pkg/install.sh "${kernels[0]}"

echo "== the DKMS build: rustc-web, and a compiler that ignores a kernel flag"
tests/pkg/dkms-build.sh "$out/dkms-build" "${kernels[@]}"

echo "== make dkms-install / dkms-uninstall (${kernels[0]})"
tests/pkg/dkms-make.sh "${kernels[0]}"

echo "== make deb + lintian"
tests/pkg/deb.sh "$out/deb.log"
debs=()
for p in "${pkgs[@]}"; do debs+=("$(ls "$top"/build/deb/"${p}"_"$ver"_*.deb)"); done

echo "== the packages installed: DKMS builds for both kernels"
apt-get install -y -qq --no-install-recommends "${debs[@]}" >"$out/apt-install.log" 2>&1
check_eq "apt-get install of the 4 packages" 0 "$?"
tail -n 20 "$out/apt-install.log"
tests/pkg/dkms-state.sh installed "$ver" "${kernels[@]}"
wants=/etc/systemd/system
check "the daemon is enabled" test -L "$wants/default.target.wants/rapiddiskd.service"
check "rapiddisk-restore.service is enabled" test -L "$wants/sysinit.target.wants/rapiddisk-restore.service"
# it loads nvmet at boot: the admin who exports over NVMe enables it
check_eq "rapiddisk-restore-nvme.service is not enabled" "" \
	"$(ls "$wants"/*.wants/rapiddisk-restore-nvme.service 2>/dev/null)"

for k in "${kernels[@]}"; do
	echo "== VM $k: the DKMS-built modules and the installed programs"
	tests/vm/run.sh "$k" pkg_dkms
	check_eq "VM scenario pkg_dkms on $k" 0 "$?"
done

echo "== a kernel upgrade: other headers installed after the packages"
extra_headers=$(tests/pkg/pick-headers.sh "${kernels[@]}")
if [ -z "$extra_headers" ]; then
	echo "SKIPPED: the archive has no other -amd64 headers installable without their kernel image"
else
	apt-get install -y -qq --no-install-recommends "$extra_headers" >"$out/apt-headers.log" 2>&1
	check_eq "apt-get install $extra_headers" 0 "$?"
	tests/pkg/dkms-state.sh installed "$ver" "${extra_headers#linux-headers-}"
fi

echo "== purge"
for p in "${pkgs[@]}"; do dpkg -L "$p"; done | sort -u >"$out/package-paths"
apt-get purge -y -qq "${pkgs[@]}" >"$out/apt-purge.log" 2>&1
check_eq "apt-get purge of the 4 packages" 0 "$?"
check_eq "no package left installed" "" "$(installed_pkgs)"
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <"$out/package-paths")
check_eq "no file of the packages left" "" "$left"
check_eq "no package directory of our own left" "" \
	"$(ls -d /usr/src/rapiddisk-"$ver" /usr/share/doc/rapiddisk* /var/lib/dkms/rapiddisk 2>/dev/null)"
check_eq "dkms status has no rapiddisk entry" "" "$(dkms_rapiddisk)"
check_eq "no unit link of ours left" "" "$(ls /etc/systemd/system/*.wants/rapiddisk* 2>/dev/null)"
tests/pkg/dkms-state.sh gone "$ver" "${kernels[@]}" ${extra_headers:+"${extra_headers#linux-headers-}"}

cleanup
extra_headers=
passed=$(grep -c '^ok' "$RD_PKG_RESULTS")
failed=$(grep -c '^not ok' "$RD_PKG_RESULTS")
echo "pkg tests done in $(( $(date +%s) - start )) s"
echo "pkg: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
