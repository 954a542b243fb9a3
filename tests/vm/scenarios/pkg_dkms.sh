# The installed Debian packages at work (tests/pkg/run.sh installs them
# first): the modules DKMS built in /lib/modules/KVER/updates/dkms load by
# modprobe, and the installed /sbin/rapiddisk attaches, maps a cache, lists
# JSON; a C program built through pkg-config against the installed
# librapiddisk runs tests/c/capi_test.c's checks. Nothing of the tree's build.
. "$RD_TOP/tests/vm/lib.sh"
RAPIDDISK=/sbin/rapiddisk
dkms_dir=/lib/modules/$RD_KVER/updates/dkms

check "the packages are installed" dpkg-query -W rapiddisk rapiddisk-dkms librapiddisk1 librapiddisk-dev
modprobe -q dm-mod
modprobe -q loop
for m in rapiddisk rapiddisk-cache; do
	check "$m is not loaded yet" test ! -d "/sys/module/${m//-/_}"
	check "modprobe $m" modprobe "$m"
	file=$(modinfo -n "$m")
	check "$m resolves to DKMS's build ($file)" test "${file#"$dkms_dir"/}" != "$file"
	# the loaded module is that file (srcversion is a hash of its sources)
	check_eq "$m loaded is the DKMS file" "$(modinfo -F srcversion "$file")" \
		"$(cat "/sys/module/${m//-/_}/srcversion")"
done
modprobe dm-writecache

check_cli "installed rapiddisk attaches" 0 "Attached device rd0 of size 64 Mbytes." -g -a 64
truncate -s 128M /tmp/pkg-src.img
src=$(losetup -f --show /tmp/pkg-src.img)
loop=${src#/dev/}
settle
check_cli "installed rapiddisk maps a write-through cache" 0 \
	"Command to map rc-wt_$loop with rd0 and $src has been sent." -g -m rd0 -b "$src" -p wt
cli -j -l
check_eq "list JSON: the disk" "rd0 67108864" "$(jq -r '.volumes[0].rapiddisk[] | "\(.device) \(.size)"' <<<"$out")"
check_eq "list JSON: the mapping" "rc-wt_$loop rd0 $loop write-through" \
	"$(jq -r '.volumes[1].rapiddisk_cache[] | "\(.device) \(.cache) \(.source) \(.mode)"' <<<"$out")"
head -c 4194304 /dev/urandom >/tmp/pkg-data
dd if=/tmp/pkg-data of="/dev/mapper/rc-wt_$loop" bs=1M oflag=direct status=none
check "data written through the mapping reads back" \
	cmp -n 4194304 /tmp/pkg-data "/dev/mapper/rc-wt_$loop"
check "data reached the source" cmp -n 4194304 /tmp/pkg-data "$src"
settle
check_cli "installed rapiddisk unmaps" 0 "Command to unmap rc-wt_$loop has been sent." -g -u "rc-wt_$loop"
check_cli "installed rapiddisk detaches" 0 "Detached device rd0." -g -d rd0

# a C program as a user of librapiddisk-dev builds it
check_eq "pkg-config knows rapiddisk" "9.2.0" "$(pkg-config --modversion rapiddisk)"
capi=$RD_OUT/capi_pkg
# shellcheck disable=SC2046 # pkg-config's words are separate arguments
check "capi_test.c builds with pkg-config's flags" \
	cc -std=c99 -Wall -Werror -O2 -o "$capi" "$RD_TOP/tests/c/capi_test.c" \
	$(pkg-config --cflags --libs rapiddisk) -pthread
# /lib is /usr/lib on Debian 12, and ld.so may name either path
check_eq "it links the installed librapiddisk.so.1" "/usr/lib/x86_64-linux-gnu/librapiddisk.so.1.0.0" \
	"$(readlink -f "$(ldd "$capi" | awk '/librapiddisk/ {print $3}')")"
"$capi" "$src" "$RAPIDDISK" >/tmp/pkg-capi.out 2>&1
rc=$?
grep -E '^(not )?ok - ' /tmp/pkg-capi.out | sed 's/ - capi: / - pkg capi: /' >>"$RD_RESULTS"
grep '^not ok' /tmp/pkg-capi.out
check_eq "capi_test (installed library) exit status" 0 "$rc"
check "capi_test made its checks" test "$(grep -c '^ok - capi: ' /tmp/pkg-capi.out)" -ge 70

check_eq "no RAM disk left" "$(printf 'Device\tSize\tErrors\tUsed')" "$(cat "$DEVICES")"
losetup -d "$src"
rm -f /tmp/pkg-src.img /tmp/pkg-data
check "unload rapiddisk-cache" rmmod_settled rapiddisk-cache
check "unload rapiddisk" rmmod_settled rapiddisk
