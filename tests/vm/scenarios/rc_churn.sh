# rapiddisk-cache tables come and go without leaking: mappings over a 1 GiB
# cache (2 MiB of block metadata each) are created, used and removed again
# and again, and the memory is back afterwards, also once the module is gone.
. "$RD_TOP/tests/vm/lib.sh"

check "load rapiddisk" load_rd
mgmt "rapiddisk attach 0 1073741824"
wait_node /dev/rd0
modprobe -q loop
truncate -s 1G /tmp/churn-src.img
src=$(losetup -f --show /tmp/churn-src.img)
ssz=$(blockdev --getsz "$src")
head -c 4096 /dev/urandom >/tmp/churn-a
settle

free_before=$(free_kb)
check "load rapiddisk-cache" load_rc
ok_cycles=0
for i in $(seq 20); do
	mode=$((i % 2))
	dmsetup create rc-churn --table "0 $ssz rapiddisk-cache $src /dev/rd0 2097152 $mode" || break
	# a write, a miss and a hit on a different block each time
	write4k /dev/mapper/rc-churn $((i * 8192)) /tmp/churn-a &&
		read4k /dev/mapper/rc-churn $((i * 8192 + 8)) >/dev/null &&
		cmp -s /tmp/churn-a <(read4k /dev/mapper/rc-churn $((i * 8192))) || break
	dm_remove rc-churn || break
	ok_cycles=$i
done
check_eq "20 mappings created, used and removed" 20 "$ok_cycles"
free_mapped=$(free_kb)
echo "  free memory: $free_before kB before, $free_mapped kB after 20 mappings"
# 20 leaked tables would hold over 40 MiB of block metadata alone
check "memory given back after 20 mappings (within 8 MiB)" test $((free_before - free_mapped)) -lt 8192
check "unload rapiddisk-cache" unload_rc
free_after=$(free_kb)
check "memory given back after unload (within 8 MiB)" test $((free_before - free_after)) -lt 8192

losetup -d "$src"
rm -f /tmp/churn-src.img /tmp/churn-a
mgmt "rapiddisk detach 0"
check "unload rapiddisk" unload_rd
