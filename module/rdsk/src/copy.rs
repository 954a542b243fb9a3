//! Copies and zero fills between a bio page and a disk page.
//!
//! The kernel's out-of-line memcpy/memset use `rep movsb`/`rep stosb` on
//! CPUs with ERMS; where a CPU (or an emulator) runs those a byte at a time
//! they cost several times `rep movsq`, which is what gcc inlines into C
//! drivers such as brd. Sector-sized pieces are always 8-byte multiples and
//! page offsets 8-byte aligned, so the word form applies to all real I/O.

fn words(len: usize, a: usize, b: usize) -> bool {
    (len | a | b).is_multiple_of(8)
}

pub fn copy(dst: &mut [u8], src: &[u8]) {
    let len = dst.len().min(src.len());
    #[cfg(target_arch = "x86_64")]
    if words(len, dst.as_ptr() as usize, src.as_ptr() as usize) {
        // SAFETY: both slices hold len bytes, do not overlap (distinct
        // borrows) and are 8-byte aligned; the direction flag is clear per
        // the ABI.
        unsafe {
            core::arch::asm!(
                "rep movsq",
                inout("rcx") len / 8 => _,
                inout("rdi") dst.as_mut_ptr() => _,
                inout("rsi") src.as_ptr() => _,
                options(nostack, preserves_flags)
            );
        }
        return;
    }
    if let (Some(d), Some(s)) = (dst.get_mut(..len), src.get(..len)) {
        d.copy_from_slice(s);
    }
}

pub fn zero(dst: &mut [u8]) {
    #[cfg(target_arch = "x86_64")]
    if words(dst.len(), dst.as_ptr() as usize, 0) {
        // SAFETY: dst holds len bytes, 8-byte aligned; see copy.
        unsafe {
            core::arch::asm!(
                "rep stosq",
                inout("rcx") dst.len() / 8 => _,
                inout("rdi") dst.as_mut_ptr() => _,
                in("rax") 0u64,
                options(nostack, preserves_flags)
            );
        }
        return;
    }
    dst.fill(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_and_byte_paths_copy_exactly() {
        let src: std::vec::Vec<u8> = (0..4096u32).map(|i| (i * 7) as u8).collect();
        for (off, len) in [(0, 4096), (8, 512), (3, 100), (0, 7), (16, 0)] {
            let mut dst = std::vec![0xaau8; 4200];
            copy(&mut dst[off..off + len], &src[..len]);
            assert_eq!(&dst[off..off + len], &src[..len]);
            assert!(dst[..off]
                .iter()
                .chain(&dst[off + len..])
                .all(|&b| b == 0xaa));
            zero(&mut dst[off..off + len]);
            assert!(dst[off..off + len].iter().all(|&b| b == 0));
            assert!(dst[..off]
                .iter()
                .chain(&dst[off + len..])
                .all(|&b| b == 0xaa));
        }
    }
}
