#!/usr/bin/env bash
# build-userspace.sh: builds the release user space (the rapiddisk binary
# and librapiddisk) that the VM scenarios run; the guest sees the host's
# target/ directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
cargo build --release --quiet -p rapiddisk-rs -p librapiddisk
# the C interface's test program (scenario capi), against that librapiddisk.so
make -s -C tests/c
