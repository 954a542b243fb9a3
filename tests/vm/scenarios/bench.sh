# make bench: rd against brd in one boot (a benchmark: reports, asserts only
# that it ran).
. "$RD_TOP/tests/vm/lib.sh"
check "module loads" load_rd
check "benchmark ran" bench.py "$RD_OUT/bench.md"
check "unload" unload_rd
