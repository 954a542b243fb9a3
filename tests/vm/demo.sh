#!/usr/bin/env bash
# demo.sh [KVER]: boots the newest test kernel with the freshly built module
# and runs the demo scenario.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
kver=${1:-$(rd_kernels | tail -n 1)}
exec "$here/run.sh" "$kver" demo
