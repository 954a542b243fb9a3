#!/bin/sh
# dkms-build.sh KERNEL_SOURCE_DIR: the DKMS build of both modules, run in
# the DKMS build directory. The Rust compiler is the distribution's
# (/usr/bin/rustc, Debian 12: package rustc-web) unless RAPIDDISK_RUSTC names
# another. Kbuild runs scripts/check-rust-obj.sh on each Rust object, so a
# compiler that ignores a kernel code-generation flag fails here, never loads.
set -u
kdir=$1
rustc=${RAPIDDISK_RUSTC:-/usr/bin/rustc}
if ! command -v "$rustc" >/dev/null 2>&1; then
	echo "rapiddisk-dkms: no Rust compiler $rustc (Debian 12: apt install rustc-web)" >&2
	exit 1
fi
echo "rapiddisk-dkms: Rust compiler $rustc: $("$rustc" --version)"
if ! make -C "$kdir" M="$(pwd)" RUSTC="$rustc" modules; then
	echo "rapiddisk-dkms: build FAILED for $kdir with $rustc; a check-rust-obj line above" \
		"means this compiler made an object that is not safe in the kernel" >&2
	exit 1
fi
