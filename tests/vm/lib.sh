# Sourced by the scenarios: assertions and helpers. Every check appends one
# "ok - ..." or "not ok - ..." line to $RD_RESULTS and prints it.
MGMT=/sys/kernel/rapiddisk/mgmt
DEVICES=/sys/kernel/rapiddisk/devices

ok() { echo "ok - $*" | tee -a "$RD_RESULTS"; }
not_ok() { echo "not ok - $*" | tee -a "$RD_RESULTS"; }

# check DESC CMD...: CMD must succeed
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc (command: $*)"; fi
}

# check_fails DESC CMD...: CMD must fail
check_fails() {
	local desc=$1
	shift
	if "$@" 2>/dev/null; then not_ok "$desc (unexpectedly succeeded: $*)"; else ok "$desc"; fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '  expected: %q\n  actual:   %q\n' "$2" "$3"
	fi
}

# mgmt LINE: write one command (with the newline the tools append)
mgmt() { printf '%s\n' "$1" >"$MGMT"; }

load_rd() {
	modprobe -q dm-mod 2>/dev/null
	insmod "$RD_BUILD/rapiddisk.ko" "$@"
}

unload_rd() { rmmod_settled rapiddisk; }

# devtmpfs creates the nodes, possibly a moment after attach; wait for one
wait_node() {
	local i
	for i in $(seq 50); do [ -b "$1" ] && return 0; sleep 0.1; done
	return 1
}

sectors() { cat "/sys/block/$1/size"; }
pages_used() { rdioctl "/dev/$1" usage; }

# mgmt_err LINE: write a command, print the error text ("" on success)
mgmt_err() {
	local err
	err=$( { printf '%s\n' "$1" >"$MGMT"; } 2>&1)
	echo "${err##*: }"
}

# the devices table of the given "rdN SIZE" pairs with no errors/usage
devices_table() {
	printf 'Device\tSize\tErrors\tUsed\n'
	while [ $# -ge 2 ]; do
		printf '%s\t%s\t0\t0\n' "$1" "$2"
		shift 2
	done
}

# free memory in kB, counting the pages parked on per-CPU free lists (newer
# kernels keep many freed pages there, outside MemFree)
free_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	local pcp
	pcp=$(awk '$1 == "count:" {n += $2} END {print n * 4}' /proc/zoneinfo)
	echo $(( $(awk '/MemFree/{print $2}' /proc/meminfo) + pcp ))
}

load_rc() {
	modprobe -q loop 2>/dev/null
	insmod "$RD_BUILD/rapiddisk-cache.ko"
}
unload_rc() { rmmod_settled rapiddisk-cache; }

# read4k DEV SECTOR / write4k DEV SECTOR FILE: one direct 4 KiB I/O
read4k() { dd if="$1" bs=4096 count=1 skip=$(($2 * 512)) iflag=direct,skip_bytes status=none; }
write4k() { dd if="$3" of="$1" bs=4096 count=1 seek=$(($2 * 512)) oflag=direct,seek_bytes,sync status=none; }

# rc_stat NAME COUNTER: one counter of a cache mapping's status
rc_stat() { dmsetup status "$1" | grep -oP "(\t|, )\Q$2\E\(\K[0-9]+"; }

# udev (started by the VM's init) probes new and rewritten devices; wait for
# it so counters are read when nothing else touches the device
settle() { udevadm settle 2>/dev/null || sleep 1; }

# remove a mapping once udev has let go of it
dm_remove() { settle; dmsetup remove --retry "$1"; }

# rmmod_settled MODULE: udev's probes of freshly attached disks hold them
# (and so the module) open for a moment; a module that stays in use still
# fails after the last try, with rmmod's own message
rmmod_settled() {
	local try
	for try in 1 2 3 4 5; do
		settle
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	rmmod "$1"
}

# ---- the rapiddisk command
RAPIDDISK=$RD_TOP/target/release/rapiddisk

# cli ARGS...: runs rapiddisk; sets $out (stdout), $err (stderr), $rc
cli() {
	local e
	e=$(mktemp)
	out=$("$RAPIDDISK" "$@" 2>"$e")
	rc=$?
	err=$(cat "$e")
	rm -f "$e"
}

# check_cli DESC EXPECTED_RC EXPECTED_STDOUT ARGS...: one run, both checked
check_cli() {
	local desc=$1 want_rc=$2 want_out=$3
	shift 3
	cli "$@"
	check_eq "$desc: exit" "$want_rc" "$rc"
	check_eq "$desc: output" "$want_out" "$out"
}

# the JSON status object the command prints for a message
json_status() {
	if [ "$1" = 0 ]; then printf '{"status": "Success", "message": "%s"}' "$2"
	else printf '{"status": "Failed", "message": "%s"}' "$2"; fi
}

# what the system holds: RAM disks, mappings, their tables
system_state() {
	cat "$DEVICES"
	dmsetup table 2>/dev/null | sort
	ls -U /dev/mapper
}
