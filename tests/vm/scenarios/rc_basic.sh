# rapiddisk-cache: formats, hit/miss paths, write-through and write-around,
# data integrity, the unaligned stale-data probe, bad tables.
. "$RD_TOP/tests/vm/lib.sh"

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
check "module name" test -d /sys/module/rapiddisk_cache
check "target registered as v9.2.0" sh -c "dmsetup targets | grep -Eq '^rapiddisk-cache +v9\.2\.0$'"
mgmt "rapiddisk attach 0 67108864"
mgmt "rapiddisk attach 1 67108864"
wait_node /dev/rd0 && wait_node /dev/rd1
truncate -s 256M /tmp/src.img
src=$(losetup -f --show /tmp/src.img)
ssz=$(blockdev --getsz "$src")
name=rc-wt_${src#/dev/}
rd_refs() { cat /sys/module/rapiddisk/refcnt; }
settle
refs=$(rd_refs)
check "create write-through mapping" dmsetup create "$name" --table "0 $ssz rapiddisk-cache $src /dev/rd0 131072 0"
dev=/dev/mapper/$name
check "mapping node" test -b "$dev"
settle
# one reference for the open RAM disk, one for rapiddisk_direct_for
check_eq "hits and fills are copied straight to and from the RAM disk (rapiddisk.ko referenced twice)" \
	$((refs + 2)) "$(rd_refs)"

# the kernel's partition scan has read the mapping already: compare the
# format with the numbers masked
info_shape="stats:
	reads(N), writes(N)
	cache hits(N), replacement(N), write replacement(N)
	read invalidates(N), write invalidates(N)
	uncached reads(N), uncached writes(N)
	disk reads(N), disk writes(N)
	cache reads(N), cache writes(N)"
settle
check_eq "status format" "N N rapiddisk-cache $info_shape" "$(dmsetup status "$name" | sed 's/[0-9][0-9]*/N/g')"
check_eq "table format" "0 $ssz rapiddisk-cache conf:
	RapidDisk dev (/dev/rd0), disk dev ($src) mode (WRITETHROUGH)
	capacity(64M), associativity(512), block size(4K)
	total blocks(16384), cached blocks($(rc_stat "$name" 'cache writes'))" "$(dmsetup table "$name")"
check "ctr logged the geometry" sh -c "dmesg | grep -q 'rapiddisk-cache: Allocate 128KB (8B per) mem for 16384-entry cache(capacity:64MB, associativity:512, block size:8 sectors(4KB))'"

# miss then hit, at a sector nothing has read yet
head -c 4096 /dev/urandom >/tmp/a
write4k "$src" 100000 /tmp/a
settle
declare -A base
for c in reads 'cache hits' 'disk reads' 'cache reads' 'cache writes'; do base[$c]=$(rc_stat "$name" "$c"); done
blocks=$(dmsetup table "$name" | grep -oP 'cached blocks\(\K[0-9]+')
check "first read (miss) returns the source data" cmp /tmp/a <(read4k "$dev" 100000)
check "second read (hit) returns the same data" cmp /tmp/a <(read4k "$dev" 100000)
check_eq "one hit" $((base[cache hits] + 1)) "$(rc_stat "$name" 'cache hits')"
check_eq "two reads" $((base[reads] + 2)) "$(rc_stat "$name" reads)"
check_eq "one disk read" $((base[disk reads] + 1)) "$(rc_stat "$name" 'disk reads')"
check_eq "one cache read" $((base[cache reads] + 1)) "$(rc_stat "$name" 'cache reads')"
check_eq "one cache write" $((base[cache writes] + 1)) "$(rc_stat "$name" 'cache writes')"
check_eq "one more cached block" $((blocks + 1)) "$(dmsetup table "$name" | grep -oP 'cached blocks\(\K[0-9]+')"

# write-through: the source has the data at once
head -c 4096 /dev/urandom >/tmp/b
write4k "$dev" 101600 /tmp/b
settle
hits=$(rc_stat "$name" 'cache hits')
check "write-through reached the source" cmp /tmp/b <(read4k "$src" 101600)
check "written block reads back" cmp /tmp/b <(read4k "$dev" 101600)
check_eq "write was cached (read was a hit)" $((hits + 1)) "$(rc_stat "$name" 'cache hits')"

# flushes and FUA reach the source (write-through must be durable)
flushes() { awk '{print $16}' "/sys/block/${src#/dev/}/stat"; }
f0=$(flushes)
dd if=/tmp/b of="$dev" bs=4096 count=1 seek=$((101608 / 8)) oflag=direct conv=fsync status=none
f1=$(flushes)
check "fsync on the mapping flushed the source" test "$f1" -gt "$f0"
dd if=/tmp/b of="$dev" bs=4096 count=1 seek=$((101616 / 8)) oflag=direct,dsync status=none
check "an O_DSYNC (FUA) write reached the source as a flush" test "$(flushes)" -gt "$f1"

# discard passes to the source and drops the cached copy
read4k "$dev" 101600 >/dev/null
check "discard through the mapping" blkdiscard -o $((101600 * 512)) -l 4096 "$dev"
check "discarded block reads as the source does (zeroes), not the cached copy" \
	cmp <(head -c 4096 /dev/zero) <(read4k "$dev" 101600)

# unaligned 4 KiB I/O: dm splits it at block boundaries, so it bypasses the
# cache; data must stay right when it overlaps cached blocks on both sides,
# also across the boundary of two set regions (4096 sectors)
head -c 8192 /dev/urandom >/tmp/c
edge=$((4096 * 40))
dd if=/tmp/c of="$dev" bs=4096 seek=$(((edge - 8) / 8)) count=2 oflag=direct status=none
read4k "$dev" $((edge - 8)) >/dev/null
read4k "$dev" "$edge" >/dev/null
check "unaligned read across two cached blocks" cmp <(dd if=/tmp/c bs=512 skip=7 count=8 status=none) <(read4k "$dev" $((edge - 1)))
head -c 4096 /dev/urandom >/tmp/d
write4k "$dev" $((edge - 3)) /tmp/d
expect=$( (head -c 2560 /tmp/c; cat /tmp/d; tail -c +6657 /tmp/c) | md5sum)
check_eq "unaligned write across the set boundary invalidated both blocks" "$expect" \
	"$(dd if="$dev" bs=4096 skip=$(((edge - 8) / 8)) count=2 iflag=direct status=none | md5sum)"
check_eq "and the source agrees" "$expect" \
	"$(dd if="$src" bs=4096 skip=$(((edge - 8) / 8)) count=2 iflag=direct status=none | md5sum)"

# unaligned and partial I/O bypass the cache correctly
head -c 1536 /dev/urandom >/tmp/e
dd if=/tmp/e of="$dev" bs=512 seek=100003 count=3 oflag=direct status=none
expect=$( (head -c 1536 /tmp/a; cat /tmp/e; tail -c +3073 /tmp/a) | md5sum)
check_eq "partial write invalidated the cached block" "$expect" "$(read4k "$dev" 100000 | md5sum)"

# fio verify through the mapping, two concurrent writers
check "fio verify through write-through mapping" fio --name=wt --filename="$dev" --direct=1 \
	--ioengine=psync --rw=randwrite --bs=4k --size=24M --numjobs=2 --offset_increment=32M \
	--verify=crc32c --verify_fatal=1 --verify_state_save=0 --output=/tmp/fio-wt.log
check "fio verify, mixed sizes and reads" fio --name=mix --filename="$dev" --direct=1 \
	--ioengine=io_uring --iodepth=8 --rw=randrw --bsrange=512-16k --size=16M --numjobs=2 \
	--offset_increment=64M --verify=crc32c --verify_fatal=1 --verify_state_save=0 --output=/tmp/fio-mix.log
check "cache holds blocks after fio" test "$(rc_stat "$name" 'cache hits')" -gt 0
check "the source matches the mapping" cmp <(dd if="$src" bs=1M count=96 iflag=direct status=none) \
	<(dd if="$dev" bs=1M count=96 iflag=direct status=none)

# the RAM disk under a mapping cannot go away
check_eq "detach of the cache disk is EBUSY" "Device or resource busy" "$(mgmt_err "rapiddisk detach 0")"
exec 3<"$dev"
check_fails "remove while open fails" dmsetup remove "$name"
exec 3<&-

# file system survives unmap and remap (write-through keeps the source whole)
mnt=$(mktemp -d)
tree=$(mktemp -d)
for i in $(seq 120); do head -c $(( (i * 7919) % 90000 )) /dev/urandom >"$tree/f$i"; done
check "mkfs on the mapping" mkfs.ext4 -q -F "$dev"
check "mount" mount "$dev" "$mnt"
check "copy in" cp -a "$tree" "$mnt/tree"
check "umount" umount "$mnt"
check "remove mapping" dm_remove "$name"
check "fsck of the bare source is clean" fsck.ext4 -fn "$src"
check "map again" dmsetup create "$name" --table "0 $ssz rapiddisk-cache $src /dev/rd0 131072 0"
check "mount again" mount "$dev" "$mnt"
check "files intact" diff -r "$tree" "$mnt/tree"
check "read twice (hits)" diff -r "$tree" "$mnt/tree"
umount "$mnt"
check "fsck through the mapping is clean" fsck.ext4 -fn "$dev"
check "discard passes through" blkdiscard -o 0 -l 1048576 "$dev"
check "remove" dm_remove "$name"
check "removal logged the stats and geometry" sh -c "dmesg | grep -A2 'rapiddisk-cache: conf:' | grep -q 'total blocks(16384), cached blocks('"

# write-around: writes go to the source only
wa=rc-wa_${src#/dev/}
check "create write-around mapping" dmsetup create "$wa" --table "0 $ssz rapiddisk-cache $src /dev/rd1 131072 1"
check_eq "table says WRITE_AROUND" "RapidDisk dev (/dev/rd1), disk dev ($src) mode (WRITE_AROUND)" \
	"$(dmsetup table "$wa" | sed -n 2p | tr -d '\t')"
settle
cw=$(rc_stat "$wa" 'cache writes')
write4k /dev/mapper/$wa 102400 /tmp/b
check_eq "write-around: no cache write on write" "$cw" "$(rc_stat "$wa" 'cache writes')"
check "write-around: source has the data" cmp /tmp/b <(read4k "$src" 102400)
settle
hits=$(rc_stat "$wa" 'cache hits')
check "write-around: read (miss) correct" cmp /tmp/b <(read4k /dev/mapper/$wa 102400)
check "write-around: read (hit) correct" cmp /tmp/b <(read4k /dev/mapper/$wa 102400)
check_eq "write-around: one hit" $((hits + 1)) "$(rc_stat "$wa" 'cache hits')"
write4k /dev/mapper/$wa 102400 /tmp/a
check "write-around: write invalidated the cached block" cmp /tmp/a <(read4k /dev/mapper/$wa 102400)
check_eq "write-around: write replacement stays 0" 0 "$(rc_stat "$wa" 'write replacement')"
check "fio verify through write-around mapping" fio --name=wa --filename=/dev/mapper/$wa --direct=1 \
	--ioengine=psync --rw=randwrite --bs=4k --size=16M --numjobs=2 --offset_increment=32M \
	--verify=crc32c --verify_fatal=1 --verify_state_save=0 --output=/tmp/fio-wa.log
check "remove write-around mapping" dm_remove "$wa"

# bad tables: each refused with its message, nothing left behind
bad() {
	local desc=$1 msg=$2
	shift 2
	check_fails "bad table refused: $desc" dmsetup create rc-bad --table "$*"
	check "message: $msg" sh -c "dmesg | tail -n 5 | grep -qF '$msg'"
}
bad "one argument" "Need at least 2 arguments" "0 $ssz rapiddisk-cache $src"
bad "cache not a RAM disk" "Invalid cache device. Not a RapidDisk volume." "0 $ssz rapiddisk-cache $src $src"
bad "missing source" "Disk device lookup failed" "0 $ssz rapiddisk-cache /dev/nonexistent /dev/rd0"
bad "missing RAM disk" "Cache device lookup failed" "0 $ssz rapiddisk-cache $src /dev/rd77"
bad "size not a number" "Invalid cache size" "0 $ssz rapiddisk-cache $src /dev/rd0 12abc"
bad "size above the RAM disk" "Invalid cache size" "0 $ssz rapiddisk-cache $src /dev/rd0 262144"
bad "mode 2" "Invalid mode" "0 $ssz rapiddisk-cache $src /dev/rd0 131072 2"
bad "associativity 3" "Invalid cache associativity" "0 $ssz rapiddisk-cache $src /dev/rd0 131072 0 3"
bad "associativity 0" "Invalid cache associativity" "0 $ssz rapiddisk-cache $src /dev/rd0 131072 0 0"
bad "cache smaller than a set" "Invalid cache associativity" "0 $ssz rapiddisk-cache $src /dev/rd0 2048 0 512"
check_fails "no leftover device" dmsetup info rc-bad

check "small associativity works" dmsetup create rc-small --table "0 $ssz rapiddisk-cache $src /dev/rd0 4096 0 8"
check "fio verify with 64 sets of 8" fio --name=small --filename=/dev/mapper/rc-small --direct=1 \
	--ioengine=psync --rw=randwrite --bs=4k --size=8M --verify=crc32c --verify_fatal=1 \
	--verify_state_save=0 --output=/tmp/fio-small.log
check "remove" dm_remove rc-small

# keys are sectors below 2^45 (16 PiB): blocks beyond are read around the cache
huge=$((1 << 46))
check "a 32 PiB source (dm-zero)" dmsetup create rc-huge-src --table "0 $huge zero"
check "map it" dmsetup create rc-huge --table "0 $huge rapiddisk-cache /dev/mapper/rc-huge-src /dev/rd0 4096 0 8"
settle
h0=$(rc_stat rc-huge 'cache hits')
u0=$(rc_stat rc-huge 'uncached reads')
for s in $(((1 << 45) - 8)) $(((1 << 45) - 8)) $((1 << 45)) $((1 << 45)); do
	read4k /dev/mapper/rc-huge "$s" >/dev/null
done
check_eq "below 16 PiB a block is cached: one hit" $((h0 + 1)) "$(rc_stat rc-huge 'cache hits')"
check_eq "at 16 PiB both reads go around the cache" $((u0 + 2)) "$(rc_stat rc-huge 'uncached reads')"
check "remove" dm_remove rc-huge
check "remove the source" dm_remove rc-huge-src

# a cache device named /dev/rd* that is no RAM disk of rapiddisk.ko: hits
# are remapped to it instead of copied ($1 says when)
remapped_hits() {
	local when=$1 cache_img cache name=rc-remap
	cache_img=$(mktemp)
	truncate -s 16M "$cache_img"
	cache=$(losetup -f --show "$cache_img")
	ln -sf "$cache" /dev/rdremap
	check "$when: map with a loop device as cache" dmsetup create $name \
		--table "0 $ssz rapiddisk-cache $src /dev/rdremap 32768 0"
	head -c 4096 /dev/urandom >/tmp/f
	write4k "$src" 104000 /tmp/f
	settle
	local hits cw
	hits=$(rc_stat $name 'cache hits') cw=$(rc_stat $name 'cache writes')
	check "$when: miss correct" cmp /tmp/f <(read4k /dev/mapper/$name 104000)
	check "$when: hit correct" cmp /tmp/f <(read4k /dev/mapper/$name 104000)
	check_eq "$when: one hit" $((hits + 1)) "$(rc_stat $name 'cache hits')"
	check_eq "$when: the fill reached the cache device" $((cw + 1)) "$(rc_stat $name 'cache writes')"
	head -c 4096 /dev/urandom >/tmp/g
	write4k /dev/mapper/$name 104008 /tmp/g
	settle
	hits=$(rc_stat $name 'cache hits')
	check "$when: write-through reached the source" cmp /tmp/g <(read4k "$src" 104008)
	check "$when: write-through block reads back" cmp /tmp/g <(read4k /dev/mapper/$name 104008)
	check_eq "$when: it was a hit on the cache device" $((hits + 1)) "$(rc_stat $name 'cache hits')"
	check "$when: fio verify" fio --name=remap --filename=/dev/mapper/$name --direct=1 \
		--ioengine=psync --rw=randrw --bs=4k --size=8M --verify=crc32c --verify_fatal=1 \
		--verify_state_save=0 --output=/tmp/fio-remap.log
	check "$when: remove" dm_remove $name
	rm -f /dev/rdremap
	losetup -d "$cache"
	rm -f "$cache_img"
}
remapped_hits "rapiddisk.ko loaded"
mgmt "rapiddisk detach 0"; mgmt "rapiddisk detach 1"
check "unload rapiddisk" unload_rd
remapped_hits "rapiddisk.ko not loaded"
settle; losetup -d "$src"
check "unload rapiddisk-cache" unload_rc
