# rapiddisk-rs: `make` builds the kernel modules (against KDIR) and the
# userspace; `make check` runs every test; `make demo` boots a VM and shows
# the RAM disks at work; `make bench` measures them against the kernel's brd.
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
CARGO ?= cargo
PREFIX ?= /usr
SBINDIR ?= /sbin
MANDIR ?= $(PREFIX)/share/man

.PHONY: all modules userspace clean check check-host check-vm demo bench setup install install-modules install-tools

all: modules userspace

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

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

check: check-host check-vm

demo: setup
	tests/vm/demo.sh

bench: setup
	tests/vm/bench.sh

install: install-modules install-tools

install-modules: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER)

# the command and its manual page (DESTDIR for packaging)
install-tools: userspace
	install -D -m 0755 target/release/rapiddisk $(DESTDIR)$(SBINDIR)/rapiddisk
	install -D -m 0644 bin/rapiddisk.8 $(DESTDIR)$(MANDIR)/man8/rapiddisk.8
