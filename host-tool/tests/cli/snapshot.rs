//! `pin13 snapshot` and `--replay`: capture, round trip, example files, errors.

use std::path::Path;

use crate::harness::*;
use serde_json::Value;

/// `pin13 --sysfs TREE --rfkill-dev DEV snapshot --reproducible --proc PROC -o FILE`.
fn snap_to(tree: &Path, dev: &Path, proc: Option<&Path>, out: &Path) -> Run {
    let mut c = pin13(&[]);
    c.arg("--sysfs")
        .arg(tree)
        .arg("--rfkill-dev")
        .arg(dev)
        .args(["snapshot", "--reproducible", "-o"])
        .arg(out);
    if let Some(p) = proc {
        c.arg("--proc").arg(p);
    }
    c.output().unwrap().into()
}

fn nodev() -> &'static Path {
    Path::new("/nonexistent/rfkill")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn snapshot_holds_kernel_devices_parents_rf_kill_and_module_parameters() {
    let dir = TempDir::new("snap-content");
    let out = dir.join("s.json");
    let r = snap_to(
        &sysfs("pre511-ipw2200"),
        nodev(),
        Some(&proc("pre511-ipw2200")),
        &out,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "-o: nothing on stdout");
    has(&r.stderr, "wrote");
    let v = read_json(&out);
    assert_eq!(v["format"], "pin13-snapshot");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["tool"]["name"], "pin13");
    // The version and the build, the same words as `pin13 --version`.
    let version = run(&["--version"]);
    let version = version.stdout.trim_end().strip_prefix("pin13 ").unwrap();
    assert_eq!(v["tool"]["version"], version);
    has(version, env!("PIN13_BUILD"));
    assert!(v["created_unix"].is_null(), "--reproducible");
    assert_eq!(v["kernel"]["osrelease"], "4.19.0-27-686");
    assert_eq!(
        v["kernel"]["version"],
        "#1 SMP Debian 4.19.316-1 (2024-06-25)"
    );
    assert_eq!(v["rfkill_dev"]["readable"], false);
    assert!(v["rfkill_dev"]["error"]
        .as_str()
        .unwrap()
        .contains("/nonexistent/rfkill"));
    assert_eq!(v["events"], serde_json::json!([]));
    let devs = v["devices"].as_array().unwrap();
    assert_eq!(devs.len(), 3);
    let phy = &devs[2];
    assert_eq!(phy["node"], "rfkill2");
    assert_eq!(phy["attrs"]["name"], "phy0");
    assert_eq!(phy["attrs"]["hard"], true);
    assert!(
        phy["attrs"]["hard_block_reasons"].is_null(),
        "pre-5.11: no reasons"
    );
    assert_eq!(phy["driver"], "ipw2200");
    assert_eq!(phy["bus"], "pci");
    assert_eq!(phy["pci_id"], "8086:4224");
    assert_eq!(phy["rf_kill"], 2);
    let parents = phy["parents"].as_array().unwrap();
    assert_eq!(parents[0]["name"], "phy0");
    assert_eq!(parents[0]["subsystem"], "ieee80211");
    assert_eq!(
        parents[1]["path"],
        "devices/pci0000:00/0000:00:1e.0/0000:03:03.0"
    );
    // PCI ids as lspci -n writes them.
    assert_eq!(parents[1]["pci_vendor"], "8086");
    assert_eq!(parents[1]["pci_device"], "4224");
    assert_eq!(parents[1]["pci_subsystem_device"], "2751");
    let mp = &v["module_parameters"];
    assert_eq!(mp["ipw2200"]["disable"], "0");
    assert_eq!(mp["ipw2200"]["led"], "1");
    assert_eq!(mp["rfkill"]["default_state"], "1");
    assert_eq!(mp["rfkill"]["master_switch_mode"], "2");
    assert_eq!(mp["cfg80211"]["ieee80211_regdom"], "00");
    // The radios' drivers' modules, found through bus/*/drivers/*/module.
    let out2 = dir.join("t.json");
    let r = snap_to(&sysfs("thinkpad-radio-switch"), nodev(), None, &out2);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mp = &read_json(&out2)["module_parameters"];
    assert_eq!(mp["thinkpad_acpi"]["bluetooth_state"], "0", "{mp}");
    assert_eq!(mp["iwl3945"]["disable_hw_scan"], "Y", "{mp}");
    assert!(mp.get("ipw2200").is_none(), "no ipw2200 on a T60: {mp}");
}

#[test]
fn snapshot_to_stdout_and_kernel_null_without_proc() {
    // A fixture sysfs root has no proc beside it: the host's kernel must not leak in.
    let r = fixture("ipw2200-hardkill", &["snapshot", "--reproducible"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert!(v["kernel"]["osrelease"].is_null(), "{}", v["kernel"]);
    assert_eq!(v["devices"].as_array().unwrap().len(), 2);
    has(&r.stderr, "no events in the snapshot");
}

#[test]
fn snapshot_records_the_add_events_of_the_device() {
    let dir = TempDir::new("snap-events");
    let cap = capture(&dir, &[rec(0, WLAN, ADD, 0, 1), rec(1, WLAN, ADD, 0, 0)]);
    let out = dir.join("s.json");
    let r = snap_to(&sysfs("ipw2200-hardkill"), &cap, None, &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = read_json(&out);
    assert_eq!(v["rfkill_dev"]["readable"], true);
    assert_eq!(v["rfkill_dev"]["event_size"], 8);
    assert_eq!(
        v["events"],
        serde_json::json!([
            {"idx": 0, "type": 1, "op": 0, "soft": 0, "hard": 1, "reasons": null},
            {"idx": 1, "type": 1, "op": 0, "soft": 0, "hard": 0, "reasons": null}
        ])
    );
    // Replayed, the answer is the device's (source rfkill-dev semantics, reasons from sysfs).
    let live = on(&sysfs("ipw2200-hardkill"), &cap, &["diagnose", "--json"]);
    let rep = replay(&out, &["diagnose", "--json"]);
    assert_eq!(rep.code, live.code);
    let (mut a, mut b) = (live.json(), rep.json());
    a.as_object_mut().unwrap().remove("source");
    b.as_object_mut().unwrap().remove("source");
    assert_eq!(a, b);
}

/// Every tree: snapshot it, replay it, and get the same diagnose and status
/// answers (human and JSON) and exit status as from the tree itself.
#[test]
fn round_trip_gives_the_same_answers() {
    let dir = TempDir::new("snap-roundtrip");
    for tree in OWN_TREES.iter().chain(CORE_TREES) {
        let out = dir.join(format!("{tree}.json"));
        let r = snap_to(&sysfs(tree), nodev(), None, &out);
        assert_eq!(r.code, 0, "{tree}: {}", r.stderr);
        for args in [
            &["diagnose"][..],
            &["diagnose", "--json"],
            &["diagnose", "wlan"],
            &["status"],
            &["status", "--json"],
        ] {
            let direct = fixture(tree, args);
            let replayed = replay(&out, args);
            assert_eq!(
                replayed.code, direct.code,
                "{tree} {args:?}: {}",
                replayed.stderr
            );
            if args.contains(&"--json") && args[0] == "diagnose" {
                let (mut a, mut b) = (direct.json(), replayed.json());
                assert_eq!(a["source"], "sysfs");
                assert_eq!(b["source"], "replay");
                a.as_object_mut().unwrap().remove("source");
                b.as_object_mut().unwrap().remove("source");
                assert_eq!(a, b, "{tree} {args:?}");
            } else {
                assert_eq!(replayed.stdout, direct.stdout, "{tree} {args:?}");
            }
            assert!(
                replayed.stderr.contains("replaying"),
                "{tree}: {}",
                replayed.stderr
            );
        }
    }
}

/// The shipped examples are exactly what `pin13 snapshot --reproducible`
/// writes for their trees today (so they cannot rot), and they answer.
#[test]
fn example_snapshots_are_current_and_answer() {
    let dir = TempDir::new("snap-examples");
    let mut trees: Vec<&str> = OWN_TREES.to_vec();
    trees.push("ipw2200-hardkill");
    for tree in trees {
        let ex = example(tree);
        assert!(ex.is_file(), "missing example {}", ex.display());
        let out = dir.join("fresh.json");
        let p = proc(tree);
        let r = snap_to(
            &sysfs(tree),
            nodev(),
            p.is_dir().then_some(p.as_path()),
            &out,
        );
        assert_eq!(r.code, 0);
        let mut fresh = read_json(&out);
        let mut shipped = read_json(&ex);
        // Paths differ between checkouts; the tool version moves on.
        for v in [&mut fresh, &mut shipped] {
            let o = v.as_object_mut().unwrap();
            o.remove("sysfs_root");
            o.remove("tool");
            o.remove("rfkill_dev");
        }
        assert_eq!(
            fresh, shipped,
            "{tree}: regenerate with `bash examples/snapshots/regenerate.sh`"
        );
    }
    let expect = [
        ("ipw2200-hardkill", 4),
        ("ipw2200-taped", 0),
        ("ipw2200-taped-softblock", 3),
        ("thinkpad-radio-switch", 4),
        ("dell-rbtn-legacy", 4),
        ("iwlwifi-not-owner", 4),
        ("pre511-ipw2200", 4),
    ];
    for (tree, code) in expect {
        let r = replay(&example(tree), &["diagnose"]);
        assert_eq!(r.code, code, "{tree}: {}{}", r.stdout, r.stderr);
    }
    let r = replay(&example("ipw2200-hardkill"), &["diagnose"]);
    assert!(r.stdout.contains("pin 13"));
}

#[test]
fn replay_errors_are_clear() {
    let dir = TempDir::new("snap-errors");
    let r = replay(&dir.join("missing.json"), &["diagnose"]);
    assert_eq!(r.code, 1);
    has(&r.stderr, "cannot read snapshot");
    has(&r.stderr, "pin13 snapshot -o FILE");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"rfkilldevices\": []}").unwrap();
    let r = replay(&bad, &["status"]);
    assert_eq!(r.code, 1);
    has(&r.stderr, "is not a pin13 snapshot");

    std::fs::write(&bad, "not json").unwrap();
    let r = replay(&bad, &["diagnose", "--json"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    has(&r.stderr, "not JSON");

    // snapshot --replay makes no sense; verify --replay neither.
    let r = replay(&example("ipw2200-hardkill"), &["snapshot"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn no_rfkill_at_all_still_gives_a_snapshot() {
    let dir = TempDir::new("snap-norfkill");
    std::fs::create_dir_all(dir.join("sys/module/rfkill/parameters")).unwrap();
    std::fs::write(
        dir.join("sys/module/rfkill/parameters/default_state"),
        "1\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("proc/sys/kernel")).unwrap();
    std::fs::write(dir.join("proc/sys/kernel/osrelease"), "2.6.32-5-686\n").unwrap();
    let r = on(&dir.join("sys"), nodev(), &["snapshot", "--reproducible"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    has(&r.stderr, "rfkill not loaded");
    let v = r.json();
    assert_eq!(v["devices"], serde_json::json!([]));
    // proc found beside the sysfs root (DIR/../proc).
    assert_eq!(v["kernel"]["osrelease"], "2.6.32-5-686");
    assert_eq!(v["module_parameters"]["rfkill"]["default_state"], "1");
}

#[test]
fn output_file_is_all_or_nothing() {
    let dir = TempDir::new("snap-atomic");
    let target = dir.join("no/such/dir/s.json");
    let r = snap_to(&sysfs("ipw2200-taped"), nodev(), None, &target);
    assert_eq!(r.code, 1, "{}", r.stderr);
    has(&r.stderr, "cannot write");
    assert!(!target.exists());
    // An existing file is replaced whole, and no temp file stays behind.
    let out = dir.join("s.json");
    std::fs::write(&out, "old").unwrap();
    assert_eq!(
        snap_to(&sysfs("ipw2200-taped"), nodev(), None, &out).code,
        0
    );
    assert!(read_json(&out)["devices"].is_array());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

/// Snapshots written before PCI ids were hex text hold them as numbers
/// (`"pci_device": 16928`): they replay to the same answers. An id that is
/// no id is refused with a clear message, exit 1, nothing on stdout.
#[test]
fn old_numeric_pci_ids_replay_and_bad_ones_are_refused() {
    let dir = TempDir::new("snap-pci");
    let new = std::fs::read_to_string(example("ipw2200-hardkill")).unwrap();
    let mut old = new.clone();
    for (hex, dec) in [
        ("8086", "32902"),
        ("4220", "16928"),
        ("2701", "9985"),
        ("2448", "9288"),
        ("0000", "0"),
    ] {
        old = old.replace(&format!(": \"{hex}\""), &format!(": {dec}"));
    }
    assert!(
        old.contains("\"pci_device\": 16928") && !old.contains(": \"8086\""),
        "{old}"
    );
    let old_file = dir.join("old.json");
    std::fs::write(&old_file, &old).unwrap();
    for args in [
        &["diagnose"][..],
        &["diagnose", "--json"],
        &["status", "--json"],
    ] {
        let a = replay(&example("ipw2200-hardkill"), args);
        let b = replay(&old_file, args);
        assert_eq!(
            (b.code, &b.stdout),
            (a.code, &a.stdout),
            "{args:?}: {}",
            b.stderr
        );
    }
    has(&replay(&old_file, &["diagnose"]).stdout, "PCI 8086:4220");

    for bad in ["\"zz\"", "\"42200\"", "-16928", "99999999999999999999999"] {
        let f = dir.join("bad.json");
        std::fs::write(
            &f,
            new.replacen(
                "\"pci_device\": \"4220\"",
                &format!("\"pci_device\": {bad}"),
                1,
            ),
        )
        .unwrap();
        let r = replay(&f, &["diagnose"]);
        assert_eq!(r.code, 1, "{bad}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{bad}");
        has(&r.stderr, "is not a pin13 snapshot: malformed: invalid");
        has(
            &r.stderr,
            "expected a PCI id: 4 hex digits such as \"8086\"",
        );
    }
}
