# Saving and restoring NVMe-oF exports: a tcp port on 127.0.0.1, rd0
# exported to one host (with a DH-HMAC-CHAP secret where the kernel has
# nvmet authentication) and a cache mapping to any host; save, tear down
# as a reboot does (modules unloaded), restore as the boot units do (the
# NVMe part left out first, then added): the same -N/-n listings,
# the host connects again and reads what was written; restore twice is a
# no-op.
. "$RD_TOP/tests/vm/lib.sh"

NVMET=/sys/kernel/config/nvmet
H1=nqn.2026-12.org.example:host1
HOSTID=$(cat /proc/sys/kernel/random/uuid)
conf=/tmp/persist-nvmet/rapiddisk.json
keys=/tmp/persist-nvmet/keys
has_auth=no
grep -q '^CONFIG_NVME_TARGET_AUTH=y' "/boot/config-$(uname -r)" && has_auth=yes
rm -rf /tmp/persist-nvmet
mkdir -p /tmp/persist-nvmet/given && chmod 700 /tmp/persist-nvmet/given

modprobe configfs 2>/dev/null
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
ip link set lo up
load_all() { load_rd && load_rc && modprobe -a nvmet nvmet-tcp nvme-tcp; }
check "load the modules" load_all
truncate -s 128M /tmp/pn-src.img
src=$(losetup -f --show /tmp/pn-src.img)
MAP=rc-wt_${src#/dev/}
NQN0="nqn.2021-06.org.rapiddisk:$(hostname)-rd0"
NQNM="nqn.2021-06.org.rapiddisk:$(hostname)-$MAP"
check_cli "attach rd0" 0 "Attached device rd0 of size 64 Mbytes." -g -a 64
check_cli "attach rd1" 0 "Attached device rd1 of size 32 Mbytes." -g -a 32
check_cli "map $MAP" 0 "Command to map $MAP with rd1 and $src has been sent." -g -m rd1 -b "$src"
check_cli "port 1 on lo" 0 "Successfully created port 1 set to tcp for interface lo (with IP address 127.0.0.1)." -g -i lo -P 1
secret=()
[ $has_auth = yes ] && secret=(--dhchap-key /tmp/persist-nvmet/given/h1.key)
check_cli "export rd0 to host 1" 0 "Block device rd0 has been mapped to $H1 through port 1 as $NQN0." -g -e -b rd0 -P 1 -H "$H1" "${secret[@]}"
check_cli "export $MAP to any host" 0 "Block device $MAP has been mapped to all hosts through port 1 as $NQNM." -g -e -b "$MAP" -P 1
head -c 1048576 /dev/urandom >/tmp/pn-data
dd if=/tmp/pn-data of=/dev/rd0 bs=1M oflag=direct status=none
settle
ports_before=$("$RAPIDDISK" -g -N)
targets_before=$("$RAPIDDISK" -g -n)
json_before=$("$RAPIDDISK" -j -n)

check_cli "save" 0 "Saved 2 RAM disk(s), 1 cache mapping(s), 1 NVMe port(s) and 2 NVMe export(s) to $conf." -g --save="$conf"
check "save: the document follows the schema" python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$conf" "$RD_TOP/docs/rapiddisk-configuration.schema.json"
check "save: no secret in the document" test "$(grep -c DHHC "$conf")" = 0
if [ $has_auth = yes ]; then
	check_eq "save: the secret in a private file" "600 700" "$(stat -c %a "$keys/$H1.key") $(stat -c %a "$keys")"
	check_eq "save: the same secret" "$(cat /tmp/persist-nvmet/given/h1.key)" "$(cat "$keys/$H1.key")"
	check "save: named by its file" grep -qF "\"dhchap_key_file\": \"$keys/$H1.key\"" "$conf"
fi
# rd0's data is gone with the reboot; the restored export serves the new rd0
teardown() {
	"$RAPIDDISK" -g -x -b rd0 -H "$H1" >/dev/null
	"$RAPIDDISK" -g -x -b "$MAP" >/dev/null
	"$RAPIDDISK" -g -X -P 1 >/dev/null
	"$RAPIDDISK" -g -u "$MAP" >/dev/null
	"$RAPIDDISK" -g -d rd1 >/dev/null
	"$RAPIDDISK" -g -d rd0 >/dev/null
}
teardown
check_eq "teardown: configfs empty" "" "$(find "$NVMET/ports" "$NVMET/subsystems" "$NVMET/hosts" -mindepth 1 -maxdepth 1)"
losetup -d "$src"
unload_all() { modprobe -r nvme-tcp nvmet-tcp nvmet && unload_rc && unload_rd; }
check "unload the modules" unload_all
check_eq "the loop device comes back" "$src" "$(losetup -f --show /tmp/pn-src.img)"
# as the boot units do it: the block part early, before nvmet is loaded
# (rapiddisk-restore.service), then everything once it is
load_block() { load_rd && load_rc; }
check "reload the block modules" load_block
check_cli "restore --without-nvme" 0 "Restored $conf: 3 step(s) done, 0 device(s) kept as they were." -g --restore="$conf" --without-nvme
check_eq "restore --without-nvme: nvmet is not loaded" "" "$(grep -w '^nvmet' /proc/modules)"
check "load the nvme modules" modprobe -a nvmet nvmet-tcp nvme-tcp
check_cli "restore" 0 "Restored $conf: 3 step(s) done, 3 device(s) kept as they were." -g --restore="$conf"
check_eq "restore: stderr is clean" "" "$err"
settle
check_eq "restore: the same -N listing" "$ports_before" "$("$RAPIDDISK" -g -N)"
check_eq "restore: the same -n listing" "$targets_before" "$("$RAPIDDISK" -g -n)"
check_eq "restore: the same -j -n listing" "$json_before" "$("$RAPIDDISK" -j -n)"
dd if=/tmp/pn-data of=/dev/rd0 bs=1M oflag=direct status=none
auth=()
[ $has_auth = yes ] && auth=(--dhchap-secret="$(cat "$keys/$H1.key")")
check "host 1 connects again" nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$NQN0" --hostnqn="$H1" --hostid="$HOSTID" "${auth[@]}"
dev=
for _ in $(seq 100); do
	for s in /sys/class/nvme-subsystem/* /sys/class/nvme/*; do
		[ "$(cat "$s/subsysnqn" 2>/dev/null)" = "$NQN0" ] || continue
		for d in "$s"/nvme*n*; do [ -b "/dev/${d##*/}" ] && dev=/dev/${d##*/}; done
	done
	[ -n "$dev" ] && break
	sleep 0.2
done
check "host 1 reads rd0" cmp /tmp/pn-data <(dd if="$dev" bs=1M count=1 iflag=direct status=none)
nvme disconnect -n "$NQN0" >/dev/null 2>&1
settle
state=$(ls -R "$NVMET")
check_cli "restore twice: nothing to do" 0 "Restored $conf: 0 step(s) done, 6 device(s) kept as they were." -g --restore="$conf"
check_eq "restore twice: configfs unchanged" "$state" "$(ls -R "$NVMET")"

teardown
losetup -d "$src"
rm -f /tmp/pn-src.img /tmp/pn-data
check "unload the modules again" unload_all
