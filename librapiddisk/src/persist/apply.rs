//! Applying a plan as one transaction: the steps run in order, and when
//! one fails, those done are undone in reverse, so a failed restore leaves
//! the system as it found it.

use super::apply_nvmet;
use super::plan::Step;
use super::stable::resolve;
use crate::discover::Roots;
use crate::ops::System;
use crate::startup::Modules;

/// Does and undoes steps: the system itself, or a test's stand-in.
pub trait Executor {
    fn run(&mut self, step: &Step) -> Result<(), String>;
    fn undo(&mut self, step: &Step) -> Result<(), String>;
}

/// A failed apply: the step and why, and any undo that failed too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub step: String,
    pub reason: String,
    pub undo_failures: Vec<String>,
}

impl Failed {
    /// The message line: `Error. Unable to <step>: <reason>. ...`.
    pub fn message(&self) -> String {
        let mut msg = format!(
            "Error. Unable to {}: {}.",
            self.step,
            self.reason.trim_end_matches('.')
        );
        if self.undo_failures.is_empty() {
            msg.push_str(" What this restore created was removed again.");
        } else {
            msg.push_str(" Undoing failed too: ");
            let list = self.undo_failures.join("; ");
            msg.push_str(list.trim_end_matches('.'));
            msg.push('.');
        }
        msg
    }
}

/// Runs `steps`; on the first failure undoes the steps done, newest first.
pub fn apply(steps: &[Step], exec: &mut dyn Executor) -> Result<(), Failed> {
    for (i, step) in steps.iter().enumerate() {
        if let Err(reason) = exec.run(step) {
            let undo_failures = steps[..i]
                .iter()
                .rev()
                .filter_map(|done| {
                    exec.undo(done)
                        .err()
                        .map(|e| format!("undo of '{}': {e}", done.describe()))
                })
                .collect();
            return Err(Failed {
                step: step.describe(),
                reason,
                undo_failures,
            });
        }
    }
    Ok(())
}

/// The executor of the real system: each step discovers afresh, so it
/// sees what the steps before it created.
pub struct SystemExecutor {
    pub roots: Roots,
    pub modules: Modules,
    pub nvmet: crate::nvmet::Nvmet,
}

fn text(e: crate::Error) -> String {
    String::from_utf8_lossy(e.message()).into_owned()
}

impl SystemExecutor {
    fn system(&self) -> Result<System, String> {
        System::discover(self.roots.clone(), self.modules).map_err(text)
    }
}

/// Attaches RAM disk `name` (`rdN`) with its number: the module takes the
/// number in its attach command, so saved names come back.
fn attach_named(roots: &Roots, name: &str, size: u64) -> crate::Result<()> {
    let number = name.trim_start_matches("rd");
    let command = format!("rapiddisk attach {number} {size}");
    crate::mgmt::send(roots, "mem_device_attach", &command)
}

/// Whether block device `node` (`/dev/<name>`) reads as 0 bytes, as a
/// detached loop device or an ejected disk does: device-mapper would
/// refuse it with a message that does not say why.
fn source_is_empty(roots: &Roots, node: &str) -> bool {
    let name = node.trim_start_matches("/dev/");
    let size = roots.sys.join("class/block").join(name).join("size");
    std::fs::read_to_string(size).is_ok_and(|s| s.trim() == "0")
}

impl Executor for SystemExecutor {
    fn run(&mut self, step: &Step) -> Result<(), String> {
        let sys = self.system()?;
        match step {
            Step::CreateDisk { name, size } => attach_named(&sys.roots, name, *size).map_err(text),
            Step::Lock { name } => sys
                .set_locked(name.as_bytes(), true)
                .map(drop)
                .map_err(text),
            Step::Map(m) => {
                let source = resolve(&sys.roots, &m.source)
                    .ok_or_else(|| format!("the source {} does not exist", m.source))?;
                if source_is_empty(&sys.roots, &source) {
                    return Err(format!("the source {source} has no medium (0 bytes)"));
                }
                let tunables = m.writeback_options.clone().unwrap_or_default();
                sys.map_as(
                    m.cache.as_bytes(),
                    source.as_bytes(),
                    m.mode.into(),
                    &tunables,
                    Some(&m.name),
                )
                .map(drop)
                .map_err(text)
            }
            Step::NvmePort(p) => apply_nvmet::create_port(&self.nvmet, p),
            Step::NvmeExport(e, hosts) => apply_nvmet::export(&self.nvmet, &sys, e, hosts),
        }
    }

    fn undo(&mut self, step: &Step) -> Result<(), String> {
        let sys = self.system()?;
        match step {
            Step::CreateDisk { name, .. } => {
                sys.detach_known(name.as_bytes()).map(drop).map_err(text)
            }
            Step::Lock { name } => sys
                .set_locked(name.as_bytes(), false)
                .map(drop)
                .map_err(text),
            Step::Map(m) => sys.unmap(m.name.as_bytes()).map(drop).map_err(text),
            Step::NvmePort(p) => apply_nvmet::remove_port(&self.nvmet, p),
            Step::NvmeExport(e, _) => apply_nvmet::unexport(&self.nvmet, e),
        }
    }
}
