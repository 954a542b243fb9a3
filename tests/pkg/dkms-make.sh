#!/usr/bin/env bash
# dkms-make.sh KVER: make dkms-install adds the sources to DKMS and builds +
# installs the modules for KVER, a second make dkms-install refuses, and
# make dkms-uninstall takes both the build and the sources away again.
set -uo pipefail
k=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/pkg/lib.sh"
ver=$(sed -n 's/^version = "\(.*\)"/\1/p' "$top/Cargo.toml" | head -n 1)
mk=(make -s -C "$top" KVER="$k" KDIR="/usr/src/linux-headers-$k")
log=$top/build/pkg/dkms-make.log

"${mk[@]}" dkms-install >"$log" 2>&1
check_eq "make dkms-install: exit" 0 "$?"
check "the sources are in /usr/src/rapiddisk-$ver" test -f "/usr/src/rapiddisk-$ver/dkms.conf"
"$top/tests/pkg/dkms-state.sh" installed "$ver" "$k"

"${mk[@]}" dkms-install >"$log.again" 2>&1
check_eq "make dkms-install again: refused" 2 "$?"
check "it says the version is already added" grep -q "rapiddisk/$ver is already added for $k" "$log.again"
"$top/tests/pkg/dkms-state.sh" installed "$ver" "$k"

"${mk[@]}" dkms-uninstall >>"$log" 2>&1
check_eq "make dkms-uninstall: exit" 0 "$?"
"$top/tests/pkg/dkms-state.sh" gone "$ver" "$k"
check "the sources are gone" test ! -e "/usr/src/rapiddisk-$ver"
check_eq "dkms has no rapiddisk at all" "" "$(dkms status -m rapiddisk 2>/dev/null)"
