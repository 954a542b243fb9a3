# Module parameters, load-time disks, unload with disks attached.
. "$RD_TOP/tests/vm/lib.sh"

check "load with rd_nr=3 rd_size=8" load_rd rd_nr=3 rd_size=8
for n in 0 1 2; do
	wait_node /dev/rd$n
	check_eq "preloaded rd$n is 8 MiB" 16384 "$(sectors rd$n)"
done
check_eq "three attached" "Number of Attached Devices: 3" "$(grep Attached $MGMT)"
check "unload" unload_rd

check_fails "rd_nr above rd_max_nr fails the load" load_rd rd_nr=3 rd_size=1 rd_max_nr=2
check_fails "failed load left no disk" test -e /sys/block/rd0
check_fails "failed load left no sysfs dir" test -e /sys/kernel/rapiddisk
check_fails "max_sectors=1 is refused" load_rd max_sectors=1
check_fails "nr_requests=0 is refused" load_rd nr_requests=0

check "load with rd_max_nr=2 max_sectors=64 nr_requests=32" load_rd rd_max_nr=2 max_sectors=64 nr_requests=32
check_eq "mgmt shows the parameters" \
	"$(printf 'RapidDisk 9.2.0\n\nMaximum Number of Attachable Devices: 2\nNumber of Attached Devices: 0\nMax Sectors (KB): 64\nNumber of Requests: 32\n')" \
	"$(cat $MGMT)"
check "attach 1 of 2" mgmt "rapiddisk attach 7 1048576"
check "attach 2 of 2" mgmt "rapiddisk attach 9 1048576"
check_eq "third attach refused" "Invalid argument" "$(mgmt_err "rapiddisk attach 8 1048576")"
check "limit logged" sh -c "dmesg | grep -q 'Reached maximum number of attached disks.'"
check_eq "max_sectors applied to the queue" 64 "$(cat /sys/block/rd7/queue/max_hw_sectors_kb)"
check "unload" unload_rd

# unload with disks attached and full of data frees all their memory
free_before=$(free_kb)
check "load" load_rd
for n in 0 1 2 3; do
	mgmt "rapiddisk attach $n 134217728"
	wait_node /dev/rd$n
	dd if=/dev/urandom of=/dev/rd$n bs=1M count=64 oflag=direct status=none
done
free_loaded=$(free_kb)
check "256 MiB of data is resident" test $((free_before - free_loaded)) -gt 250000
check "unload with four disks attached" unload_rd
check_fails "disks gone" test -e /sys/block/rd0
free_after=$(free_kb)
echo "  MemFree kB: before $free_before, loaded $free_loaded, after $free_after"
check "memory given back (within 8 MiB)" test $((free_before - free_after)) -lt 8192
