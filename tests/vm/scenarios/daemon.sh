# rapiddiskd on the real modules: started as its systemd unit starts it
# (forking, pid file), every route with its bytes and status codes, the
# metrics through promtool, bad requests that change nothing, 32 racing
# creates, token and TLS modes, IPv6, SIGTERM, a second instance, and a
# bounded load run on loopback with the daemon's memory watched.
. "$RD_TOP/tests/vm/lib.sh"

RAPIDDISKD=$RD_TOP/target/release/rapiddiskd
UNIT=$RD_TOP/systemd/rapiddiskd.service
PIDFILE=/run/rapiddiskd.pid
URL=http://127.0.0.1:9118

check "load rapiddisk" load_rd
check "load rapiddisk-cache" load_rc
modprobe dm-writecache

# req METHOD PATH [CURL ARGS...]: sets $code, $body, $head (headers)
req() {
	local m=$1 p=$2
	shift 2
	local opts=(-X "$m")
	[ "$m" = HEAD ] && opts=(--head)
	code=$(curl -s -g "${opts[@]}" -D /tmp/d.head -o /tmp/d.body -w '%{http_code}' "$@" "$URL$p")
	body=$(cat /tmp/d.body)
	head=$(tr -d '\r' </tmp/d.head)
}
# check_req DESC METHOD PATH CODE BODY [CURL ARGS...]
check_req() {
	local desc=$1 m=$2 p=$3 want_code=$4 want_body=$5
	shift 5
	req "$m" "$p" "$@"
	check_eq "$desc: status" "$want_code" "$code"
	check_eq "$desc: body" "$want_body" "$body"
}
ok_json() { printf '{"status": "Success", "message": "%s"}' "$1"; }
failed_json() { printf '{"status": "Failed", "message": "%s"}' "$1"; }
MALFORMED=$(failed_json "Error: wrong number of arguments or malformed URL.")
UNSUPPORTED=$(failed_json "Unsupported.")
NVME=$(failed_json "The NVMe Target subsystem is not loaded. Please load the nvmet and nvmet-tcp (or nvme-loop) kernel modules and ensure that the kernel user configuration filesystem is mounted.")

# metric NAME LABELS: the value of one sample in /tmp/metrics.txt
metric() { awk -v k="$1{$2}" '$1 == k {print $2}' /tmp/metrics.txt; }
daemon_pid() { cat "$PIDFILE" 2>/dev/null; }
# stop the daemon with SIGTERM and wait for it to go
stop_daemon() {
	local pid i
	pid=$(daemon_pid)
	[ -n "$pid" ] || return 1
	kill -TERM "$pid"
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}
wait_port() {
	local i
	for i in $(seq 100); do curl -s -o /dev/null "$@" && return 0; sleep 0.1; done
	return 1
}

# ---- the unit's facts, and the start as the unit does it
for fact in Type=forking PIDFile=/run/rapiddiskd.pid ExecStart=/sbin/rapiddiskd Restart=always \
	RestartPreventExitStatus=255 RestartSec=10 StandardOutput=journal StandardError=journal \
	StandardInput=null WantedBy=default.target; do
	check "unit: $fact" grep -qx "$fact" "$UNIT"
done
pre=$(sed -n 's/^ExecStartPre=//p' "$UNIT")
check "unit: ExecStartPre (modules already loaded: nothing to do)" bash -c "$pre"
rm -f "$PIDFILE"
"$RAPIDDISKD"
check_eq "the started process exits 0 (it forked)" 0 $?
pid=$(daemon_pid)
check "pid file written before the start returns" test -n "$pid"
check_eq "the pid is a process called rapiddiskd" rapiddiskd "$(cat /proc/$pid/comm 2>/dev/null)"
sid=$(ps -o sid= -p "$pid" | tr -d ' ')
check "the daemon is in a new session ($sid), not this shell's" test "$sid" != "$(ps -o sid= -p $$ | tr -d ' ')"
check "the daemon is no session leader (second fork)" test "$sid" != "$pid"
check_eq "the daemon's parent is init" 1 "$(ps -o ppid= -p "$pid" | tr -d ' ')"
check_eq "the daemon's working directory is /" / "$(readlink /proc/$pid/cwd)"
check_eq "stdin is /dev/null" /dev/null "$(readlink /proc/$pid/fd/0)"
check "serving on 127.0.0.1:9118" wait_port "$URL/v1/checkServiceStatus"
cli_err=$(mktemp)
"$RAPIDDISKD" -d 2>"$cli_err"
check_eq "a second instance is refused (exit 255)" 255 $?
check_eq "a second instance says why" "$(printf 'rapiddiskd: main, The daemon is already running...\nrapiddiskd: Daemon exiting.')" "$(cat "$cli_err")"
check_eq "the first one still runs" "$pid" "$(daemon_pid)"

# ---- every route
check_req "service status" GET /v1/checkServiceStatus 200 '{"status": "OK", "version": "9.2.0"}'
check "headers: Connection: close" grep -qx 'Connection: close' <<<"$head"
check "headers: Content-Length" grep -qx 'Content-Length: 36' <<<"$head"
check "headers: Date" grep -q '^Date: ' <<<"$head"
check_fails "headers: no Content-Type" grep -qi '^Content-Type' <<<"$head"
check_eq "headers: nothing else" 4 "$(grep -c . <<<"$head")"
check_req "query string ignored" GET '/v1/checkServiceStatus?x=1' 200 '{"status": "OK", "version": "9.2.0"}'
check_req "exact route with a slash" GET /v1/checkServiceStatus/ 400 "$UNSUPPORTED"
check_req "volumes without disks" GET /v1/listRapidDiskVolumes 200 '{"volumes": [{"rapiddisk": []}, {"rapiddisk_cache": []}]}'
check_req "NVMe targets" GET /v1/listAllNVMeTargets 200 "$NVME"
check_req "NVMe ports (prefix)" GET /v1/listAllNVMePortsXYZ 200 "$NVME"
check_req "remove with no disks" POST /v1/removeRapidDisk/rd0 200 "$(failed_json "Error. Device rd0 does not exist.")"
check_req "resize with no disks" POST /v1/resizeRapidDisk/rd0/64 200 '{"status": "Failed"}'
check_req "create rd0" POST /v1/createRapidDisk/64 200 "$(ok_json "Attached device rd0 of size 64 Mbytes.")"
check_eq "rd0 is 64 MiB" 131072 "$(sectors rd0)"
check_req "create without a slash" POST /v1/createRapidDisk32 200 "$(ok_json "Attached device rd1 of size 32 Mbytes.")"
check_req "create: not a number" POST /v1/createRapidDisk/abc 200 "$(failed_json "Not a number.")"
check_req "create: out of range" POST /v1/createRapidDisk/99999999999999999999999 200 "$(failed_json "Invalid size.")"
check_req "create: no size" POST /v1/createRapidDisk/ 400 "$MALFORMED"
check_req "create: two sizes" POST /v1/createRapidDisk/1/2 400 "$MALFORMED"
settle
wait_node /dev/rd1
cli -j -l
check_req "volumes: the command's JSON" GET /v1/listRapidDiskVolumes 200 "$out"
req GET /v1/listAllResources
cli -j -q
strip_free() { sed 's/"mem_free": [0-9]*/"mem_free": N/'; }
check_eq "resources: the command's JSON (free memory aside)" "$(strip_free <<<"$out")" "$(strip_free <<<"$body")"
check_eq "resources: 200" 200 "$code"
check_req "resize rd1" POST /v1/resizeRapidDisk/rd1/128 200 "$(ok_json "Resized device rd1 to 128 Mbytes.")"
check_eq "rd1 is 128 MiB" 262144 "$(sectors rd1)"
check_req "resize: one argument" POST /v1/resizeRapidDisk/rd1 400 "$MALFORMED"
check_req "resize: same size" POST /v1/resizeRapidDisk/rd1/128 200 "$(failed_json "Error. Size is currently set to 128 Mbytes. Please specify a size larger than 0 Mbytes.")"
check_req "lock rd1" POST /v1/lockRapidDisk/rd1 200 "$(ok_json "Device rd1 is now set to read-only")"
check_eq "rd1 is read-only" 1 "$(blockdev --getro /dev/rd1)"
check_req "unlock rd1" POST /v1/unlockRapidDisk/rd1 200 "$(ok_json "Device rd1 is now set to read-write")"
check_eq "rd1 is writable" 0 "$(blockdev --getro /dev/rd1)"
check_req "lock: unknown disk" POST /v1/lockRapidDisk/rd9 200 "$(failed_json "Error. Device rd9 does not exist.")"
dd if=/dev/urandom of=/dev/rd1 bs=1M count=2 oflag=direct status=none
check "rd1 holds pages" test "$(pages_used rd1)" -gt 0
check_req "flush rd1" POST /v1/flushRapidDisk/rd1 200 "$(ok_json "Flushed all data from device rd1.")"
check_eq "rd1 holds no pages" 0 "$(pages_used rd1)"
check_req "flush: unknown disk" POST /v1/flushRapidDisk/rd7 200 "$(failed_json "Error. Device rd7 does not exist.")"

# caches on a loop device, each mode
truncate -s 128M /tmp/dsrc.img
src=$(losetup -f --show /tmp/dsrc.img)
loop=${src#/dev/}
settle
check_req "map: writeback is not the policy word" POST "/v1/createRapidDiskCache/rd0/$loop/writeback" 400 "$(failed_json "Invalid cache mode in URL.")"
check_req "map: two arguments" POST "/v1/createRapidDiskCache/rd0/$loop" 400 "$MALFORMED"
check_req "stats of a missing device" GET /v1/showRapidDiskCacheStats/rc-wt_x 400 "$(failed_json "Can't get device status.")"
check_req "stats without a name" GET /v1/showRapidDiskCacheStats 400 "$MALFORMED"
for policy in write-through write-around write-back; do
	case $policy in write-through) name=rc-wt_$loop ;; write-around) name=rc-wa_$loop ;; *) name=rc-wb_$loop ;; esac
	# dm-writecache takes only a zeroed cache device (or its own format)
	[ $policy = write-back ] && check_req "erase rd0 for dm-writecache" POST /v1/flushRapidDisk/rd0 200 "$(ok_json "Flushed all data from device rd0.")"
	check_req "map $policy" POST "/v1/createRapidDiskCache/rd0/$loop/$policy" 200 "$(ok_json "Command to map $name with rd0 and $src has been sent.")"
	check "$policy: /dev/mapper/$name exists" test -L "/dev/mapper/$name"
	check_req "$policy: rd0 cannot be removed" POST /v1/removeRapidDisk/rd0 200 "$(failed_json "Error. Unable to remove rd0. This RapidDisk device is currently mapped as a cache drive to $name.")"
	dd if=/dev/urandom of="/dev/mapper/$name" bs=4k count=256 oflag=direct status=none
	dd if="/dev/mapper/$name" of=/dev/null bs=4k count=256 iflag=direct status=none
	dd if="/dev/mapper/$name" of=/dev/null bs=4k count=256 iflag=direct status=none
	settle
	cli -j -s "$name"
	check_req "$policy: stats are the command's JSON" GET "/v1/showRapidDiskCacheStats/$name" 200 "$out"
	# the metrics: valid exposition text whose values are the command's
	curl -s "$URL/metrics" >/tmp/metrics.txt
	check "$policy: promtool check metrics" promtool check metrics </tmp/metrics.txt
	if [ $policy = write-back ]; then
		want=$(grep -oP '"num_write_req": \K[0-9]+' <<<"$out")
		check_eq "$policy: metrics write requests" "$want" "$(metric rapiddisk_writecache_write_req_total "mapping=\"$name\"")"
		want=$(grep -oP '"num_blocks": \K[0-9]+' <<<"$out")
		check_eq "$policy: metrics blocks" "$want" "$(metric rapiddisk_writecache_blocks "mapping=\"$name\"")"
	else
		for key in reads writes cache_hits disk_reads cache_writes; do
			want=$(grep -oP "\"$key\": \K[0-9]+" <<<"$out")
			check_eq "$policy: metrics $key" "$want" "$(metric "rapiddisk_cache_${key}_total" "mapping=\"$name\"")"
		done
		reads=$(grep -oP '"reads": \K[0-9]+' <<<"$out")
		hits=$(grep -oP '"cache_hits": \K[0-9]+' <<<"$out")
		ratio=$(metric rapiddisk_cache_read_hit_ratio "mapping=\"$name\"")
		check "$policy: hit ratio is hits/reads ($hits/$reads = $ratio)" \
			python3 -c "import sys; sys.exit(abs($ratio - $hits / $reads) > 1e-9)"
	fi
	cli -j -l
	for d in rd0 rd1; do
		want=$(grep -oP "\"device\": \"$d\", \"size\": \K[0-9]+" <<<"$out")
		check_eq "$policy: metrics size of $d" "$want" "$(metric rapiddisk_ramdisk_size_bytes "device=\"$d\"")"
		want=$(grep -oP "\"device\": \"$d\", \"size\": [0-9]+, \"usage\": \K[0-9]+" <<<"$out")
		check_eq "$policy: metrics usage of $d" "$want" "$(metric rapiddisk_ramdisk_used_bytes "device=\"$d\"")"
	done
	check "$policy: metrics count the requests" grep -q '^rapiddiskd_requests_total{route="/v1/createRapidDiskCache",code="200"} ' /tmp/metrics.txt
	settle
	check_req "unmap $policy" POST "/v1/removeRapidDiskCache/$name" 200 "$(ok_json "Command to unmap $name has been sent.")"
	check "$policy: mapping removed" test ! -e "/dev/mapper/$name"
done
check_req "unmap a missing mapping" POST "/v1/removeRapidDiskCache/rc-wt_$loop" 200 "$(failed_json "Error. Cache target rc-wt_$loop does not exist.")"
req GET /v1/openapi.json
check_eq "OpenAPI document served" "$(cat "$RD_TOP/docs/openapi.json")" "$body"
check "OpenAPI document has its content type" grep -qx 'Content-Type: application/json' <<<"$head"

# ---- bad requests change nothing and the daemon goes on
check_req "map for the bad requests" POST "/v1/createRapidDiskCache/rd0/$loop/write-through" 200 "$(ok_json "Command to map rc-wt_$loop with rd0 and $src has been sent.")"
settle
before=$(system_state)
for m in PUT DELETE PATCH OPTIONS get FOO; do
	check_req "method $m" "$m" /v1/removeRapidDisk/rd1 400 '{"status": "Failed"}'
done
# raw REQUEST: the whole answer to one request sent as is
raw() {
	local answer
	exec 3<>/dev/tcp/127.0.0.1/9118
	printf '%b' "$1" >&3
	answer=$(timeout 5 cat <&3 | tr -d '\r')
	exec 3>&-
	printf '%s' "$answer"
}
answer=$(raw 'HEAD /v1/removeRapidDisk/rd1 HTTP/1.1\r\nHost: x\r\n\r\n')
check "method HEAD: 400" grep -qx 'HTTP/1.1 400 Bad Request' <<<"$answer"
check "method HEAD: Content-Length 20" grep -qx 'Content-Length: 20' <<<"$answer"
check_eq "method HEAD: headers only" "" "$(sed '1,/^$/d' <<<"$answer")"
for p in /v1/removeRapidDisk/ /v1/removeRapidDisk/rd1/rd0 /v1/resizeRapidDisk/rd1 /v1/lockRapidDisk/a/b \
	/v1/removeRapidDisk/%2E%2E /v1/removeRapidDisk/rd9%2F..%2Frd1 /v1/flushRapidDisk/..%2Frd1 \
	/v1/removeRapidDiskCache/%2e%2e%2frc-wt_$loop /v1/createRapidDiskCache/rd1/%2E%2E%2F$loop/write-through \
	"/v1/createRapidDiskCache/rd1/mapper%2Frc-wt_$loop/write-around" /v1/unlockRapidDisk/.; do
	check_req "malformed POST $p" POST "$p" 400 "$MALFORMED"
done
check_req "malformed GET" GET /v1/showRapidDiskCacheStats/%2E%2E 400 "$MALFORMED"
check_req "NUL in a name is not decoded" POST /v1/removeRapidDisk/rd1%00x 200 "$(failed_json "Error. Device rd1%00x does not exist.")"
check_req "unknown POST path" POST /v1/bar 400 "$UNSUPPORTED"
check_req "GET of a POST route" GET /v1/removeRapidDisk/rd1 400 "$UNSUPPORTED"
check_req "query string on a POST" POST '/v1/removeRapidDisk/rd5?force=1' 200 "$(failed_json "Error. Device rd5 does not exist.")"
check_req "body on a GET" GET /v1/checkServiceStatus 200 '{"status": "OK", "version": "9.2.0"}' --data-binary 'x=1'
long=$(head -c 65536 /dev/zero | tr '\0' a)
req POST "/v1/removeRapidDisk/$long"
check_eq "64 KiB URL: 414 from the HTTP library" 414 "$code"
req GET "/v1/showRapidDiskCacheStats/$long"
check_eq "64 KiB GET URL: 414" 414 "$code"
garbage=$(raw 'GARBAGE\r\n\r\n')
check_eq "a garbage request line: closed without an answer" "" "$garbage"
check_eq "nothing changed on the system" "$before" "$(system_state)"
check_req "still serving" GET /v1/checkServiceStatus 200 '{"status": "OK", "version": "9.2.0"}'
settle
check_req "unmap after the bad requests" POST "/v1/removeRapidDiskCache/rc-wt_$loop" 200 "$(ok_json "Command to unmap rc-wt_$loop has been sent.")"
check_req "remove rd1" POST /v1/removeRapidDisk/rd1 200 "$(ok_json "Detached device rd1.")"
settle
check_req "remove rd0" POST /v1/removeRapidDisk/rd0 200 "$(ok_json "Detached device rd0.")"

# ---- 32 racing creates get 32 disks
for i in $(seq 32); do curl -s -X POST "$URL/v1/createRapidDisk/4" >"/tmp/create.$i" & done
wait
# the bodies end without a newline
bodies() { local f; for f in "$@"; do cat "$f"; echo; done; }
names=$(bodies /tmp/create.* | grep -oP '^\{"status": "Success", "message": "Attached device \Krd[0-9]+(?= of size 4 Mbytes\.")' | sort -u)
check_eq "32 creates: 32 distinct disks named" 32 "$(wc -l <<<"$names")"
check_eq "32 creates: 32 disks exist" 32 "$(ls -d /sys/block/rd* | wc -l)"
check_eq "32 creates: the names are rd0..rd31" "$(seq 0 31 | sed 's/^/rd/' | sort)" "$names"
settle
for d in $names; do curl -s -X POST "$URL/v1/removeRapidDisk/$d" >"/tmp/remove.$d" & done
wait
check_eq "32 removes: all done" 32 "$(bodies /tmp/remove.* | grep -c '^{"status": "Success", "message": "Detached device rd[0-9]*."}$')"
check_eq "32 removes: no disk left" 0 "$(ls -d /sys/block/rd* 2>/dev/null | wc -l)"
rm -f /tmp/create.* /tmp/remove.*

# ---- a bounded load run on loopback, memory watched
check_req "create a disk to list" POST /v1/createRapidDisk/16 200 "$(ok_json "Attached device rd0 of size 16 Mbytes.")"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$(daemon_pid)/status"; }
wrk -t 2 -c 32 -d 3s "$URL/v1/listRapidDiskVolumes" >/tmp/wrk.warm 2>&1
rss_before=$(rss)
# 20000 requests over 32 connections, at most 10 minutes
load=$(python3 "$RD_TOP/tests/vm/tools/http_load.py" "$URL/v1/listRapidDiskVolumes" 20000 32 600)
check "load: 20000 requests over 32 connections, all answered 200 ($load)" test $? = 0
rss_after=$(rss)
check "load: RSS ${rss_before} kB -> ${rss_after} kB grows by less than 8 MiB" test $((rss_after - rss_before)) -lt 8192
check_req "still serving after the load" GET /v1/checkServiceStatus 200 '{"status": "OK", "version": "9.2.0"}'
check_req "remove the listed disk" POST /v1/removeRapidDisk/rd0 200 "$(ok_json "Detached device rd0.")"

# ---- SIGTERM
check "SIGTERM stops the daemon" stop_daemon
check "SIGTERM removes the pid file" test ! -e "$PIDFILE"

# ---- verbose detached: the log files
rm -f /tmp/rapiddiskd_err.log /tmp/rapiddiskd_out.log
"$RAPIDDISKD" -V -p 9119 2>/dev/null
check "verbose start" wait_port http://127.0.0.1:9119/v1/checkServiceStatus
curl -s -X POST http://127.0.0.1:9119/v1/createRapidDisk/abc >/dev/null
check "stderr log file mode 0664" test "$(stat -c %a /tmp/rapiddiskd_err.log)" = 664
stop_daemon
check_eq "stderr log of a verbose daemon" "$(printf '%s\n' 'rapiddiskd: Starting daemon...' \
	"rapiddiskd: Received request '/v1/checkServiceStatus'." \
	"rapiddiskd: Received request '/v1/createRapidDisk'." 'rapiddiskd: Not a number.' \
	'rapiddiskd: Signal_handler function, SIGNAL received: Terminated.' \
	'rapiddiskd: Daemon loop function exiting: mgmt_thread.' 'rapiddiskd: Daemon exiting.')" \
	"$(cat /tmp/rapiddiskd_err.log)"

# ---- token mode
printf 's3cr3t-token\n' >/tmp/token
chmod 644 /tmp/token
"$RAPIDDISKD" --token-file /tmp/token 2>/tmp/tok.err
check_eq "a token file others can read is refused" 255 $?
check "...and the refusal names the file" grep -q '/tmp/token: the token file must not be accessible to group or others' /tmp/tok.err
chmod 600 /tmp/token
"$RAPIDDISKD" --token-file /tmp/token
check "token mode: started" wait_port "$URL/v1/checkServiceStatus"
before=$(system_state)
check_req "token mode: no token" POST /v1/createRapidDisk/8 401 "$(failed_json "Unauthorized.")"
check "token mode: 401 asks for a bearer token" grep -qx 'WWW-Authenticate: Bearer' <<<"$head"
check_req "token mode: wrong token" POST /v1/createRapidDisk/8 401 "$(failed_json "Unauthorized.")" -H 'Authorization: Bearer wrong'
check_req "token mode: GET without token" GET /v1/listRapidDiskVolumes 401 "$(failed_json "Unauthorized.")"
check_req "token mode: metrics without token" GET /metrics 401 "$(failed_json "Unauthorized.")"
check_eq "token mode: nothing changed" "$before" "$(system_state)"
check_req "token mode: with the token" POST /v1/createRapidDisk/8 200 "$(ok_json "Attached device rd0 of size 8 Mbytes.")" -H 'Authorization: Bearer s3cr3t-token'
settle
check_req "token mode: remove with the token" POST /v1/removeRapidDisk/rd0 200 "$(ok_json "Detached device rd0.")" -H 'Authorization: Bearer s3cr3t-token'
stop_daemon

# ---- TLS mode (self-signed certificate made here)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
	-keyout /tmp/tls.key -out /tmp/tls.crt 2>/dev/null
chmod 600 /tmp/tls.key
"$RAPIDDISKD" -p 9443 --tls-cert /tmp/tls.crt --tls-key /tmp/tls.key
check "TLS mode: started" wait_port --cacert /tmp/tls.crt https://127.0.0.1:9443/v1/checkServiceStatus
check_eq "TLS mode: served with --cacert" '{"status": "OK", "version": "9.2.0"}' \
	"$(curl -s --cacert /tmp/tls.crt https://127.0.0.1:9443/v1/checkServiceStatus)"
curl -s -o /dev/null https://127.0.0.1:9443/v1/checkServiceStatus
check_eq "TLS mode: an unknown certificate is refused by curl (60)" 60 $?
check_fails "TLS mode: plain HTTP gets no answer" curl -s -f --max-time 5 http://127.0.0.1:9443/v1/checkServiceStatus
check_eq "TLS mode: create over HTTPS" "$(ok_json "Attached device rd0 of size 8 Mbytes.")" \
	"$(curl -s --cacert /tmp/tls.crt -X POST https://127.0.0.1:9443/v1/createRapidDisk/8)"
settle
check_eq "TLS mode: remove over HTTPS" "$(ok_json "Detached device rd0.")" \
	"$(curl -s --cacert /tmp/tls.crt -X POST https://127.0.0.1:9443/v1/removeRapidDisk/rd0)"
stop_daemon

# ---- IPv6 and a single address
ip link set lo up 2>/dev/null
"$RAPIDDISKD" --listen ::1 -p 9120
check "IPv6: served on [::1]" wait_port "http://[::1]:9120/v1/checkServiceStatus"
check_fails "IPv6: not on 127.0.0.1" curl -s -f --max-time 3 http://127.0.0.1:9120/v1/checkServiceStatus
stop_daemon
"$RAPIDDISKD" --listen 127.0.0.1 -p 9121
check "listen 127.0.0.1: served" wait_port http://127.0.0.1:9121/v1/checkServiceStatus
stop_daemon
check "no daemon left" test ! -e "$PIDFILE"

# ---- refusals at start
"$RAPIDDISKD" -p 0 2>/tmp/port.err
check_eq "port 0: exit 1" 1 $?
check_eq "port 0: message" "The provided port number should be > 0 and <= 65535." "$(cat /tmp/port.err)"
setpriv --reuid=65534 "$RAPIDDISKD" -d 2>/tmp/root.err
check_eq "not root (real uid): exit 243" 243 $?
losetup -d "$src"
unload_rc
"$RAPIDDISKD" -d 2>/tmp/mod.err
check_eq "modules missing: exit 255" 255 $?
check_eq "modules missing: message" "$(printf 'rapiddiskd: main, The needed modules are not loaded...\nrapiddiskd: Daemon exiting.')" "$(cat /tmp/mod.err)"
unload_rd
