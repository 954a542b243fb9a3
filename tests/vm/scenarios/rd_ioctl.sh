# The driver-private ioctls and BLKROSET.
. "$RD_TOP/tests/vm/lib.sh"

check "module loads" load_rd
mgmt "rapiddisk attach 0 67108864"
wait_node /dev/rd0
check_eq "stats of a new disk" 0 "$(rdioctl /dev/rd0 stats)"
check_eq "usage of a new disk" 0 "$(rdioctl /dev/rd0 usage)"
dd if=/dev/urandom of=/dev/rd0 bs=1M count=4 oflag=direct status=none
check_eq "usage after 4 MiB" 1024 "$(rdioctl /dev/rd0 usage)"
check_eq "stats after 4 MiB" 8192 "$(rdioctl /dev/rd0 stats)"
check_eq "devices shows usage in bytes" "rd0	67108864	0	4194304" "$(sed -n 2p $DEVICES)"

# a segment crossing a page boundary counts its real end (upstream over-counts)
dd if=/dev/urandom of=/dev/rd0 bs=512 seek=10005 count=6 oflag=direct status=none
check_eq "stats after an unaligned write" 10011 "$(rdioctl /dev/rd0 stats)"

exec 3</dev/rd0
check_eq "flush while open elsewhere is EBUSY" "ERR EBUSY" "$(rdioctl /dev/rd0 flush)"
check_eq "EBUSY flush kept the data" 1026 "$(rdioctl /dev/rd0 usage)"
check_eq "EBUSY flush kept the counters" 10011 "$(rdioctl /dev/rd0 stats)"
exec 3<&-
check_eq "flush" flushed "$(rdioctl /dev/rd0 flush)"
check_eq "flush freed the pages" 0 "$(rdioctl /dev/rd0 usage)"
check_eq "flush reset the written mark" 0 "$(rdioctl /dev/rd0 stats)"
check "flushed disk reads zeroes" cmp <(head -c 4194304 /dev/zero) <(dd if=/dev/rd0 bs=1M count=4 status=none)
check_eq "size kept" 131072 "$(sectors rd0)"

for probe in 5331 5395 5401 2285; do
	check_eq "probe ioctl 0x$probe is EINVAL" "ERR EINVAL" "$(rdioctl /dev/rd0 raw $probe)"
done
check_eq "unknown ioctl is ENOTTY" "ERR ENOTTY" "$(rdioctl /dev/rd0 raw 1234)"
check "unknown ioctl is logged" sh -c "dmesg | grep -q 'rapiddisk: 0x1234 invalid ioctl.'"
check_eq "bad user pointer is EFAULT" "ERR EFAULT" "$(rdioctl /dev/rd0 badptr-stats)"

# read-only through the generic BLKROSET
check_eq "lock" "ro=1" "$(rdioctl /dev/rd0 setro 1)"
check_eq "locked" 1 "$(rdioctl /dev/rd0 getro)"
check_fails "write to a locked disk fails" dd if=/dev/zero of=/dev/rd0 bs=4096 count=1 oflag=direct status=none
check_eq "failed write allocated nothing" 0 "$(rdioctl /dev/rd0 usage)"
check "read of a locked disk works" dd if=/dev/rd0 of=/dev/null bs=4096 count=1 status=none
check_eq "unlock" "ro=0" "$(rdioctl /dev/rd0 setro 0)"
check "write after unlock" dd if=/dev/zero of=/dev/rd0 bs=4096 count=1 oflag=direct status=none
check "detach" mgmt "rapiddisk detach 0"
check "unload" unload_rd
