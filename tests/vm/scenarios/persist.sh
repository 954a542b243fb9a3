# Surviving a reboot: writeback tunables, --save, the shutdown path of
# rapiddisk-restore.service (writeback data reaches the source), a
# teardown as a reboot does it (modules unloaded), --restore (the same
# listing byte for byte, caches working), a second restore that does
# nothing, and restores that fail halfway and leave nothing behind.
. "$RD_TOP/tests/vm/lib.sh"

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
modprobe dm-writecache
conf=/tmp/persist/rapiddisk.json
rm -rf /tmp/persist
truncate -s 128M /tmp/p1.img /tmp/p2.img
src1=$(losetup -f --show /tmp/p1.img)
src2=$(losetup -f --show /tmp/p2.img)
l1=${src1#/dev/} l2=${src2#/dev/}
# a file system gives src1 a by-uuid link where udev runs; src2 has none
mkfs.ext4 -q "$src1"
settle
wt=rc-wt_$l1 wb=rc-wb_$l2

check_cli "attach rd0" 0 "Attached device rd0 of size 64 Mbytes." -g -a 64
check_cli "attach rd1" 0 "Attached device rd1 of size 32 Mbytes." -g -a 32
check_cli "attach rd2" 0 "Attached device rd2 of size 8 Mbytes." -g -a 8
check_cli "lock rd2" 0 "Device rd2 is now set to read-only" -g -L rd2
check_cli "map wt" 0 "Command to map $wt with rd0 and $src1 has been sent." -g -m rd0 -b "$src1"

# tunables: refused values change nothing
check_cli "wb: a watermark above 100" 234 "Error. --high-watermark takes a whole number from 0 to 100, not '101'." -g -m rd1 -b "$src2" -p wb --high-watermark 101
check_cli "wb: crossed watermarks" 234 "Error. The low watermark (60) must not be above the high watermark (50)." -g -m rd1 -b "$src2" -p wb --low-watermark=60
check_eq "refused tunables created nothing" "" "$(dmsetup ls | grep "^$wb" || true)"
# the flags, each on a mapping of its own
for flag in cleaner metadata-only; do
	check_cli "wb --$flag" 0 "Command to map $wb with rd1 and $src2 has been sent." -g -m rd1 -b "$src2" -p wb --$flag
	check "wb --$flag: in the table" grep -qw "${flag/-/_}" <(dmsetup table "$wb")
	cli -j -l
	check "wb --$flag: listed" grep -qF "\"writeback_options\": {\"${flag/-/_}\": true}" <<<"$out"
	check_cli "wb --$flag: unmap" 0 "Command to unmap $wb has been sent." -g -u "$wb"
done
tuning=(--high-watermark 60 --low-watermark 20 --writeback-jobs 64 --autocommit-blocks 512 --autocommit-time 2000 --max-age 60000 --pause-writeback 1000)
check_cli "map wb with tunables" 0 "Command to map $wb with rd1 and $src2 has been sent." -g -m rd1 -b "$src2" -p wb "${tuning[@]}"
check_eq "wb: table parameters" "14 high_watermark 60 low_watermark 20 writeback_jobs 64 autocommit_blocks 512 autocommit_time 2000 max_age 60000 pause_writeback 1000" "$(dmsetup table "$wb" | cut -d' ' -f8-)"
wbjson='"writeback_options": {"high_watermark": 60, "low_watermark": 20, "writeback_jobs": 64, "autocommit_blocks": 512, "autocommit_time": 2000, "max_age": 60000, "pause_writeback": 1000}'
cli -j -l
check "wb: tunables in the listing's JSON" grep -qF "{\"device\": \"$wb\", \"cache\": \"rd1\", \"source\": \"$l2\", \"mode\": \"writeback\", $wbjson}" <<<"$out"
check "wt: no writeback key" grep -qF "{\"device\": \"$wt\", \"cache\": \"rd0\", \"source\": \"$l1\", \"mode\": \"write-through\"}" <<<"$out"
cli -g -l
check "wb: text listing unchanged" grep -qF "$(printf ': %s\tCache: rd1  Target: %s (WRITEBACK)' "$wb" "$l2")" <<<"$out"
settle
list_before=$("$RAPIDDISK" -g -l)
json_before=$("$RAPIDDISK" -j -l)

# save
check_cli "save" 0 "Saved 3 RAM disk(s) and 2 cache mapping(s) to $conf." -g --save="$conf"
check "save: the document follows the schema" python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$conf" "$RD_TOP/docs/rapiddisk-configuration.schema.json"
link=$(for f in /dev/disk/by-uuid/*; do [ "$(readlink -f "$f")" = "$src1" ] && echo "$f"; done | sort | head -n 1)
saved_src1=$(python3 -c 'import json,sys; print(*[m["source"] for m in json.load(open(sys.argv[1]))["cache_mappings"] if m["name"] == sys.argv[2]])' "$conf" "$wt")
check_eq "save: the wt source by its stable link (or the node without one)" "${link:-$src1}" "$saved_src1"
check "save: a warning for the source without a link" grep -qF "Warning. $l2 (the source of $wb) has no link under /dev/disk" <<<"$err"
check "save: rd2 saved read-only" grep -qF '"read_only": true' "$conf"

# writeback data, then the shutdown path of the unit (no settle: the
# removal must wait for udev's probe by itself, quietly)
head -c 4194304 /dev/urandom >/tmp/wbdata
dd if=/tmp/wbdata of="/dev/mapper/$wb" bs=1M seek=8 oflag=direct status=none
shutdown_err=$(RAPIDDISK=$RAPIDDISK "$RD_TOP/systemd/rapiddisk-shutdown" 2>&1 >/tmp/shutdown.out)
check "shutdown path: exit 0" test $? -eq 0
check_eq "shutdown path: unmapped the writeback mapping" "Command to unmap $wb has been sent." "$(cat /tmp/shutdown.out)"
check_eq "shutdown path: stderr is clean" "" "$shutdown_err"
check "shutdown path: writeback data is on the source" cmp /tmp/wbdata <(dd if="$src2" bs=1M skip=8 count=4 status=none)
check "shutdown path: wt mapping stays" test -e "/dev/mapper/$wt"

# a plain -u right after writing: stderr clean too
check_cli "map wb again" 0 "Command to map $wb with rd1 and $src2 has been sent." -g -m rd1 -b "$src2" -p wb "${tuning[@]}"
dd if=/tmp/wbdata of="/dev/mapper/$wb" bs=1M seek=20 oflag=direct status=none
check_cli "wb: unmap right after writing" 0 "Command to unmap $wb has been sent." -g -u "$wb"
check_eq "wb: unmap stderr is clean" "" "$err"
check "wb: unmapped data is on the source" cmp /tmp/wbdata <(dd if="$src2" bs=1M skip=20 count=4 status=none)

# as a reboot: everything goes, modules unloaded, loops set up again
teardown() {
	local m d
	settle
	for m in /dev/mapper/rc-*; do [ -e "$m" ] && "$RAPIDDISK" -g -u "${m##*/}" >/dev/null; done
	for d in /sys/block/rd*; do [ -e "$d" ] && "$RAPIDDISK" -g -U "${d##*/}" >/dev/null && "$RAPIDDISK" -g -d "${d##*/}" >/dev/null; done
	true
}
teardown
check_eq "teardown: no RAM disks or mappings" "" "$(ls /sys/block | grep '^rd' ; dmsetup ls | grep '^rc-' || true)"
losetup -d "$src1" "$src2"
unload_rc
unload_rd
rmmod dm-writecache 2>/dev/null
check "modules unloaded" test ! -d /sys/module/rapiddisk
check_eq "loop devices come back" "$src1 $src2" "$(losetup -f --show /tmp/p1.img) $(losetup -f --show /tmp/p2.img)"
settle
check "reload rapiddisk" load_rd
check "reload rapiddisk-cache" load_rc
modprobe dm-writecache

# restore
check_cli "restore" 0 "Restored $conf: 6 step(s) done, 0 device(s) kept as they were." -g --restore="$conf"
check_eq "restore: stderr is clean" "" "$err"
settle
check_eq "restore: the same listing" "$list_before" "$("$RAPIDDISK" -g -l)"
check_eq "restore: the same JSON listing" "$json_before" "$("$RAPIDDISK" -j -l)"
check_eq "restore: rd2 is read-only again" 1 "$(blockdev --getro /dev/rd2)"
head -c 2097152 /dev/urandom >/tmp/wtdata
dd if=/tmp/wtdata of="/dev/mapper/$wt" bs=1M seek=64 oflag=direct status=none
check "restore: wt reads back" cmp /tmp/wtdata <(dd if="/dev/mapper/$wt" bs=1M skip=64 count=2 iflag=direct status=none)
check "restore: wt wrote through" cmp /tmp/wtdata <(dd if="$src1" bs=1M skip=64 count=2 status=none)
dd if=/tmp/wbdata of="/dev/mapper/$wb" bs=1M seek=40 oflag=direct status=none
check "restore: wb reads back" cmp /tmp/wbdata <(dd if="/dev/mapper/$wb" bs=1M skip=40 count=4 iflag=direct status=none)
settle
state=$(system_state)
check_cli "restore twice: nothing to do" 0 "Restored $conf: 0 step(s) done, 5 device(s) kept as they were." -g --restore="$conf"
check_eq "restore twice: the system is unchanged" "$state" "$(system_state)"

# halfway failures leave nothing behind: a source whose link is gone, a
# source without a medium (a detached loop device keeps its node), then a
# source the kernel cannot claim (held exclusively); the wt mapping, always
# created before wb, worked each time
nothing_behind() { check_eq "$1: nothing behind" "" "$(ls /sys/block | grep '^rd' ; dmsetup ls | grep '^rc-' || true)"; }
teardown
gone=/dev/disk/by-id/rapiddisk-test-gone
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [m.update(source=sys.argv[3]) for m in d["cache_mappings"] if m["name"] == sys.argv[2]]; json.dump(d, open(sys.argv[4], "w"))' "$conf" "$wb" "$gone" /tmp/persist/gone.json
check_cli "restore with a source link gone" 255 "Error. Unable to map $wb (rd1 in front of $gone): the source $gone does not exist. What this restore created was removed again." -g --restore=/tmp/persist/gone.json
settle
nothing_behind "link gone"
losetup -d "$src2"
check_cli "restore without a medium" 255 "Error. Unable to map $wb (rd1 in front of /dev/$l2): the source /dev/$l2 has no medium (0 bytes). What this restore created was removed again." -g --restore="$conf"
settle
nothing_behind "no medium"
check_eq "loop comes back" "$src2" "$(losetup -f --show /tmp/p2.img)"
settle
python3 -c 'import os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL); open("/tmp/excl", "w").close(); time.sleep(60)' "$src2" &
holder=$!
for _ in $(seq 50); do [ -e /tmp/excl ] && break; sleep 0.1; done
check_cli "restore with a source held" 255 "Error. Unable to map $wb (rd1 in front of /dev/$l2): Error. Unable to create map. Please verify all input values are correct. What this restore created was removed again." -g --restore="$conf"
kill $holder
wait $holder 2>/dev/null
rm -f /tmp/excl
settle
nothing_behind "source held"

# the daemon's routes answer as the command; virtme-ng gives the guest an
# overlay of the host's /etc, so the documents they write stay in the guest
check_eq "the guest's /etc is its own overlay" overlay "$(findmnt -n -o FSTYPE /etc)"
rm -f /run/rapiddiskd.pid
check "start rapiddiskd" "$RD_TOP/target/release/rapiddiskd"
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:9118/v1/checkServiceStatus && break; sleep 0.1; done
api() { curl -s -g -X "$1" -w ' %{http_code}' "http://127.0.0.1:9118$2"; }
missing=/etc/rapiddisk/rapiddisk-rs-test-missing.json
check_eq "daemon: restore of a missing file" "{\"status\": \"Failed\", \"message\": \"Error. Unable to read $missing: No such file or directory.\"} 200" "$(api POST "/v1/restoreConfiguration/${missing##*/}")"
check_eq "daemon: no path as the name" '{"status": "Failed", "message": "Error: wrong number of arguments or malformed URL."} 400' "$(api POST /v1/saveConfiguration/.hidden)"
check_eq "daemon: save by GET is unsupported" '{"status": "Failed", "message": "Unsupported."} 400' "$(api GET /v1/saveConfiguration)"
if [ "$(findmnt -n -o FSTYPE /etc)" = overlay ]; then
	doc=/etc/rapiddisk/rapiddisk-rs-test.json
	check_cli "attach rd0 for the daemon" 0 "Attached device rd0 of size 8 Mbytes." -g -a 8
	check_cli "lock rd0" 0 "Device rd0 is now set to read-only" -g -L rd0
	check_eq "daemon: save" "{\"status\": \"Success\", \"message\": \"Saved 1 RAM disk(s) and 0 cache mapping(s) to $doc.\"} 200" "$(api POST "/v1/saveConfiguration/${doc##*/}")"
	check_cli "save the same with the command" 0 "Saved 1 RAM disk(s) and 0 cache mapping(s) to /tmp/persist/cli.json." -g --save=/tmp/persist/cli.json
	check "daemon: the document the command writes" cmp "$doc" /tmp/persist/cli.json
	listed=$("$RAPIDDISK" -g -l)
	check_cli "unlock rd0" 0 "Device rd0 is now set to read-write" -g -U rd0
	check_cli "detach rd0" 0 "Detached device rd0." -g -d rd0
	check_eq "daemon: restore" "{\"status\": \"Success\", \"message\": \"Restored $doc: 2 step(s) done, 0 device(s) kept as they were.\"} 200" "$(api POST "/v1/restoreConfiguration/${doc##*/}")"
	check_eq "daemon: restore gives back the listing" "$listed" "$("$RAPIDDISK" -g -l)"
	check_eq "daemon: restore again keeps it" "{\"status\": \"Success\", \"message\": \"Restored $doc: 0 step(s) done, 1 device(s) kept as they were.\"} 200" "$(api POST "/v1/restoreConfiguration/${doc##*/}")"
	"$RAPIDDISK" -g -U rd0 >/dev/null
	check_cli "detach the restored rd0" 0 "Detached device rd0." -g -d rd0
	rm -f "$doc"
fi
check "stop rapiddiskd" kill -TERM "$(cat /run/rapiddiskd.pid)"
for _ in $(seq 100); do [ -e /run/rapiddiskd.pid ] || break; sleep 0.1; done

# a bad document is refused and the file kept
cp "$conf" /tmp/persist/good.json
sed -i 's/"version": 1/"version": 9/' "$conf"
check_cli "restore of a newer document" 234 "Error. $conf is not a usable configuration: format version 9 is newer than this rapiddisk reads (version 1)." -g --restore="$conf"
check "the refused document is untouched" grep -q '"version": 9' "$conf"

losetup -d "$src1" "$src2"
rm -f /tmp/p1.img /tmp/p2.img /tmp/wbdata /tmp/wtdata
unload_rc
unload_rd
