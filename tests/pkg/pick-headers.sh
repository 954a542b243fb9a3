#!/usr/bin/env bash
# pick-headers.sh KVER: prints the headers package of another kernel
# release that is cheap to install for a simulated kernel upgrade (the
# -cloud-amd64 flavour of KVER: it shares KVER's linux-headers-*-common and
# linux-kbuild, which are installed already), or nothing when the archive
# has no such package or it is installed already.
set -eu
k=$1
p=linux-headers-${k%-amd64}-cloud-amd64
cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
inst=$(apt-cache policy "$p" 2>/dev/null | awk '/Installed:/ {print $2}')
if [ -n "$cand" ] && [ "$cand" != "(none)" ] && [ "$inst" = "(none)" ]; then
	echo "$p"
fi
