#!/usr/bin/env bash
# install.sh KVER: `make install DESTDIR=...` puts exactly the files of
# docs/install-files.txt in place (modes and links too), install-strip
# strips, and `make uninstall DESTDIR=...` leaves the tree empty.
set -uo pipefail
kver=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/pkg/lib.sh"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
mk=(make -s -C "$top" DESTDIR="$dest" KVER="$kver" KDIR="/usr/src/linux-headers-$kver")

# the tree as "mode path [-> target]" lines, directories left out
listing() {
	(cd "$dest" && find . ! -type d \( -type l -printf '%M /%P -> %l\n' -o -printf '%M /%P\n' \) | sort -k2)
}
want=$(grep -v '^#' "$top/docs/install-files.txt" | sed "s|/KVER/|/$kver/|" | sort -k2)

"${mk[@]}" install >"$dest.log" 2>&1
check_eq "make install: exit" 0 "$?"
check_eq "make install: the documented files" "$want" "$(listing)"
check "the installed rapiddisk.pc names the installed library" \
	grep -qx 'Libs: -L${libdir} -lrapiddisk' "$dest/usr/lib/pkgconfig/rapiddisk.pc"
check "the installed modules are for $kver" \
	test "$(modinfo -F vermagic "$dest/lib/modules/$kver/kernel/drivers/block/rapiddisk.ko" | cut -d' ' -f1)" = "$kver"
check "make install: the program is not stripped" \
	sh -c "file '$dest/sbin/rapiddisk' | grep -q 'not stripped'"
"${mk[@]}" uninstall >>"$dest.log" 2>&1
check_eq "make uninstall: exit" 0 "$?"
check_eq "make uninstall: the tree is empty" "" "$(ls -A "$dest")"

"${mk[@]}" install-strip >>"$dest.log" 2>&1
check_eq "make install-strip: the documented files" "$want" "$(listing)"
check "make install-strip: the daemon is stripped" \
	sh -c "file '$dest/sbin/rapiddiskd' | grep -q ', stripped'"
check "make install-strip: the program is stripped" \
	sh -c "file '$dest/sbin/rapiddisk' | grep -q ', stripped'"
"${mk[@]}" uninstall >>"$dest.log" 2>&1
check_eq "uninstall after install-strip: the tree is empty" "" "$(ls -A "$dest")"

"${mk[@]}" tools-install >>"$dest.log" 2>&1
check_eq "make tools-install: the programs only" \
	"$(printf '%s\n' '-rwxr-xr-x /sbin/rapiddisk' '-rwxr-xr-x /sbin/rapiddiskd')" "$(listing)"
"${mk[@]}" tools-uninstall >>"$dest.log" 2>&1
check_eq "make tools-uninstall: the tree is empty" "" "$(ls -A "$dest")"
rm -f "$dest.log"
