//! The optional parameters of a writeback (dm-writecache) mapping: parsed
//! from the command line, checked against the kernel's limits, appended to
//! the table line, and read back from the table the kernel reports.
//!
//! The kernel's writecache.rst (6.1 and 6.12 alike) documents more:
//! `fua`/`nofua` apply to persistent memory only (the RAM disk is an "s"
//! device, so the kernel refuses them) and `start_sector` skips a header a
//! RAM disk does not have; both are left out.

use serde::{Deserialize, Serialize};

/// One numeric tunable: its name in the table, its long option and range.
struct Numeric {
    table: &'static str,
    option: &'static str,
    max: u64,
}

/// The numeric tunables in the order the kernel prints them in its table.
const NUMERIC: [Numeric; 7] = [
    Numeric {
        table: "high_watermark",
        option: "high-watermark",
        max: 100,
    },
    Numeric {
        table: "low_watermark",
        option: "low-watermark",
        max: 100,
    },
    Numeric {
        table: "writeback_jobs",
        option: "writeback-jobs",
        max: u32::MAX as u64,
    },
    Numeric {
        table: "autocommit_blocks",
        option: "autocommit-blocks",
        max: u32::MAX as u64,
    },
    // milliseconds; the maxima are the kernel's own checks
    Numeric {
        table: "autocommit_time",
        option: "autocommit-time",
        max: 3_600_000,
    },
    Numeric {
        table: "max_age",
        option: "max-age",
        max: 86_400_000,
    },
    Numeric {
        table: "pause_writeback",
        option: "pause-writeback",
        max: 60_000,
    },
];

/// The flag tunables (no value), in table order after the numeric ones
/// (`metadata_only` comes before `pause_writeback` in the kernel's output,
/// which the parser of [`WritebackOptions::from_table`] does not mind).
const FLAGS: [(&str, &str); 2] = [("cleaner", "cleaner"), ("metadata_only", "metadata-only")];

/// The long options of the command line: numeric ones take a value.
pub const VALUE_OPTIONS: [&str; 7] = [
    NUMERIC[0].option,
    NUMERIC[1].option,
    NUMERIC[2].option,
    NUMERIC[3].option,
    NUMERIC[4].option,
    NUMERIC[5].option,
    NUMERIC[6].option,
];
/// The long options without a value.
pub const FLAG_OPTIONS: [&str; 2] = [FLAGS[0].1, FLAGS[1].1];

/// What a writeback mapping was created with; `None`/`false` is the
/// kernel's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WritebackOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_watermark: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_watermark: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writeback_jobs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocommit_blocks: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocommit_time: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_writeback: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub cleaner: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub metadata_only: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl WritebackOptions {
    fn numeric(&self) -> [Option<u64>; 7] {
        [
            self.high_watermark,
            self.low_watermark,
            self.writeback_jobs,
            self.autocommit_blocks,
            self.autocommit_time,
            self.max_age,
            self.pause_writeback,
        ]
    }

    fn numeric_mut(&mut self, index: usize) -> &mut Option<u64> {
        match index {
            0 => &mut self.high_watermark,
            1 => &mut self.low_watermark,
            2 => &mut self.writeback_jobs,
            3 => &mut self.autocommit_blocks,
            4 => &mut self.autocommit_time,
            5 => &mut self.max_age,
            _ => &mut self.pause_writeback,
        }
    }

    fn flags(&self) -> [bool; 2] {
        [self.cleaner, self.metadata_only]
    }

    fn flag_mut(&mut self, index: usize) -> &mut bool {
        if index == 0 {
            &mut self.cleaner
        } else {
            &mut self.metadata_only
        }
    }

    /// Whether no tunable is set.
    pub fn is_default(&self) -> bool {
        *self == WritebackOptions::default()
    }

    /// Sets long option `option` (`high-watermark`, `cleaner`, ...) from
    /// its command-line `value` (empty for a flag). The error is the line
    /// to print.
    pub fn set_option(&mut self, option: &str, value: &[u8]) -> Result<(), String> {
        if let Some(i) = FLAG_OPTIONS.iter().position(|o| *o == option) {
            if !value.is_empty() {
                return Err(format!("Error. Option --{option} takes no value."));
            }
            *self.flag_mut(i) = true;
            return Ok(());
        }
        let i = VALUE_OPTIONS
            .iter()
            .position(|o| *o == option)
            .ok_or_else(|| format!("Error. Unknown writeback option --{option}."))?;
        let spec = &NUMERIC[i];
        let number = std::str::from_utf8(value)
            .ok()
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|n| *n <= spec.max)
            .ok_or_else(|| {
                format!(
                    "Error. --{option} takes a whole number from 0 to {}, not '{}'.",
                    spec.max,
                    String::from_utf8_lossy(value)
                )
            })?;
        *self.numeric_mut(i) = Some(number);
        Ok(())
    }

    /// Checks what ranges alone cannot: the kernel refuses a low watermark
    /// above the high one (the defaults are 45 and 50).
    pub fn validate(&self) -> Result<(), String> {
        for (spec, value) in NUMERIC.iter().zip(self.numeric()) {
            if value.is_some_and(|v| v > spec.max) {
                return Err(format!(
                    "Error. {} must be from 0 to {}.",
                    spec.table, spec.max
                ));
            }
        }
        let high = self.high_watermark.unwrap_or(50);
        let low = self.low_watermark.unwrap_or(45);
        if low > high {
            return Err(format!(
                "Error. The low watermark ({low}) must not be above the high watermark ({high})."
            ));
        }
        Ok(())
    }

    /// The optional parameters of the table: their count (a parameter with
    /// a value counts as two), then the parameters.
    pub fn table_args(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        for (spec, value) in NUMERIC.iter().zip(self.numeric()) {
            if let Some(v) = value {
                words.push(spec.table.to_string());
                words.push(v.to_string());
            }
        }
        for ((table, _), set) in FLAGS.iter().zip(self.flags()) {
            if set {
                words.push(table.to_string());
            }
        }
        let mut line = words.len().to_string();
        for w in words {
            line.push(' ');
            line.push_str(&w);
        }
        line
    }

    /// The tunables of a writecache table as the kernel reports it
    /// (`s <dev> <dev> <block size> <count> <params>...`); words it does
    /// not know (`fua`, `start_sector N`, ...) are skipped. `None` when
    /// the line is not a writecache table.
    pub fn from_table(params: &str) -> Option<Self> {
        let words: Vec<&str> = params.split_whitespace().collect();
        let count: usize = words.get(4)?.parse().ok()?;
        let rest = words.get(5..5 + count)?;
        let mut opts = WritebackOptions::default();
        let mut i = 0;
        while i < rest.len() {
            let word = rest[i];
            i += 1;
            if let Some(f) = FLAGS.iter().position(|(t, _)| *t == word) {
                *opts.flag_mut(f) = true;
            } else if let Some(n) = NUMERIC.iter().position(|s| s.table == word) {
                *opts.numeric_mut(n) = rest.get(i).and_then(|v| v.parse().ok());
                i += 1;
            } else if word == "start_sector" {
                i += 1;
            }
        }
        Some(opts)
    }

    /// The listing's JSON object: each set tunable under its table name.
    pub fn json(&self) -> crate::json::Object {
        let mut obj = crate::json::Object::new();
        for (spec, value) in NUMERIC.iter().zip(self.numeric()) {
            if let Some(v) = value {
                let key = std::ffi::CString::new(spec.table).expect("no NUL");
                obj = obj.int(&key, v as i64);
            }
        }
        for ((table, _), set) in FLAGS.iter().zip(self.flags()) {
            if set {
                let key = std::ffi::CString::new(*table).expect("no NUL");
                obj = obj.boolean(&key, true);
            }
        }
        obj
    }
}

impl crate::table::Target {
    /// Replaces the optional parameters of a writecache table (the new
    /// table ends in a count of 0) with those of `tunables`.
    pub fn tune(&mut self, tunables: &WritebackOptions) {
        if let Some(head) = self.params.strip_suffix(" 0") {
            self.params = format!("{head} {}", tunables.table_args());
        }
    }
}

#[cfg(test)]
mod tests;
