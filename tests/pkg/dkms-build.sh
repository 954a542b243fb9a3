#!/usr/bin/env bash
# dkms-build.sh OUT KVER...: the DKMS source tree (make install-dkms-src)
# builds both modules for each kernel with Debian's rustc-web
# (/usr/bin/rustc), the way DKMS runs it; a Rust compiler that drops a
# kernel code-generation flag makes the build fail with check-rust-obj's
# REFUSED message and leaves no module behind.
set -uo pipefail
out=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/pkg/lib.sh"
ver=$(sed -n 's/^version = "\(.*\)"/\1/p' "$top/Cargo.toml" | head -n 1)
rm -rf "$out"
mkdir -p "$out"
make -s -C "$top" install-dkms-src DESTDIR="$out/src" >"$out/src.log" 2>&1
check_eq "make install-dkms-src: exit" 0 "$?"
src=$out/src/usr/src/rapiddisk-$ver
check_eq "the DKMS tree's version" "PACKAGE_VERSION=\"$ver\"" "$(grep '^PACKAGE_VERSION=' "$src/dkms.conf")"
check "rustc-web's compiler is /usr/bin/rustc" sh -c 'dpkg -S /usr/bin/rustc | grep -q "^rustc-web:"'

for k in "$@"; do
	kdir=/usr/src/linux-headers-$k
	b=$out/$k
	cp -a "$src" "$b"
	(cd "$b" && sh ./dkms-build.sh "$kdir") >"$b.log" 2>&1
	check_eq "$k: the DKMS build with rustc-web: exit" 0 "$?"
	check "$k: the build log names rustc-web's compiler" \
		grep -q "^rapiddisk-dkms: Rust compiler /usr/bin/rustc: $(/usr/bin/rustc --version)" "$b.log"
	for m in rapiddisk rapiddisk-cache; do
		check_eq "$k: $m.ko is for $k" "$k" "$(modinfo -F vermagic "$b/$m.ko" 2>/dev/null | cut -d' ' -f1)"
	done
	# the Rust objects passed the same check as the normal build's
	for o in rdsk_core rcache_core; do
		check "$k: module/$o.o passes check-rust-obj" \
			"$b/scripts/check-rust-obj.sh" "$b/module/$o.o" "${o%_core}"
	done
done

# a compiler that ignores the return-thunk flag (every kernel here has
# CONFIG_RETHUNK) makes bare 'ret's: refused, no module
k=$1
fake=$out/rustc-no-rethunk
cat >"$fake" <<'SH'
#!/bin/sh
# /usr/bin/rustc without -Zfunction-return=thunk-extern
for a in "$@"; do
	shift
	[ "$a" = -Zfunction-return=thunk-extern ] || set -- "$@" "$a"
done
exec /usr/bin/rustc "$@"
SH
chmod +x "$fake"
b=$out/$k-unsafe
cp -a "$src" "$b"
(cd "$b" && RAPIDDISK_RUSTC=$fake sh ./dkms-build.sh "/usr/src/linux-headers-$k") >"$b.log" 2>&1
check_eq "$k: a compiler without the return thunk: the build fails" 1 "$?"
check "it says the object was refused" grep -q 'check-rust-obj: .*REFUSED, not safe to link into the kernel' "$b.log"
check "it says the DKMS build failed" grep -q '^rapiddisk-dkms: build FAILED' "$b.log"
check_eq "no module was made" "" "$(cd "$b" && ls -- *.ko module/*.o 2>/dev/null)"
