//! The document (round trip, refusals, the JSON Schema's agreement), saving
//! from fixture systems, plans against them, and rollback at every step.

use super::apply::{apply, Executor};
use super::document::{Document, Mode, VERSION};
use super::order::{probe, DirOrder};
use super::plan::{plan, Step};
use super::*;
use crate::fixture::Tree;
use crate::model::{CacheMapping, LockStatus, RamDisk};
use crate::ops::System;
use crate::startup::Modules;
use crate::tunables::WritebackOptions;
use std::path::Path;

const MIB: u64 = 1 << 20;

/// The nvmet tree of a fixture without one (nvmet not loaded).
fn no_nvmet(sys: &System) -> crate::nvmet::Nvmet {
    crate::nvmet::Nvmet::new(&sys.roots)
}

fn no_nvmet_at(tree: &Tree) -> crate::nvmet::Nvmet {
    crate::nvmet::Nvmet::new(&tree.roots)
}

fn sample() -> Document {
    Document {
        version: VERSION,
        ram_disks: vec![
            RamDiskEntry {
                name: "rd0".into(),
                size: 64 * MIB,
                read_only: false,
            },
            RamDiskEntry {
                name: "rd3".into(),
                size: 32 * MIB,
                read_only: true,
            },
        ],
        cache_mappings: vec![
            MappingEntry {
                name: "rc-wt_sdb".into(),
                cache: "rd0".into(),
                mode: Mode::WriteThrough,
                source: "/dev/disk/by-id/ata-DISK_1".into(),
                writeback_options: None,
            },
            MappingEntry {
                name: "rc-wb_sdc".into(),
                cache: "rd3".into(),
                mode: Mode::Writeback,
                source: "/dev/disk/by-uuid/1234".into(),
                writeback_options: Some(WritebackOptions {
                    high_watermark: Some(70),
                    cleaner: true,
                    ..Default::default()
                }),
            },
        ],
        nvmet: None,
    }
}

fn sample_json() -> serde_json::Value {
    serde_json::from_slice(&sample().to_text()).unwrap()
}

/// An NVMe section for the sample: a tcp and a loop port, rd0 exported
/// on both to one host with secrets.
fn nvme_sample() -> nvme_entries::Nvmet {
    use nvme_entries::*;
    Nvmet {
        ports: vec![
            PortEntry {
                port: 1,
                transport: TransportWord::Tcp,
                listen: Some(Address {
                    family: Family::Ipv4,
                    address: "127.0.0.1".into(),
                    service: 4420,
                }),
            },
            PortEntry {
                port: 2,
                transport: TransportWord::Loop,
                listen: None,
            },
        ],
        hosts: vec![HostEntry {
            nqn: "nqn.2014-08.org.nvmexpress:uuid:1".into(),
            dhchap_key_file: "/etc/rapiddisk/keys/h.key".into(),
            dhchap_ctrl_key_file: None,
        }],
        exports: vec![ExportEntry {
            device: "rd0".into(),
            ports: vec![1, 2],
            hosts: vec!["nqn.2014-08.org.nvmexpress:uuid:1".into()],
        }],
    }
}

/// The NVMe sample's JSON with `edit` applied.
fn nvmet_json(edit: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
    let mut v = serde_json::to_value(nvme_sample()).unwrap();
    edit(&mut v);
    v
}

/// The sample with `edit` applied to its JSON.
fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v = sample_json();
    edit(&mut v);
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn round_trip() {
    let doc = sample();
    let text = doc.to_text();
    assert!(text.ends_with(b"}\n"));
    assert_eq!(Document::parse(&text).unwrap(), doc);
    // with the NVMe section
    let with_nvmet = Document {
        nvmet: Some(nvme_sample()),
        ..doc
    };
    assert_eq!(Document::parse(&with_nvmet.to_text()).unwrap(), with_nvmet);
}

#[test]
fn text_shape_is_stable() {
    let v = sample_json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["cache_mappings"][0]["mode"], "write-through");
    assert_eq!(v["cache_mappings"][1]["mode"], "writeback");
    assert_eq!(
        v["cache_mappings"][1]["writeback_options"]["high_watermark"],
        70
    );
    assert_eq!(v["cache_mappings"][1]["writeback_options"]["cleaner"], true);
    assert!(v["cache_mappings"][0].get("writeback_options").is_none());
    assert!(v.get("nvmet").is_none());
}

/// Documents every reader must refuse, with a word the message must hold.
fn bad_documents() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let full = sample().to_text();
    vec![
        (
            "truncated",
            full[..full.len() / 2].to_vec(),
            "not a JSON document",
        ),
        ("empty", b"".to_vec(), "not a JSON document"),
        ("not an object", b"[1]".to_vec(), "no \"version\""),
        (
            "newer version",
            edited(|v| v["version"] = 2.into()),
            "newer",
        ),
        (
            "version 0",
            edited(|v| v["version"] = 0.into()),
            "does not exist",
        ),
        (
            "version as text",
            edited(|v| v["version"] = "1".into()),
            "not a whole number",
        ),
        (
            "unknown top field",
            edited(|v| v["extra"] = 1.into()),
            "unknown field `extra`",
        ),
        (
            "unknown disk field",
            edited(|v| v["ram_disks"][0]["color"] = "red".into()),
            "unknown field `color`",
        ),
        (
            "unknown mapping field",
            edited(|v| v["cache_mappings"][0]["x"] = 1.into()),
            "unknown field `x`",
        ),
        (
            "unknown tunable",
            edited(|v| v["cache_mappings"][1]["writeback_options"]["fua"] = true.into()),
            "unknown field `fua`",
        ),
        (
            "unknown nvmet field",
            edited(|v| v["nvmet"] = serde_json::json!({"subsystems": []})),
            "unknown field `subsystems`",
        ),
        (
            "inline secret",
            edited(|v| {
                v["nvmet"] = nvmet_json(|n| n["hosts"][0]["dhchap_key"] = "DHHC-1:00:x:".into())
            }),
            "unknown field `dhchap_key`",
        ),
        (
            "tcp port without address",
            edited(|v| {
                v["nvmet"] = nvmet_json(|n| {
                    n["ports"][0]
                        .as_object_mut()
                        .unwrap()
                        .remove("listen")
                        .map(drop)
                        .unwrap()
                })
            }),
            "NVMe port 1 has no address",
        ),
        (
            "address of the other family",
            edited(|v| {
                v["nvmet"] = nvmet_json(|n| n["ports"][0]["listen"]["address"] = "::1".into())
            }),
            "::1 is not an Ipv4 address",
        ),
        (
            "export of an unsaved device",
            edited(|v| v["nvmet"] = nvmet_json(|n| n["exports"][0]["device"] = "rd9".into())),
            "the export of rd9 names a device",
        ),
        (
            "export on an unsaved port",
            edited(|v| v["nvmet"] = nvmet_json(|n| n["exports"][0]["ports"][0] = 7.into())),
            "uses NVMe port 7, which is not among the ports",
        ),
        (
            "size as text",
            edited(|v| v["ram_disks"][0]["size"] = "64".into()),
            "invalid type",
        ),
        (
            "negative size",
            edited(|v| v["ram_disks"][0]["size"] = (-1).into()),
            "invalid value",
        ),
        (
            "read_only as number",
            edited(|v| v["ram_disks"][0]["read_only"] = 1.into()),
            "invalid type",
        ),
        (
            "missing size",
            edited(|v| {
                v["ram_disks"][0].as_object_mut().unwrap().remove("size");
            }),
            "missing field `size`",
        ),
        (
            "zero size",
            edited(|v| v["ram_disks"][0]["size"] = 0.into()),
            "whole number of MiB",
        ),
        (
            "size not MiB",
            edited(|v| v["ram_disks"][0]["size"] = (MIB + 512).into()),
            "whole number of MiB",
        ),
        (
            "size too large",
            edited(|v| v["ram_disks"][0]["size"] = u64::MAX.into()),
            "whole number of MiB",
        ),
        (
            "bad disk name",
            edited(|v| v["ram_disks"][0]["name"] = "rd01".into()),
            "not a RAM disk name",
        ),
        (
            "duplicate disk",
            edited(|v| v["ram_disks"][1]["name"] = "rd0".into()),
            "listed twice",
        ),
        (
            "unknown mode",
            edited(|v| v["cache_mappings"][0]["mode"] = "wt".into()),
            "unknown variant `wt`",
        ),
        (
            "name against mode",
            edited(|v| v["cache_mappings"][0]["name"] = "rc-wa_sdb".into()),
            "not a WriteThrough mapping name",
        ),
        (
            "cache not listed",
            edited(|v| v["cache_mappings"][0]["cache"] = "rd9".into()),
            "not among the RAM disks",
        ),
        (
            "source outside /dev",
            edited(|v| v["cache_mappings"][0]["source"] = "sdb".into()),
            "not a path under /dev",
        ),
        (
            "tunables on wt",
            edited(|v| v["cache_mappings"][0]["writeback_options"] = serde_json::json!({})),
            "not a writeback mapping",
        ),
        (
            "watermark range",
            edited(|v| v["cache_mappings"][1]["writeback_options"]["high_watermark"] = 101.into()),
            "high_watermark must be from 0 to 100",
        ),
        (
            "watermarks crossed",
            edited(|v| v["cache_mappings"][1]["writeback_options"]["low_watermark"] = 80.into()),
            "low watermark (80)",
        ),
        (
            "shared cache",
            edited(|v| v["cache_mappings"][1]["cache"] = "rd0".into()),
            "use the same RAM disk",
        ),
    ]
}

#[test]
fn bad_documents_are_refused_with_a_clear_reason() {
    for (what, text, word) in bad_documents() {
        let err = Document::parse(&text).expect_err(what);
        assert!(err.contains(word), "{what}: {err}");
    }
}

/// Runs python3's jsonschema on `docs`; `None` when it is not installed.
fn schema_verdicts(docs: &[Vec<u8>]) -> Option<Vec<bool>> {
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/rapiddisk-configuration.schema.json"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let p = dir.path().join(format!("{i}.json"));
        std::fs::write(&p, d).unwrap();
        paths.push(p);
    }
    let script = "import json,sys,jsonschema\n\
        s=json.load(open(sys.argv[1]))\n\
        jsonschema.Draft202012Validator.check_schema(s)\n\
        v=jsonschema.Draft202012Validator(s)\n\
        for p in sys.argv[2:]:\n\
        \x20   try: d=json.load(open(p))\n\
        \x20   except Exception: print(0); continue\n\
        \x20   print(1 if v.is_valid(d) else 0)\n";
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(schema)
        .args(&paths)
        .output()
        .ok()?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("No module named"),
            "schema check failed: {err}"
        );
        return None;
    }
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l == "1")
            .collect(),
    )
}

#[test]
fn the_schema_accepts_and_refuses_what_the_reader_does() {
    // the checks across entries (references, duplicates, crossed
    // watermarks, names against modes) are beyond a schema
    let cross = [
        "duplicate disk",
        "name against mode",
        "cache not listed",
        "watermarks crossed",
        "shared cache",
        "bad disk name",
        "address of the other family",
        "export of an unsaved device",
        "export on an unsaved port",
    ];
    let bad: Vec<_> = bad_documents()
        .into_iter()
        .filter(|(w, ..)| !cross.contains(w))
        .collect();
    let mut docs = vec![
        sample().to_text(),
        Document {
            nvmet: Some(nvme_sample()),
            ..sample()
        }
        .to_text(),
    ];
    docs.extend(bad.iter().map(|(_, t, _)| t.clone()));
    let Some(verdicts) = schema_verdicts(&docs) else {
        eprintln!("SKIPPED: python3 jsonschema is not installed");
        return;
    };
    assert_eq!(&verdicts[..2], &[true, true]);
    for ((what, ..), valid) in bad.iter().zip(&verdicts[2..]) {
        assert!(!valid, "the schema accepts the {what} document");
    }
}

/// A system over `tree` with disks (name, MiB, locked) and mappings.
fn system(tree: &Tree, disks: &[(&str, u64, bool)], maps: &[CacheMapping]) -> System {
    System {
        roots: tree.roots.clone(),
        modules: Modules { writeback: true },
        disks: disks
            .iter()
            .map(|(n, mib, ro)| RamDisk {
                name: n.into(),
                size: mib * MIB,
                usage: 0,
                lock: if *ro {
                    LockStatus::Locked
                } else {
                    LockStatus::Unlocked
                },
            })
            .collect(),
        mappings: maps.to_vec(),
    }
}

fn mapping(device: &str, cache: &str, source: &str, wb: Option<WritebackOptions>) -> CacheMapping {
    CacheMapping {
        device: device.into(),
        cache: cache.into(),
        source: source.into(),
        writeback: wb,
    }
}

/// A tree with device nodes sdb and sdc, sdb linked by id (twice, the
/// first name wins) and sdc by UUID, loop0 without links.
fn linked_tree() -> Tree {
    let tree = Tree::new()
        .file("dev/sdb", b"")
        .file("dev/sdc", b"")
        .file("dev/loop0", b"");
    let dev = &tree.roots.dev;
    for (dir, name, target) in [
        ("disk/by-id", "wwn-0x5000", "sdb"),
        ("disk/by-id", "ata-DISK_1", "sdb"),
        ("disk/by-uuid", "1234", "sdc"),
    ] {
        std::fs::create_dir_all(dev.join(dir)).unwrap();
        std::os::unix::fs::symlink(format!("../../{target}"), dev.join(dir).join(name)).unwrap();
    }
    tree
}

fn tuned() -> WritebackOptions {
    WritebackOptions {
        high_watermark: Some(70),
        cleaner: true,
        ..Default::default()
    }
}

#[test]
fn save_uses_stable_paths_and_warns_about_the_rest() {
    let tree = linked_tree();
    let maps = [
        mapping("rc-wt_sdb", "rd0", "sdb", None),
        mapping("rc-wb_sdc", "rd3", "sdc", Some(tuned())),
        mapping("rc-wa_loop0", "rd1", "loop0", None),
    ];
    let sys = system(
        &tree,
        &[("rd0", 64, false), ("rd3", 32, true), ("rd1", 8, false)],
        &maps,
    );
    let save::Saved { doc, warnings, .. } =
        save::document(&sys, &no_nvmet(&sys), Path::new("/k")).unwrap();
    let sources: Vec<&str> = doc
        .cache_mappings
        .iter()
        .map(|m| m.source.as_str())
        .collect();
    assert_eq!(
        sources,
        [
            "/dev/disk/by-id/ata-DISK_1",
            "/dev/disk/by-uuid/1234",
            "/dev/loop0"
        ]
    );
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0]
        .starts_with("Warning. loop0 (the source of rc-wa_loop0) has no link under /dev/disk"));
    assert_eq!(doc.cache_mappings[1].writeback_options, Some(tuned()));
    assert!(doc.ram_disks[1].read_only);
    // what was saved reads back
    assert_eq!(Document::parse(&doc.to_text()).unwrap(), doc);
}

#[test]
fn save_refuses_what_it_cannot_describe() {
    let tree = Tree::new();
    let mut sys = system(
        &tree,
        &[("rd0", 64, false)],
        &[mapping("rc-wt_sdb", "", "sdb", None)],
    );
    assert!(save::document(&sys, &no_nvmet(&sys), Path::new("/k"))
        .unwrap_err()
        .contains("lacks its RAM disk"));
    sys.mappings.clear();
    sys.disks[0].lock = LockStatus::Unavailable;
    assert!(save::document(&sys, &no_nvmet(&sys), Path::new("/k"))
        .unwrap_err()
        .contains("read-only state of rd0"));
}

#[test]
fn write_file_replaces_whole_and_keeps_the_old_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("etc/rapiddisk/rapiddisk.json");
    save::write_file(&path, b"one\n").unwrap();
    save::write_file(&path, b"two\n").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"two\n");
    assert!(!dir.path().join("etc/rapiddisk/rapiddisk.json.tmp").exists());
    // a directory in the way of the temporary file: the old file stays
    std::fs::create_dir(dir.path().join("etc/rapiddisk/rapiddisk.json.tmp")).unwrap();
    assert!(save::write_file(&path, b"three\n").is_err());
    assert_eq!(std::fs::read(&path).unwrap(), b"two\n");
}

fn described(tree: &Tree, order: DirOrder) -> Vec<String> {
    let p = plan(
        &sample(),
        &system(tree, &[], &[]),
        &no_nvmet_at(tree),
        order,
    )
    .unwrap();
    assert!(p.kept.is_empty());
    p.steps.iter().map(Step::describe).collect()
}

#[test]
fn plan_on_an_empty_system_creates_everything_in_order() {
    let tree = linked_tree();
    let forward = described(&tree, DirOrder::Creation);
    assert_eq!(
        forward,
        [
            "create RAM disk rd0 of 64 MiB",
            "create RAM disk rd3 of 32 MiB",
            "make rd3 read-only",
            "map rc-wt_sdb (rd0 in front of /dev/disk/by-id/ata-DISK_1)",
            "map rc-wb_sdc (rd3 in front of /dev/disk/by-uuid/1234)",
        ]
    );
    assert_eq!(described(&tree, DirOrder::Unknown), forward);
    // /dev/mapper lists newest first: the mappings come in reverse
    let reverse = described(&tree, DirOrder::Reverse);
    assert_eq!(reverse[..3], forward[..3]);
    assert_eq!(reverse[3..], [forward[4].clone(), forward[3].clone()]);
}

#[test]
fn the_order_probe_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    probe(dir.path());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert_eq!(probe(&dir.path().join("missing")), DirOrder::Unknown);
}

#[test]
fn plan_keeps_what_exists_as_described() {
    let tree = linked_tree();
    let maps = [
        mapping("rc-wt_sdb", "rd0", "sdb", None),
        mapping("rc-wb_sdc", "rd3", "sdc", Some(tuned())),
    ];
    let sys = system(&tree, &[("rd0", 64, false), ("rd3", 32, true)], &maps);
    let p = plan(&sample(), &sys, &no_nvmet(&sys), DirOrder::Unknown).unwrap();
    assert_eq!(p.steps, []);
    assert_eq!(p.kept, ["rd0", "rd3", "rc-wt_sdb", "rc-wb_sdc"]);
    // part of it there: only the rest is planned
    let sys = system(&tree, &[("rd0", 64, false)], &maps[..1]);
    let p = plan(&sample(), &sys, &no_nvmet(&sys), DirOrder::Unknown).unwrap();
    assert_eq!(p.kept, ["rd0", "rc-wt_sdb"]);
    assert_eq!(p.steps.len(), 3);
}

#[test]
fn plan_refuses_what_exists_differently() {
    let tree = linked_tree();
    let conflict = |disks: &[(&str, u64, bool)], maps: &[CacheMapping]| {
        plan(
            &sample(),
            &system(&tree, disks, maps),
            &no_nvmet_at(&tree),
            DirOrder::Creation,
        )
        .unwrap_err()
    };
    assert_eq!(
        conflict(&[("rd0", 128, false)], &[]),
        "rd0 exists with 134217728 bytes, the document has 67108864 bytes"
    );
    assert_eq!(
        conflict(&[("rd3", 32, false)], &[]),
        "rd3 exists writable, the document has it read-only"
    );
    let all = [("rd0", 64, false), ("rd3", 32, true)];
    let other_source = [mapping("rc-wt_sdb", "rd0", "sdc", None)];
    assert!(conflict(&all, &other_source)
        .starts_with("rc-wt_sdb exists, but not as the document describes it"));
    let other_cache = [mapping("rc-wt_sdb", "rd3", "sdb", None)];
    assert!(conflict(&all, &other_cache).starts_with("rc-wt_sdb exists"));
    let other_tunables = [mapping("rc-wb_sdc", "rd3", "sdc", None)];
    assert!(conflict(&all, &other_tunables).starts_with("rc-wb_sdc exists"));
}

/// Records runs and undos; fails the run of step `fail_at`, and the undo
/// of step `undo_fails`.
struct Recorder {
    fail_at: usize,
    undo_fails: Option<usize>,
    steps: Vec<Step>,
    log: Vec<String>,
}

impl Executor for Recorder {
    fn run(&mut self, step: &Step) -> Result<(), String> {
        let i = self.steps.iter().position(|s| s == step).unwrap();
        if i == self.fail_at {
            return Err("refused".into());
        }
        self.log.push(format!("run {i}"));
        Ok(())
    }
    fn undo(&mut self, step: &Step) -> Result<(), String> {
        let i = self.steps.iter().position(|s| s == step).unwrap();
        self.log.push(format!("undo {i}"));
        if Some(i) == self.undo_fails {
            return Err("still busy".into());
        }
        Ok(())
    }
}

fn described_steps() -> Vec<Step> {
    let tree = linked_tree();
    plan(
        &sample(),
        &system(&tree, &[], &[]),
        &no_nvmet_at(&tree),
        DirOrder::Creation,
    )
    .unwrap()
    .steps
}

#[test]
fn a_failing_step_undoes_the_steps_before_it_in_reverse() {
    let steps = described_steps();
    for fail_at in 0..steps.len() {
        let mut rec = Recorder {
            fail_at,
            undo_fails: None,
            steps: steps.clone(),
            log: vec![],
        };
        let failed = apply(&steps, &mut rec).unwrap_err();
        let mut want: Vec<String> = (0..fail_at).map(|i| format!("run {i}")).collect();
        want.extend((0..fail_at).rev().map(|i| format!("undo {i}")));
        assert_eq!(rec.log, want, "failing at {fail_at}");
        assert_eq!(failed.step, steps[fail_at].describe());
        assert_eq!(
            failed.message(),
            format!(
                "Error. Unable to {}: refused. What this restore created was removed again.",
                steps[fail_at].describe()
            )
        );
    }
    let mut rec = Recorder {
        fail_at: usize::MAX,
        undo_fails: None,
        steps: steps.clone(),
        log: vec![],
    };
    assert!(apply(&steps, &mut rec).is_ok());
    assert_eq!(rec.log.len(), steps.len());
}

#[test]
fn a_failing_undo_is_reported_and_the_others_still_run() {
    let steps = described_steps();
    let mut rec = Recorder {
        fail_at: 4,
        undo_fails: Some(1),
        steps: steps.clone(),
        log: vec![],
    };
    let failed = apply(&steps, &mut rec).unwrap_err();
    assert_eq!(rec.log[4..], ["undo 3", "undo 2", "undo 1", "undo 0"]);
    assert!(failed
        .message()
        .ends_with("Undoing failed too: undo of 'create RAM disk rd3 of 32 MiB': still busy."));
}

#[test]
fn the_system_executor_attaches_by_saved_number_and_names_missing_sources() {
    let tree = Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .block("rd0", 131072);
    let mut exec = apply::SystemExecutor {
        roots: tree.roots.clone(),
        modules: Modules { writeback: true },
        nvmet: crate::nvmet::Nvmet::new(&tree.roots),
    };
    exec.run(&Step::CreateDisk {
        name: "rd7".into(),
        size: 16 * MIB,
    })
    .unwrap();
    assert_eq!(
        std::fs::read(tree.roots.mgmt()).unwrap(),
        b"rapiddisk attach 7 16777216\n"
    );
    let map = Step::Map(sample().cache_mappings[0].clone());
    assert_eq!(
        exec.run(&map).unwrap_err(),
        "the source /dev/disk/by-id/ata-DISK_1 does not exist"
    );
    // a node that is there but empty, as a detached loop device
    let loop0 = Tree::new()
        .file("sys/class/block/loop0/size", b"0\n")
        .file("dev/loop0", b"");
    let mut empty = apply::SystemExecutor {
        roots: loop0.roots.clone(),
        modules: Modules { writeback: true },
        nvmet: crate::nvmet::Nvmet::new(&loop0.roots),
    };
    let mut saved = sample().cache_mappings[0].clone();
    saved.source = "/dev/loop0".into();
    assert_eq!(
        empty.run(&Step::Map(saved)).unwrap_err(),
        "the source /dev/loop0 has no medium (0 bytes)"
    );
    // undoing a disk the fixture never grew is refused by the detach checks
    let undo = exec
        .undo(&Step::CreateDisk {
            name: "rd7".into(),
            size: 16 * MIB,
        })
        .unwrap_err();
    assert_eq!(undo, "Error. Device rd7 does not exist.");
    exec.undo(&Step::CreateDisk {
        name: "rd0".into(),
        size: 64 * MIB,
    })
    .unwrap();
    assert_eq!(
        std::fs::read(tree.roots.mgmt()).unwrap(),
        b"rapiddisk detach 0\n"
    );
}
