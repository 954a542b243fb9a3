#!/usr/bin/env bash
# make-root.sh IMAGE [BLOCK-SIZE]: a 64 MB ext4 image (4 KiB blocks) with a minimal userland (static
# busybox and its applet links) whose /sbin/init is tests/boot/guest-init.
set -euo pipefail
img=$1
block_size=${2:-4096}
here=$(cd "$(dirname "$0")" && pwd)
busybox=$(command -v busybox) || { echo "make-root: busybox not installed (busybox-static)" >&2; exit 1; }
file -L "$busybox" | grep -q 'statically linked' || { echo "make-root: $busybox is not static" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,sbin,proc,sys,dev,run,tmp}
cp "$busybox" "$dir/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
done
install -m 0755 "$here/guest-init" "$dir/sbin/init"
rm -f "$img"
# 4 KiB blocks as on a real root (mkfs picks 1 KiB for so small a file
# system, which dm-writecache's 4 KiB blocks cannot carry)
mkfs.ext4 -q -F -b "$block_size" -L rdboot -d "$dir" "$img" 64M
