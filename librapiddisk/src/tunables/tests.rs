use super::*;

fn set(pairs: &[(&str, &str)]) -> Result<WritebackOptions, String> {
    let mut o = WritebackOptions::default();
    for (k, v) in pairs {
        o.set_option(k, v.as_bytes())?;
    }
    o.validate()?;
    Ok(o)
}

#[test]
fn every_option_reaches_the_table_and_reads_back() {
    let o = set(&[
        ("high-watermark", "60"),
        ("low-watermark", "40"),
        ("writeback-jobs", "128"),
        ("autocommit-blocks", "1024"),
        ("autocommit-time", "2000"),
        ("max-age", "86400000"),
        ("pause-writeback", "3000"),
        ("cleaner", ""),
        ("metadata-only", ""),
    ])
    .unwrap();
    let args = o.table_args();
    assert_eq!(
        args,
        "16 high_watermark 60 low_watermark 40 writeback_jobs 128 autocommit_blocks 1024 \
         autocommit_time 2000 max_age 86400000 pause_writeback 3000 cleaner metadata_only"
    );
    let table = format!("s 7:0 251:0 4096 {args}");
    assert_eq!(WritebackOptions::from_table(&table), Some(o));
}

#[test]
fn tune_replaces_the_parameter_count() {
    let mut t = crate::table::Target::new(crate::CacheMode::Writeback, "/dev/sdb", 100, "rd2", 8);
    t.tune(&set(&[("cleaner", "")]).unwrap());
    assert_eq!(
        t.line(),
        "0 100 writecache s /dev/sdb /dev/rd2 4096 1 cleaner"
    );
    t.tune(&WritebackOptions::default());
    assert_eq!(
        t.line(),
        "0 100 writecache s /dev/sdb /dev/rd2 4096 1 cleaner"
    );
}

#[test]
fn defaults_give_zero_parameters() {
    let o = WritebackOptions::default();
    assert!(o.is_default());
    assert_eq!(o.table_args(), "0");
    assert_eq!(
        WritebackOptions::from_table("s 7:0 251:0 4096 0"),
        Some(WritebackOptions::default())
    );
}

#[test]
fn kernel_order_and_unknown_words_are_read() {
    // the kernel prints metadata_only before pause_writeback, and may
    // report fua and start_sector, which are not tunables here
    let t = "s 7:0 251:0 4096 8 start_sector 8 high_watermark 70 nofua metadata_only pause_writeback 100";
    let o = WritebackOptions::from_table(t).unwrap();
    assert_eq!(o.high_watermark, Some(70));
    assert_eq!(o.pause_writeback, Some(100));
    assert!(o.metadata_only && !o.cleaner);
    assert_eq!(o.low_watermark, None);
}

#[test]
fn not_a_writecache_table() {
    assert_eq!(WritebackOptions::from_table(""), None);
    assert_eq!(WritebackOptions::from_table("s 7:0 251:0 4096 x"), None);
    // a count larger than what follows
    assert_eq!(
        WritebackOptions::from_table("s 7:0 251:0 4096 2 cleaner"),
        None
    );
}

#[test]
fn bad_values_are_refused_clearly() {
    let err = |k: &str, v: &str| set(&[(k, v)]).unwrap_err();
    assert_eq!(
        err("high-watermark", "101"),
        "Error. --high-watermark takes a whole number from 0 to 100, not '101'."
    );
    assert!(err("low-watermark", "-1").contains("not '-1'"));
    assert!(err("writeback-jobs", "").contains("not ''"));
    assert!(err("writeback-jobs", "4294967296").contains("0 to 4294967295"));
    assert!(err("autocommit-time", "3600001").contains("0 to 3600000"));
    assert!(err("max-age", "1e3").contains("not '1e3'"));
    assert!(err("pause-writeback", "60001").contains("0 to 60000"));
    assert!(err("autocommit-blocks", " 5").contains("not ' 5'"));
    assert_eq!(
        err("cleaner", "yes"),
        "Error. Option --cleaner takes no value."
    );
    assert_eq!(err("fua", "1"), "Error. Unknown writeback option --fua.");
}

#[test]
fn watermarks_are_checked_against_each_other_and_the_defaults() {
    assert!(set(&[("high-watermark", "45"), ("low-watermark", "45")]).is_ok());
    assert_eq!(
        set(&[("high-watermark", "30")]).unwrap_err(),
        "Error. The low watermark (45) must not be above the high watermark (30)."
    );
    assert!(set(&[("low-watermark", "60")])
        .unwrap_err()
        .contains("(60)"));
    assert!(set(&[("low-watermark", "60"), ("high-watermark", "90")]).is_ok());
}

#[test]
fn validate_checks_ranges_of_documents() {
    let o = WritebackOptions {
        max_age: Some(86_400_001),
        ..Default::default()
    };
    assert_eq!(
        o.validate().unwrap_err(),
        "Error. max_age must be from 0 to 86400000."
    );
}

#[test]
fn json_names_only_what_is_set() {
    let o = set(&[("writeback-jobs", "8"), ("cleaner", "")]).unwrap();
    assert_eq!(
        o.json().dump(),
        br#"{"writeback_jobs": 8, "cleaner": true}"#
    );
    assert_eq!(WritebackOptions::default().json().dump(), b"{}");
}
