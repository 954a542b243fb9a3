# librapiddisk.so.1 from C: tests/c/capi_test (built on the host by
# build-userspace.sh) attaches, lists, resizes, locks, flushes, maps a loop
# device write-through and writeback, reads statistics, unmaps and detaches through the C
# interface, and checks refusals, NULL arguments and the per-thread last
# error. Its "ok"/"not ok" lines are checks of this scenario.
. "$RD_TOP/tests/vm/lib.sh"

CAPI_TEST=$RD_TOP/build/capi/capi_test

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
modprobe dm-writecache
check "capi_test is built" test -x "$CAPI_TEST"
lib=$RD_TOP/target/release/librapiddisk.so
check_eq "the library's soname" "librapiddisk.so.1" \
	"$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]$/\1/p')"
# the functions rapiddisk.h declares, and nothing else, are exported
declared=$(grep -E '^[a-z].*\brapiddisk_[a-z_]+\(' "$RD_TOP/include/rapiddisk.h" | grep -oE 'rapiddisk_[a-z_]+\(' | tr -d '(' | sort)
check_eq "the library exports the 22 functions of rapiddisk.h" 22 "$(wc -l <<<"$declared")"
check_eq "the library exports exactly rapiddisk.h's functions" "$declared" \
	"$(nm -D --defined-only "$lib" | awk '{print $3}' | sort)"
check_eq "capi_test loads librapiddisk.so.1 by its soname" "librapiddisk.so.1" \
	"$(ldd "$CAPI_TEST" | awk '/librapiddisk/ {print $1}')"
truncate -s 128M /tmp/capi-src.img
src=$(losetup -f --show /tmp/capi-src.img)
settle

"$CAPI_TEST" "$src" "$RAPIDDISK" >/tmp/capi.out 2>&1
rc=$?
cat /tmp/capi.out
grep -E '^(not )?ok - ' /tmp/capi.out >>"$RD_RESULTS"
check_eq "capi_test exit status" 0 "$rc"
check "capi_test made its checks" test "$(grep -c '^ok - capi: ' /tmp/capi.out)" -ge 70

# it leaves the system as it found it
check_eq "no RAM disk left" "$(printf 'Device\tSize\tErrors\tUsed')" "$(cat "$DEVICES")"
check_eq "no mapping left" "" "$(ls /dev/mapper | grep '^rc-' || true)"

losetup -d "$src"
rm -f /tmp/capi-src.img
check "unload rapiddisk-cache" unload_rc
check "unload rapiddisk" unload_rd
