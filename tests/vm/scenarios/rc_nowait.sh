# rapiddisk-cache and nowait I/O (io_uring, RWF_NOWAIT): taken inline, never
# blocking, data right in both modes and with a cache device that is no
# RAM disk of rapiddisk.ko.
. "$RD_TOP/tests/vm/lib.sh"

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
mgmt "rapiddisk attach 0 67108864"
wait_node /dev/rd0
truncate -s 256M /tmp/nw-src.img /tmp/nw-cache.img
src=$(losetup -f --show /tmp/nw-src.img)
dd if=/dev/urandom of="$src" bs=1M count=256 oflag=direct status=none
ssz=$(blockdev --getsz "$src")
head -c 4096 /dev/urandom >/tmp/nw-a
head -c 4096 /dev/urandom >/tmp/nw-b

check "the source takes nowait reads" nowait_io.py read "$src" 0 >/dev/null
check "write-through mapping" dmsetup create nw-wt --table "0 $ssz rapiddisk-cache $src /dev/rd0 131072 0"
dev=/dev/mapper/nw-wt
settle
cw=$(rc_stat nw-wt 'cache writes')
hits=$(rc_stat nw-wt 'cache hits')
check "a nowait read (miss) is taken" sh -c "nowait_io.py read $dev $((4096 * 20000)) >/tmp/nw-out"
check "and returns the source's data" cmp /tmp/nw-out <(read4k "$src" 160000)
check_eq "the miss was cached" $((cw + 1)) "$(rc_stat nw-wt 'cache writes')"
check "a nowait read (hit) returns the same data" cmp <(read4k "$src" 160000) <(nowait_io.py read "$dev" $((4096 * 20000)))
check_eq "it was a hit" $((hits + 1)) "$(rc_stat nw-wt 'cache hits')"
check "a nowait write is taken" nowait_io.py write "$dev" $((4096 * 20000)) /tmp/nw-a
check "it reached the source" cmp /tmp/nw-a <(read4k "$src" 160000)
settle  # closing a written device makes udev probe it (reads, hits)
hits=$(rc_stat nw-wt 'cache hits')
check "and the cache (the next read is a hit with the new data)" \
	cmp /tmp/nw-a <(nowait_io.py read "$dev" $((4096 * 20000)))
check_eq "that read was a hit" $((hits + 1)) "$(rc_stat nw-wt 'cache hits')"

# io_uring issues nowait first; two writers verify through the mapping
uring_verify() {
	fio --name=uring --filename="$1" --direct=1 --ioengine=io_uring --iodepth=16 \
		--rw=randrw --bs=4k --size=32M --numjobs=2 --offset_increment=64M \
		--verify=crc32c --verify_fatal=1 --verify_state_save=0 --output=/tmp/nw-fio.log
}
check "fio io_uring verify through the write-through mapping" uring_verify "$dev"
check "the source matches the mapping" cmp <(dd if="$src" bs=1M count=96 iflag=direct status=none) \
	<(dd if="$dev" bs=1M count=96 iflag=direct status=none)
check "remove" dm_remove nw-wt

check "write-around mapping" dmsetup create nw-wa --table "0 $ssz rapiddisk-cache $src /dev/rd0 131072 1"
check "fio io_uring verify through the write-around mapping" uring_verify /dev/mapper/nw-wa
check "a nowait write around the cache" nowait_io.py write /dev/mapper/nw-wa $((4096 * 20008)) /tmp/nw-b
check "reads back through nowait reads (miss, then hit)" bash -c \
	"cmp /tmp/nw-b <(nowait_io.py read /dev/mapper/nw-wa $((4096 * 20008))) &&
	 cmp /tmp/nw-b <(nowait_io.py read /dev/mapper/nw-wa $((4096 * 20008)))"
check "remove" dm_remove nw-wa

# a cache device named /dev/rd* that is no RAM disk of rapiddisk.ko: cache
# writes go through dm-io, which may sleep, so nowait misses and writes are
# served by the source alone and leave the block uncached
cache=$(losetup -f --show /tmp/nw-cache.img)
ln -sf "$cache" /dev/rdnwloop
check "write-through mapping on a loop device as cache" \
	dmsetup create nw-loop --table "0 $ssz rapiddisk-cache $src /dev/rdnwloop 131072 0"
dev=/dev/mapper/nw-loop
# not_hit WHAT SECTOR: a blocking read of SECTOR returns the source's data
# and is no hit (so the block was not cached)
not_hit() {
	local h
	h=$(rc_stat nw-loop 'cache hits')
	check "$1: the block reads right" cmp <(read4k "$src" "$2") <(read4k "$dev" "$2")
	check_eq "$1: and was not cached (no hit)" "$h" "$(rc_stat nw-loop 'cache hits')"
}
settle
check "a nowait read (miss) is taken" sh -c "nowait_io.py read $dev $((4096 * 30000)) >/tmp/nw-out"
check "and returns the source's data" cmp /tmp/nw-out <(read4k "$src" 240000)
not_hit "after the nowait miss" 240000
hits=$(rc_stat nw-loop 'cache hits')
check "a nowait read (hit, remapped to the cache device)" cmp <(read4k "$src" 240000) <(nowait_io.py read "$dev" $((4096 * 30000)))
check_eq "was a hit" $((hits + 1)) "$(rc_stat nw-loop 'cache hits')"
check "a nowait write over the cached block" nowait_io.py write "$dev" $((4096 * 30000)) /tmp/nw-b
check "reached the source" cmp /tmp/nw-b <(read4k "$src" 240000)
settle
not_hit "after the nowait write" 240000
check "fio io_uring verify through it" uring_verify "$dev"
check "remove" dm_remove nw-loop

rm -f /dev/rdnwloop
losetup -d "$cache" "$src"
rm -f /tmp/nw-src.img /tmp/nw-cache.img
mgmt "rapiddisk detach 0"
check "unload rapiddisk-cache" unload_rc
check "unload rapiddisk" unload_rd
