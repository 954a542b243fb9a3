# make demo: RAM disks and a RAM cache at work through the rapiddisk
# command, shown step by step (checked as it goes).
. "$RD_TOP/tests/vm/lib.sh"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; eval "$@"; }
# the command as an admin would type it
rapiddisk() { "$RAPIDDISK" "$@"; }

check "load rapiddisk.ko" load_rd
check "load rapiddisk-cache.ko" load_rc
modprobe dm-writecache
run "rapiddisk -v"
run "rapiddisk -g -a 256          # a 256 MiB RAM disk"
run "rapiddisk -g -a 64MiB"
check "two RAM disks" test -b /dev/rd0 -a -b /dev/rd1
run "lsblk -o NAME,SIZE,ROTA,PHY-SEC,LOG-SEC,DISC-GRAN /dev/rd0 /dev/rd1"
mnt=$(mktemp -d)
run "mkfs.ext4 -q /dev/rd0 && mount /dev/rd0 $mnt"
src=$(mktemp -d)
for i in $(seq 200); do head -c $(( (i * 7919) % 200000 )) /dev/urandom >"$src/file$i"; done
run "cp -a $src $mnt/data && sync && df -h $mnt"
run "rapiddisk -g -l             # Usage: the memory the data really takes"
check "files on the RAM disk match" diff -r "$src" "$mnt/data"
run "rapiddisk -g -d rd0         # refused: mounted"
run "rm -rf $mnt/data && sync && fstrim -v $mnt && rapiddisk -g -l   # discard gives memory back"
check "fstrim gave the memory back" test "$(pages_used rd0)" -lt 2048
run "umount $mnt && fsck.ext4 -fn /dev/rd0 >/dev/null && echo fsck: clean"

# a slow disk (every I/O delayed by 20 ms) with rd1 in front of it
truncate -s 512M /tmp/slow.img
loop=$(losetup -f --show /tmp/slow.img)
modprobe dm-delay
run "dmsetup create slow --table \"0 $(blockdev --getsz "$loop") delay $loop 0 20\"   # 20 ms per I/O"
head -c 8388608 /dev/urandom >/tmp/demo-data
dd if=/tmp/demo-data of=/dev/mapper/slow bs=1M oflag=direct status=none
run "rapiddisk -g -m rd1 -b /dev/mapper/slow -p wt"
settle
run "rapiddisk -g -l"
say "dd if=/dev/mapper/rc-wt_slow bs=1M count=8 iflag=direct   # first read: from the slow disk"
first=$( { time -p dd if=/dev/mapper/rc-wt_slow of=/dev/null bs=1M count=8 iflag=direct status=none; } 2>&1 | awk '/real/{print $2}')
echo "real ${first}s"
say "dd if=/dev/mapper/rc-wt_slow bs=1M count=8 iflag=direct   # again: from RAM"
second=$( { time -p dd if=/dev/mapper/rc-wt_slow of=/dev/null bs=1M count=8 iflag=direct status=none; } 2>&1 | awk '/real/{print $2}')
echo "real ${second}s"
check "the data read through the cache is the disk's" cmp /tmp/demo-data <(dd if=/dev/mapper/rc-wt_slow bs=1M count=8 iflag=direct status=none)
run "rapiddisk -g -s rc-wt_slow   # reads writes cache-hits replacement ... cache-writes"
run "rapiddisk -j -s rc-wt_slow"
hits=$("$RAPIDDISK" -g -s rc-wt_slow | cut -d' ' -f3)
check "the second read was served from the cache ($hits hits)" test "$hits" -ge 2048
run "rapiddisk -g -u rc-wt_slow"
run "rapiddisk -g -f rd1         # dm-writecache wants a clean cache disk"
run "rapiddisk -g -m rd1 -b /dev/mapper/slow -p wb   # writeback through dm-writecache"
settle
check "writeback mapping" test -b /dev/mapper/rc-wb_slow
run "dd if=/tmp/demo-data of=/dev/mapper/rc-wb_slow bs=1M seek=64 oflag=direct status=none && rapiddisk -g -s rc-wb_slow"
run "rapiddisk -g -u rc-wb_slow   # writes the dirty blocks back first"
check "written data reached the slow disk" cmp /tmp/demo-data <(dd if=/dev/mapper/slow bs=1M skip=64 count=8 iflag=direct status=none)
dmsetup remove slow
losetup -d "$loop"
run "rapiddisk -g -r rd1 -c 128 && rapiddisk -g -d rd0 && rapiddisk -g -d rd1 && rapiddisk -g -l"
check "no RAM disks left" test -z "$(ls /sys/block | grep '^rd')"
unload_rc
check "unload" unload_rd
