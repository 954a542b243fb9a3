#!/usr/bin/env bash
# Installs everything the build, the host tests and the VM tests need on a
# Debian 12 machine: build tools, the two Debian test kernels (6.1 from
# bookworm, 6.12 from bookworm-backports) with headers, QEMU, virtme-ng and
# the guest-side tools (fio, dmsetup, mkfs, curl, promtool, wrk, ...), and
# initramfs-tools, static busybox and shellcheck for the boot test.
# Idempotent; needs root.
set -euo pipefail

# already complete? (every tool, both kernels with headers)
have_all() {
	local t
	for t in dkms dh dpkg-buildpackage lintian /usr/bin/rustc vng qemu-system-x86_64 fio mkfs.ext4 debugfs dmsetup blkdiscard cc cargo-fuzz curl promtool wrk openssl setpriv mkinitramfs lsinitramfs busybox shellcheck; do
		command -v "$t" >/dev/null 2>&1 || return 1
	done
	# the C libraries the -sys crates bind, and libclang for bindgen
	pkg-config --exists jansson libpcre2-8 devmapper libmicrohttpd 2>/dev/null &&
		ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1 &&
		ls /usr/src/linux-headers-6.1.*-amd64 /usr/src/linux-headers-6.12.*-amd64 >/dev/null 2>&1 &&
		ls /boot/vmlinuz-6.1.*-amd64 /boot/vmlinuz-6.12.*-amd64 >/dev/null 2>&1
}
if have_all; then
	echo "setup: everything present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: needs root to install packages (run: sudo $0)" >&2
	exit 1
fi

BACKPORTS=/etc/apt/sources.list.d/rapiddisk-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	cat >"$BACKPORTS" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq

# build + guest tools
apt-get install -y -qq --no-install-recommends \
	build-essential bc kmod cpio busybox-static udev initramfs-tools shellcheck \
	fio e2fsprogs util-linux dmsetup nvme-cli curl jq psmisc \
	prometheus wrk openssl \
	pkg-config libclang-dev clang \
	libjansson-dev libpcre2-dev libdevmapper-dev libmicrohttpd-dev \
	python3-pip python3-venv python3-jsonschema \
	dkms dh-dkms debhelper dpkg-dev lintian rustc-web >/dev/null

# QEMU from backports: the machine image may already carry backports'
# qemu-utils, which breaks bookworm's qemu-system-common
apt-get install -y -qq --no-install-recommends -t bookworm-backports \
	qemu-system-x86 >/dev/null

# kernels: newest 6.1 (bookworm) and newest 6.12 (bookworm-backports), -amd64
# flavour (it has 9p/virtio, which virtme-ng needs), with matching headers
apt-get install -y -qq --no-install-recommends \
	linux-image-amd64 linux-headers-amd64 >/dev/null
apt-get install -y -qq --no-install-recommends -t bookworm-backports \
	linux-image-amd64 linux-headers-amd64 >/dev/null

# virtme-ng boots a kernel over the host's root filesystem
if ! command -v vng >/dev/null 2>&1; then
	pip install -q --root-user-action=ignore virtme-ng
fi
# the configuration schema is checked with jsonschema by the host tests
python3 -c 'import jsonschema' 2>/dev/null ||
	pip install -q --root-user-action=ignore jsonschema
# the mgmt parser fuzz target (cargo fuzz needs a nightly toolchain; the
# host tests say so when it cannot be had)
if ! command -v cargo-fuzz >/dev/null 2>&1; then
	cargo install --locked -q cargo-fuzz || echo "setup: cargo-fuzz not installed" >&2
fi
rustup toolchain list | grep -q '^nightly' ||
	rustup toolchain install --profile minimal nightly || echo "setup: no nightly toolchain" >&2
echo "setup: done"
