//! The NVMe-oF part of the document: target ports, the hosts whose
//! DH-HMAC-CHAP secrets live in root-only files (the document names the
//! files, never the secrets), and the exports of RAM disks and mappings.

use serde::{Deserialize, Serialize};

/// The `nvmet` section.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nvmet {
    #[serde(default)]
    pub ports: Vec<PortEntry>,
    #[serde(default)]
    pub hosts: Vec<HostEntry>,
    #[serde(default)]
    pub exports: Vec<ExportEntry>,
}

/// The transports by the words of `addr_trtype`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportWord {
    Tcp,
    Rdma,
    Loop,
}

impl TransportWord {
    pub fn transport(self) -> crate::nvmet::Transport {
        match self {
            TransportWord::Tcp => crate::nvmet::Transport::Tcp,
            TransportWord::Rdma => crate::nvmet::Transport::Rdma,
            TransportWord::Loop => crate::nvmet::Transport::Loop,
        }
    }
}

/// The address families by the words of `addr_adrfam`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

/// The address of a tcp or rdma port, as the port listened on when saved
/// (an address, not an interface: configfs keeps only the address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub family: Family,
    pub address: String,
    /// `addr_trsvcid`, the TCP port or RDMA service.
    pub service: u16,
}

/// A port directory `ports/<port>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortEntry {
    pub port: u16,
    pub transport: TransportWord,
    /// Absent for the loop transport, required otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen: Option<Address>,
}

/// An allowed host with DH-HMAC-CHAP secrets, each in a file of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostEntry {
    pub nqn: String,
    pub dhchap_key_file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhchap_ctrl_key_file: Option<String>,
}

/// The export of `device` (its NQN follows from the host name and the
/// device, as `-e` makes it) on `ports` to `hosts` (none: any host).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportEntry {
    pub device: String,
    pub ports: Vec<u16>,
    #[serde(default)]
    pub hosts: Vec<String>,
}

/// NQNs are at most 223 bytes (NVMe base specification).
const NQN_MAX: usize = 223;

fn check_nqn(nqn: &str) -> Result<(), String> {
    if !nqn.starts_with("nqn.") || nqn.len() > NQN_MAX || nqn.contains('/') {
        return Err(format!(
            "'{nqn}' is not an NQN (nqn...., at most {NQN_MAX} bytes, no '/')"
        ));
    }
    Ok(())
}

fn check_key_file(path: &str, nqn: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!(
            "the secret file of host {nqn} is not an absolute path"
        ));
    }
    Ok(())
}

impl PortEntry {
    fn check(&self) -> Result<(), String> {
        match (self.transport, &self.listen) {
            (TransportWord::Loop, Some(_)) => Err(format!(
                "NVMe port {} uses the loop transport and has no address",
                self.port
            )),
            (TransportWord::Tcp | TransportWord::Rdma, None) => {
                Err(format!("NVMe port {} has no address", self.port))
            }
            (_, Some(a)) => {
                let ip: std::net::IpAddr = a.address.parse().map_err(|_| {
                    format!(
                        "NVMe port {}: '{}' is not an IP address",
                        self.port, a.address
                    )
                })?;
                if ip.is_ipv4() != (a.family == Family::Ipv4) {
                    return Err(format!(
                        "NVMe port {}: {} is not an {:?} address",
                        self.port, a.address, a.family
                    ));
                }
                Ok(())
            }
            (TransportWord::Loop, None) => Ok(()),
        }
    }
}

impl Nvmet {
    /// Names, references and duplicates; `devices` are the RAM disks and
    /// mappings of the document, the only devices an export may name.
    pub fn check(&self, devices: &[&str]) -> Result<(), String> {
        for (i, p) in self.ports.iter().enumerate() {
            p.check()?;
            if self.ports[..i].iter().any(|o| o.port == p.port) {
                return Err(format!("NVMe port {} is listed twice", p.port));
            }
        }
        for (i, h) in self.hosts.iter().enumerate() {
            check_nqn(&h.nqn)?;
            check_key_file(&h.dhchap_key_file, &h.nqn)?;
            if let Some(f) = &h.dhchap_ctrl_key_file {
                check_key_file(f, &h.nqn)?;
            }
            if self.hosts[..i].iter().any(|o| o.nqn == h.nqn) {
                return Err(format!("NVMe host {} is listed twice", h.nqn));
            }
        }
        for (i, e) in self.exports.iter().enumerate() {
            if !devices.contains(&e.device.as_str()) {
                return Err(format!(
                    "the export of {} names a device that is not among the RAM disks and mappings",
                    e.device
                ));
            }
            if self.exports[..i].iter().any(|o| o.device == e.device) {
                return Err(format!("the export of {} is listed twice", e.device));
            }
            if e.ports.is_empty() {
                return Err(format!("the export of {} has no port", e.device));
            }
            if let Some(p) = e
                .ports
                .iter()
                .find(|p| !self.ports.iter().any(|o| o.port == **p))
            {
                return Err(format!(
                    "the export of {} uses NVMe port {p}, which is not among the ports",
                    e.device
                ));
            }
            for h in &e.hosts {
                check_nqn(h)?;
            }
        }
        Ok(())
    }
}
