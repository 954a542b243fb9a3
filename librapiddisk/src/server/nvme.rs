//! The NVMe routes. NVMe target management (`librapiddisk::nvmet`) is not
//! part of this tree yet, so each listing answers what upstream answers
//! when the nvmet configfs tree is absent; the NVMe actions will replace
//! these bodies, and their POST routes join the table in `route.rs`.

use super::response::Response;

const NOT_LOADED: &str = "The NVMe Target subsystem is not loaded. Please load the nvmet and nvmet-tcp (or nvme-loop) kernel modules and ensure that the kernel user configuration filesystem is mounted.";

/// `GET /v1/listAllNVMeTargets`.
pub fn targets() -> Response {
    Response::failure(200, NOT_LOADED)
}

/// `GET /v1/listAllNVMePorts`.
pub fn ports() -> Response {
    Response::failure(200, NOT_LOADED)
}
