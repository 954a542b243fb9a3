# rapiddisk-cache on failing and unusual sources: errors surface and are
# never cached, wrong data never appears; 4 KiB-sector sources; busy removal.
. "$RD_TOP/tests/vm/lib.sh"

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
modprobe -q dm-flakey
mgmt "rapiddisk attach 0 33554432"
wait_node /dev/rd0
truncate -s 128M /tmp/f.img
# a known pattern: every 4 KiB block holds its own number
python3 -c "
import struct, sys
with open('/tmp/f.img', 'r+b') as f:
    for b in range(32768):
        f.write(struct.pack('<Q', b) * 512)
"
loop=$(losetup -f --show /tmp/f.img)

# half good, half failing source
dmsetup create rcf-src --table "0 131072 linear $loop 0
131072 131072 error"
check "map over a half-failing source" dmsetup create rcf --table "0 262144 rapiddisk-cache /dev/mapper/rcf-src /dev/rd0 65536 0"
block() { python3 -c "import struct; print(struct.unpack('<Q', open('/dev/stdin','rb').read(8))[0])"; }
check_eq "good half reads right" 100 "$(read4k /dev/mapper/rcf 800 | block)"
check_fails "failing half: read error surfaces" read4k /dev/mapper/rcf 140000
settle
blocks=$(dmsetup table rcf | grep -oP 'cached blocks\(\K[0-9]+')
check_fails "failing half: second read fails too (nothing cached)" read4k /dev/mapper/rcf 140000
head -c 4096 /dev/zero >/tmp/z
check_fails "failing half: write-through write error surfaces" write4k /dev/mapper/rcf 140000 /tmp/z
check_fails "failing half: failed write was not cached" read4k /dev/mapper/rcf 140000
settle
check_eq "no block cached by the failures" "$blocks" "$(dmsetup table rcf | grep -oP 'cached blocks\(\K[0-9]+')"
check "remove" dm_remove rcf
dm_remove rcf-src

# flakey source: up 1 s, down 1 s; every read is an error or the right data
dmsetup create rcf-flakey --table "0 262144 flakey $loop 0 1 1"
check "map over a flakey source" dmsetup create rcf --table "0 262144 rapiddisk-cache /dev/mapper/rcf-flakey /dev/rd0 65536 0"
wrong=0 errors=0 good=0
# at least 8 s, and on (up to 60 s) until both kinds were seen: on a loaded
# host one read can take longer than an up interval
start=$SECONDS
while [ $((SECONDS - start)) -lt 8 ] || { [ $((SECONDS - start)) -lt 60 ] &&
	[ $((good == 0 || errors == 0)) -eq 1 ]; }; do
	b=$((RANDOM % 2048))
	if v=$(read4k /dev/mapper/rcf $((b * 8)) | block 2>/dev/null) && [ -n "$v" ]; then
		if [ "$v" -eq "$b" ]; then good=$((good + 1)); else wrong=$((wrong + 1)); fi
	else
		errors=$((errors + 1))
	fi
done
echo "  flakey reads: $good right, $errors errors, $wrong wrong"
check_eq "flakey source: no wrong data" 0 "$wrong"
check "flakey source: errors surfaced" test "$errors" -gt 0
check "flakey source: reads succeeded too" test "$good" -gt 0
check "remove" dm_remove rcf
dm_remove rcf-flakey

# removal while busy
dmsetup create rcf --table "0 262144 rapiddisk-cache $loop /dev/rd0 65536 0"
fio --name=busy --filename=/dev/mapper/rcf --direct=1 --ioengine=psync --rw=randwrite --bs=4k \
	--size=64M --verify=crc32c --verify_fatal=1 --verify_state_save=0 --output=/tmp/fio-busy.log & p=$!
# fio opens the device once to size it before it opens it for I/O: wait
# for its writes, not for the first open
for i in $(seq 150); do
	[ "$(dmsetup info -c --noheadings -o open rcf)" -gt 0 ] && [ "$(rc_stat rcf writes)" -gt 0 ] && break
	sleep 0.2
done
check_fails "remove while fio runs is refused" dmsetup remove rcf
check "fio during the refused remove verified" wait $p
check "remove when idle" dm_remove rcf
losetup -d "$loop"

# a source with 4 KiB logical sectors
loop4k=$(losetup -b 4096 -f --show /tmp/f.img)
check "map over a 4 KiB-sector source" dmsetup create rcf4k --table "0 262144 rapiddisk-cache $loop4k /dev/rd0 65536 0"
dm=$(basename "$(readlink -f /dev/mapper/rcf4k)")
check_eq "mapping has 4 KiB logical blocks" 4096 "$(cat /sys/block/$dm/queue/logical_block_size)"
check "fio verify 4k and 16k" fio --name=b4k --filename=/dev/mapper/rcf4k --direct=1 --ioengine=libaio \
	--iodepth=4 --rw=randwrite --bsrange=4k-16k --blockalign=4k --size=32M --numjobs=2 \
	--offset_increment=48M --verify=crc32c --verify_fatal=1 --verify_state_save=0 --output=/tmp/fio-4k.log
check "mkfs.ext4" mkfs.ext4 -q -F /dev/mapper/rcf4k
check "fsck" fsck.ext4 -fn /dev/mapper/rcf4k
check "remove" dm_remove rcf4k
settle
losetup -d "$loop4k"
check "unload rapiddisk-cache" unload_rc
mgmt "rapiddisk detach 0"
check "unload rapiddisk" unload_rd
