//! `pin13 block|unblock|toggle` through the built binary against a fake
//! device: a regular file holding the four ADD events of the real capture.
//! pin13 opens it read-write by path and appends its change events exactly
//! as it writes them to /dev/rfkill (the real write path); reading the file
//! back shows the bytes, and pin13's own re-read folds them into the state
//! it reports.

use crate::harness::*;

use std::path::{Path, PathBuf};

const SYSFS: &str = "tests/fixtures/sysfs/qemu-all-types";

/// A fake device in its own scratch directory (removed with it).
struct FakeDevice {
    _dir: TempDir,
    path: PathBuf,
}

impl AsRef<Path> for FakeDevice {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl std::ops::Deref for FakeDevice {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

/// The first 32 bytes of the capture: ADD phy0 (unblocked), phy1 (soft),
/// dell-rbtn (soft+hard), hci0 (soft).
fn fake_device() -> FakeDevice {
    let data = std::fs::read(fixtures().join("events/qemu-all-types/events.bin")).unwrap();
    let dir = TempDir::new("block");
    let path = dir.join("rfkill");
    std::fs::write(&path, &data[..32]).unwrap();
    FakeDevice { _dir: dir, path }
}

fn change(dev: &Path, args: &[&str]) -> (Run, Vec<Vec<u8>>) {
    let mut a = vec!["--sysfs", SYSFS, "--rfkill-dev", dev.to_str().unwrap()];
    a.extend_from_slice(args);
    let r = run(&a);
    let bytes = std::fs::read(dev).unwrap();
    let written = bytes[32..].chunks(8).map(|c| c.to_vec()).collect();
    (r, written)
}

// rfkill_event: idx, type (0 all, 1 wlan, 2 bluetooth), op (2 CHANGE, 3 CHANGE_ALL), soft, hard
#[test]
fn block_by_index_writes_one_change() {
    let dev = fake_device();
    let (r, w) = change(&dev, &["block", "0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w, vec![rec(0, 0, 2, 1, 0)]);
    assert_eq!(r.stdout, "phy0 (id 0, wlan): soft unblocked -> blocked\n");
    assert_eq!(r.stderr, "");
}

#[test]
fn unblock_by_type_alias_writes_change_all() {
    let dev = fake_device();
    let (r, w) = change(&dev, &["unblock", "WiFi"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w, vec![rec(0, 1, 3, 0, 0)]);
    golden("unblock-wifi.out", &r.stdout);
}

#[test]
fn block_by_name_and_all() {
    let dev = fake_device();
    let (r, w) = change(&dev, &["block", "hci0", "phy0"]);
    assert_eq!(r.code, 0);
    assert_eq!(w, vec![rec(3, 0, 2, 1, 0), rec(0, 0, 2, 1, 0)]);
    has(&r.stdout, "hci0 (id 3, bluetooth): soft blocked (already)");
    let (r, w) = change(&dev, &["unblock", "all"]);
    assert_eq!(r.code, 0);
    assert_eq!(w.last().unwrap(), &rec(0, 0, 3, 0, 0));
    assert_eq!(r.stdout.lines().count(), 4);
}

#[test]
fn toggle_flips_each_radio() {
    let dev = fake_device();
    // wlan radios are mixed (phy0 unblocked, phy1/dell-rbtn blocked): one CHANGE each
    let (r, w) = change(&dev, &["toggle", "wlan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        w,
        vec![rec(0, 0, 2, 1, 0), rec(1, 0, 2, 0, 0), rec(2, 0, 2, 0, 0)]
    );
    golden("toggle-wlan.out", &r.stdout);
    // toggling phy0 again brings it back
    let (r, w) = change(&dev, &["toggle", "phy0"]);
    assert_eq!(w.last().unwrap(), &rec(0, 0, 2, 0, 0));
    assert_eq!(r.stdout, "phy0 (id 0, wlan): soft blocked -> unblocked\n");
}

#[test]
fn a_bad_selector_writes_nothing() {
    let dev = fake_device();
    for args in [
        &["block", "0", "nosuchradio"][..],
        &["unblock", "99"],
        &["toggle", "WLANX"],
    ] {
        let (r, w) = change(&dev, args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(w.is_empty(), "{args:?} wrote {w:?}");
        has(
            &r.stderr,
            "0 phy0 (wlan), 1 phy1 (wlan), 2 dell-rbtn (wlan), 3 hci0 (bluetooth)",
        );
    }
    let r = run(&["block"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_typed_missing_path_says_no_such_file() {
    let sysfs = TempDir::new("block-none");
    for cmd in ["block", "unblock", "toggle"] {
        let r = run(&[
            "--sysfs",
            sysfs.to_str().unwrap(),
            "--rfkill-dev",
            "/nonexistent/rfkill",
            cmd,
            "all",
        ]);
        assert_eq!(r.code, 1, "{cmd}");
        has(&r.stderr, "no such file: /nonexistent/rfkill");
        has(&r.stderr, "--rfkill-dev");
        assert!(!r.stderr.contains("modprobe"), "{}", r.stderr);
    }
}

#[test]
fn a_device_that_cannot_be_opened_for_writing_is_named() {
    // /dev/rfkill missing while sysfs exists: status falls back, block cannot
    let r = run(&[
        "--sysfs",
        SYSFS,
        "--rfkill-dev",
        "/nonexistent",
        "block",
        "0",
    ]);
    assert_eq!(r.code, 1);
    has(
        &r.stderr,
        "cannot open /nonexistent for writing: No such file or directory",
    );
    // a directory cannot be written either; the message names it
    let dir = TempDir::new("block-dir");
    let r = run(&[
        "--sysfs",
        SYSFS,
        "--rfkill-dev",
        dir.to_str().unwrap(),
        "block",
        "0",
    ]);
    assert_eq!(r.code, 1);
    has(
        &r.stderr,
        &format!("cannot open {} for writing", dir.display()),
    );
}

#[test]
fn permission_denied_names_the_file_and_the_fix() {
    let dev = fake_device();
    std::fs::set_permissions(
        dev.parent().unwrap(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let dev_s = dev.to_str().unwrap();
    let stage = nobody_stage(&[SYSFS]);
    for (mode, note) in [(0o600, true), (0o644, false)] {
        std::fs::set_permissions(&dev, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
        // status: 0600 falls back to sysfs with a note, 0644 reads the device
        let Some(r) = as_nobody(
            stage.as_ref(),
            &["--sysfs", SYSFS, "--rfkill-dev", dev_s, "status", "--json"],
        ) else {
            eprintln!("not root or no setpriv: permission test not run");
            return;
        };
        assert_eq!(r.code, 0, "{mode:o}: {}", r.stderr);
        assert_eq!(r.stdout, util_linux("all-types/rfkill-J.out"));
        assert_eq!(
            r.stderr
                .contains("Permission denied; showing the state from sysfs"),
            note,
            "{}",
            r.stderr
        );
        for cmd in [
            &["block", "1"][..],
            &["unblock", "phy0"],
            &["toggle", "all"],
        ] {
            let mut a = vec!["--sysfs", SYSFS, "--rfkill-dev", dev_s];
            a.extend_from_slice(cmd);
            let r = as_nobody(stage.as_ref(), &a).unwrap();
            assert_eq!(r.code, 1, "{cmd:?}");
            has(
                &r.stderr,
                &format!("cannot open {dev_s} for writing: Permission denied"),
            );
            assert!(
                r.stderr.contains("sudo")
                    && r.stderr.contains("udev rule")
                    && r.stderr.contains("group"),
                "{}",
                r.stderr
            );
            assert_eq!(
                std::fs::metadata(&dev).unwrap().len(),
                32,
                "nothing written"
            );
        }
    }
}
