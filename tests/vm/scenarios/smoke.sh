. "$RD_TOP/tests/vm/lib.sh"
check "module loads" load_rd
check "mgmt exists" test -e $MGMT
check "attach rd0" mgmt "rapiddisk attach 0 67108864"
check "node" wait_node /dev/rd0
check_eq "size" 131072 "$(sectors rd0)"
check "detach rd0" mgmt "rapiddisk detach 0"
check "unload" unload_rd
