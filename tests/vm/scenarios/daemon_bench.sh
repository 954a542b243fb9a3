# make bench, daemon part: rapiddiskd on loopback against `rapiddisk -j`
# (a benchmark: reports, asserts only that it ran).
. "$RD_TOP/tests/vm/lib.sh"
check "modules load" load_rd
check "cache module loads" load_rc
"$RD_TOP/target/release/rapiddiskd"
check "daemon started" test -s /run/rapiddiskd.pid
check_cli "a RAM disk" 0 "Attached device rd0 of size 64 Mbytes." -g -a 64
truncate -s 256M /tmp/bench-src.img
src=$(losetup -f --show /tmp/bench-src.img)
check_cli "a mapping" 0 "Command to map rc-wt_${src#/dev/} with rd0 and $src has been sent." -g -m rd0 -b "$src"
dd if="/dev/mapper/rc-wt_${src#/dev/}" of=/dev/null bs=4k count=1024 iflag=direct status=none
settle
{ echo "Kernel $(uname -r), QEMU TCG, $(nproc) CPUs: rapiddiskd on 127.0.0.1 (wrk, ${RD_BENCH_DAEMON_SECONDS:-5} s per row), one RAM disk and one mapping"; echo; } >"$RD_OUT/bench-daemon.md"
check "daemon benchmark ran" daemon_bench.py http://127.0.0.1:9118 "rc-wt_${src#/dev/}" "$RD_OUT/bench-daemon.body" "$RAPIDDISK"
cat "$RD_OUT/bench-daemon.body" >>"$RD_OUT/bench-daemon.md"
rm -f "$RD_OUT/bench-daemon.body"
settle
check_cli "unmap" 0 "Command to unmap rc-wt_${src#/dev/} has been sent." -g -u "rc-wt_${src#/dev/}"
check_cli "detach" 0 "Detached device rd0." -g -d rd0
kill -TERM "$(cat /run/rapiddiskd.pid)"
losetup -d "$src"
for _ in $(seq 50); do [ -e /run/rapiddiskd.pid ] || break; sleep 0.1; done
check "daemon stopped" test ! -e /run/rapiddiskd.pid
unload_rc
unload_rd
