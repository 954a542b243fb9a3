# make demo: RAM disks at work, shown step by step (checked as it goes).
. "$RD_TOP/tests/vm/lib.sh"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; eval "$@"; }

check "load rapiddisk.ko" load_rd
run "cat /sys/kernel/rapiddisk/mgmt"
run "echo 'rapiddisk attach 0 268435456' > /sys/kernel/rapiddisk/mgmt   # 256 MiB"
run "echo 'rapiddisk attach 1 67108864' > /sys/kernel/rapiddisk/mgmt    # 64 MiB"
wait_node /dev/rd0 && wait_node /dev/rd1
check "two RAM disks" test -b /dev/rd0 -a -b /dev/rd1
run "lsblk -o NAME,SIZE,ROTA,PHY-SEC,LOG-SEC,DISC-GRAN /dev/rd0 /dev/rd1"
mnt=$(mktemp -d)
run "mkfs.ext4 -q /dev/rd0 && mount /dev/rd0 $mnt"
src=$(mktemp -d)
for i in $(seq 200); do head -c $(( (i * 7919) % 200000 )) /dev/urandom >"$src/file$i"; done
run "cp -a $src $mnt/data && sync && df -h $mnt"
run "cat /sys/kernel/rapiddisk/devices   # Used: memory the data really takes"
check "files on the RAM disk match" diff -r "$src" "$mnt/data"
run "rm -rf $mnt/data && sync && fstrim -v $mnt && cat /sys/kernel/rapiddisk/devices   # discard gives memory back"
check "fstrim gave the memory back" test "$(pages_used rd0)" -lt 2048
run "umount $mnt && fsck.ext4 -fn /dev/rd0 >/dev/null && echo fsck: clean"
run "echo 'rapiddisk resize 1 134217728' > /sys/kernel/rapiddisk/mgmt && cat /sys/block/rd1/size"
run "echo 'rapiddisk detach 0' > /sys/kernel/rapiddisk/mgmt; echo 'rapiddisk detach 1' > /sys/kernel/rapiddisk/mgmt"
run "cat /sys/kernel/rapiddisk/devices"
check "unload" unload_rd
