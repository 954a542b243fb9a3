# rapiddisk-rs: `make` builds the kernel modules (against KDIR) and the
# userspace; `make check` runs every test; `make demo` boots a VM and shows
# the RAM disks at work; `make bench` measures them against the kernel's brd.
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
CARGO ?= cargo
PREFIX ?= /usr
SBINDIR ?= /sbin
MANDIR ?= $(PREFIX)/share/man

.PHONY: all modules userspace clean check check-host check-vm check-boot check-pkg demo bench setup

all: modules userspace

# the Rust compiler rust-toolchain.toml pins (make -C KDIR leaves this
# directory, where rustup would look for the pin)
RUSTC ?= $(shell rustup which rustc 2>/dev/null || command -v rustc)

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) RUSTC="$(RUSTC)" modules

userspace:
	$(CARGO) build --release --workspace

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(CARGO) clean

setup:
	tests/vm/setup.sh

check-host: setup
	tests/host/run.sh

check-vm: setup
	tests/vm/run-all.sh

# rapiddisk-on-boot: initramfs images booted under QEMU
check-boot: setup
	tests/boot/run-all.sh

check-pkg: setup
	tests/pkg/run.sh

# check-pkg installs the built packages on this machine and purges them
# again: meant for the throwaway CI machine (and as root)
check: check-host check-vm check-boot check-pkg

demo: setup
	tests/vm/demo.sh

bench: setup
	tests/vm/bench.sh

include mk/install.mk
include mk/dkms.mk
include mk/deb.mk
