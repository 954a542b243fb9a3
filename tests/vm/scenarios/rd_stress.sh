# Garbage on mgmt, and attach/detach churn while other disks do I/O.
. "$RD_TOP/tests/vm/lib.sh"

check "module loads" load_rd
mgmt "rapiddisk attach 0 67108864"
mgmt "rapiddisk attach 1 67108864"
wait_node /dev/rd0
check "1000 garbage lines refused, nothing changed" mgmt_garbage.py 1000 "${RD_SEED:-$$}"

# fio verify on rd0 and rd1 while rd100..rd139 come and go
fio_job() {
	fio --name="churn-$1" --filename="/dev/$1" --direct=1 --ioengine=psync \
		--rw=randwrite --bs=4k --size=32M --loops=2 --numjobs=1 \
		--verify=crc32c --verify_fatal=1 --verify_state_save=0 --output=/tmp/fio-churn-"$1".log
}
fio_job rd0 & p0=$!
fio_job rd1 & p1=$!
churn_ok=1
for round in $(seq 0 39); do
	n=$((100 + round % 10))
	if [ -b /dev/rd$n ]; then
		mgmt "rapiddisk detach $n" || churn_ok=0
	else
		mgmt "rapiddisk attach $n 8388608" || churn_ok=0
		wait_node /dev/rd$n && dd if=/dev/urandom of=/dev/rd$n bs=64k count=16 oflag=direct status=none || churn_ok=0
	fi
done
check "attach/detach churn succeeded" test $churn_ok -eq 1
check "fio verify on rd0 during churn" wait $p0
check "fio verify on rd1 during churn" wait $p1

# parallel mgmt writers racing for the same numbers: each number ends up
# attached exactly once
for w in 1 2 3 4; do
	( for n in $(seq 200 231); do mgmt "rapiddisk attach $n 4096" 2>/dev/null; done ) &
done
wait
check_eq "racing attaches made each disk once" 32 "$(grep -c '^rd2[0-3][0-9]' $DEVICES)"
check "unload with 40+ disks attached" unload_rd
