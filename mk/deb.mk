# make deb: the Debian packages (rapiddisk, rapiddisk-dkms, librapiddisk1,
# librapiddisk-dev) in build/deb/, built by dpkg-buildpackage from a copy of
# the tree's files (so its outputs stay out of the tree's parent). The crates
# are fetched first; the package build itself runs cargo offline.
DEB_OUT := $(CURDIR)/build/deb
DEB_SRC := $(DEB_OUT)/rapiddisk-$(RAPIDDISK_VERSION)

.PHONY: deb
deb:
	$(CARGO) fetch --locked
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_SRC)
	git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && CARGO_TARGET_DIR=$(CURDIR)/build/deb-target dpkg-buildpackage -b -us -uc
	ls $(DEB_OUT)/*.deb
