//! The mgmt parser through its C entry point and directly: both must agree,
//! and a refused line must leave the output untouched.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rdsk::ffi::{rdsk_mgmt_parse, RdskCmd, RDSK_OP_ATTACH, RDSK_OP_DETACH, RDSK_OP_RESIZE};
use rdsk::mgmt::{parse, Command};

const POISON: u64 = 0xdead_beef_dead_beef;

fuzz_target!(|data: &[u8]| {
    let mut out = RdskCmd {
        op: u32::MAX,
        reserved: u32::MAX,
        number: POISON,
        size: POISON,
    };
    // SAFETY: data holds data.len() readable bytes; out is writable.
    let ret = unsafe { rdsk_mgmt_parse(data.as_ptr(), data.len(), &mut out) };
    match parse(data) {
        Ok(cmd) => {
            assert_eq!(ret, 0, "ffi refused what parse accepts");
            let (op, number, size) = match cmd {
                Command::Attach { number, size } => (RDSK_OP_ATTACH, number, size),
                Command::Detach { number } => (RDSK_OP_DETACH, number, 0),
                Command::Resize { number, size } => (RDSK_OP_RESIZE, number, size),
            };
            assert_eq!(
                (out.op, out.reserved, out.number, out.size),
                (op, 0, number, size)
            );
        }
        Err(reason) => {
            assert_eq!(ret, reason as i32, "ffi and parse disagree");
            assert_ne!(ret, 0);
            assert_eq!(
                (out.op, out.reserved, out.number, out.size),
                (u32::MAX, u32::MAX, POISON, POISON)
            );
        }
    }
});
