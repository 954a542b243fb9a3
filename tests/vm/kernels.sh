# Sourced: the Debian test kernels installed by tests/vm/setup.sh.
# rd_kernels prints one release per line (6.1 first, then 6.12).
rd_kernels() {
	local v
	for series in 6.1 6.12; do
		v=$(ls /boot/vmlinuz-"$series".* 2>/dev/null | sed 's|.*/vmlinuz-||' | grep -- '-amd64$' | sort -V | tail -n 1)
		[ -n "$v" ] && echo "$v"
	done
	return 0
}
