#!/usr/bin/env bash
# deb.sh LOG: make deb builds the four packages with the files they are
# meant to hold, and lintian finds no error or warning in them.
set -uo pipefail
log=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/pkg/lib.sh"
ver=$(sed -n 's/^version = "\(.*\)"/\1/p' "$top/Cargo.toml" | head -n 1)
d=$top/build/deb
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

make -s -C "$top" deb >"$log" 2>&1
check_eq "make deb: exit" 0 "$?"
# contents: PACKAGE file-or-link... (paths without the leading ./)
contents() { dpkg-deb -c "$d/$1_${ver}_$2.deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./||' | sort; }
check_eq "rapiddisk: programs, manual pages, units and their helper, boot files, API document" "$(printf '%s\n' \
	lib/systemd/system/rapiddisk-restore-nvme.service \
	lib/systemd/system/rapiddisk-restore.service lib/systemd/system/rapiddiskd.service \
	sbin/rapiddisk sbin/rapiddisk-on-boot sbin/rapiddiskd \
	usr/lib/rapiddisk/initramfs-tools/hook usr/lib/rapiddisk/initramfs-tools/local-premount \
	usr/lib/rapiddisk/rapiddisk-shutdown \
	usr/share/doc/rapiddisk/README.md.gz usr/share/doc/rapiddisk/changelog.gz \
	usr/share/doc/rapiddisk/copyright usr/share/doc/rapiddisk/openapi.json.gz \
	usr/share/man/man8/rapiddisk-on-boot.8.gz usr/share/man/man8/rapiddisk.8.gz \
	usr/share/man/man8/rapiddiskd.8.gz | sort)" "$(contents rapiddisk amd64)"
check_eq "librapiddisk1: the library and its soname link" "$(printf '%s\n' \
	usr/lib/$ma/librapiddisk.so.1 usr/lib/$ma/librapiddisk.so.1.0.0 \
	usr/share/doc/librapiddisk1/changelog.gz usr/share/doc/librapiddisk1/copyright)" \
	"$(contents librapiddisk1 amd64)"
check_eq "librapiddisk-dev: header, .pc, .so link" "$(printf '%s\n' usr/include/rapiddisk.h \
	usr/lib/$ma/librapiddisk.so usr/lib/$ma/pkgconfig/rapiddisk.pc \
	usr/share/doc/librapiddisk-dev/changelog.gz usr/share/doc/librapiddisk-dev/copyright)" \
	"$(contents librapiddisk-dev amd64)"
# the DKMS tree is exactly what make install-dkms-src lays out
want=$(rm -rf "$d/src-check" && make -s -C "$top" install-dkms-src DESTDIR="$d/src-check" &&
	(cd "$d/src-check" && find . ! -type d | sed 's|^\./||' | sort))
check_eq "rapiddisk-dkms: the module sources and dkms.conf" "$(printf '%s\n' "$want" \
	usr/share/doc/rapiddisk-dkms/changelog.gz usr/share/doc/rapiddisk-dkms/copyright | sort)" \
	"$(contents rapiddisk-dkms all)"
rm -rf "$d/src-check"
check "the library's soname is librapiddisk.so.1" sh -c \
	"dpkg-deb --fsys-tarfile '$d/librapiddisk1_${ver}_amd64.deb' | tar -xOf - ./usr/lib/$ma/librapiddisk.so.1.0.0 >'$d/so' && objdump -p '$d/so' | grep -q 'SONAME *librapiddisk.so.1\$'"
rm -f "$d/so"
check "rapiddisk-dkms depends on dkms and rustc-web" sh -c \
	"dpkg-deb -f '$d/rapiddisk-dkms_${ver}_all.deb' Depends | tr ',' '\n' | grep -q '^ *dkms' && dpkg-deb -f '$d/rapiddisk-dkms_${ver}_all.deb' Depends | grep -qw rustc-web"
check "rapiddisk enables and starts the daemon the Debian way" \
	sh -c "dpkg-deb -I '$d/rapiddisk_${ver}_amd64.deb' postinst | grep -q \"deb-systemd-helper enable 'rapiddiskd.service'\""
postinst=$(dpkg-deb -I "$d/rapiddisk_${ver}_amd64.deb" postinst)
check "the package enables rapiddisk-restore.service" \
	grep -qF "deb-systemd-helper enable 'rapiddisk-restore.service'" <<<"$postinst"

lintian --allow-root --tag-display-limit 0 "$d/rapiddisk_${ver}_amd64.changes" >"$log.lintian" 2>&1
errors=$(grep '^E:' "$log.lintian")
check_eq "lintian: no errors" "" "$errors"
# the README says there are no warnings either; a new one must be fixed or listed there
check_eq "lintian: no warnings" "" "$(grep '^W:' "$log.lintian")"
echo "lintian said:"
sed 's/^/  /' "$log.lintian"
