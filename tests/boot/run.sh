#!/usr/bin/env bash
# run.sh KVER [MODE...]: the boot test of rapiddisk-on-boot. For each cache
# mode (default: wt wa wb) it runs `rapiddisk-on-boot --install` against a
# private mkinitramfs configuration directory (the host's initramfs-tools
# and /boot stay untouched), boots the image under QEMU (TCG) with a fresh
# ext4 root on /dev/vda and checks that / was mounted through
# /dev/mapper/rc-MODE_vda with the RAM disk of the configured size, and
# (wt, wa) that what the guest wrote is on the disk image afterwards.
# Then: a failing rapiddisk and wb over 1 KiB blocks boot the plain root,
# and --uninstall/--global-uninstall give images and a tree without
# rapiddisk. Output: build/boot-out/KVER/.
set -uo pipefail
kver=$1
shift
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(wt wa wb)
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/boot-out/$kver
rm -rf "$out"
mkdir -p "$out"
export RD_RESULTS=$out/results RD_TOP=$top
: >"$RD_RESULTS"
# shellcheck disable=SC1091 # the VM tests' assertions
. "$top/tests/vm/lib.sh"

ko=$("$top/tests/vm/build-module.sh" "$kver") || exit 1
(cd "$top" && cargo build --release --quiet -p rapiddisk-rs) || exit 1
SIZE_MB=32

# the configuration directory: a small image (listed modules only)
confdir=$out/initramfs-tools
mkdir -p "$confdir"/{conf.d,hooks,scripts}
printf '%s\n' MODULES=list BUSYBOX=y COMPRESS=gzip >"$confdir/initramfs.conf"
printf '%s\n' RESUME=none >"$confdir/conf.d/resume"
printf '%s\n' virtio_pci virtio_blk ext4 >"$confdir/modules"

# on_boot ARG...: the tool as installed, on that directory
on_boot() {
	env RAPIDDISK_INITRAMFS_DIR="$confdir" RAPIDDISK_INITRAMFS_IMAGE="$initrd" \
		RAPIDDISK_ON_BOOT_LIB="$top/on-boot/initramfs-tools" RAPIDDISK_MODULES_DIR="$ko" \
		RAPIDDISK_BIN="${bin:-$top/target/release/rapiddisk}" PATH="$top/target/release:$PATH" \
		"$top/on-boot/rapiddisk-on-boot" "$@" >>"$out/on-boot.log" 2>&1
}

# has_files IMAGE PATH...: the image lists each PATH (a suffix of an entry)
has_files() {
	local img=$1 listing p
	shift
	listing=$(lsinitramfs "$img")
	for p in "$@"; do grep -q -- "$p\$" <<<"$listing" || { echo "  $img lacks $p"; return 1; }; done
}

# boot NAME TOKEN [BLOCK-SIZE]: boots $initrd with a new root image; the
# guest's report (between its markers) lands in NAME.report, the console
# in NAME.log
boot() {
	local name=$1 token=$2
	if ! "$top/tests/boot/make-root.sh" "$out/$name.img" "${3:-4096}" >/dev/null; then
		not_ok "$name: make the root image"
		return 1
	fi
	"$top/tests/boot/qemu.sh" "$kver" "$initrd" "$out/$name.img" "$out/$name.log" "rdboot.token=$token"
	check_eq "$name: QEMU stopped in time" 0 "$?"
	# not a panic's reboot (-no-reboot stops QEMU for both)
	check "$name: the guest powered off" grep -q 'reboot: Power down' "$out/$name.log"
	sed -n '/^RDBOOT-BEGIN/,/^RDBOOT-END/{/^RDBOOT-/d;s/\r$//;p}' "$out/$name.log" >"$out/$name.report"
	check "$name: the guest reported" test -s "$out/$name.report"
	check_eq "$name: no kernel splat on the console" "" \
		"$(grep -E 'BUG:|WARNING:|Oops|Call Trace|Kernel panic' "$out/$name.log")"
	# wb: what was written stays in the RAM cache until dm-writecache writes
	# it back, so a power-off (like this forced one) loses it: not checked
	if [ "$name" != wb ]; then
		check_eq "$name: the report is on the root image" "$(cat "$out/$name.report")" \
			"$(debugfs -R 'cat /boot-test.txt' "$out/$name.img" 2>/dev/null)"
	fi
	check_eq "$name: the guest saw this boot's token" "token=$token" "$(grep '^token=' "$out/$name.report")"
}
field() { sed -n "s/^$1=//p" "$out/$2.report"; }

for mode in "${modes[@]}"; do
	name=$mode
	initrd=$out/initrd-$name
	on_boot --install --kernel="$kver" --size=$SIZE_MB --cache-mode="$mode" --root=/dev/vda --force
	check_eq "$name: --install exit" 0 "$?"
	check_eq "$name: the kernel's configuration" "$(printf '%s\n' $SIZE_MB /dev/vda "$mode")" \
		"$(cat "$confdir/hooks/rapiddisk_kernel_$kver")"
	want=(sbin/rapiddisk conf/rapiddisk.conf scripts/local-premount/rapiddisk_boot rapiddisk.ko rapiddisk-cache.ko dm-mod.ko)
	[ "$mode" = wb ] && want+=(dm-writecache.ko)
	check "$name: the initramfs has the program, the modules and the boot script" has_files "$initrd" "${want[@]}"
	boot "$name" "$mode-$RANDOM"
	dm="rc-${mode}_vda"
	check_eq "$name: / is mounted from /dev/mapper/$dm" "/dev/mapper/$dm" "$(field root_source "$name")"
	check_eq "$name: $dm is the cache of rd0 for vda, and / is on it" \
		"dm=$dm dev=$(field root_dev "$name") slaves=rd0 vda " "$(grep '^dm=' "$out/$name.report")"
	check_eq "$name: rd0 has the configured size" $((SIZE_MB * 2048)) "$(field rd0_sectors "$name")"
	check "$name: the boot script logged the mapping" \
		grep -q "rapiddisk-on-boot: /dev/vda is cached by rd0 ($SIZE_MB MB, $mode) as /dev/mapper/$dm" "$out/$name.log"
	on_boot --uninstall --kernel="$kver"
	check_eq "$name: --uninstall exit" 0 "$?"
done

# a rapiddisk that fails: the plain root device boots
name=fallback
initrd=$out/initrd-$name
bin=/bin/false on_boot --install --kernel="$kver" --size=$SIZE_MB --cache-mode=wt --root=/dev/vda --force
check_eq "$name: --install exit" 0 "$?"
boot "$name" "fallback-$RANDOM"
check_eq "$name: / is mounted from /dev/vda" /dev/vda "$(field root_source "$name")"
check "$name: the failure is on the console" grep -q 'booting without the RAM cache' "$out/$name.log"

# wb over a file system with 1 KiB blocks, which dm-writecache cannot
# carry: the boot script sees it and the plain root device boots
name=wb-1k
initrd=$out/initrd-$name
on_boot --install --kernel="$kver" --size=$SIZE_MB --cache-mode=wb --root=/dev/vda --force
check_eq "$name: --install exit" 0 "$?"
boot "$name" "wb1k-$RANDOM" 1024
check_eq "$name: / is mounted from /dev/vda" /dev/vda "$(field root_source "$name")"
check "$name: the reason is on the console" grep -q 'wb needs a file system block size of 4096 or more, /dev/vda has 1024' "$out/$name.log"

# uninstall (of the wb-1k configuration): with another kernel still
# configured the hook stays, and keeps rapiddisk out of this kernel's
# image; the last one takes it all
name=uninstall
initrd=$out/initrd-$name
on_boot --install --kernel=0.0.0-other --size=8 --cache-mode=wt --root=/dev/vda --force \
	--skip-kernel-check --no-initramfs
check_eq "$name: --install for another kernel exit" 0 "$?"
on_boot --uninstall --kernel="$kver"
check_eq "$name: --uninstall exit" 0 "$?"
check "$name: the image was built" has_files "$initrd" usr/bin/busybox
check_eq "$name: the image has no rapiddisk files" "" "$(lsinitramfs "$initrd" | grep -i rapiddisk)"
check "$name: the other kernel keeps its hook" test -x "$confdir/hooks/rapiddisk_hook"
on_boot --uninstall --kernel="$kver"
check_eq "$name: --uninstall of what is not installed exit" 1 "$?"
check "$name: ... says why" grep -qxF "**** Error: No cache is configured for kernel $kver. Exiting..." "$out/on-boot.log"
on_boot --global-uninstall
check_eq "$name: --global-uninstall exit" 0 "$?"
check_eq "$name: the tree has no rapiddisk files" "" "$(find "$confdir" -name 'rapiddisk*')"

pass=$(grep -c '^ok' "$RD_RESULTS")
fail=$(grep -c '^not ok' "$RD_RESULTS")
echo "boot test on $kver: $pass passed, $fail failed" | tee "$out/summary"
[ "$fail" -eq 0 ]
