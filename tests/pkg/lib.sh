# Sourced by the package tests: one "ok - ..." / "not ok - ..." line per
# check, counted into $RD_PKG_RESULTS (tests/pkg/run.sh sums them).
RD_PKG_RESULTS=${RD_PKG_RESULTS:-/dev/null}
ok() { echo "ok - $*" | tee -a "$RD_PKG_RESULTS"; }
not_ok() { echo "not ok - $*" | tee -a "$RD_PKG_RESULTS"; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc (command: $*)"; fi
}
check_fails() {
	local desc=$1
	shift
	if "$@" 2>/dev/null; then not_ok "$desc (unexpectedly succeeded: $*)"; else ok "$desc"; fi
}
check_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/  /'
	fi
}
