# The rapiddisk command on RAM disks: start-up checks, attach, list (text
# and JSON), lock/unlock, resize, flush, detach, resources, and kernel
# refusals reported as errors.
. "$RD_TOP/tests/vm/lib.sh"

check "rapiddisk was built" test -x "$RAPIDDISK"
version=$(awk -F'"' '/^version/{print $2; exit}' "$RD_TOP/Cargo.toml")

# start-up: root first, then the modules (messages on stderr, exit 255)
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$RAPIDDISK" -v)
check_eq "non-root: exit 243" 243 $?
check_eq "non-root: message" $'\nYou must be root or contain sudo permissions to initiate this.' "$out"
cli -l
check_eq "no module: exit" 255 "$rc"
check_eq "no module: stderr" "Please ensure that the RapidDisk module is loaded and retry." "$err"
check "load rapiddisk (at most 3 disks)" load_rd rd_max_nr=3
cli -l
check_eq "no cache module: stderr" "Please ensure that the RapidDisk-Cache module is loaded and retry." "$err"
check "load rapiddisk-cache" load_rc

cli -v
check_eq "-v: version line" "rapiddisk $version" "$(head -n1 <<<"$out")"
check_eq "-v: exit" 0 "$rc"
cli -h
check "-h: help after the header" grep -q -- '-m RD -b DEV' <<<"$out"
cli -z
check_eq "invalid option: exit" 255 "$rc"
check_eq "invalid option: getopt's message" "$RAPIDDISK: invalid option -- 'z'" "$err"
check_cli "no disks: list" 254 "Unable to locate any RapidDisk devices." -g -l
check_cli "no disks: list JSON" 254 "$(json_status 1 'Unable to locate any RapidDisk devices.')" -j -l

# attach: names from upstream's index rule, sizes from the size grammar
check_cli "attach 64" 0 "Attached device rd0 of size 64 Mbytes." -g -a 64
check_cli "attach 1GB (JSON)" 0 "$(json_status 0 'Attached device rd1 of size 953 Mbytes.')" -j -a 1GB
check_eq "rd0 is 64 MiB" 67108864 "$(blockdev --getsize64 /dev/rd0)"
check_eq "rd1 is 953 MiB" $((953 * 1048576)) "$(blockdev --getsize64 /dev/rd1)"
check_cli "attach 100KB is too small" 234 "Error. Invalid argument(s) or values entered." -g -a 100KB
check_cli "attach with a bad suffix" 234 "Error during matching of size in string '64M': 'no match'." -g -a 64M
check_cli "attach 2MiB" 0 "Attached device rd2 of size 2 Mbytes." -g -a 2MiB
# the kernel refuses a fourth disk (rd_max_nr=3): an error, not "Attached"
cli -g -a 8
check_eq "kernel refusal: exit is EINVAL" 234 "$rc"
check_eq "kernel refusal: message" "mem_device_attach: write: /sys/kernel/rapiddisk/mgmt: Invalid argument" "$out"
check "kernel refusal: no rd3" test ! -e /sys/block/rd3
settle

# list: discovery order is the raw order of /sys/block
expected_list() {
	local i=0 rd usage status
	printf 'List of RapidDisk device(s):\n\n'
	for rd in $(ls -U /sys/block | grep '^rd'); do
		i=$((i + 1))
		usage=$(( $(rdioctl "/dev/$rd" usage) * 4 ))
		status=Unlocked
		[ "$(blockdev --getro "/dev/$rd")" = 1 ] && status=Locked
		printf ' RapidDisk Device %d: %s\tSize (KB): %d\tUsage (KB): %d\tStatus: %s\n' \
			"$i" "$rd" $(( $(cat "/sys/block/$rd/size") / 2 )) "$usage" "$status"
	done
	printf '\nList of RapidDisk-Cache mapping(s):\n\n  None\n'
}
expected_json() {
	local sep="" rd
	printf '{"volumes": [{"rapiddisk": ['
	for rd in $(ls -U /sys/block | grep '^rd'); do
		status=unlocked
		[ "$(blockdev --getro "/dev/$rd")" = 1 ] && status=locked
		printf '%s{"device": "%s", "size": %d, "usage": %d, "status": "%s"}' "$sep" "$rd" \
			$(( $(cat "/sys/block/$rd/size") * 512 )) $(( $(rdioctl "/dev/$rd" usage) * 4096 )) "$status"
		sep=", "
	done
	printf ']}, {"rapiddisk_cache": []}]}'
}
head -c 1048576 /dev/urandom >/tmp/one-mib
dd if=/tmp/one-mib of=/dev/rd0 bs=1M seek=10 oflag=direct status=none
check_cli "list (text)" 0 "$(expected_list)" -g -l
check_cli "list (JSON)" 0 "$(expected_json)" -j -l
cli -l
check_eq "list with the header" "rapiddisk $version" "$(head -n1 <<<"$out")"

# lock / unlock
check_cli "lock rd1 (JSON)" 0 "$(json_status 0 'Device rd1 is now set to read-only')" -j -L rd1
check_eq "rd1 is read-only" 1 "$(blockdev --getro /dev/rd1)"
check_fails "a write to a locked disk fails" dd if=/tmp/one-mib of=/dev/rd1 bs=1M oflag=direct status=none
check_cli "list shows the lock" 0 "$(expected_list)" -g -l
check "list JSON shows the lock" grep -q '"device": "rd1", "size": 999292928, "usage": 0, "status": "locked"' <<<"$(expected_json)"
check_cli "unlock rd1" 0 "Device rd1 is now set to read-write" -g -U rd1
check_eq "rd1 is writable" 0 "$(blockdev --getro /dev/rd1)"
check_cli "lock of an unknown disk" 254 "Error. Device rd7 does not exist." -g -L rd7

# resize: rd0 has data up to 11 MiB
check_cli "resize to the same size" 234 "Error. Size is currently set to 64 Mbytes. Please specify a size larger than 11 Mbytes." -g -r rd0 -c 64
check_cli "resize below the data" 234 "Error. Please specify a size larger than 11 Mbytes." -g -r rd0 -c 8
check_cli "resize below the data (JSON)" 234 "$(json_status 1 'Error. Please specify a size larger than 11 Mbytes.')" -j -r rd0 -c 8
check_cli "resize without -c" 234 "Error during matching of size in string '': 'no match'." -g -r rd0
check_cli "grow rd0" 0 "Resized device rd0 to 128 Mbytes." -g -r rd0 -c 128
check_eq "rd0 is 128 MiB" 134217728 "$(blockdev --getsize64 /dev/rd0)"
check_cli "shrink rd0 above the data (JSON)" 0 "$(json_status 0 'Resized device rd0 to 32 Mbytes.')" -j -r rd0 -c 32MiB
check_eq "rd0 is 32 MiB" 33554432 "$(blockdev --getsize64 /dev/rd0)"
check "data survived the resizes" cmp /tmp/one-mib <(dd if=/dev/rd0 bs=1M skip=10 count=1 iflag=direct status=none)

# flush
settle
check_cli "flush rd0 (JSON)" 0 "$(json_status 0 'Flushed all data from device rd0.')" -j -f rd0
check_eq "flush freed the pages" 0 "$(rdioctl /dev/rd0 usage)"
check "flushed data reads as zeroes" cmp <(head -c 1048576 /dev/zero) <(dd if=/dev/rd0 bs=1M skip=10 count=1 iflag=direct status=none)
exec 3</dev/rd0
cli -g -f rd0
check_eq "flush of an open disk: exit EIO" 251 "$rc"
check_eq "flush of an open disk: message" "mem_device_flush: ioctl: Device or resource busy" "$out"

# detach: an open disk is refused by the kernel, a mounted one by the tool
cli -g -d rd0
check_eq "detach of an open disk: exit EBUSY" 240 "$rc"
check_eq "detach of an open disk: message" "mem_device_detach: write: /sys/kernel/rapiddisk/mgmt: Device or resource busy" "$out"
exec 3<&-
mkfs.ext4 -q /dev/rd2
mkdir -p /tmp/m && mount /dev/rd2 /tmp/m
check_cli "detach of a mounted disk" 255 'rd2 is currently mounted. Please "umount" and retry.' -g -d rd2
check_cli "detach of a mounted disk (JSON)" 255 '{"status": "Failed", "message": "rd2 is currently mounted. Please \"umount\" and retry."}' -j -d rd2
check_cli "flush of a mounted disk" 240 'rd2 is currently mounted. Please "umount" and retry.' -g -f rd2
settle
check_cli "flush rd1" 0 "Flushed all data from device rd1." -g -f rd1
umount /tmp/m
check_cli "detach of an unknown disk" 255 "Error. Device rd5 does not exist." -g -d rd5
check_cli "detach rd0" 0 "Detached device rd0." -g -d rd0
check "rd0 is gone" test ! -e /sys/block/rd0
check_cli "detach rd2 (JSON)" 0 "$(json_status 0 'Detached device rd2.')" -j -d rd2
# with rd1 left, the next disk is rd0 again (upstream's index rule)
check_cli "attach after detaches" 0 "Attached device rd0 of size 16 Mbytes." -g -a 16

# resources: memory from sysinfo, volumes sd*/nvme*/pmem* with vendor/model
modprobe scsi_debug dev_size_mb=16 2>/dev/null && settle
mem_total=$(awk '/MemTotal/{print $2 * 1024}' /proc/meminfo)
cli -g -q
qtext=$out
check_eq "resources: memory total" " Memory total: $mem_total" "$(sed -n 3p <<<"$out")"
check "resources: memory free is a number" grep -Eq '^ Memory free: [0-9]+$' <<<"$(sed -n 4p <<<"$out")"
sd=$(ls -U /sys/block | grep -E '^(sd|nvme|pmem)' | head -n1)
if [ -n "$sd" ]; then
	vendor=$(cut -d' ' -f1 <"/sys/block/$sd/device/vendor")
	model=$(cut -d' ' -f1 <"/sys/block/$sd/device/model")
	check "resources: $sd listed" grep -qF "$(printf '\tDevice: %s\n\tSize (MB): %d\n\tVendor: %s\n\tModel: %s' "$sd" $(( $(cat "/sys/block/$sd/size") / 2048 )) "$vendor" "$model")" <<<"$qtext"
	cli -j -q
	check "resources JSON: $sd listed" grep -qF "{\"device\": \"$sd\", \"size\": $(( $(cat "/sys/block/$sd/size") * 512 )), \"vendor\": \"$vendor\", \"model\": \"$model\"}" <<<"$out"
	check "resources JSON: memory" grep -q "^{\"resources\": \[{\"memory\": \[{\"mem_total\": $mem_total, \"mem_free\": [0-9]*}\]}, {\"volumes\": \[" <<<"$out"
else
	not_ok "resources: scsi_debug gave no sd device"
fi
check_fails "rd and vd devices are not resources" grep -Eq 'Device: (rd|vd|dm-)' <<<"$qtext"

for rd in $(ls /sys/block | grep '^rd'); do "$RAPIDDISK" -g -d "$rd" >/dev/null; done
check "all disks detached" test -z "$(ls /sys/block | grep '^rd')"
rmmod scsi_debug 2>/dev/null
unload_rc
unload_rd
