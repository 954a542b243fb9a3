# Garbage arguments for every option of the rapiddisk command, with RAM
# disks and a mapping present: each run must fail with one clear line (a
# valid JSON status object with -j), never crash, and change nothing.
. "$RD_TOP/tests/vm/lib.sh"

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
modprobe dm-writecache
"$RAPIDDISK" -g -a 16 >/dev/null
"$RAPIDDISK" -g -a 16 >/dev/null
truncate -s 64M /tmp/src.img
src=$(losetup -f --show /tmp/src.img)
settle
check "a mapping to protect" "$RAPIDDISK" -g -m rd0 -b "$src" -p wa
settle
before=$(system_state)

long=$(head -c 6000 /dev/zero | tr '\0' 'r')
values=("" "rd0x" $'rd0\n' "/dev/" "-1" "%s%n%x" $'\xff\xfe' "/dev/$long" "99999999999999999999999")

# run_garbage ARGS...: one run in text and one in JSON mode; the JSON
# outputs are checked together at the end (one python start under TCG is
# slow)
crashed=0 unclear=0 succeeded=0 runs=0
: >/tmp/garbage.json
run_garbage() {
	local mode
	for mode in -g -j; do
		runs=$((runs + 1))
		"$RAPIDDISK" "$mode" "$@" >/tmp/garbage.out 2>/tmp/garbage.err
		rc=$?
		out=$(cat /tmp/garbage.out)
		# a panic exits 101, a signal 128 + its number
		if grep -q panicked /tmp/garbage.err || [[ " 101 132 134 135 136 139 " == *" $rc "* ]]; then
			crashed=$((crashed + 1)); echo "crash: rc=$rc $mode $*"
		elif [ "$rc" -eq 0 ]; then
			succeeded=$((succeeded + 1)); echo "success: $mode $* -> $out"
		elif [ "$mode" = -j ]; then
			cat /tmp/garbage.out >>/tmp/garbage.json
		elif [ -z "$out" ] || [ "$(wc -l <<<"$out")" -gt 2 ]; then
			unclear=$((unclear + 1)); echo "unclear: $mode $* -> $out"
		fi
	done
}

for v in "${values[@]}"; do
	for flag in -a -d -f -L -U -s -u; do run_garbage "$flag" "$v"; done
	run_garbage -r "$v" -c 128
	run_garbage -r rd1 -c "$v"
	run_garbage -m "$v" -b "$src"
	run_garbage -m rd1 -b "$v"
	run_garbage -m rd1 -b "$v" -p wb
	for flag in -b -c -H -P -p -t; do run_garbage "$flag" "$v" -u rc-none; done
	run_garbage -i "$v"
	run_garbage -e -b "$v" -P "$v" -H "$v"
	run_garbage -X -P "$v"
done
check "garbage runs made ($runs)" test "$runs" -gt 350
check_eq "no garbage run crashed" 0 "$crashed"
check_eq "no garbage run succeeded" 0 "$succeeded"
# one status object per line; jansson leaves out a message that is not
# UTF-8, as upstream does
check_eq "every JSON failure is one status object" "$((runs / 2))" "$(python3 -c '
import json, sys
n = 0
for line in sys.stdin.buffer.read().split(b"\n")[:-1]:
    d = json.loads(line)
    assert d["status"] == "Failed" and set(d) <= {"status", "message"}, d
    n += 1
print(n)' </tmp/garbage.json)"
check_eq "every text failure is one line" 0 "$unclear"
check_eq "nothing changed on the system" "$before" "$(system_state)"

# invalid options and missing arguments: getopt's message, help, 255
for opt in -k -Z --attach -0; do
	cli "$opt" 64
	check_eq "option $opt: exit" 255 "$rc"
	check "option $opt: getopt's message" grep -q "^$RAPIDDISK: invalid option -- '" <<<"$err"
	check "option $opt: help" grep -q -- '-m RD -b DEV' <<<"$out"
done
for opt in -a -b -c -d -f -H -i -L -m -P -p -r -s -t -U -u; do
	cli "$opt"
	check_eq "$opt without its argument: getopt's message" "$RAPIDDISK: option requires an argument -- '${opt#-}'" "$err"
	check_eq "$opt without its argument: exit" 255 "$rc"
done
check_eq "nothing changed by bad options" "$before" "$(system_state)"

settle
"$RAPIDDISK" -g -u "rc-wa_${src#/dev/}" >/dev/null
losetup -d "$src"
for rd in rd0 rd1; do "$RAPIDDISK" -g -d "$rd" >/dev/null; done
check "clean up" test -z "$(ls /sys/block | grep '^rd')"
unload_rc
unload_rd
