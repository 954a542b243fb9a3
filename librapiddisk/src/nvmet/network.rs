//! What an export needs to know about the machine: its host name (part of
//! every NQN) and the addresses of a network interface.

use std::ffi::CStr;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub trait Network {
    fn hostname(&self) -> io::Result<Vec<u8>>;
    /// The addresses of interface `name`, in the order the kernel lists them.
    fn addresses(&self, name: &[u8]) -> io::Result<Vec<IpAddr>>;
}

/// The running system.
pub struct SystemNetwork;

impl Network for SystemNetwork {
    fn hostname(&self) -> io::Result<Vec<u8>> {
        // HOST_NAME_MAX is 64, so a 64-character name fits with its NUL
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length.
        if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        Ok(buf[..end].to_vec())
    }

    fn addresses(&self, name: &[u8]) -> io::Result<Vec<IpAddr>> {
        let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
        // SAFETY: getifaddrs fills `head` with a list we free below.
        if unsafe { libc::getifaddrs(&mut head) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut found = Vec::new();
        let mut at = head;
        while !at.is_null() {
            // SAFETY: `at` is a node of the live list.
            let ifa = unsafe { &*at };
            at = ifa.ifa_next;
            // SAFETY: ifa_name is a NUL-terminated string of the list.
            let ifname = unsafe { CStr::from_ptr(ifa.ifa_name) }.to_bytes();
            if ifname != name || ifa.ifa_addr.is_null() {
                continue;
            }
            // SAFETY: the family tells which sockaddr the pointer holds.
            unsafe {
                match i32::from((*ifa.ifa_addr).sa_family) {
                    libc::AF_INET => {
                        let sin = &*ifa.ifa_addr.cast::<libc::sockaddr_in>();
                        found.push(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                            sin.sin_addr.s_addr,
                        ))));
                    }
                    libc::AF_INET6 => {
                        let sin6 = &*ifa.ifa_addr.cast::<libc::sockaddr_in6>();
                        found.push(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)));
                    }
                    _ => {}
                }
            }
        }
        // SAFETY: `head` came from getifaddrs and is freed once.
        unsafe { libc::freeifaddrs(head) };
        Ok(found)
    }
}

/// Link-local IPv6 addresses (fe80::/10) need a scope, which the nvmet
/// port has no attribute for.
pub fn usable_ipv6(addr: &Ipv6Addr) -> bool {
    (addr.segments()[0] & 0xffc0) != 0xfe80
}
