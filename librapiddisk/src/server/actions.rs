//! The routes' actions: each calls the operation the command line uses
//! (spec §6.4: the daemon joins the command's checks where upstream's
//! does) and turns its outcome into the answer and the log line.

use super::log::Priority;
use super::response::Response;
use super::route::Action;
use super::{metrics, size, Server};
use crate::error::Error;
use crate::json::render;
use crate::ops::{query_stats, Stats, System};
use crate::{resources, Done, Modules, Result};

/// The OpenAPI document of every route (`docs/openapi.json`).
const OPENAPI: &str = include_str!("../../../docs/openapi.json");

impl Server {
    /// Runs `action`; actions that change the system hold the action lock
    /// from discovery to the end, so racing requests see each other's
    /// results.
    pub(super) fn run(&self, action: Action) -> Response {
        match action {
            Action::CheckStatus => Response::json(200, render::service_status()),
            Action::ListResources => self.resources(),
            Action::ListVolumes => self.volumes(),
            Action::CacheStats(name) => self.cache_stats(&name),
            Action::ListNvmeTargets => self.nvme_targets(),
            Action::ListNvmePorts => self.nvme_ports(),
            Action::Metrics => self.metrics(),
            Action::OpenApi => Response::typed(OPENAPI.into(), "application/json"),
            change => {
                let _serial = self.lock.lock().unwrap_or_else(|e| e.into_inner());
                self.change(change)
            }
        }
    }

    fn discover(&self) -> Result<System> {
        // the daemon never checks dm-writecache (its map is ungated)
        System::discover(self.roots.clone(), Modules::default())
    }

    /// An action's answer, logged as upstream logs it.
    fn answer(&self, result: Result<Done>) -> Response {
        match &result {
            Ok(done) => self.log.outcome(0, &done.message),
            Err(err) => self.log.outcome(err.code(), err.message()),
        }
        Response::outcome(&result)
    }

    /// A failure answered with HTTP `status` and logged.
    fn refuse(&self, status: u16, err: &Error) -> Response {
        self.log.outcome(err.code(), err.message());
        Response::failed(status, err)
    }

    /// The MiB of a size argument, or the answer to a bad one.
    fn mib(&self, arg: &[u8]) -> std::result::Result<u64, Response> {
        size::mib(arg).map_err(|bad| {
            self.log.line(Priority::Err, bad.log.as_bytes());
            Response::failed(200, &bad.error)
        })
    }

    fn change(&self, action: Action) -> Response {
        match self.try_change(&action) {
            Ok(result) => self.answer(result),
            Err(answer) => answer,
        }
    }

    /// The outcome of a change, or the answer to a size argument that
    /// could not be read (checked before discovery, as upstream does).
    fn try_change(&self, action: &Action) -> std::result::Result<Result<Done>, Response> {
        Ok(match action {
            Action::CreateDisk(arg) => {
                let mib = self.mib(arg)?;
                self.discover().and_then(|sys| sys.attach_mib(mib))
            }
            Action::ResizeDisk(rd, arg) => {
                let mib = self.mib(arg)?;
                self.discover().and_then(|sys| {
                    if sys.disks.is_empty() {
                        // upstream answers a bare {"status": "Failed"}
                        return Err(Error::new(-libc::EINVAL, ""));
                    }
                    sys.resize_mib(rd, mib)
                })
            }
            Action::SaveConfiguration(name) => self.save_configuration(name.as_deref()),
            Action::RestoreConfiguration(name) => self.restore_configuration(name.as_deref()),
            other => self.discover().and_then(|sys| match other {
                Action::RemoveDisk(rd) => sys.detach_known(rd),
                Action::FlushDisk(rd) => sys.flush(rd),
                Action::CreateCache(rd, src, mode) => {
                    sys.map_ungated(rd, &[&b"/dev/"[..], src].concat(), *mode)
                }
                Action::RemoveCache(name) => sys.unmap(name),
                Action::Lock(rd) => sys.set_locked(rd, true),
                Action::Unlock(rd) => sys.set_locked(rd, false),
                Action::CreateNvmePort(port, iface, transport) => {
                    self.create_nvme_port(*port, iface, *transport)
                }
                Action::RemoveNvmePort(port) => self.remove_nvme_port(*port),
                Action::ExportNvme(dev, port, host) => self.export_nvme(&sys, dev, *port, host),
                Action::UnexportNvme(dev, port, host) => self.unexport_nvme(dev, *port, host),
                Action::RevalidateNvme(dev) => self.revalidate_nvme(&sys, dev),
                other => unreachable!("not a change of the system: {other:?}"),
            }),
        })
    }

    fn volumes(&self) -> Response {
        match self.discover() {
            Ok(sys) => Response::json(200, render::list(&sys.disks, &sys.mappings)),
            Err(err) => self.refuse(200, &err),
        }
    }

    fn resources(&self) -> Response {
        match resources::resources(&self.roots) {
            Ok(res) => Response::json(200, render::resources(&res)),
            Err(err) => {
                // upstream logs this one with a period added
                let line = [err.message(), b"."].concat();
                self.log.line(Priority::Err, &line);
                Response::failed(200, &err)
            }
        }
    }

    /// Any device-mapper name is asked for, known to discovery or not.
    fn cache_stats(&self, name: &[u8]) -> Response {
        match query_stats(name) {
            Stats::Unavailable => self.refuse(400, &Error::new(-1, "Can't get device status.")),
            stats => Response::json(200, stats.json(name)),
        }
    }

    fn metrics(&self) -> Response {
        let sys = self.discover().ok();
        let (disks, maps) = sys
            .as_ref()
            .map_or((&[][..], &[][..]), |s| (&s.disks[..], &s.mappings[..]));
        let mappings: Vec<_> = maps
            .iter()
            .map(|m| (m.clone(), query_stats(m.device.as_encoded_bytes())))
            .collect();
        let requests = self.requests.snapshot();
        let text = metrics::render(&metrics::Scrape {
            discovered: sys.is_some(),
            disks,
            mappings: &mappings,
            requests: &requests,
        });
        Response::typed(text.into_bytes(), metrics::CONTENT_TYPE)
    }
}
