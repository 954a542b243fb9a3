#!/bin/sh
# Fuzz the mgmt parser for $1 seconds (default 30). Needs cargo-fuzz and the
# nightly toolchain: cargo install cargo-fuzz; rustup toolchain install nightly
set -eu
secs=${1:-30}
cd "$(dirname "$0")/.."
exec cargo +nightly fuzz run mgmt_parse -- -max_total_time="$secs" -max_len=256
