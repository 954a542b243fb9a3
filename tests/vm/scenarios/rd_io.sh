# Data path: fio verify, a file system, discard and write-zeroes.
. "$RD_TOP/tests/vm/lib.sh"

check "module loads" load_rd
for n in 0 1 2; do mgmt "rapiddisk attach $n 134217728"; wait_node /dev/rd$n; done

# fio verify: 2 jobs on separate halves, several block sizes and engines,
# page-unaligned offsets and sizes too
verify() {
	local name=$1
	shift
	check "fio verify $name" fio --name="$name" --filename=/dev/rd0 --direct=1 \
		--size=48M --numjobs=2 --offset_increment=64M --verify=crc32c \
		--verify_fatal=1 --verify_state_save=0 --group_reporting --output=/tmp/fio-"$name".log "$@"
}
verify psync-4k --ioengine=psync --rw=randwrite --bs=4k
verify psync-512 --ioengine=psync --rw=randwrite --bs=512 --size=8M
verify psync-64k --ioengine=psync --rw=write --bs=64k
verify uring-1m --ioengine=io_uring --iodepth=8 --rw=randwrite --bs=1m
verify uring-4k-qd32 --ioengine=io_uring --iodepth=32 --rw=randwrite --bs=4k --size=16M
verify unaligned-3584 --ioengine=psync --rw=randwrite --bs=3584 --offset=1536 --size=14M
verify unaligned-12k --ioengine=libaio --iodepth=4 --rw=write --bs=12k --offset=2560 --size=12M
verify buffered --ioengine=psync --direct=0 --rw=randwrite --bs=8k --size=16M

# a file system: write, unmount, fsck, remount, compare
mnt=$(mktemp -d)
check "mkfs.ext4" mkfs.ext4 -q -F /dev/rd1
check "mount" mount /dev/rd1 "$mnt"
src=$(mktemp -d)
for i in $(seq 300); do
	mkdir -p "$src/d$((i % 12))"
	head -c $(( (i * 7919) % 150000 )) /dev/urandom >"$src/d$((i % 12))/f$i"
done
check "copy a tree in" cp -a "$src" "$mnt"/tree
check "umount" umount "$mnt"
check "fsck is clean" fsck.ext4 -fn /dev/rd1
check "remount" mount /dev/rd1 "$mnt"
check "files identical after remount" diff -r "$src" "$mnt"/tree
umount "$mnt"

# discard gives memory back and reads as zeroes
check_eq "rd2 unused" 0 "$(pages_used rd2)"
dd if=/dev/urandom of=/tmp/pat bs=1M count=16 status=none
dd if=/tmp/pat of=/dev/rd2 bs=1M oflag=direct status=none
check_eq "16 MiB written = 4096 pages" 4096 "$(pages_used rd2)"
check "blkdiscard" blkdiscard /dev/rd2
check_eq "discard freed every page" 0 "$(pages_used rd2)"
check "discarded range reads zeroes" cmp <(head -c 16777216 /dev/zero) <(dd if=/dev/rd2 bs=1M count=16 iflag=direct status=none)
check_eq "devices shows the freed memory" "rd2	134217728	0	0" "$(sed -n 4p $DEVICES)"
check "second discard of the same range" blkdiscard /dev/rd2
check_eq "usage does not underflow" 0 "$(pages_used rd2)"

# a discard smaller than a page zeroes that part and keeps the page
dd if=/tmp/pat of=/dev/rd2 bs=4096 count=2 oflag=direct status=none
check "sub-page discard" blkdiscard -o 1024 -l 2048 /dev/rd2
check_eq "sub-page discard keeps the pages" 2 "$(pages_used rd2)"
expect=$( (head -c 1024 /tmp/pat; head -c 2048 /dev/zero; tail -c +3073 /tmp/pat | head -c 5120) | md5sum)
check_eq "sub-page discard zeroed exactly its bytes" "$expect" "$(dd if=/dev/rd2 bs=4096 count=2 iflag=direct status=none | md5sum)"
check "write-zeroes over both pages" blkdiscard -z -o 0 -l 8192 /dev/rd2
check_eq "write-zeroes freed the pages" 0 "$(pages_used rd2)"
check "write-zeroes reads zeroes" cmp <(head -c 8192 /dev/zero) <(dd if=/dev/rd2 bs=4096 count=2 iflag=direct status=none)

for n in 0 1 2; do check "detach rd$n" mgmt "rapiddisk detach $n"; done
check "unload" unload_rd
