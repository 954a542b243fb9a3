# Sourced by the package tests: the assertions of the VM tests
# (tests/vm/lib.sh), one "ok - ..." / "not ok - ..." line per check,
# counted into $RD_PKG_RESULTS (tests/pkg/run.sh sums them).
RD_RESULTS=${RD_PKG_RESULTS:-/dev/null}
RD_TOP=${RD_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
. "$RD_TOP/tests/vm/lib.sh"
