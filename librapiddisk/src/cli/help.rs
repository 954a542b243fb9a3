//! The header and the help menu of `rapiddisk`: this project's own words.
//! Scripts read the version from the first header line.

/// `rapiddisk <version>`, a line about the tool, an empty line.
pub fn header() -> String {
    format!(
        "rapiddisk {}\nRAM disks, and RAM caches in front of slower block devices.\n\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The help menu.
pub const HELP: &str = "\
Usage: rapiddisk [-g] [-j] ACTION [PARAMETERS]

RAM disks (rdN):
  -a SIZE            create a RAM disk of SIZE; SIZE is a whole number of MiB,
                     or a number with one of B, KB, KiB, MB, MiB, GB, GiB
  -d RD              remove RAM disk RD
  -r RD -c SIZE      change the size of RAM disk RD to SIZE
  -f RD              erase every block of RAM disk RD (it reads back zeroes)
  -L RD              make RAM disk RD read-only
  -U RD              make RAM disk RD writable again
  -l                 list RAM disks and cache mappings
  -q                 show memory and the block devices that can be cached

Caches (a RAM disk in front of a block device):
  -m RD -b DEV [-p wt|wa|wb]
                     cache block device DEV (a path under /dev) with RAM disk RD
                     wt: write-through (default), wa: write-around,
                     wb: writeback through the kernel's dm-writecache
                     (the mapping appears as /dev/mapper/rc-<mode>_<name of DEV>)
  writeback tunables (with -p wb; dm-writecache's optional parameters):
    --high-watermark N --low-watermark N   percent full to start/stop writeback
    --writeback-jobs N --autocommit-blocks N
    --autocommit-time MS --max-age MS --pause-writeback MS
    --cleaner          write everything back, cache no new writes
    --metadata-only    keep only metadata in the cache
  -u MAP             remove cache mapping MAP (writeback writes dirty data first)
  -s MAP             show the counters of cache mapping MAP

NVMe over Fabrics targets:
  -N                 list NVMe target ports
  -n                 list exported devices
  -i IFACE -P PORT [-t tcp|rdma|loop] [--adrfam ipv4|ipv6]
                     create target port PORT on network interface IFACE
                     (its IPv4 address, else its IPv6 one; loop ignores IFACE)
  -X -P PORT         remove target port PORT (refused while in use)
  -e -b DEV [-P PORT] [-H HOSTNQN] [--dhchap-key FILE [--dhchap-ctrl-key FILE]]
                     export device DEV (rdN or a mapping) on PORT or every
                     port, to HOSTNQN or any host; with a DH-HMAC-CHAP secret
                     for HOSTNQN read from FILE (made, mode 0600, if absent)
  -x -b DEV [-P PORT] [-H HOSTNQN]
                     stop exporting DEV (to HOSTNQN; the last host ends it)
  -R -b DEV          tell initiators that the size of DEV changed

Configuration (default FILE /etc/rapiddisk/rapiddisk.json):
  --save [FILE]      save RAM disks, cache mappings and NVMe exports to FILE
  --restore [FILE]   recreate what FILE describes (kept if already there;
                     a failed step undoes the others)
  --without-nvme     with --restore: leave the NVMe ports and exports out

Output:
  -g                 leave out the header
  -j                 print JSON (no header)
  -h                 show this help
  -v                 show the version

Exit status: 0 on success; otherwise the low byte of the negative error
number (for example 234 for invalid arguments, 254 for an unknown device).
";
