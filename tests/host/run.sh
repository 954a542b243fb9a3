#!/usr/bin/env bash
# Host tests: formatting, lints, unit/property/concurrency tests of the
# no_std cores (with std stand-ins for the kernel), the header/ABI checks,
# the kernel-object safety check of each Rust core, and a short fuzz run.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

echo "== cargo fmt"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --features rdsk/host,rcache/host -- -D warnings
echo "== cargo test"
cargo test --workspace --features rdsk/host,rcache/host

echo "== systemd units"
tests/host/check-units.sh

echo "== rapiddisk-on-boot"
tests/host/check-on-boot.sh | grep -v '^ok'

echo "== kernel objects (built and checked as Kbuild does, for the host's headers-free case)"
tests/host/check-kernel-objects.sh

if [ "${RD_FUZZ_SECONDS:-30}" -gt 0 ]; then
	# cargo fuzz needs a nightly toolchain; say so loudly where there is none
	if cargo +nightly --version >/dev/null 2>&1 && command -v cargo-fuzz >/dev/null; then
		echo "== fuzz mgmt parser (${RD_FUZZ_SECONDS:-30} s)"
		module/rdsk/fuzz/run.sh "${RD_FUZZ_SECONDS:-30}"
	else
		echo "== fuzz mgmt parser: SKIPPED (no nightly toolchain or cargo-fuzz)"
	fi
fi
