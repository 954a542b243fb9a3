#!/usr/bin/env bash
# dkms-state.sh installed|gone VERSION KVER...: DKMS has rapiddisk/VERSION
# installed for each kernel, both modules in /lib/modules/KVER/updates/dkms
# built for it and known to modprobe (depmod ran), or none of that at all.
set -uo pipefail
want=$1 ver=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/pkg/lib.sh"
for k in "$@"; do
	d=/lib/modules/$k/updates/dkms
	st=$(dkms status -m rapiddisk -v "$ver" -k "$k" 2>/dev/null)
	if [ "$want" = installed ]; then
		check "$k: dkms status says installed ($st)" sh -c "echo '$st' | grep -q ': installed'"
		for m in rapiddisk rapiddisk-cache; do
			# DKMS compresses the modules the way the kernel's own are (6.12: xz)
			f=$(ls "$d/$m.ko" "$d/$m.ko.xz" "$d/$m.ko.zst" "$d/$m.ko.gz" 2>/dev/null | head -n 1)
			check_eq "$k: ${f:-$d/$m.ko} is for $k" "$k" \
				"$(modinfo -F vermagic "${f:-$d/$m.ko}" 2>/dev/null | cut -d' ' -f1)"
			check_eq "$k: modprobe finds $m there" "${f:-$d/$m.ko}" "$(modinfo -k "$k" -n "$m" 2>/dev/null)"
		done
	else
		check_eq "$k: dkms status has no rapiddisk/$ver" "" "$st"
		for m in rapiddisk rapiddisk-cache; do
			check_eq "$k: no $m.ko* in $d" "" "$(ls "$d/$m".ko* 2>/dev/null)"
			check_eq "$k: modprobe knows no $m" "" "$(modinfo -k "$k" -n "$m" 2>/dev/null)"
		done
	fi
done
