#!/usr/bin/env bash
# Compiles each no_std core with the kernel code-generation flags from Kbuild
# and runs scripts/check-rust-obj.sh on it, so a change that pulls in core
# code, SIMD or a panic path fails on the host before any VM boots.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=$(make -s -f "$top/tests/host/print-rustflags.mk" print-rustflags TOP="$top")
# crate name:directory under module/
for pair in rdsk:rdsk rcache:cache; do
	crate=${pair%%:*} dir=${pair#*:}
	obj=$tmp/$crate.o
	RUSTC_BOOTSTRAP=1 rustc $flags -Zfunction-return=thunk-extern --crate-name "$crate" \
		-o "$obj" "$top/module/$dir/src/lib.rs"
	objcopy -R .eh_frame --wildcard --keep-global-symbol="${crate}_*" "$obj"
	"$top/scripts/check-rust-obj.sh" "$obj" "$crate"
	echo "$crate: kernel object OK ($(nm "$obj" | grep -c " T ${crate}_") exported functions)"
done
