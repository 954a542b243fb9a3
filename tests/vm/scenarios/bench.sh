# make bench: rd against brd in one boot (a benchmark: reports, asserts only
# that it ran).
. "$RD_TOP/tests/vm/lib.sh"
check "modules load" load_rd
check "cache module loads" load_rc
modprobe -q dm-cache; modprobe -q dm-cache-smq
check "benchmark ran" bench.py "$RD_OUT/bench.md"
check "unload" unload_rc
check "unload" unload_rd
