# NVMe-oF export with the real nvmet: ports on the guest's loopback (IPv4
# and IPv6), exports of a RAM disk and a cache mapping, nvme-cli connecting
# as an allowed host and refused as another, fio verify through the
# initiator's device, resize + revalidate seen by the initiator, the
# configfs tree after each step, rollback under real kernel refusals; the
# loop transport and DH-HMAC-CHAP where the kernel has them.
. "$RD_TOP/tests/vm/lib.sh"

NVMET=/sys/kernel/config/nvmet
H1=nqn.2026-12.org.example:host1
H2=nqn.2026-12.org.example:host2
HOSTID=$(cat /proc/sys/kernel/random/uuid)
kver=$(uname -r)
has_loop=no
ls /lib/modules/"$kver"/kernel/drivers/nvme/target/nvme-loop.ko* >/dev/null 2>&1 && has_loop=yes
has_auth=no
grep -q '^CONFIG_NVME_TARGET_AUTH=y' "/boot/config-$kver" && has_auth=yes

modprobe configfs 2>/dev/null
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
ip link set lo up
check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
NOT_LOADED="The NVMe Target subsystem is not loaded. Please load the nvmet and nvmet-tcp (or nvme-loop) kernel modules and ensure that the kernel user configuration filesystem is mounted."
check_cli "-N without nvmet" 255 "$NOT_LOADED" -g -N
check "load nvmet, nvmet-tcp, nvme-tcp" modprobe -a nvmet nvmet-tcp nvme-tcp

NQN_PREFIX="nqn.2021-06.org.rapiddisk:$(hostname)"
check_cli "attach rd0" 0 "Attached device rd0 of size 64 Mbytes." -g -a 64
check_cli "attach rd1" 0 "Attached device rd1 of size 32 Mbytes." -g -a 32
truncate -s 128M /tmp/nvme-src.img
src=$(losetup -f --show /tmp/nvme-src.img)
MAP=rc-wt_${src#/dev/}
check_cli "map $MAP" 0 "Command to map $MAP with rd1 and $src has been sent." -g -m rd1 -b "$src"
settle

# the tree as one text: every entry, its kind and link target, and the
# values of the attributes the operations write
tree_of() {
	find "$NVMET" -printf '%p %y %l\n' | grep -v -e '/ana_groups' -e '/referrals' | sort
	find "$NVMET" \( -name 'attr_allow_any_host' -o -name enable -o -name device_path -o -name 'addr_*' \) -type f |
		sort | while read -r f; do echo "$f=$(cat "$f")"; done
}

# nvme_dev NQN: the initiator's block device of that subsystem (waits)
nvme_dev() {
	local i s d
	for i in $(seq 100); do
		for s in /sys/class/nvme-subsystem/* /sys/class/nvme/*; do
			[ "$(cat "$s/subsysnqn" 2>/dev/null)" = "$1" ] || continue
			for d in "$s"/nvme*n*; do
				[ -e "$d/size" ] && [ -b "/dev/${d##*/}" ] && { echo "/dev/${d##*/}"; return 0; }
			done
		done
		sleep 0.2
	done
	return 1
}

connect_tcp() { # NQN HOSTNQN ADDRESS [options...]
	local nqn=$1 host=$2 addr=$3
	shift 3
	nvme connect -t tcp -a "$addr" -s 4420 -n "$nqn" --hostnqn="$host" --hostid="$HOSTID" "$@" >/dev/null 2>&1
}

disconnect() { nvme disconnect -n "$1" >/dev/null 2>&1; settle; }

# ---- ports
check_cli "-N with no port" 0 "Exported NVMe Ports

	None." -g -N
check_cli "create port 1 on lo" 0 "Successfully created port 1 set to tcp for interface lo (with IP address 127.0.0.1)." -g -i lo -P 1
check_eq "port 1 attributes" "ipv4 127.0.0.1 4420 tcp" "$(cd $NVMET/ports/1 && echo "$(cat addr_adrfam) $(cat addr_traddr) $(cat addr_trsvcid) $(cat addr_trtype)")"
check_cli "port 1 again" 255 "Error. NVMe Target Port 1 already exists." -g -i lo -P 1
check_cli "a port on a missing interface" 255 "Cannot find the IP address of interface nope0. Error: nvmet_interface_ip_get: access: No such file or directory" -g -i nope0 -P 5
check_cli "-N lists port 1" 0 "Exported NVMe Ports

	1: Port: 1 - 127.0.0.1 (tcp)" -g -N
check_cli "-N JSON" 0 '{"targets": [{"nvmet_ports": [{"port": 1, "address": "127.0.0.1", "protocol": "tcp"}]}]}' -j -N

# ---- export rd0 to host 1 on port 1
NQN0=$NQN_PREFIX-rd0
NQNM=$NQN_PREFIX-$MAP
check_cli "export an unknown device" 255 "Error. Device rd9 does not exist." -g -e -b rd9
check_cli "export on an unknown port" 255 "Error. Port 7 does not exist." -g -e -b rd0 -P 7
check_cli "export rd0 to host 1" 0 "Block device rd0 has been mapped to $H1 through port 1 as $NQN0." -g -e -b rd0 -P 1 -H "$H1"
S0=$NVMET/subsystems/$NQN0
check_eq "rd0: any host off" 0 "$(cat "$S0/attr_allow_any_host")"
check_eq "rd0: model" RapidDisk "$(cat "$S0/attr_model")"
check_eq "rd0: namespace 1 device" /dev/rd0 "$(cat "$S0/namespaces/1/device_path")"
check_eq "rd0: namespace enabled" 1 "$(cat "$S0/namespaces/1/enable")"
check_eq "rd0: host 1 linked" "$NVMET/hosts/$H1" "$(readlink -f "$S0/allowed_hosts/$H1")"
check_eq "rd0: linked to port 1" "$S0" "$(readlink -f "$NVMET/ports/1/subsystems/$NQN0")"
check_cli "-n text" 0 "NVMe Target Exports

	1: NQN: $NQN0 	Namespace: 1	Device: /dev/rd0 	Enabled: True
		Allowed host: $H1
		Linked port: 1	IP address: 127.0.0.1 (tcp)" -g -n
check_cli "-n JSON" 0 "{\"targets\": [{\"nvmet_targets\": [{\"nqn\": \"$NQN0\", \"namespace\": 1, \"device\": \"/dev/rd0\", \"enabled\": \"true\", \"allowed_hosts\": [{\"host\": \"$H1\"}], \"assigned_ports\": [{\"port\": 1, \"address\": \"127.0.0.1\", \"protocol\": \"tcp\"}]}]}]}" -j -n
check_cli "remove a port in use" 255 "This port is currently in use." -g -X -P 1
check_cli "export to any host while a host is allowed" 255 "You did not specified any allowed host, but one or more already exist. Please remove existing host(s) or specify a new one." -g -e -b rd0

# ---- the initiator
check_fails "host 2 is refused" connect_tcp "$NQN0" "$H2" 127.0.0.1
check "host 1 connects" connect_tcp "$NQN0" "$H1" 127.0.0.1
dev=$(nvme_dev "$NQN0")
check "host 1 sees a namespace" test -n "$dev"
check_eq "the namespace is 64 MiB" $((64 << 11)) "$(blockdev --getsz "$dev" 2>/dev/null)"
check "fio verify through $dev" fio --name=nvme --filename="$dev" --rw=randwrite --bs=4k --size=8M \
	--direct=1 --ioengine=psync --verify=crc32c --do_verify=1 --output=/dev/null
check_cli "resize rd0 to 128 MiB" 0 "Resized device rd0 to 128 Mbytes." -g -r rd0 -c 128
check_cli "revalidate rd0" 0 "NVMe Target Namespace size for rd0 revalidated." -g -R -b rd0
grow() { for i in $(seq 100); do [ "$(blockdev --getsz "$dev")" = $((128 << 11)) ] && return 0; sleep 0.2; done; return 1; }
check "the initiator sees 128 MiB" grow
check_cli "revalidate an unexported device" 255 "Error. NQN export: $NQN_PREFIX-rd1 does not exist." -g -R -b rd1
disconnect "$NQN0"

# ---- a cache mapping to any host on port 1
check_cli "export $MAP to all hosts" 0 "Block device $MAP has been mapped to all hosts through port 1 as $NQNM." -g -e -b "$MAP" -P 1
check_eq "$MAP: namespace device" "/dev/mapper/$MAP" "$(cat "$NVMET/subsystems/$NQNM/namespaces/1/device_path")"
check "host 2 connects to $MAP" connect_tcp "$NQNM" "$H2" 127.0.0.1
mdev=$(nvme_dev "$NQNM")
check_eq "$MAP: the initiator sees the source's size" "$(blockdev --getsz "$src")" "$(blockdev --getsz "$mdev" 2>/dev/null)"
head -c 1048576 /dev/urandom >/tmp/nvme-data
dd if=/tmp/nvme-data of="$mdev" bs=64k oflag=direct status=none
disconnect "$NQNM"
check "data written over NVMe is on the source" cmp -n 1048576 /tmp/nvme-data "$src"

# ---- rollback under real kernel refusals
check_cli "attach rd2" 0 "Attached device rd2 of size 16 Mbytes." -g -a 16
wait_node /dev/rd2
# the node gone, the kernel cannot open the namespace's device: enable fails
mv /dev/rd2 /tmp/rd2-node
before=$(tree_of)
cli -g -e -b rd2 -P 1
check_eq "an export the kernel refuses: exit" 255 "$rc"
check "an export the kernel refuses: the failed step is named" grep -qF "namespaces/1/enable. nvmet_export_volume: write: " <<<"$out"
check_eq "an export the kernel refuses: the tree is as before" "$before" "$(tree_of)"
mv /tmp/rd2-node /dev/rd2
# a hand-made port on an address no interface has: linking it fails
mkdir "$NVMET/ports/9"
(cd "$NVMET/ports/9" && printf ipv4 >addr_adrfam && printf 192.0.2.1 >addr_traddr && printf 4420 >addr_trsvcid && printf tcp >addr_trtype)
before=$(tree_of)
cli -g -e -b rd2 -H "$H2"
check_eq "a port the kernel cannot enable: exit" 255 "$rc"
check "a port the kernel cannot enable: the failed step is named" grep -qF "Error. Unable to create link of NQN to port. nvmet_export_volume: symlink: " <<<"$out"
check_eq "a port the kernel cannot enable: the tree is as before (port 1 link, host, subsystem undone)" "$before" "$(tree_of)"
rmdir "$NVMET/ports/9"

# ---- unexport
check_cli "unexport a host that is not allowed" 255 "Error. Host name '$H2' is not in the list of allowed hosts for this NQN: '$NQN0'" -g -x -b rd0 -H "$H2"
check_cli "unexport without a host while one is allowed" 255 "Error. No host provided, but one or more target(s) is/are still mapped to NQN(s): $H1. Please remove them first." -g -x -b rd0
check_cli "unexport the last host" 0 "Block device rd0 has been removed from the NVMe Target subsystem." -g -x -b rd0 -H "$H1"
check "rd0: the subsystem is gone" test ! -e "$S0"
check "rd0: host 1 is gone" test ! -e "$NVMET/hosts/$H1"
check_eq "port 1 keeps $MAP only" "$NQNM" "$(ls "$NVMET/ports/1/subsystems")"
check_cli "unexport $MAP" 0 "Block device $MAP has been removed from the NVMe Target subsystem." -g -x -b "$MAP"
check_cli "unexport it again" 255 "NQN $NQNM does not exists!" -g -x -b "$MAP"
check_cli "-n with nothing exported" 0 "NVMe Target Exports

	None." -g -n
check_cli "remove port 1" 0 "NVMe Target port 1 has been removed." -g -X -P 1

# ---- IPv6 (upstream has IPv4 only)
check_cli "port 2 on lo over IPv6" 0 "Successfully created port 2 set to tcp for interface lo (with IP address ::1)." -g -i lo -P 2 --adrfam ipv6
check_eq "port 2 is ipv6" "ipv6 ::1" "$(cat $NVMET/ports/2/addr_adrfam) $(cat $NVMET/ports/2/addr_traddr)"
check_cli "export rd0 on port 2" 0 "Block device rd0 has been mapped to all hosts through port 2 as $NQN0." -g -e -b rd0 -P 2
check "connect over IPv6" connect_tcp "$NQN0" "$H1" ::1
check "a namespace over IPv6" nvme_dev "$NQN0"
disconnect "$NQN0"
check_cli "unexport from port 2" 0 "Block device rd0 has been removed from the NVMe Target subsystem." -g -x -b rd0 -P 2
check_cli "remove port 2" 0 "NVMe Target port 2 has been removed." -g -X -P 2

# ---- the loop transport
if [ $has_loop = yes ]; then
	check_cli "loop port 3" 0 "Successfully created port 3 set for loop." -g -i NULL -P 3 -t loop
	check_cli "export rd0 on the loop port" 0 "Block device rd0 has been mapped to $H1 through port 3 as $NQN0." -g -e -b rd0 -P 3 -H "$H1"
	check "connect over loop" nvme connect -t loop -n "$NQN0" --hostnqn="$H1" --hostid="$HOSTID"
	ldev=$(nvme_dev "$NQN0")
	check "read over loop" dd if="$ldev" of=/dev/null bs=1M count=4 iflag=direct status=none
	disconnect "$NQN0"
	check_cli "unexport from the loop port" 0 "Block device rd0 has been removed from the NVMe Target subsystem." -g -x -b rd0 -H "$H1"
	check_cli "remove port 3" 0 "NVMe Target port 3 has been removed." -g -X -P 3
else
	before=$(tree_of)
	check_cli "loop without nvme-loop" 255 "Error. The loop transport is not available: this kernel has no nvme-loop module." -g -i NULL -P 3 -t loop
	check_eq "loop without nvme-loop: nothing made" "$before" "$(tree_of)"
fi

# ---- DH-HMAC-CHAP
mkdir -p /tmp/nvme-keys && chmod 700 /tmp/nvme-keys
KEY=/tmp/nvme-keys/host1.key
CKEY=/tmp/nvme-keys/ctrl.key
check_cli "port 1 again" 0 "Successfully created port 1 set to tcp for interface lo (with IP address 127.0.0.1)." -g -i lo -P 1
if [ $has_auth = yes ]; then
	check_cli "export with a generated host and controller secret" 0 "Block device rd0 has been mapped to $H1 through port 1 as $NQN0." -g -e -b rd0 -P 1 -H "$H1" --dhchap-key "$KEY" --dhchap-ctrl-key "$CKEY"
	check_eq "the secret files are private" "600 600" "$(stat -c %a "$KEY") $(stat -c %a "$CKEY")"
	check "the secret is DHHC-1" grep -qE '^DHHC-1:00:[A-Za-z0-9+/]{48}:$' "$KEY"
	check_eq "configfs holds the host secret" "$(cat "$KEY")" "$(cat "$NVMET/hosts/$H1/dhchap_key")"
	cli -g -n
	check "listings never show secrets" test "$(grep -c DHHC <<<"$out")" = 0
	check_fails "no secret: refused" connect_tcp "$NQN0" "$H1" 127.0.0.1
	check_fails "a wrong secret: refused" connect_tcp "$NQN0" "$H1" 127.0.0.1 --dhchap-secret="$(nvme gen-dhchap-key -n "$H1")"
	check "the right secrets: connected (bidirectional)" connect_tcp "$NQN0" "$H1" 127.0.0.1 --dhchap-secret="$(cat "$KEY")" --dhchap-ctrl-secret="$(cat "$CKEY")"
	check "an authenticated namespace" nvme_dev "$NQN0"
	disconnect "$NQN0"
	chmod 644 "$KEY"
	check_cli "a readable secret file is refused" 255 "Error. The secret file $KEY can be read by group or others; make it private (chmod 600)." -g -e -b rd0 -P 1 -H "$H2" --dhchap-key "$KEY"
	check_cli "unexport the authenticated host" 0 "Block device rd0 has been removed from the NVMe Target subsystem." -g -x -b rd0 -H "$H1"
else
	before=$(tree_of)
	check_cli "secrets without kernel support" 255 "Error. This kernel's NVMe target has no DH-HMAC-CHAP authentication (CONFIG_NVME_TARGET_AUTH); nothing was changed." -g -e -b rd0 -P 1 -H "$H1" --dhchap-key "$KEY"
	check_eq "secrets without kernel support: the tree is as before" "$before" "$(tree_of)"
	check "secrets without kernel support: no secret file" test ! -e "$KEY"
fi
check_cli "remove port 1 at the end" 0 "NVMe Target port 1 has been removed." -g -X -P 1
check_eq "nothing left in configfs" "" "$(ls $NVMET/ports $NVMET/subsystems $NVMET/hosts | grep -v ':$' | grep -v '^$')"

# ---- the daemon's NVMe routes
RAPIDDISKD=$RD_TOP/target/release/rapiddiskd
rm -f /run/rapiddiskd.pid
check "start rapiddiskd" "$RAPIDDISKD"
for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:9118/v1/checkServiceStatus && break; sleep 0.1; done
api() { curl -s -g -X "$1" -w ' %{http_code}' "http://127.0.0.1:9118$2"; }
ok_json() { printf '{"status": "Success", "message": "%s"} 200' "$1"; }
check_eq "daemon: create port 4" "$(ok_json "Successfully created port 4 set to tcp for interface lo (with IP address 127.0.0.1).")" "$(api POST /v1/createNVMePort/4/lo/tcp)"
check_eq "daemon: export rd0 on port 4 to host 1" "$(ok_json "Block device rd0 has been mapped to $H1 through port 4 as $NQN0.")" "$(api POST "/v1/exportNVMeTarget/rd0/4/$H1")"
cli -j -n
check_eq "daemon: the targets are rapiddisk -j -n" "$out 200" "$(api GET /v1/listAllNVMeTargets)"
cli -j -N
check_eq "daemon: the ports are rapiddisk -j -N" "$out 200" "$(api GET /v1/listAllNVMePorts)"
check "daemon: host 1 connects" connect_tcp "$NQN0" "$H1" 127.0.0.1
check "daemon: a namespace" nvme_dev "$NQN0"
disconnect "$NQN0"
check_eq "daemon: revalidate" "$(ok_json "NVMe Target Namespace size for rd0 revalidated.")" "$(api POST /v1/revalidateNVMeTarget/rd0)"
check_eq "daemon: a port that is no number" '{"status": "Failed", "message": "Error: wrong number of arguments or malformed URL."} 400' "$(api POST /v1/removeNVMePort/4x)"
check_eq "daemon: port in use" '{"status": "Failed", "message": "This port is currently in use."} 200' "$(api POST /v1/removeNVMePort/4)"
check_eq "daemon: unexport host 1" "$(ok_json "Block device rd0 has been removed from the NVMe Target subsystem.")" "$(api POST "/v1/unexportNVMeTarget/rd0/all/$H1")"
check_eq "daemon: remove port 4" "$(ok_json "NVMe Target port 4 has been removed.")" "$(api POST /v1/removeNVMePort/4)"
check "stop rapiddiskd" kill -TERM "$(cat /run/rapiddiskd.pid)"
for i in $(seq 100); do [ -e /run/rapiddiskd.pid ] || break; sleep 0.1; done

# ---- teardown
check_cli "unmap $MAP" 0 "Command to unmap $MAP has been sent." -g -u "$MAP"
losetup -d "$src"
for rd in rd2 rd1 rd0; do check_cli "detach $rd" 0 "Detached device $rd." -g -d $rd; done
[ $has_loop = yes ] && modprobe -r nvme-loop
check "unload nvme-tcp, nvmet-tcp, nvmet" modprobe -r nvme-tcp nvmet-tcp nvmet
check "unload rapiddisk-cache" unload_rc
check "unload rapiddisk" unload_rd
