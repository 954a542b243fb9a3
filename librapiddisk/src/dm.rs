//! Device-mapper operations through libdevmapper (spec §3, §4.6.5-4.6.8):
//! create with a one-target table, remove, INFO status and target
//! messages. Creation and removal pass a udev cookie and wait for udev, so
//! the `/dev/mapper/<name>` symlink discovery relies on exists on return.
//! libdevmapper logs its own failure details to stderr, as upstream.

use crate::table::Target;
use devmapper_sys as sys;
use std::ffi::{CStr, CString};
use std::ptr::{self, NonNull};
use std::time::{Duration, Instant};

/// A device-mapper operation failed (details went to stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DmFailed;

type DmResult<T> = Result<T, DmFailed>;

/// libdevmapper reports success as non-zero.
fn check(rc: libc::c_int) -> DmResult<()> {
    if rc != 0 {
        Ok(())
    } else {
        Err(DmFailed)
    }
}

fn c_string(s: &str) -> DmResult<CString> {
    CString::new(s).map_err(|_| DmFailed)
}

/// An owned `struct dm_task`.
struct Task(NonNull<sys::dm_task>);

impl Task {
    /// A task of `kind` (`DM_DEVICE_*`) on the device `name`.
    fn new(kind: u32, name: &str) -> DmResult<Self> {
        // SAFETY: plain constructor; null means failure.
        let task =
            NonNull::new(unsafe { sys::dm_task_create(kind as libc::c_int) }).ok_or(DmFailed)?;
        let task = Task(task);
        let name = c_string(name)?;
        // SAFETY: live task, valid string (libdevmapper copies it).
        check(unsafe { sys::dm_task_set_name(task.raw(), name.as_ptr()) })?;
        Ok(task)
    }

    fn raw(&self) -> *mut sys::dm_task {
        self.0.as_ptr()
    }

    fn run(&self) -> DmResult<()> {
        // SAFETY: live task.
        check(unsafe { sys::dm_task_run(self.raw()) })
    }

    /// Runs the task with a udev cookie (flags 0) and waits for udev to
    /// finish its rules, whatever the outcome of the run.
    fn run_with_udev(&self) -> DmResult<()> {
        let mut cookie = 0u32;
        // SAFETY: live task; the cookie outlives the call.
        check(unsafe { sys::dm_task_set_cookie(self.raw(), &mut cookie, 0) })?;
        let ran = self.run();
        // SAFETY: the cookie was set up above and must be waited for once.
        let waited = check(unsafe { sys::dm_udev_wait(cookie) });
        ran.and(waited)
    }

    fn info(&self) -> DmResult<sys::dm_info> {
        // SAFETY: dm_info is plain data; the call fills it.
        let mut info: sys::dm_info = unsafe { std::mem::zeroed() };
        check(unsafe { sys::dm_task_get_info(self.raw(), &mut info) })?;
        Ok(info)
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        // SAFETY: we own the task.
        unsafe { sys::dm_task_destroy(self.raw()) }
    }
}

/// Whether device `name` exists.
pub fn exists(name: &str) -> bool {
    let info = Task::new(sys::DM_DEVICE_INFO, name).and_then(|t| t.run().and_then(|()| t.info()));
    info.is_ok_and(|i| i.exists != 0)
}

/// Creates `name` with `target` (no UUID, node added on resume). Success
/// means the device exists afterwards.
pub fn create(name: &str, target: &Target) -> DmResult<()> {
    let task = Task::new(sys::DM_DEVICE_CREATE, name)?;
    let (kind, params) = (c_string(target.kind)?, c_string(&target.params)?);
    // SAFETY: live task, valid strings (copied by libdevmapper).
    check(unsafe {
        sys::dm_task_add_target(task.raw(), 0, target.length, kind.as_ptr(), params.as_ptr())
    })?;
    check(unsafe { sys::dm_task_set_add_node(task.raw(), sys::DM_ADD_NODE_ON_RESUME) })?;
    task.run_with_udev()?;
    if exists(name) {
        Ok(())
    } else {
        Err(DmFailed)
    }
}

/// Removes `name`. udev probes a device after a writer closes it, and a
/// removal meanwhile is refused as busy (libdevmapper prints each refusal):
/// so wait first until nobody holds it open, and let libdevmapper retry a
/// removal refused anyway for a while.
pub fn remove(name: &str) -> DmResult<()> {
    wait_closed(name, Duration::from_secs(10));
    let task = Task::new(sys::DM_DEVICE_REMOVE, name)?;
    // SAFETY: live task.
    check(unsafe { sys::dm_task_retry_remove(task.raw()) })?;
    task.run_with_udev()
}

/// Polls the open count of `name` until it is 0, the device is gone or
/// `limit` passed; a holder that stays is the removal's own error.
fn wait_closed(name: &str, limit: Duration) {
    let start = Instant::now();
    while open_count(name).is_some_and(|n| n > 0) && start.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How many openers hold `name`, or `None` when it does not exist.
pub fn open_count(name: &str) -> Option<i32> {
    let task = Task::new(sys::DM_DEVICE_INFO, name).ok()?;
    task.run().ok()?;
    let info = task.info().ok()?;
    (info.exists != 0).then_some(info.open_count)
}

/// Sends a target message (sector 0) and returns the response, if any.
pub fn message(name: &str, text: &str) -> DmResult<Option<Vec<u8>>> {
    let task = Task::new(sys::DM_DEVICE_TARGET_MSG, name)?;
    let text = c_string(text)?;
    // SAFETY: live task, valid string.
    check(unsafe { sys::dm_task_set_sector(task.raw(), 0) })?;
    check(unsafe { sys::dm_task_set_message(task.raw(), text.as_ptr()) })?;
    task.run()?;
    // SAFETY: the response (or null) lives as long as the task.
    let response = unsafe { sys::dm_task_get_message_response(task.raw()) };
    Ok((!response.is_null()).then(|| unsafe { CStr::from_ptr(response) }.to_bytes().to_vec()))
}

/// The INFO status parameters of the first target of `name`, or `None` when
/// the query fails, the device does not exist or has no target (spec §3.3).
pub fn status(name: &str) -> Option<Vec<u8>> {
    first_target_params(sys::DM_DEVICE_STATUS, name)
}

/// The table parameters of the first target of `name` (what `dmsetup
/// table` prints after start, length and type), as [`status`] fails.
pub fn table(name: &str) -> Option<Vec<u8>> {
    first_target_params(sys::DM_DEVICE_TABLE, name)
}

/// The parameters of the first target in the answer to a `kind` query.
fn first_target_params(kind: u32, name: &str) -> Option<Vec<u8>> {
    let task = Task::new(kind, name).ok()?;
    task.run().ok()?;
    if task.info().ok()?.exists == 0 {
        return None;
    }
    let (mut start, mut length) = (0u64, 0u64);
    let (mut kind, mut params) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: live task; the out-pointers are valid; the strings live as
    // long as the task.
    unsafe {
        sys::dm_get_next_target(
            task.raw(),
            ptr::null_mut(),
            &mut start,
            &mut length,
            &mut kind,
            &mut params,
        );
        if kind.is_null() {
            return None;
        }
        Some(if params.is_null() {
            Vec::new()
        } else {
            CStr::from_ptr(params).to_bytes().to_vec()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CacheMode;

    // These run without a usable device-mapper (build hosts, CI) as well as
    // with one: the names below never exist, so only the failure paths of
    // the wrappers can be checked here; the VM tests cover success.
    const MISSING: &str = "rc-wt_librapiddisk_host_test_missing";

    #[test]
    fn missing_device_has_no_status_and_does_not_exist() {
        assert_eq!(status(MISSING), None);
        assert!(!exists(MISSING));
        assert_eq!(open_count(MISSING), None);
        assert_eq!(table(MISSING), None);
    }

    #[test]
    fn operations_on_missing_device_fail() {
        assert_eq!(remove(MISSING), Err(DmFailed));
        assert_eq!(message(MISSING, "flush"), Err(DmFailed));
    }

    #[test]
    fn create_with_unknown_target_type_fails() {
        let mut target = Target::new(CacheMode::WriteThrough, "/dev/null", 8, "rd0", 8);
        target.kind = "librapiddisk-no-such-target";
        assert_eq!(create(MISSING, &target), Err(DmFailed));
        assert!(!exists(MISSING));
    }

    #[test]
    fn names_with_nul_are_refused_before_libdevmapper() {
        assert_eq!(c_string("a\0b"), Err(DmFailed));
        assert_eq!(status("rc\0x"), None);
    }
}
