//! Port creation (`-i IFACE -P PORT [-t tcp|rdma|loop]`, spec §5.5) and
//! removal (`-X -P PORT`, §5.6). Beyond upstream: an interface without
//! IPv4 gets an IPv6 port (adrfam `ipv6`), `--adrfam` picks the family,
//! and the loop transport is refused clearly where the kernel lacks it.

use super::network::usable_ipv6;
use super::tx::Tx;
use super::{cat, failed, shown, unable_to_open, write_failed, Nvmet};
use crate::error::{strerror, Error, Result};
use crate::ops::Done;
use std::fs;
use std::io;
use std::net::IpAddr;

/// The NVMe-oF transport of a port (`-t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transport {
    #[default]
    Tcp,
    Rdma,
    Loop,
}

impl Transport {
    pub fn word(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Rdma => "rdma",
            Transport::Loop => "loop",
        }
    }
}

/// Which address of the interface a tcp or rdma port listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AddressFamily {
    /// IPv4 if the interface has one, else its first non-link-local IPv6.
    #[default]
    Auto,
    Ipv4,
    Ipv6,
}

impl AddressFamily {
    /// `ipv4` or `ipv6`, the values of `--adrfam`.
    pub fn parse(word: &[u8]) -> Option<Self> {
        match word {
            b"ipv4" => Some(AddressFamily::Ipv4),
            b"ipv6" => Some(AddressFamily::Ipv6),
            _ => None,
        }
    }
}

/// What `-i`/`-P`/`-t`/`--adrfam` ask for.
#[derive(Debug, Clone, Copy)]
pub struct PortRequest<'a> {
    pub port: i32,
    pub interface: &'a [u8],
    pub transport: Transport,
    pub family: AddressFamily,
}

const FUNC: &str = "nvmet_enable_port";

impl Nvmet {
    /// Creates port `req.port` (spec §5.5).
    pub fn enable_port(&self, req: &PortRequest) -> Result<Done> {
        self.require_loaded()?;
        let dir = self.port_dir(req.port);
        let port = req.port.to_string();
        if dir.exists() {
            let msg = format!("Error. NVMe Target Port {port} already exists.");
            return Err(Error::new(-1, msg));
        }
        let ip = match req.transport {
            Transport::Loop => {
                self.require_loop()?;
                None
            }
            _ => Some(self.free_address(req)?),
        };
        self.make_port(req.port, req.transport, ip.map(|ip| (ip, 4420)))?;
        let trtype = req.transport.word();
        let iface = req.interface;
        let message = match ip {
            None => format!("Successfully created port {port} set for loop.").into_bytes(),
            Some(ip) => cat(&[
                format!("Successfully created port {port} set to {trtype} for interface ")
                    .as_bytes(),
                iface,
                format!(" (with IP address {ip}).").as_bytes(),
            ]),
        };
        Ok(Done {
            device: port.into_bytes(),
            message,
        })
    }

    /// Creates port `port` listening on `listen` (address and service;
    /// none for loop), as one transaction.
    fn make_port(
        &self,
        port: i32,
        transport: Transport,
        listen: Option<(IpAddr, u16)>,
    ) -> Result<()> {
        let dir = self.port_dir(port);
        let mut tx = Tx::new(&*self.fs);
        if let Err(e) = tx.mkdir(&dir) {
            let lead = b"Error. Unable to create port directory. ";
            return Err(failed(lead, FUNC, "mkdir", &e));
        }
        let trtype = transport.word();
        let attrs: Vec<(&str, String)> = match listen {
            None => vec![("addr_trtype", trtype.into())],
            Some((ip, service)) => vec![
                ("addr_trsvcid", service.to_string()),
                (
                    "addr_adrfam",
                    if ip.is_ipv4() { "ipv4" } else { "ipv6" }.into(),
                ),
                ("addr_trtype", trtype.into()),
                ("addr_traddr", ip.to_string()),
            ],
        };
        for (attr, value) in &attrs {
            let file = dir.join(attr);
            if let Err(e) = tx.write(&file, value.as_bytes()) {
                return Err(tx.abort(write_failed(&unable_to_open(&file), &file, FUNC, e)));
            }
        }
        tx.commit();
        Ok(())
    }

    /// Creates port `port` as a saved configuration describes it: on the
    /// saved address rather than an interface's (restore).
    pub fn restore_port(
        &self,
        port: i32,
        transport: Transport,
        listen: Option<(IpAddr, u16)>,
    ) -> Result<()> {
        self.require_loaded()?;
        if self.port_dir(port).exists() {
            let msg = format!("Error. NVMe Target Port {port} already exists.");
            return Err(Error::new(-1, msg));
        }
        if transport == Transport::Loop {
            self.require_loop()?;
        }
        self.make_port(port, transport, listen)
    }

    /// The loop transport needs `nvme-loop`: loaded, built in, or a module
    /// the kernel can load when the port is first used.
    fn require_loop(&self) -> Result<()> {
        let has = |file: &str, needle: &str| {
            fs::read_to_string(self.modules_dir.join(file)).is_ok_and(|t| t.contains(needle))
        };
        if self.sys_module.join("nvme_loop").exists()
            || has("modules.alias", "alias nvmet-transport-254 ")
            || has("modules.builtin", "/nvme-loop.ko")
        {
            return Ok(());
        }
        Err(Error::new(
            -1,
            "Error. The loop transport is not available: this kernel has no nvme-loop module.",
        ))
    }

    /// The interface's address, checked against the ports already in use.
    fn free_address(&self, req: &PortRequest) -> Result<IpAddr> {
        let linked = self.linked_ports()?;
        let ip = self.interface_address(req).map_err(|inner| {
            let lead = b"Cannot find the IP address of interface ";
            Error::new(
                -1,
                cat(&[lead, req.interface, b". Error: ", inner.as_bytes()]),
            )
        })?;
        let shown = ip.to_string();
        if let Some(l) = linked.iter().find(|l| l.port.address == shown.as_bytes()) {
            let msg = cat(&[
                b"Error. Interface ",
                req.interface,
                format!(
                    " with IP address {shown} is already in use on port {}.",
                    l.port.port
                )
                .as_bytes(),
            ]);
            return Err(Error::new(-1, msg));
        }
        Ok(ip)
    }

    /// The address to listen on, or the inner error text.
    fn interface_address(&self, req: &PortRequest) -> std::result::Result<IpAddr, String> {
        let inner =
            |call: &str, e: &io::Error| format!("nvmet_interface_ip_get: {call}: {}", strerror(e));
        fs::metadata(self.net_class.join(super::name(req.interface)))
            .map_err(|e| inner("access", &e))?;
        let all = self
            .network
            .addresses(req.interface)
            .map_err(|e| inner("getifaddrs", &e))?;
        let v4 = all.iter().find(|a| a.is_ipv4());
        let v6 = all
            .iter()
            .find(|a| matches!(a, IpAddr::V6(v6) if usable_ipv6(v6)));
        let chosen = match req.family {
            AddressFamily::Auto => v4.or(v6),
            AddressFamily::Ipv4 => v4,
            AddressFamily::Ipv6 => v6,
        };
        // upstream's words for an interface without the address asked for
        chosen
            .copied()
            .ok_or_else(|| inner("ioctl", &io::Error::from_raw_os_error(libc::EADDRNOTAVAIL)))
    }

    /// Removes port `port` (spec §5.6) unless a subsystem is linked to it.
    pub fn disable_port(&self, port: i32) -> Result<Done> {
        self.require_loaded()?;
        let dir = self.port_dir(port);
        if !dir.exists() {
            let msg = format!("Error. NVMe Target Port {port} does not exist.");
            return Err(Error::new(-1, msg));
        }
        let links = dir.join("subsystems");
        let linked = fs::read_dir(&links).map(|mut it| it.next().is_some());
        match linked {
            Err(e) => {
                let lead = cat(&[b"Error. Unable to access ", shown(&links), b"/. "]);
                return Err(failed(&lead, "nvmet_disable_port", "scandir", &e));
            }
            Ok(true) => return Err(Error::new(-1, "This port is currently in use.")),
            Ok(false) => {}
        }
        if let Err(e) = self.fs.rmdir(&dir) {
            let lead = b"Error. Unable to remove port. ";
            return Err(failed(lead, "nvmet_disable_port", "rmdir", &e));
        }
        Ok(Done {
            device: port.to_string().into_bytes(),
            message: format!("NVMe Target port {port} has been removed.").into_bytes(),
        })
    }
}
