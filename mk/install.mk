# make install / uninstall and their parts (upstream's target names).
# Every installed file comes from one of the lists below, and uninstall
# removes exactly those, so a new program, page or unit is one word in one
# list; a listed file that does not exist fails the install.
# docs/install-files.txt is the resulting file list (tests/pkg/install.sh).
RAPIDDISK_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' $(CURDIR)/Cargo.toml | head -n 1)
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
SYSTEMDUNITDIR ?= /lib/systemd/system
MODDIR ?= /lib/modules/$(KVER)/kernel/drivers/block

# where cargo put the release build
RELEASE_DIR := $(or $(CARGO_TARGET_DIR),target)/release

# programs in RELEASE_DIR, installed to SBINDIR
TOOLS := rapiddisk rapiddiskd
# scripts, installed to SBINDIR
SCRIPTS := on-boot/rapiddisk-on-boot
# what rapiddisk-on-boot copies into the initramfs-tools tree, installed to
# HELPERDIR/initramfs-tools
ON_BOOT_FILES := on-boot/initramfs-tools/hook on-boot/initramfs-tools/local-premount
# manual pages, installed to MANDIR/man<section>
MANPAGES := bin/rapiddisk.8 bin/rapiddiskd.8 on-boot/rapiddisk-on-boot.8
# systemd units, installed to SYSTEMDUNITDIR
UNITS := systemd/rapiddiskd.service systemd/rapiddisk-restore.service \
	systemd/rapiddisk-restore-nvme.service
# helper programs of the units, installed to HELPERDIR
HELPERS := systemd/rapiddisk-shutdown
HELPERDIR ?= /usr/lib/rapiddisk
MODULES := rapiddisk.ko rapiddisk-cache.ko
LIB_REAL := librapiddisk.so.1.0.0
LIB_SONAME := librapiddisk.so.1

# INSTALL_STRIP=-s strips programs and the library (install-strip)
INSTALL_STRIP ?=

.PHONY: install install-strip uninstall tools-install tools-install-strip tools-uninstall \
	install-modules uninstall-modules install-man uninstall-man install-units uninstall-units \
	install-lib uninstall-lib install-userspace uninstall-userspace install-on-boot uninstall-on-boot

install: install-modules install-userspace
install-strip:
	$(MAKE) install INSTALL_STRIP=-s
uninstall: uninstall-modules uninstall-userspace

# everything but the modules: what the Debian packages take from here
install-userspace: tools-install install-on-boot install-man install-units install-lib
uninstall-userspace: tools-uninstall uninstall-on-boot uninstall-man uninstall-units uninstall-lib

# the kernel modules built against KDIR; depmod only on the real system (a
# DESTDIR tree gets no modules.* index files: its packager runs depmod)
install-modules: modules
	install -D -m 0644 -t $(DESTDIR)$(MODDIR) $(MODULES)
	if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); fi
uninstall-modules:
	rm -f $(addprefix $(DESTDIR)$(MODDIR)/,$(MODULES))
	$(call rd_rmdirs,$(MODDIR))
	if [ -z "$(DESTDIR)" ] && [ -d /lib/modules/$(KVER) ]; then depmod -a $(KVER); fi

tools-install: userspace
	install -D -m 0755 $(INSTALL_STRIP) -t $(DESTDIR)$(SBINDIR) $(addprefix $(RELEASE_DIR)/,$(TOOLS))
tools-install-strip:
	$(MAKE) tools-install INSTALL_STRIP=-s
tools-uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(TOOLS))
	$(call rd_rmdirs,$(SBINDIR))

# rapiddisk-on-boot and the files it puts into the initramfs
install-on-boot:
	install -D -m 0755 -t $(DESTDIR)$(SBINDIR) $(SCRIPTS)
	install -D -m 0755 -t $(DESTDIR)$(HELPERDIR)/initramfs-tools $(ON_BOOT_FILES)
uninstall-on-boot:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(notdir $(SCRIPTS))) \
		$(addprefix $(DESTDIR)$(HELPERDIR)/initramfs-tools/,$(notdir $(ON_BOOT_FILES)))
	$(call rd_rmdirs,$(SBINDIR) $(HELPERDIR)/initramfs-tools)

# bin/NAME.S goes to MANDIR/manS/NAME.S
rd_mansec = $(MANDIR)/man$(subst .,,$(suffix $(1)))
install-man:
	$(foreach m,$(MANPAGES),install -D -m 0644 $(m) $(DESTDIR)$(call rd_mansec,$(m))/$(notdir $(m)) &&) true
uninstall-man:
	rm -f $(foreach m,$(MANPAGES),$(DESTDIR)$(call rd_mansec,$(m))/$(notdir $(m)))
	$(call rd_rmdirs,$(foreach m,$(MANPAGES),$(call rd_mansec,$(m))))

install-units:
	$(if $(UNITS),install -D -m 0644 -t $(DESTDIR)$(SYSTEMDUNITDIR) $(UNITS))
	$(if $(HELPERS),install -D -m 0755 -t $(DESTDIR)$(HELPERDIR) $(HELPERS))
uninstall-units:
	$(if $(UNITS),rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(notdir $(UNITS))))
	$(if $(UNITS),$(call rd_rmdirs,$(SYSTEMDUNITDIR)))
	$(if $(HELPERS),rm -f $(addprefix $(DESTDIR)$(HELPERDIR)/,$(notdir $(HELPERS))))
	$(if $(HELPERS),$(call rd_rmdirs,$(HELPERDIR)))

# librapiddisk.so for C programs: the library (real name, soname and
# development links), include/rapiddisk.h and rapiddisk.pc
install-lib: userspace
	install -D -m 0644 $(INSTALL_STRIP) $(RELEASE_DIR)/librapiddisk.so $(DESTDIR)$(LIBDIR)/$(LIB_REAL)
	ln -sf $(LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/librapiddisk.so
	install -D -m 0644 include/rapiddisk.h $(DESTDIR)$(INCLUDEDIR)/rapiddisk.h
	mkdir -p $(DESTDIR)$(PKGCONFIGDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(RAPIDDISK_VERSION)|' rapiddisk.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/rapiddisk.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/rapiddisk.pc
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi
uninstall-lib:
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(LIB_REAL) $(LIB_SONAME) librapiddisk.so) \
		$(DESTDIR)$(INCLUDEDIR)/rapiddisk.h $(DESTDIR)$(PKGCONFIGDIR)/rapiddisk.pc
	$(call rd_rmdirs,$(PKGCONFIGDIR) $(LIBDIR) $(INCLUDEDIR))
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi

# rd_rmdirs DIRS: in a DESTDIR tree, removes each directory that uninstall
# left empty and its emptied parents, up to (not including) DESTDIR; on the
# real system directories stay, as they may belong to others
rd_rmdirs = if [ -n "$(DESTDIR)" ]; then for d in $(1); do \
	while [ "$$d" != / ] && rmdir "$(DESTDIR)$$d" 2>/dev/null; do d=$$(dirname "$$d"); done; \
	done; fi
