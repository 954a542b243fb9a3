# /sys/kernel/rapiddisk: exact formats, attach/detach/resize and every
# rejection case, queue properties of a disk.
. "$RD_TOP/tests/vm/lib.sh"

check "module loads" load_rd
check "major registered as rapiddisk" grep -q ' rapiddisk$' /proc/devices
check_eq "module version" 9.2.0 "$(cat /sys/module/rapiddisk/version)"
check_eq "rd_max_nr default" 1024 "$(cat /sys/module/rapiddisk/parameters/rd_max_nr)"
check_eq "max_sectors default" 127 "$(cat /sys/module/rapiddisk/parameters/max_sectors)"
check_eq "mgmt mode" 664 "$(stat -c %a $MGMT)"
check_eq "devices mode" 664 "$(stat -c %a $DEVICES)"

mgmt_text() {
	printf 'RapidDisk 9.2.0\n\nMaximum Number of Attachable Devices: %s\nNumber of Attached Devices: %s\nMax Sectors (KB): 127\nNumber of Requests: 128\n' "$1" "$2"
}
check_eq "mgmt text, no disks" "$(mgmt_text 1024 0)" "$(cat $MGMT)"
check_eq "devices table, no disks" "$(devices_table)" "$(cat $DEVICES)"

check "attach rd1 64 MiB" mgmt "rapiddisk attach 1 67108864"
check "attach rd0 (hex number, octal size)" mgmt "rapiddisk attach 0x0 0100000000"
check "attach rd12 of size 0" mgmt "rapiddisk attach 12 0"
check "attach without newline" sh -c "printf 'rapiddisk attach 3 1048576' > $MGMT"
check "node /dev/rd1" wait_node /dev/rd1
check "node /dev/rd0" wait_node /dev/rd0
check_eq "rd0 capacity" 32768 "$(sectors rd0)"
check_eq "rd12 capacity" 0 "$(sectors rd12)"
check_eq "mgmt text, 4 disks" "$(mgmt_text 1024 4)" "$(cat $MGMT)"
check_eq "devices in attach order" \
	"$(devices_table rd1 67108864 rd0 16777216 rd12 0 rd3 1048576)" "$(cat $DEVICES)"
check_eq "rd1 major:minor uses minor 1" "$(awk '$2=="rapiddisk"{print $1}' /proc/devices):1" \
	"$(cat /sys/block/rd1/dev)"

# queue properties
q=/sys/block/rd1/queue
check_eq "logical block size" 512 "$(cat $q/logical_block_size)"
check_eq "physical block size" 4096 "$(cat $q/physical_block_size)"
check_eq "non-rotational" 0 "$(cat $q/rotational)"
check_eq "no volatile write cache" "write through" "$(cat $q/write_cache)"
check_eq "max_hw_sectors_kb" 127 "$(cat $q/max_hw_sectors_kb)"
check_eq "discard granularity" 4096 "$(cat $q/discard_granularity)"
check "discard enabled" test "$(cat $q/discard_max_bytes)" -gt 0
check "write-zeroes enabled" test "$(cat $q/write_zeroes_max_bytes)" -gt 0
check_eq "no partitions" 1 "$(cat /sys/block/rd1/ext_range)"

# rejections: each must fail with EINVAL and change nothing
before=$(cat $DEVICES)
for line in \
	"rapiddisk attach 1 4096" \
	"rapiddisk attach 1048576 4096" \
	"rapiddisk attach 4 1000" \
	"rapiddisk attach 4" \
	"rapiddisk attach " \
	"rapiddisk attach x 4096" \
	"rapiddisk attach -1 4096" \
	"rapiddisk attach 4 4096 junk" \
	"rapiddisk attach 4 18446744073709551616" \
	"rapiddisk detach 7" \
	"rapiddisk detach" \
	"rapiddisk resize 7 4096" \
	"rapiddisk resize 1 1000" \
	"rapiddisk resize 1" \
	"rapiddisk remove 1" \
	"RAPIDDISK ATTACH 4 4096" \
	"" ; do
	check_eq "rejected: '$line'" "Invalid argument" "$(mgmt_err "$line")"
done
check_eq "rejections changed nothing" "$before" "$(cat $DEVICES)"
check_eq "writing devices fails with EIO" "Input/output error" \
	"$( { echo x >$DEVICES; } 2>&1 | sed 's/.*: //')"
big=$(head -c 5000 /dev/zero | tr '\0' 'a')
check_fails "write longer than a page is refused" sh -c "printf '%s' '$big' > $MGMT"
check "log names the refused command" sh -c "dmesg | grep -q 'rapiddisk: Unsupported command: rapiddisk remove 1'"

# resize rules: refuse at or below the highest written sector
check "attach rd5 1 MiB" mgmt "rapiddisk attach 5 1048576"
wait_node /dev/rd5
dd if=/dev/urandom of=/tmp/blk25 bs=4096 count=1 status=none
dd if=/tmp/blk25 of=/dev/rd5 bs=4096 seek=25 count=1 oflag=direct status=none
check_eq "highest written end sector" 208 "$(rdioctl /dev/rd5 stats)"
check_eq "shrink to the written end refused" "Invalid argument" "$(mgmt_err "rapiddisk resize 5 $((208 * 512))")"
check "shrink above the written end" mgmt "rapiddisk resize 5 $((209 * 512))"
check_eq "capacity after shrink" 209 "$(sectors rd5)"
check "grow to 256 MiB" mgmt "rapiddisk resize 5 268435456"
check_eq "capacity after grow" 524288 "$(sectors rd5)"
dd if=/dev/urandom of=/tmp/blk bs=4096 count=1 status=none
dd if=/tmp/blk of=/dev/rd5 bs=4096 seek=65535 count=1 oflag=direct status=none
check "write at the new end reads back" cmp /tmp/blk <(dd if=/dev/rd5 bs=4096 skip=65535 count=1 iflag=direct status=none)
check "data before the resizes kept" cmp /tmp/blk25 <(dd if=/dev/rd5 bs=4096 skip=25 count=1 iflag=direct status=none)
check_fails "I/O beyond the end fails" dd if=/dev/zero of=/dev/rd5 bs=4096 seek=65536 count=1 oflag=direct status=none

# detach refuses open devices
exec 3</dev/rd1
check_eq "detach of an open disk is EBUSY" "Device or resource busy" "$(mgmt_err "rapiddisk detach 1")"
check "open disk still there" test -b /dev/rd1
exec 3<&-
mnt=$(mktemp -d)
mkfs.ext4 -q -F /dev/rd3 && mount /dev/rd3 "$mnt"
check_eq "detach of a mounted disk is EBUSY" "Device or resource busy" "$(mgmt_err "rapiddisk detach 3")"
umount "$mnt"

for n in 1 0 12 3 5; do check "detach rd$n" mgmt "rapiddisk detach $n"; done
check_fails "node gone" test -b /dev/rd1
check_eq "no disks left" "$(devices_table)" "$(cat $DEVICES)"
check "unload" unload_rd
