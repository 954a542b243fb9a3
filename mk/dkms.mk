# DKMS: install-dkms-src lays out the module sources DKMS builds from
# (also what the rapiddisk-dkms package ships); dkms-install adds them and
# builds + installs the modules for KVER, dkms-uninstall takes them away.
DKMS ?= dkms
DKMS_SRC := /usr/src/rapiddisk-$(RAPIDDISK_VERSION)
# only what the module build needs
DKMS_FILES := Kbuild scripts/check-rust-obj.sh include/rdsk_core.h include/rcache_core.h \
	include/rd_direct.h $(wildcard shim/*.c shim/*.h) \
	$(wildcard module/rdsk/src/*.rs module/cache/src/*.rs)
# the id DKMS knows the modules by
DKMS_ID := -m rapiddisk -v $(RAPIDDISK_VERSION)

.PHONY: install-dkms-src uninstall-dkms-src dkms-install dkms-uninstall

install-dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	$(foreach f,$(DKMS_FILES),install -D -m 0644 $(f) $(DESTDIR)$(DKMS_SRC)/$(f) &&) true
	chmod 0755 $(DESTDIR)$(DKMS_SRC)/scripts/check-rust-obj.sh
	install -m 0755 dkms/dkms-build.sh $(DESTDIR)$(DKMS_SRC)/dkms-build.sh
	sed 's|@VERSION@|$(RAPIDDISK_VERSION)|' dkms/dkms.conf.in >$(DESTDIR)$(DKMS_SRC)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMS_SRC)/dkms.conf
uninstall-dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRC)

dkms-install:
	@command -v $(DKMS) >/dev/null || { echo "dkms-install: dkms is not installed" >&2; exit 1; }
	@if $(DKMS) status $(DKMS_ID) -k $(KVER) | grep -q .; then \
		echo "dkms-install: rapiddisk/$(RAPIDDISK_VERSION) is already added for $(KVER):" >&2; \
		$(DKMS) status $(DKMS_ID) -k $(KVER) >&2; \
		echo "dkms-install: run 'make dkms-uninstall KVER=$(KVER)' first" >&2; exit 1; fi
	if ! $(DKMS) status $(DKMS_ID) | grep -q .; then \
		$(MAKE) install-dkms-src DESTDIR= && $(DKMS) add $(DKMS_ID); fi
	$(DKMS) install $(DKMS_ID) -k $(KVER) --kernelsourcedir $(KDIR)

# removes the build for KVER; the sources go with the last kernel's
dkms-uninstall:
	@command -v $(DKMS) >/dev/null || { echo "dkms-uninstall: dkms is not installed" >&2; exit 1; }
	$(DKMS) remove $(DKMS_ID) -k $(KVER)
	if ! $(DKMS) status $(DKMS_ID) | grep -q .; then rm -rf $(DKMS_SRC); fi
