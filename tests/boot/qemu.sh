#!/usr/bin/env bash
# qemu.sh KVER INITRD IMAGE LOG CMDLINE...: boots /boot/vmlinuz-KVER with
# INITRD and IMAGE as the virtio disk /dev/vda (QEMU TCG, serial console
# to LOG), bounded by RD_BOOT_TIMEOUT seconds (default 600).
set -uo pipefail
kver=$1 initrd=$2 img=$3 log=$4
shift 4
timeout "${RD_BOOT_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -m 512 -smp 1 \
	-nographic -no-reboot -kernel "/boot/vmlinuz-$kver" -initrd "$initrd" \
	-drive "file=$img,format=raw,if=virtio" \
	-append "root=/dev/vda rw console=ttyS0 panic=-1 $*" </dev/null >"$log" 2>&1
