//! Statistics of cache mappings, parsed from a device-mapper INFO status
//! line the way upstream does it (spec §3.3), for both rapiddisk-cache and
//! dm-writecache.

/// rapiddisk-cache counters, in the target's status order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// reads, writes, cache_hits, replacement, write_replacement,
    /// read_invalidates, write_invalidates, uncached_reads, uncached_writes,
    /// disk_reads, disk_writes, cache_reads, cache_writes.
    pub values: [u32; 13],
}

/// dm-writecache counters, in the kernel's INFO order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WritecacheStats {
    /// errors, num_blocks, num_free_blocks, num_wb_blocks, then the ten
    /// counters of kernels >= 5.15 (0 when the kernel lacks them).
    pub values: [u32; 14],
    /// Whether JSON shows the ten later counters: set whenever at least four
    /// numbers were parsed, as upstream does (quirk 28).
    pub expanded: bool,
}

/// JSON keys of `CacheStats::values`.
pub const CACHE_KEYS: [&std::ffi::CStr; 13] = [
    c"reads",
    c"writes",
    c"cache_hits",
    c"replacement",
    c"write_replacement",
    c"read_invalidates",
    c"write_invalidates",
    c"uncached_reads",
    c"uncached_writes",
    c"disk_reads",
    c"disk_writes",
    c"cache_reads",
    c"cache_writes",
];

/// JSON keys of `WritecacheStats::values`.
pub const WRITECACHE_KEYS: [&std::ffi::CStr; 14] = [
    c"errors",
    c"num_blocks",
    c"num_free_blocks",
    c"num_wb_blocks",
    c"num_read_req",
    c"num_read_cache_hits",
    c"num_write_req",
    c"num_write_uncommitted_blk_hits",
    c"num_write_committed_blk_hits",
    c"num_write_cache_bypass",
    c"num_write_cache_alloc",
    c"num_write_freelist_blocked",
    c"num_flush_req",
    c"num_discard_req",
];

/// The numbers of a status line as upstream reads them: every byte that is
/// not an ASCII digit or a space is deleted (so `-5` reads as 5 and `a1b2`
/// as 12), the rest is split on spaces, and each field goes through
/// `strtol` (saturating at `i64::MAX`) and is truncated to 32 bits.
/// (Upstream also collapses double spaces first; with empty fields skipped
/// that makes no difference.)
pub fn status_numbers(params: &[u8]) -> Vec<u32> {
    let kept: Vec<u8> = params
        .iter()
        .copied()
        .filter(|b| b.is_ascii_digit() || *b == b' ')
        .collect();
    kept.split(|&b| b == b' ')
        .filter(|field| !field.is_empty())
        .map(|digits| strtol_digits(digits) as u32)
        .collect()
}

/// `strtol` of a run of ASCII digits: saturates at `i64::MAX` on overflow.
fn strtol_digits(digits: &[u8]) -> i64 {
    digits
        .iter()
        .try_fold(0i64, |n, d| {
            n.checked_mul(10)?.checked_add(i64::from(d - b'0'))
        })
        .unwrap_or(i64::MAX)
}

/// Copies parsed numbers into a fixed field map; missing values stay 0 and
/// numbers beyond the map are ignored (upstream overflows its table there).
fn fill<const N: usize>(numbers: &[u32]) -> [u32; N] {
    let mut values = [0u32; N];
    for (slot, n) in values.iter_mut().zip(numbers) {
        *slot = *n;
    }
    values
}

impl CacheStats {
    pub fn parse(params: &[u8]) -> Self {
        CacheStats {
            values: fill(&status_numbers(params)),
        }
    }

    /// The `-s` text line: the 13 counters and the two unsupported ones
    /// (always 0), as signed 32-bit numbers, with a trailing newline.
    pub fn text(&self) -> Vec<u8> {
        numbers_line(self.values.iter().copied().chain([0, 0]))
    }
}

impl WritecacheStats {
    pub fn parse(params: &[u8]) -> Self {
        let numbers = status_numbers(params);
        WritecacheStats {
            values: fill(&numbers),
            expanded: numbers.len() >= 4,
        }
    }

    /// The `-s` text line: all 14 numbers as signed 32-bit, with a newline.
    pub fn text(&self) -> Vec<u8> {
        numbers_line(self.values.iter().copied())
    }
}

/// Numbers printed with `%d` (so values >= 2^31 are negative), separated by
/// single spaces, ending in a newline.
fn numbers_line(values: impl Iterator<Item = u32>) -> Vec<u8> {
    let fields: Vec<String> = values.map(|v| (v as i32).to_string()).collect();
    format!("{}\n", fields.join(" ")).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The target's INFO status (spec §2.7) with the upstream doc's numbers.
    const DOC_STATUS: &[u8] = b"stats:\n\treads(1108), writes(297349)\n\tcache hits(699), \
replacement(134), write replacement(146086)\n\tread invalidates(2), write invalidates(34)\n\t\
uncached reads(7), uncached writes(13328)\n\tdisk reads(409), disk writes(297349)\n\t\
cache reads(699), cache writes(284423)\n";

    #[test]
    fn cache_status_example_gives_appendix_a6_text() {
        let stats = CacheStats::parse(DOC_STATUS);
        assert_eq!(
            stats.values,
            [1108, 297349, 699, 134, 146086, 2, 34, 7, 13328, 409, 297349, 699, 284423]
        );
        assert_eq!(
            stats.text(),
            b"1108 297349 699 134 146086 2 34 7 13328 409 297349 699 284423 0 0\n"
        );
    }

    #[test]
    fn non_digits_are_deleted_not_separators() {
        // minus signs vanish, letters glue digits together, tabs/newlines
        // and parentheses are not separators
        assert_eq!(status_numbers(b"-5 a1b2 (3)\t4\n5"), vec![5, 12, 345]);
    }

    #[test]
    fn runs_of_spaces_and_empty_input() {
        assert_eq!(status_numbers(b"  1   2    3  "), vec![1, 2, 3]);
        assert!(status_numbers(b"").is_empty());
        assert!(status_numbers(b"no digits here").is_empty());
    }

    #[test]
    fn values_are_truncated_to_32_bits() {
        assert_eq!(status_numbers(b"4294967296 4294967297"), vec![0, 1]);
        // strtol saturates at LONG_MAX, whose low 32 bits are all ones
        assert_eq!(status_numbers(b"99999999999999999999999"), vec![u32::MAX]);
        assert_eq!(status_numbers(b"2147483648"), vec![1 << 31]);
    }

    #[test]
    fn text_prints_signed_32_bit() {
        let stats = CacheStats::parse(b"2147483648 4294967295");
        assert!(stats.text().starts_with(b"-2147483648 -1 0 "));
    }

    #[test]
    fn missing_cache_values_are_zero_and_extra_ones_ignored() {
        let stats = CacheStats::parse(b"1 2 3");
        assert_eq!(stats.values[..4], [1, 2, 3, 0]);
        let long: Vec<u8> = (1..=20).map(|n| format!("{n} ")).collect::<String>().into();
        assert_eq!(CacheStats::parse(&long).values[12], 13);
    }

    #[test]
    fn writecache_four_numbers_is_expanded_with_zeroes() {
        let stats = WritecacheStats::parse(b"0 16320 16320 0");
        assert!(stats.expanded);
        assert_eq!(stats.text(), b"0 16320 16320 0 0 0 0 0 0 0 0 0 0 0\n");
    }

    #[test]
    fn writecache_full_line_and_stripped_error_sign() {
        let stats = WritecacheStats::parse(b"-5 100 90 1 2 3 4 5 6 7 8 9 10 11");
        assert_eq!(
            stats.values,
            [5, 100, 90, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        );
        assert_eq!(stats.text(), b"5 100 90 1 2 3 4 5 6 7 8 9 10 11\n");
    }

    #[test]
    fn writecache_fewer_than_four_numbers_is_not_expanded() {
        let stats = WritecacheStats::parse(b"0 16320 16320");
        assert!(!stats.expanded);
        assert_eq!(stats.values[..4], [0, 16320, 16320, 0]);
    }

    #[test]
    fn key_tables_have_no_duplicates() {
        let all: Vec<_> = CACHE_KEYS.iter().chain(&WRITECACHE_KEYS).collect();
        for (i, k) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(k), "{k:?}");
        }
    }
}
