//! `pin13 status` through the built binary, on fixture trees, compared with
//! golden files and with real util-linux 2.38 output (tests/fixtures/expected/util-linux).

use crate::harness::*;

const HARDKILL: &str = "tests/fixtures/sysfs/ipw2200-hardkill";

/// `pin13 --sysfs SYSFS --rfkill-dev /nonexistent status ARGS...` (sysfs alone).
fn status_on(sysfs: &str, args: &[&str]) -> Run {
    let mut a = vec!["--sysfs", sysfs, "--rfkill-dev", "/nonexistent", "status"];
    a.extend_from_slice(args);
    run(&a)
}

#[test]
fn readme_main_command() {
    let r = status_on(HARDKILL, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    golden("status-ipw2200-hardkill.out", &r.stdout);
    golden("status-ipw2200-hardkill.err", &r.stderr);
}

#[test]
fn json_is_util_linux_shaped_for_the_pin13_machine() {
    let r = status_on(HARDKILL, &["--json"]);
    assert_eq!(r.code, 0);
    golden("status-ipw2200-hardkill.json", &r.stdout);
    // the note about the fallback goes to stderr only
    has(&r.stderr, "showing the state from sysfs");
}

#[test]
fn extra_columns_and_reasons() {
    let r = status_on(HARDKILL, &["-o", "+DRIVER,REASON"]);
    assert_eq!(r.code, 0);
    golden("status-ipw2200-hardkill-extra.out", &r.stdout);
    let r = status_on(
        "tests/fixtures/sysfs/pre511-ipw2200-btusb",
        &["--output-all"],
    );
    assert_eq!(r.code, 0);
    golden("status-pre511-all.out", &r.stdout);
    let r = status_on(
        "tests/fixtures/sysfs/pre511-ipw2200-btusb",
        &["-J", "-o", "id,device,driver,reason"],
    );
    golden("status-pre511-reason.json", &r.stdout);
}

/// Every util-linux command captured in the QEMU lab that pin13 status has
/// an equivalent for, on the sysfs tree captured at the same moment (four
/// scenes: hwsim only, the dell-rbtn switch on and off, all types).
#[test]
fn byte_identical_to_util_linux_on_real_captures() {
    let map: &[(&str, &[&str])] = &[
        ("rfkill -J", &["--json"]),
        // pin13's own table adds DRIVER and REASON; ask for util-linux's columns.
        ("rfkill", &["-o", "ID,TYPE,DEVICE,SOFT,HARD"]),
        ("rfkill -r", &["-r"]),
        ("rfkill -n", &["-n", "-o", "ID,TYPE,DEVICE,SOFT,HARD"]),
        (
            "rfkill -J -o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD",
            &["-J", "-o", "ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD"],
        ),
        (
            "rfkill -o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD",
            &["-o", "ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD"],
        ),
        (
            "rfkill -J -o ID,TYPE,DEVICE,SOFT,HARD list wlan",
            &["--json", "wlan"],
        ),
        (
            "rfkill -o ID,TYPE,DEVICE,SOFT,HARD list 1",
            &["-o", "ID,TYPE,DEVICE,SOFT,HARD", "1"],
        ),
        ("su lab -s /bin/sh -c rfkill -J", &["--json"]),
    ];
    let mut compared = 0;
    for scene in ["hwsim2", "hwsim-rbtn-on", "hwsim-rbtn-off", "all-types"] {
        let dir = expected().join("util-linux").join(scene);
        let tsv = std::fs::read_to_string(dir.join("commands.tsv")).unwrap();
        let sysfs = format!("tests/fixtures/sysfs/qemu-{scene}");
        for line in tsv.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            let (cmd, status, out) = (f[0], f[1], f[2]);
            if status != "0" {
                continue;
            }
            let Some((_, extra)) = map.iter().find(|(c, _)| *c == cmd) else {
                continue;
            };
            let mut args = vec![
                "--sysfs",
                sysfs.as_str(),
                "--rfkill-dev",
                "/nonexistent",
                "status",
            ];
            args.extend_from_slice(extra);
            let r = run(&args);
            let want = std::fs::read_to_string(dir.join(out)).unwrap();
            assert_eq!(r.code, 0, "{scene}: {cmd}: {}", r.stderr);
            assert_eq!(
                r.stdout,
                want,
                "{scene}: `{cmd}` vs `pin13 {}`",
                extra.join(" ")
            );
            compared += 1;
        }
    }
    assert_eq!(
        compared, 36,
        "every mapped command of the four scenes was compared"
    );
}

#[test]
fn selectors_by_name_and_alias_match_util_linux_by_index_and_type() {
    let sysfs = "tests/fixtures/sysfs/qemu-all-types";
    let want = util_linux("all-types/rfkill-J-o-list-wlan.out");
    for sel in ["wlan", "WiFi", "WLAN"] {
        let r = status_on(sysfs, &["--json", sel]);
        assert_eq!(r.stdout, want, "{sel}");
    }
    let by_index = status_on(sysfs, &["2"]);
    let by_name = status_on(sysfs, &["dell-rbtn"]);
    assert_eq!(by_index.stdout, by_name.stdout);
    has(&by_name.stdout, " 2 wlan dell-rbtn blocked blocked");
    // hard-blocked rows get a hint on stderr (tables only)
    has(&by_name.stderr, "dell-rbtn is hard-blocked");
}

#[test]
fn bare_pin13_is_status_and_env_vars_work() {
    let a = pin13(&[])
        .env("PIN13_SYSFS", HARDKILL)
        .env("PIN13_RFKILL_DEV", "/nonexistent")
        .output()
        .unwrap();
    let b = status_on(HARDKILL, &[]);
    let a = finish(a);
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
}

/// `status` starts without clap (`cli::fast`) but leaves every mistake to
/// it: the same message and exit status as a command clap parses.
#[test]
fn status_mistakes_get_clap_messages_like_other_commands() {
    let empty_env = |args: &[&str]| finish(pin13(args).env("PIN13_SYSFS", "").output().unwrap());
    let (hot, other) = (empty_env(&["status", "--json"]), empty_env(&["list"]));
    assert_eq!(hot.code, 2);
    assert_eq!(hot.stderr, other.stderr);
    has(&hot.stderr, "a value is required for '--sysfs <DIR>'");
    for (args, says) in [
        (&["-J", "-r"][..], "'--json' cannot be used with '--raw'"),
        (
            &["status", "--json", "--json"],
            "cannot be used multiple times",
        ),
        (
            &["status", "-o"],
            "a value is required for '--output <LIST>'",
        ),
        (&["-J", "status"], "put them after the command"),
    ] {
        let mut a = vec!["--sysfs", HARDKILL, "--rfkill-dev", "/nonexistent"];
        a.extend_from_slice(args);
        let r = run(&a);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        has(&r.stderr, says);
        assert_eq!(r.stdout, "", "{args:?}");
    }
}

#[test]
fn no_rfkill_is_an_error_with_the_fix() {
    let sysfs = TempDir::new("no-rfkill");
    let sysfs = sysfs.to_str().unwrap();
    for args in [vec!["status"], vec![], vec!["status", "--json"]] {
        let mut a = vec!["--sysfs", sysfs, "--rfkill-dev", "/nonexistent/rfkill"];
        a.extend(args.iter());
        let r = run(&a);
        assert_eq!(r.code, 1, "{args:?}");
        // The paths were typed: say which file is missing, not "load a module".
        has(&r.stderr, "no such file: /nonexistent/rfkill");
        has(
            &r.stderr,
            "check the paths given to --rfkill-dev and --sysfs",
        );
        assert!(!r.stderr.contains("panicked"));
        if args.contains(&"--json") {
            // util-linux prints an empty table too (captured without the module)
            let want = util_linux("no-rfkill/rfkill-J.out");
            assert_eq!(r.stdout, want);
        } else {
            assert_eq!(r.stdout, "");
        }
    }
}

#[test]
fn usage_errors_exit_2_and_say_what_exists() {
    let with = |extra: &[&str]| status_on(HARDKILL, extra);
    let r = with(&["nosuchradio"]);
    assert_eq!(r.code, 2);
    golden("status-unknown-selector.err", &r.stderr);
    let r = with(&["7"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown radio `7`"));
    let r = with(&["-o", "ID,FOO"]);
    assert_eq!(r.code, 2);
    has(&r.stderr, "unknown column: FOO");
    let r = with(&["--json", "--raw"]);
    assert_eq!(r.code, 2);
    has(&r.stderr, "cannot be used with");
}

#[test]
fn a_capture_file_as_device_lists_the_folded_state() {
    // the real stream: 4 radios, changes, phy0/phy1 removed, two new radios 4 and 5
    let r = run(&[
        "--sysfs",
        "tests/fixtures/sysfs/qemu-all-types",
        "--rfkill-dev",
        "tests/fixtures/events/qemu-all-types/events.bin",
        "status",
        "-r",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "", "no fallback note: the device was read");
    assert_eq!(
        r.stdout,
        "ID TYPE DEVICE SOFT HARD\n2 wlan dell-rbtn unblocked unblocked\n\
         3 bluetooth hci0 unblocked unblocked\n4 wlan  unblocked unblocked\n5 wlan  unblocked unblocked\n"
    );
}

#[test]
fn an_unreadable_device_falls_back_to_sysfs_with_a_note() {
    // a directory stands in for an unreadable node (tests may run as root)
    let dir = TempDir::new("unreadable");
    let r = run(&[
        "--sysfs",
        HARDKILL,
        "--rfkill-dev",
        dir.to_str().unwrap(),
        "status",
        "--json",
    ]);
    assert_eq!(r.code, 0);
    golden("status-ipw2200-hardkill.json", &r.stdout);
    assert!(
        r.stderr.starts_with("pin13: note: cannot open"),
        "{}",
        r.stderr
    );
}

#[test]
fn help_documents_exit_statuses_and_columns() {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("2  usage error"));
    let r = run(&["status", "--help"]);
    assert!(r.stdout.contains("REASON     why it is hard-blocked"));
}

/// status writes straight to fd 1 (no std buffer): a closed stdout is as
/// quiet as it was through std's stdout (std's start-up opens /dev/null on a
/// closed fd 0-2, so the write goes there: exit 0, no error), and a reader
/// gone before the write is the broken pipe that exits 0.
#[test]
fn a_closed_or_gone_stdout_is_quiet() {
    let args = [
        "--sysfs",
        HARDKILL,
        "--rfkill-dev",
        "/nonexistent",
        "status",
        "--json",
    ];
    let out = clean("sh")
        .current_dir(root())
        .arg("-c")
        .arg(r#"exec "$0" "$@" >&-"#)
        .arg(BIN)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("cannot write output"), "{err}");
    has(&err, "showing the state from sysfs");
    let mut child = pin13(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("cannot write output"), "{err}");
    has(&err, "showing the state from sysfs");
}
