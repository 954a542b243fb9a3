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

# the command, the daemon, their manual pages and the daemon's systemd
# unit (DESTDIR for packaging)
SYSTEMDUNITDIR ?= /lib/systemd/system
install-tools: userspace
	install -D -m 0755 target/release/rapiddisk $(DESTDIR)$(SBINDIR)/rapiddisk
	install -D -m 0644 bin/rapiddisk.8 $(DESTDIR)$(MANDIR)/man8/rapiddisk.8
	install -D -m 0755 target/release/rapiddiskd $(DESTDIR)$(SBINDIR)/rapiddiskd
	install -D -m 0644 bin/rapiddiskd.8 $(DESTDIR)$(MANDIR)/man8/rapiddiskd.8
	install -D -m 0644 systemd/rapiddiskd.service $(DESTDIR)$(SYSTEMDUNITDIR)/rapiddiskd.service
	install -D -m 0644 systemd/rapiddisk-restore.service $(DESTDIR)$(SYSTEMDUNITDIR)/rapiddisk-restore.service
	install -D -m 0755 systemd/rapiddisk-shutdown $(DESTDIR)/usr/lib/rapiddisk/rapiddisk-shutdown

# librapiddisk.so for C programs: the library (real name, soname and
# development links), include/rapiddisk.h and rapiddisk.pc (DESTDIR for
# packaging)
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
RAPIDDISK_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
.PHONY: install-lib
install-lib: userspace
	install -D -m 0755 target/release/librapiddisk.so $(DESTDIR)$(LIBDIR)/librapiddisk.so.1.0.0
	ln -sf librapiddisk.so.1.0.0 $(DESTDIR)$(LIBDIR)/librapiddisk.so.1
	ln -sf librapiddisk.so.1 $(DESTDIR)$(LIBDIR)/librapiddisk.so
	install -D -m 0644 include/rapiddisk.h $(DESTDIR)$(INCLUDEDIR)/rapiddisk.h
	mkdir -p $(DESTDIR)$(PKGCONFIGDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(RAPIDDISK_VERSION)|' rapiddisk.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/rapiddisk.pc
