//! The NVMe routes: the listings of `-n` and `-N`, and this project's
//! POST routes for ports, exports and revalidation, through the same
//! `librapiddisk::nvmet` operations as the command.

use super::response::Response;
use super::Server;
use crate::nvmet::{self, AddressFamily, Export, Nvmet, PortRequest, Transport, Unexport};
use crate::{Done, Result};

impl Server {
    fn nvmet(&self) -> Nvmet {
        Nvmet::new(&self.roots)
    }

    /// `GET /v1/listAllNVMeTargets`.
    pub(super) fn nvme_targets(&self) -> Response {
        match self.nvmet().targets() {
            Ok(t) => Response::json(200, nvmet::targets_json(&t)),
            Err(err) => Response::failed(200, &err),
        }
    }

    /// `GET /v1/listAllNVMePorts`.
    pub(super) fn nvme_ports(&self) -> Response {
        match self.nvmet().ports() {
            Ok(p) => Response::json(200, nvmet::ports_json(&p)),
            Err(err) => Response::failed(200, &err),
        }
    }

    pub(super) fn create_nvme_port(
        &self,
        port: i32,
        iface: &[u8],
        transport: Transport,
    ) -> Result<Done> {
        self.nvmet().enable_port(&PortRequest {
            port,
            interface: iface,
            transport,
            family: AddressFamily::Auto,
        })
    }

    pub(super) fn remove_nvme_port(&self, port: i32) -> Result<Done> {
        self.nvmet().disable_port(port)
    }

    /// An export without secrets: they are set with the command, which
    /// reads them from root-only files.
    pub(super) fn export_nvme(
        &self,
        sys: &crate::System,
        device: &[u8],
        port: Option<i32>,
        host: &[u8],
    ) -> Result<Done> {
        self.nvmet().export(
            sys,
            &Export {
                device,
                port,
                host,
                ..Export::default()
            },
        )
    }

    pub(super) fn unexport_nvme(
        &self,
        device: &[u8],
        port: Option<i32>,
        host: &[u8],
    ) -> Result<Done> {
        self.nvmet().unexport(&Unexport { device, port, host })
    }

    pub(super) fn revalidate_nvme(&self, sys: &crate::System, device: &[u8]) -> Result<Done> {
        self.nvmet().revalidate(sys, device)
    }
}
