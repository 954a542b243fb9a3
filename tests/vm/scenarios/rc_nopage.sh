# RAM disk writes that find no page and cannot get one (made to fail by the
# test module kmod/rd_nopage.ko): the raw disk answers EAGAIN to nowait
# writes and EIO (counted in Errors) to others; rapiddisk-cache then falls
# back to dm-io for write-through writes, or leaves the block uncached, and
# never returns wrong data.
. "$RD_TOP/tests/vm/lib.sh"

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
check "load the fault injector" insmod "$RD_BUILD/kmod/rd_nopage.ko"
NP=/sys/module/rd_nopage/parameters
# nopage NOWAIT SLEEPING: fail every Nth allocation of each kind (0: none)
nopage() { echo "$1" >"$NP/nowait_every" && echo "$2" >"$NP/sleeping_every"; }
failed() { cat "$NP/failed"; }
# should this scenario stop early, later ones must get their pages
trap '[ -d "$NP" ] && nopage 0 0' EXIT
rd_errors() { awk -v d="$1" '$1 == d { print $3 }' "$DEVICES"; }
for f in a b c d; do head -c 4096 /dev/urandom >"/tmp/np-$f"; done
zero4k() { head -c 4096 /dev/zero; }

# ---- the raw RAM disk
mgmt "rapiddisk attach 0 67108864"
wait_node /dev/rd0
settle
f=$(failed)
nopage 1 0
check_eq "a nowait write that gets no page fails with EAGAIN" "nowait_io: write /dev/rd0: EAGAIN" \
	"$(nowait_io.py write /dev/rd0 0 /tmp/np-a 2>&1)"
check "the injector failed it" test "$(failed)" -gt "$f"
check_eq "no page was taken" 0 "$(pages_used rd0)"
check_eq "EAGAIN is no error of the disk" 0 "$(rd_errors rd0)"
check "a blocking write of the block gets its page" write4k /dev/rd0 0 /tmp/np-a
check "and reads back" cmp /tmp/np-a <(read4k /dev/rd0 0)
nopage 0 1
check_fails "a blocking write that gets no page fails" write4k /dev/rd0 8 /tmp/np-b
check_eq "and is counted in the disk's Errors" 1 "$(rd_errors rd0)"
check "the block reads as zeroes" cmp <(zero4k) <(read4k /dev/rd0 8)
check "the block written before is intact" cmp /tmp/np-a <(read4k /dev/rd0 0)
check_eq "one page in use" 1 "$(pages_used rd0)"
nopage 0 0
check "with pages again, the write works" write4k /dev/rd0 8 /tmp/np-b
check "and reads back" cmp /tmp/np-b <(read4k /dev/rd0 8)
settle
mgmt "rapiddisk detach 0"

# ---- rapiddisk-cache over a fresh RAM disk: every first copy into a
# cache block needs a page
mgmt "rapiddisk attach 1 67108864"
wait_node /dev/rd1
truncate -s 256M /tmp/np-src.img
src=$(losetup -f --show /tmp/np-src.img)
dd if=/dev/urandom of="$src" bs=1M count=256 oflag=direct status=none
ssz=$(blockdev --getsz "$src")
check "write-through mapping" dmsetup create np-wt --table "0 $ssz rapiddisk-cache $src /dev/rd1 131072 0"
dev=/dev/mapper/np-wt
hits() { rc_stat np-wt 'cache hits'; }
# read_is WHAT FILE SECTOR HIT: a read through the mapping returns FILE and
# was a hit (1) or not (0)
read_is() {
	local h
	settle  # udev probes a device closed after writing (reads, hits)
	h=$(hits)
	check "$1: reads right" cmp "$2" <(read4k "$dev" "$3")
	check_eq "$1: $([ "$4" = 1 ] && echo 'a hit' || echo 'no hit (not cached)')" $((h + $4)) "$(hits)"
}
settle

f=$(failed)
nopage 1 0
read_is "a miss whose copy into the cache gets no page" <(read4k "$src" 80000) 80000 0
check "the injector failed the copy" test "$(failed)" -gt "$f"
read_is "the next read" <(read4k "$src" 80000) 80000 0
nopage 0 0
read_is "with pages again, a miss" <(read4k "$src" 80000) 80000 0
read_is "then" <(read4k "$src" 80000) 80000 1

f=$(failed)
nopage 1 0
check "a write-through write whose copy gets no page (dm-io writes both)" write4k "$dev" 96000 /tmp/np-a
check "the injector failed the copy" test "$(failed)" -gt "$f"
nopage 0 0
check "the source has the data" cmp /tmp/np-a <(read4k "$src" 96000)
read_is "the block written through dm-io" /tmp/np-a 96000 1

errors=$(rd_errors rd1)
nopage 1 1
check "a write-through write whose cache copy fails both ways still succeeds" write4k "$dev" 112000 /tmp/np-b
nopage 0 0
check "the source has the data" cmp /tmp/np-b <(read4k "$src" 112000)
check_eq "the RAM disk counted the failed cache write" $((errors + 1)) "$(rd_errors rd1)"
read_is "the block whose cache write failed" /tmp/np-b 112000 0

f=$(failed)
nopage 1 0
check "a nowait write-through write whose copy gets no page is taken" \
	nowait_io.py write "$dev" $((128000 * 512)) /tmp/np-c
check "the injector failed the copy" test "$(failed)" -gt "$f"
nopage 0 0
check "the source has the data" cmp /tmp/np-c <(read4k "$src" 128000)
read_is "the block written by the source alone" /tmp/np-c 128000 0

# concurrent writers and readers while some copies get no page
verify() {
	fio --name=np --filename="$1" --direct=1 --ioengine="$2" --iodepth=8 \
		--rw=randrw --bs=4k --size=24M --numjobs=2 --offset=128M --offset_increment=32M \
		--verify=crc32c --verify_fatal=1 --verify_state_save=0 --output=/tmp/np-fio.log
}
same_as_source() {
	cmp <(dd if="$src" bs=1M skip=128 count=64 iflag=direct status=none) \
		<(dd if="$1" bs=1M skip=128 count=64 iflag=direct status=none)
}
f=$(failed)
nopage 3 5
check "fio verify (psync) through write-through, every 3rd/5th page failing" verify "$dev" psync
check "fio verify (io_uring) through write-through, every 3rd/5th page failing" verify "$dev" io_uring
nopage 0 0
check "pages were made to fail meanwhile" test "$(failed)" -gt "$f"
check "the source matches the mapping" same_as_source "$dev"
check "remove" dm_remove np-wt

# a fresh RAM disk again, so that fills need pages
settle
mgmt "rapiddisk detach 1"
mgmt "rapiddisk attach 1 67108864"
wait_node /dev/rd1
check "write-around mapping" dmsetup create np-wa --table "0 $ssz rapiddisk-cache $src /dev/rd1 131072 1"
f=$(failed)
nopage 2 2
check "fio verify (io_uring) through write-around, every 2nd page failing" verify /dev/mapper/np-wa io_uring
nopage 0 0
check "pages were made to fail meanwhile" test "$(failed)" -gt "$f"
check "the source matches the mapping" same_as_source /dev/mapper/np-wa
check "remove" dm_remove np-wa

losetup -d "$src"
rm -f /tmp/np-src.img /tmp/np-[abcd]
mgmt "rapiddisk detach 1"
check "unload the fault injector" rmmod rd_nopage
check "unload rapiddisk-cache" unload_rc
check "unload rapiddisk" unload_rd
