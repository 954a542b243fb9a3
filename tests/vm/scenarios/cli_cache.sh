# The rapiddisk command on cache mappings: map in write-through,
# write-around and writeback (dm-writecache), list, statistics (text and
# JSON), the refusals, unmap (with a writeback flush).
. "$RD_TOP/tests/vm/lib.sh"

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
modprobe dm-writecache
check "dm-writecache is a module" test -d /sys/module/dm_writecache
check_cli "attach the cache disk" 0 "Attached device rd0 of size 64 Mbytes." -g -a 64
check_cli "attach a second disk" 0 "Attached device rd1 of size 32 Mbytes." -g -a 32
truncate -s 256M /tmp/src.img
src=$(losetup -f --show /tmp/src.img)
loop=${src#/dev/}
ssz=$(blockdev --getsz "$src")
settle

# refusals before anything is mapped
check_cli "map without a source" 234 "Error. Invalid argument(s) or values entered." -g -m rd0
check_cli "map with an unknown disk" 254 "Error. Device rd9 does not exist." -g -m rd9 -b "$src"
check_cli "map a source outside /dev" 255 "Error. Source device does not seem to be a normal block device listed in the /dev directory path." -g -m rd0 -b "$loop"
check_cli "map a missing source" 254 "cache_device_map: open: No such file or directory" -g -m rd0 -b /dev/rapiddisk-none
check_cli "stats with no mappings" 255 "No RapidDisk-Cache Mappings exist." -g -s "rc-wt_$loop"

# the numbers of a mapping's status line, after start and length
stats_numbers() { dmsetup status "$1" | grep -oE '[0-9]+' | tail -n +3 | paste -sd' '; }
majmin() { printf '%d:%d' $(stat -c '0x%t 0x%T' "$1"); }

for mode in wt wa; do
	name=rc-${mode}_$loop
	[ $mode = wt ] && flag=0 label="WRITE THROUGH" jmode=write-through || flag=1 label="WRITE AROUND" jmode=write-around
	check_cli "map $mode" 0 "Command to map $name with rd0 and $src has been sent." -g -m rd0 -b "$src" -p $mode
	check "$mode: /dev/mapper/$name is a link to a dm node" test -L "/dev/mapper/$name"
	table=$(dmsetup table "$name")
	check_eq "$mode: table start, length, type" "0 $ssz rapiddisk-cache conf:" "$(head -n1 <<<"$table")"
	check "$mode: table devices and mode" grep -qF "RapidDisk dev (/dev/rd0), disk dev ($src) mode ($( [ $flag = 0 ] && echo WRITETHROUGH || echo WRITE_AROUND ))" <<<"$table"
	check "$mode: table capacity is rd0" grep -qF "capacity(64M)" <<<"$table"
	cli -g -l
	check "$mode: list line" grep -qF "$(printf ' RapidDisk-Cache Target 1: %s\tCache: rd0  Target: %s (%s)' "$name" "$loop" "$label")" <<<"$out"
	cli -j -l
	check "$mode: list JSON" grep -qF "{\"rapiddisk_cache\": [{\"device\": \"$name\", \"cache\": \"rd0\", \"source\": \"$loop\", \"mode\": \"$jmode\"}]}" <<<"$out"
	check_cli "$mode: rd0 cannot be mapped twice" 255 "Error. At least one of your cache/source devices is currently mapped to $name." -g -m rd0 -b /dev/rd1
	check_cli "$mode: the source cannot be mapped twice" 255 "Error. At least one of your cache/source devices is currently mapped to $name." -g -m rd1 -b "$src"
	check_cli "$mode: the cache disk cannot be detached" 255 "Error. Unable to remove rd0. This RapidDisk device is currently mapped as a cache drive to $name." -g -d rd0
	check_cli "$mode: the cache disk cannot be flushed" 240 "Error. Unable to remove rd0. This RapidDisk device is currently mapped as a cache drive to $name." -g -f rd0
	# some traffic, then the counters as the target reports them
	head -c 4194304 /dev/urandom >/tmp/data
	dd if=/tmp/data of="/dev/mapper/$name" bs=1M oflag=direct status=none
	dd if="/dev/mapper/$name" of=/dev/null bs=4k count=1024 iflag=direct status=none
	dd if="/dev/mapper/$name" of=/dev/null bs=4k count=1024 iflag=direct status=none
	settle
	want="$(stats_numbers "$name") 0 0"
	check_cli "$mode: stats text" 0 "$want" -g -s "$name"
	check_eq "$mode: 15 numbers" 15 "$(wc -w <<<"$out")"
	read -r -a n <<<"$want"
	keys=(reads writes cache_hits replacement write_replacement read_invalidates write_invalidates uncached_reads uncached_writes disk_reads disk_writes cache_reads cache_writes)
	json="{\"statistics\": [{\"cache_stats\": [{\"device\": \"$name\""
	for i in "${!keys[@]}"; do json+=", \"${keys[$i]}\": ${n[$i]}"; done
	json+="}]}]}"
	check_cli "$mode: stats JSON" 0 "$json" -j -s "$name"
	check "$mode: data reached the source" cmp /tmp/data <(head -c 4194304 "$src")
	# mounted mappings stay
	mkfs.ext4 -q "/dev/mapper/$name"
	mkdir -p /tmp/m && mount "/dev/mapper/$name" /tmp/m
	check_cli "$mode: unmap of a mounted mapping" 240 "$name is currently mounted. Please \"umount\" and retry." -g -u "$name"
	umount /tmp/m
	settle
	check_cli "$mode: unmap" 0 "Command to unmap $name has been sent." -g -u "$name"
	check "$mode: mapping removed" test ! -e "/dev/mapper/$name"
done
check_cli "unmap of a missing mapping" 254 "Error. Cache target rc-wt_$loop does not exist." -g -u "rc-wt_$loop"

# device-mapper refusals: the kernel cannot claim a disk another opener
# holds exclusively, and cannot remove an open mapping
python3 -c 'import os, time; fd = os.open("/dev/rd1", os.O_RDONLY | os.O_EXCL); open("/tmp/excl", "w").close(); time.sleep(30)' &
holder=$!
for _ in $(seq 50); do [ -e /tmp/excl ] && break; sleep 0.1; done
check_cli "map a disk held exclusively" 255 "Error. Unable to create map. Please verify all input values are correct." -g -m rd1 -b "$src"
kill $holder; wait $holder 2>/dev/null
check_eq "a failed map leaves no device behind" "" "$(dmsetup ls | grep "^rc-" || true)"
check_cli "map wt again" 0 "Command to map rc-wt_$loop with rd1 and $src has been sent." -g -m rd1 -b "$src"
settle
exec 3<"/dev/mapper/rc-wt_$loop"
check_cli "unmap of an open mapping" 255 "Error. Unable to unmap rc-wt_$loop. Please check to make sure nothing is wrong." -g -u "rc-wt_$loop"
exec 3<&-
settle
check_cli "unmap once closed" 0 "Command to unmap rc-wt_$loop has been sent." -g -u "rc-wt_$loop"

# writeback through dm-writecache
name=rc-wb_$loop
check_cli "map wb (JSON)" 0 "$(json_status 0 "Command to map $name with rd0 and $src has been sent.")" -j -m rd0 -b "$src" -p wb
check_eq "wb: table" "0 $ssz writecache s $(majmin "$src") $(majmin /dev/rd0) 4096" "$(dmsetup table "$name" | cut -d' ' -f1-7)"
cli -g -l
check "wb: list line" grep -qF "$(printf ' dm-writecache Target   1: %s\tCache: rd0  Target: %s (WRITEBACK)' "$name" "$loop")" <<<"$out"
head -c 8388608 /dev/urandom >/tmp/data
dd if=/tmp/data of="/dev/mapper/$name" bs=1M seek=16 oflag=direct status=none
settle
want=$(stats_numbers "$name")
count=$(wc -w <<<"$want")
pad=""
for _ in $(seq $((count + 1)) 14); do pad+=" 0"; done
check_cli "wb: stats text (14 numbers)" 0 "$want$pad" -g -s "$name"
read -r -a n <<<"$want$pad"
keys=(errors num_blocks num_free_blocks num_wb_blocks num_read_req num_read_cache_hits num_write_req num_write_uncommitted_blk_hits num_write_committed_blk_hits num_write_cache_bypass num_write_cache_alloc num_write_freelist_blocked num_flush_req num_discard_req)
json="{\"statistics\": [{\"cache_stats\": [{\"device\": \"$name\""
for i in "${!keys[@]}"; do json+=", \"${keys[$i]}\": ${n[$i]}"; done
json+="}]}]}"
check_cli "wb: stats JSON" 0 "$json" -j -s "$name"
check "wb: writes were counted" test "${n[6]}" -gt 0
check_cli "wb: unmap flushes and removes" 0 "Command to unmap $name has been sent." -g -u "$name"
check "wb: written data is on the source after unmap" cmp /tmp/data <(dd if="$src" bs=1M skip=16 count=8 status=none)
check "wb: mapping removed" test ! -e "/dev/mapper/$name"

# a mapping over a mapping: the source is a /dev/mapper path
check_cli "map wa" 0 "Command to map rc-wa_$loop with rd0 and $src has been sent." -g -m rd0 -b "$src" -p wa
check_cli "map wb over it" 0 "Command to map rc-wb_rc-wa_$loop with rd1 and /dev/mapper/rc-wa_$loop has been sent." -g -m rd1 -b "/dev/mapper/rc-wa_$loop" -p wb
cli -j -l
check "stacked mappings listed" grep -qF "{\"device\": \"rc-wb_rc-wa_$loop\", \"cache\": \"rd1\", \"source\": \"dm-" <<<"$out"
settle
check_cli "unmap the top" 0 "Command to unmap rc-wb_rc-wa_$loop has been sent." -g -u "rc-wb_rc-wa_$loop"
settle
check_cli "unmap the bottom (JSON)" 0 "$(json_status 0 "Command to unmap rc-wa_$loop has been sent.")" -j -u "rc-wa_$loop"
check_cli "detach rd0" 0 "Detached device rd0." -g -d rd0
check_cli "detach rd1" 0 "Detached device rd1." -g -d rd1
losetup -d "$src"
unload_rc
unload_rd
