#!/usr/bin/env bash
# check-on-boot.sh: rapiddisk-on-boot's options, errors and files against a
# scratch initramfs-tools tree (no image is built: --no-initramfs); its
# shell scripts pass shellcheck (when installed); its man page formats
# cleanly. The boot itself is tests/boot/run.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RD_RESULTS=$tmp/results RD_TOP=$top
export RD_RESULTS RD_TOP
# shellcheck disable=SC1091 # the VM tests' assertions
. "$top/tests/vm/lib.sh"

tree=$tmp/tree
mkdir -p "$tree" "$tmp/bin"
# a stand-in, as the tool only looks for rapiddisk in PATH
printf '#!/bin/sh\n' >"$tmp/bin/rapiddisk"
chmod +x "$tmp/bin/rapiddisk"
# run ARG...: sets $rc and $text (stdout and stderr)
run() {
	text=$(env RAPIDDISK_INITRAMFS_DIR="$tree" RAPIDDISK_ON_BOOT_LIB="$top/on-boot/initramfs-tools" \
		RAPIDDISK_FSTAB="$tmp/fstab" PATH="$tmp/bin:$PATH" \
		"$top/on-boot/rapiddisk-on-boot" "$@" </dev/null 2>&1)
	rc=$?
}
# refused DESC MESSAGE ARG...: exit 1 with "**** Error: MESSAGE Exiting..."
refused() {
	local desc=$1 msg=$2
	shift 2
	run "$@"
	check_eq "$desc: exit" 1 "$rc"
	check_eq "$desc: message" "**** Error: $msg Exiting..." "$text"
}
k=9.9.9-test
inst=(--install "--kernel=$k" --size=64 --skip-kernel-check --no-initramfs)

run --help
check_eq "--help: exit 1" 1 "$rc"
check "--help: shows the usage" grep -q -- '--cache-mode=wt|wa|wb' <<<"$text"
run -h
check_eq "-h: exit 1" 1 "$rc"
refused "unknown option" "Invalid option '--bogus'." --bogus
refused "two actions" "Only one of --install, --uninstall and --global-uninstall can be given." --install --uninstall
refused "no kernel" "--kernel=VERSION is required." --install --size=64 --cache-mode=wt
refused "a kernel with a slash" "Invalid kernel version '../x'." --install --kernel=../x
refused "no size" "--size=MB is required." --install --kernel=$k --cache-mode=wt
refused "a size with a unit" "Invalid size '64M' (a number of megabytes)." --install --kernel=$k --size=64M --cache-mode=wt
refused "size 0" "Invalid size '0' (a number of megabytes)." --install --kernel=$k --size=0 --cache-mode=wt
refused "no mode" "--cache-mode=wt|wa|wb is required." --install --kernel=$k --size=64
refused "a bad mode" "Invalid cache mode 'wx' (wt, wa or wb)." --install --kernel=$k --size=64 --cache-mode=wx
refused "a kernel that is not installed" "Kernel $k is not installed (no /lib/modules/$k)." \
	--install --kernel=$k --size=64 --cache-mode=wt --no-initramfs
refused "a missing --root" "Root device /dev/rd-none does not exist (--force accepts it)." \
	"${inst[@]}" --cache-mode=wt --root=/dev/rd-none

printf '# comment / x\nUUID=0000-none / ext4 defaults 0 1\n' >"$tmp/fstab"
refused "an fstab root that does not exist" "The root device UUID=0000-none of $tmp/fstab does not exist." \
	"${inst[@]}" --cache-mode=wt
printf '/dev/x /home ext4 defaults 0 2\n' >"$tmp/fstab"
refused "no / in fstab" "No entry for / in $tmp/fstab; give --root=." "${inst[@]}" --cache-mode=wt

# a block device of this machine, for the fstab cases that succeed
blk=$(for d in /sys/class/block/*; do [ -b "/dev/${d##*/}" ] && echo "/dev/${d##*/}" && break; done)
if [ -n "$blk" ]; then
	printf '%s / ext4 defaults 0 1\n' "$blk" >"$tmp/fstab"
	refused "fstab root without a terminal" \
		"Cannot confirm the root device $blk ($(readlink -f "$blk")) without a terminal; give --root= or --force." \
		"${inst[@]}" --cache-mode=wt
	run "${inst[@]}" --cache-mode=wa --force
	check_eq "fstab root with --force: exit" 0 "$rc"
	check_eq "fstab root with --force: the configuration" "$(printf '64\n%s\nwa' "$blk")" \
		"$(cat "$tree/hooks/rapiddisk_kernel_$k")"
	rm -f "$tree/hooks/rapiddisk_kernel_$k"
else
	echo "check-on-boot: SKIPPED the fstab cases that need a block device (none here)"
fi

run "${inst[@]}" --cache-mode=wt --root=/dev/rd-none --force
check_eq "install: exit" 0 "$rc"
check_eq "install: the configuration" "$(printf '64\n/dev/rd-none\nwt')" "$(cat "$tree/hooks/rapiddisk_kernel_$k")"
check "install: the hook is executable" test -x "$tree/hooks/rapiddisk_hook"
check "install: the boot script is executable" test -x "$tree/scripts/local-premount/rapiddisk_boot"
check_fails "install: the configuration is not executable (no hook)" test -x "$tree/hooks/rapiddisk_kernel_$k"
refused "install again" "A cache is already configured for kernel $k (--force replaces it)." \
	"${inst[@]}" --cache-mode=wb --root=/dev/rd-none
run "${inst[@]}" --cache-mode=wa --root=/dev/rd-none --force
check_eq "install again with --force: the new mode" wa "$(sed -n 3p "$tree/hooks/rapiddisk_kernel_$k")"
run --uninstall --kernel=$k --no-initramfs
check_eq "uninstall: exit" 0 "$rc"
check_eq "uninstall of the last kernel: no files left" "" "$(find "$tree" -type f)"
refused "uninstall again" "No cache is configured for kernel $k." --uninstall --kernel=$k --no-initramfs
run --uninstall --kernel=$k --no-initramfs --force
check_eq "uninstall again with --force: exit" 0 "$rc"

# global-uninstall also takes the files of upstream's script
mkdir -p "$tree"/scripts/{init-premount,local-bottom}
touch "$tree/hooks/rapiddisk_sub.orig" "$tree/scripts/init-premount/rapiddisk_boot" "$tree/scripts/local-bottom/rapiddisk_clean"
run "${inst[@]}" --cache-mode=wt --root=/dev/rd-none --force
check_eq "install: takes upstream's boot scripts out" "" "$(find "$tree" -name rapiddisk_clean -o -name rapiddisk_sub.orig)"
run "${inst[@]/$k/$k-2}" --cache-mode=wt --root=/dev/rd-none --force
run --global-uninstall --no-initramfs
check_eq "global-uninstall: exit" 0 "$rc"
check_eq "global-uninstall: no files left" "" "$(find "$tree" -type f)"

if command -v shellcheck >/dev/null; then
	check "shellcheck" shellcheck "$top"/on-boot/rapiddisk-on-boot "$top"/on-boot/initramfs-tools/* \
		"$top"/tests/boot/*.sh "$top"/tests/boot/guest-init "$top"/tests/host/check-on-boot.sh
else
	echo "check-on-boot: SKIPPED shellcheck (not installed)"
fi
if ! command -v man >/dev/null; then
	echo "check-on-boot: SKIPPED the man page check (man not installed)"
elif man --warnings -l "$top/on-boot/rapiddisk-on-boot.8" 2>&1 >/dev/null | grep -q .; then
	not_ok "rapiddisk-on-boot.8: man warnings"
else
	ok "rapiddisk-on-boot.8 formats without warnings"
fi

fail=$(grep -c '^not ok' "$RD_RESULTS")
echo "rapiddisk-on-boot: $(grep -c '^ok' "$RD_RESULTS") passed, $fail failed"
[ "$fail" -eq 0 ]
