#!/usr/bin/env bash
# build-module.sh KVER: builds the modules for one kernel in build/KVER/
# (a copy of the sources, so builds for several kernels do not collide)
# and prints the directory holding the .ko files (the VM tests' own
# modules in its kmod/).
set -euo pipefail
kver=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/$kver
kdir=/usr/src/linux-headers-$kver
[ -d "$kdir" ] || { echo "build-module: no headers for $kver in $kdir" >&2; exit 1; }
mkdir -p "$out"
# only the files Kbuild needs; cp -u keeps timestamps meaningful for make
(cd "$top" && cp -a --parents -u Kbuild scripts/check-rust-obj.sh include shim \
	module/rdsk/src module/cache/src "$out"/)
# the toolchain pinned by rust-toolchain.toml, also when make runs in $kdir
rustc=$(cd "$top" && rustup which rustc 2>/dev/null || command -v rustc)
make -s -C "$kdir" M="$out" RUSTC="$rustc" modules >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
# the VM tests' own modules (fault injection), beside them in kmod/
mkdir -p "$out/kmod"
cp -u "$top"/tests/vm/kmod/Kbuild "$top"/tests/vm/kmod/*.c "$out/kmod/"
make -s -C "$kdir" M="$out/kmod" modules >"$out/kmod/build.log" 2>&1 || { cat "$out/kmod/build.log" >&2; exit 1; }
echo "$out"
