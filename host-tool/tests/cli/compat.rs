//! util-linux compatibility (issue 12, section 1), through the built binary:
//! pin13 run as `rfkill` (a symlink named `rfkill`) and as `pin13` against the
//! real util-linux 2.38.1 outputs in tests/fixtures/expected/util-linux/, with the
//! sysfs tree captured at the same moment and a capture file of its ADD
//! events as the rfkill device.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::{root, TempDir};

const BIN: &str = env!("CARGO_BIN_EXE_pin13");

fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

thread_local! {
    /// Scratch directories of the running test, removed when its thread ends.
    static KEEP: std::cell::RefCell<Vec<TempDir>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn temp_dir(tag: &str) -> PathBuf {
    let t = TempDir::new(&format!("compat-{tag}"));
    let p = t.to_path_buf();
    KEEP.with(|k| k.borrow_mut().push(t));
    p
}

/// A directory holding `rfkill`, a symlink to the pin13 under test.
fn rfkill_link() -> PathBuf {
    let d = temp_dir("link");
    let link = d.join("rfkill");
    std::os::unix::fs::symlink(BIN, &link).unwrap();
    link
}

struct Out {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Run `prog` (pin13 or the `rfkill` link) with a clean PIN13_* environment,
/// then `PIN13_SYSFS`/`PIN13_RFKILL_DEV` as given.
fn run(prog: &Path, args: &[&str], sysfs: &Path, dev: &Path) -> Out {
    // The link is run as a shell runs it from PATH: argv[0] is `rfkill`
    // (getopt's messages start with argv[0], as util-linux's do).
    let c = match (prog.file_name(), prog.parent()) {
        (Some(n), Some(dir)) if n == "rfkill" => {
            let mut c = Command::new("rfkill");
            c.env("PATH", dir);
            c
        }
        _ => Command::new(prog),
    };
    run_command(c, args, sysfs, dev)
}

/// [`run`] with writes beyond 0 bytes refused (`ulimit -f 0`, SIGXFSZ
/// ignored: write() fails with EFBIG), so appending to a capture file fails
/// the way a write to /dev/rfkill can.
fn run_unwritable(prog: &Path, args: &[&str], sysfs: &Path, dev: &Path) -> Out {
    let (Some(name), Some(dir)) = (prog.file_name(), prog.parent()) else {
        panic!("{}", prog.display());
    };
    let mut c = Command::new("sh");
    c.env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 0 && exec \"$0\" \"$@\"")
        .arg(name);
    run_command(c, args, sysfs, dev)
}

fn run_command(mut c: Command, args: &[&str], sysfs: &Path, dev: &Path) -> Out {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("PIN13_") {
            c.env_remove(&k);
        }
    }
    let o = c
        .current_dir(root())
        .args(args)
        .env("PIN13_SYSFS", sysfs)
        .env("PIN13_RFKILL_DEV", dev)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: o.stdout,
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn type_number(name: &str) -> u8 {
    match name {
        "wlan" => 1,
        "bluetooth" => 2,
        "ultrawideband" => 3,
        "wimax" => 4,
        "wwan" => 5,
        "gps" => 6,
        "fm" => 7,
        "nfc" => 8,
        other => panic!("type {other}"),
    }
}

fn rec(idx: u32, kind: u8, op: u8, soft: u8, hard: u8) -> Vec<u8> {
    let mut v = idx.to_ne_bytes().to_vec();
    v.extend_from_slice(&[kind, op, soft, hard]);
    v
}

/// The ADD events the kernel would queue on open for the radios of a sysfs
/// tree, as a capture file (8-byte records).
fn capture_of(sysfs: &Path, dir: &Path) -> PathBuf {
    let class = sysfs.join("class/rfkill");
    let mut idx: Vec<u32> = std::fs::read_dir(&class)
        .unwrap()
        .filter_map(|e| {
            let n = e.ok()?.file_name().to_string_lossy().into_owned();
            n.strip_prefix("rfkill")?.parse().ok()
        })
        .collect();
    idx.sort_unstable();
    let attr = |i: u32, a: &str| {
        std::fs::read_to_string(class.join(format!("rfkill{i}/{a}")))
            .unwrap()
            .trim()
            .to_string()
    };
    let mut bytes = Vec::new();
    for i in idx {
        bytes.extend(rec(
            i,
            type_number(&attr(i, "type")),
            0,
            attr(i, "soft").parse().unwrap(),
            attr(i, "hard").parse().unwrap(),
        ));
    }
    let path = dir.join("rfkill.bin");
    std::fs::write(&path, bytes).unwrap();
    path
}

const SCENES: [&str; 4] = ["hwsim2", "hwsim-rbtn-on", "hwsim-rbtn-off", "all-types"];

/// `commands.tsv` of a scene: (arguments after `rfkill`, exit status, stdout file),
/// without the runs as another user.
fn commands(scene: &str) -> Vec<(Vec<String>, i32, String)> {
    let tsv = std::fs::read_to_string(
        fixtures()
            .join("expected/util-linux")
            .join(scene)
            .join("commands.tsv"),
    )
    .unwrap();
    tsv.lines()
        .filter(|l| l.starts_with("rfkill"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let args = f[0]
                .split_whitespace()
                .skip(1)
                .map(str::to_string)
                .collect();
            (args, f[1].parse().unwrap(), f[2].to_string())
        })
        .collect()
}

fn read(scene: &str, file: &str) -> Option<Vec<u8>> {
    std::fs::read(
        fixtures()
            .join("expected/util-linux")
            .join(scene)
            .join(file),
    )
    .ok()
}

#[test]
fn as_rfkill_every_captured_command_matches_util_linux() {
    let link = rfkill_link();
    let mut compared = 0;
    for scene in SCENES {
        let sysfs = fixtures().join("sysfs").join(format!("qemu-{scene}"));
        let dev = capture_of(&sysfs, &temp_dir(scene));
        for (args, code, out) in commands(scene) {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let got = run(&link, &a, &sysfs, &dev);
            let what = format!("{scene}: rfkill {}", args.join(" "));
            assert_eq!(got.code, code, "{what}: exit status; stderr {}", got.stderr);
            assert_eq!(
                String::from_utf8_lossy(&got.stdout),
                String::from_utf8_lossy(&read(scene, &out).unwrap()),
                "{what}: stdout"
            );
            let err_file = out.replace(".out", ".err");
            let want_err = read(scene, &err_file)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            assert_eq!(got.stderr, want_err, "{what}: stderr");
            compared += 1;
        }
    }
    assert!(compared >= 70, "only {compared} comparisons");
}

#[test]
fn as_rfkill_without_rfkill_support_matches_util_linux() {
    let link = rfkill_link();
    let empty = temp_dir("nosys");
    let dev = empty.join("no-such-rfkill");
    for (args, code, out) in commands("no-rfkill") {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = run(&link, &a, &empty, &dev);
        let what = format!("no-rfkill: rfkill {}", args.join(" "));
        assert_eq!(got.code, code, "{what}");
        assert_eq!(got.stdout, read("no-rfkill", &out).unwrap(), "{what}");
        let want = String::from_utf8(read("no-rfkill", &out.replace(".out", ".err")).unwrap())
            .unwrap()
            .replace("/dev/rfkill", &dev.display().to_string());
        assert_eq!(got.stderr, want, "{what}");
    }
}

#[test]
fn as_pin13_list_and_explicit_table_forms_match_util_linux() {
    let pin13 = Path::new(BIN);
    for scene in SCENES {
        let sysfs = fixtures().join("sysfs").join(format!("qemu-{scene}"));
        let dev = capture_of(&sysfs, &temp_dir(scene));
        let ul = |f: &str| String::from_utf8(read(scene, f).unwrap()).unwrap();
        let cases: [(&[&str], &str); 12] = [
            (&["list"], "rfkill-list.out"),
            (&["list", "wlan"], "rfkill-list-wlan.out"),
            (&["list", "1"], "rfkill-list-1.out"),
            (&["-J"], "rfkill-J.out"),
            (&["-r"], "rfkill-r.out"),
            (
                &["-J", "-o", "ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD"],
                "rfkill-J-o-all.out",
            ),
            (
                &["-o", "ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD"],
                "rfkill-o-all.out",
            ),
            (&["-o", "ID,TYPE,DEVICE,SOFT,HARD"], "rfkill.out"),
            (&["-n", "-o", "ID,TYPE,DEVICE,SOFT,HARD"], "rfkill-n.out"),
            (&["-no", "ID,TYPE,DEVICE,SOFT,HARD"], "rfkill-n.out"),
            (&["status", "-J", "wlan"], "rfkill-J-o-list-wlan.out"),
            (
                &["status", "-o", "ID,TYPE,DEVICE,SOFT,HARD", "1"],
                "rfkill-o-list-1.out",
            ),
        ];
        for (args, file) in cases {
            let got = run(pin13, args, &sysfs, &dev);
            assert_eq!(got.code, 0, "{scene} pin13 {args:?}: {}", got.stderr);
            assert_eq!(
                String::from_utf8(got.stdout).unwrap(),
                ul(file),
                "{scene} pin13 {args:?}"
            );
            // (stderr may carry pin13's hint about a hard block.)
        }
        // -rn: raw without the header, util-linux's columns.
        let got = run(pin13, &["-rn"], &sysfs, &dev);
        let raw = ul("rfkill-r.out");
        assert_eq!(
            String::from_utf8(got.stdout).unwrap(),
            raw.split_once('\n').unwrap().1
        );
    }
}

#[test]
fn as_pin13_bare_table_keeps_its_richer_default() {
    let sysfs = fixtures().join("sysfs/qemu-all-types");
    let dev = capture_of(&sysfs, &temp_dir("rich"));
    let got = run(Path::new(BIN), &[], &sysfs, &dev);
    let text = String::from_utf8(got.stdout).unwrap();
    assert!(
        text.starts_with("ID TYPE      DEVICE         SOFT      HARD DRIVER         REASON\n"),
        "{text}"
    );
    // No trailing blanks after an empty last cell (issue 12, section 3).
    assert!(
        text.contains("\n 0 wlan      phy0      unblocked unblocked mac80211_hwsim\n"),
        "{text}"
    );
    assert!(text.lines().all(|l| !l.ends_with(' ')), "{text:?}");
    // ... and an option before a command is refused, not ignored.
    let got = run(Path::new(BIN), &["-J", "status"], &sysfs, &dev);
    assert_eq!(got.code, 2, "{}", got.stderr);
    assert!(got.stderr.contains("pin13 status -J"), "{}", got.stderr);
}

/// `rfkill event` lines with the timestamp cut off.
fn untimed(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let (time, rest) = l.split_once(": idx ").unwrap();
            // 2026-11-24 14:24:22,368237+00:00
            assert_eq!(time.len(), 32, "{l}");
            assert_eq!(&time[19..20], ",", "{l}");
            format!("idx {rest}")
        })
        .collect()
}

#[test]
fn event_lines_match_util_linux_under_both_names() {
    let ev = fixtures().join("events/qemu-all-types");
    let want = std::fs::read_to_string(ev.join("rfkill-event.txt")).unwrap();
    let sysfs = fixtures().join("sysfs/qemu-all-types");
    for prog in [rfkill_link(), PathBuf::from(BIN)] {
        let got = run(&prog, &["event"], &sysfs, &ev.join("events.bin"));
        assert_eq!(got.code, 0, "{}", got.stderr);
        assert_eq!(got.stderr, "");
        let text = String::from_utf8(got.stdout).unwrap();
        assert_eq!(untimed(&text), untimed(&want), "{}", prog.display());
        assert!(
            text.ends_with("+00:00: idx 3 type 2 op 2 soft 0 hard 0\n"),
            "{text}"
        );
    }
}

#[test]
fn as_rfkill_block_unblock_toggle_are_silent_and_write_what_util_linux_writes() {
    let link = rfkill_link();
    let sysfs = fixtures().join("sysfs/qemu-all-types");
    let dir = temp_dir("write");
    let dev = capture_of(&sysfs, &dir);
    let start = std::fs::read(&dev).unwrap().len();
    for (args, _) in [
        (&["block", "0"][..], ()),
        (&["unblock", "wlan"][..], ()),
        (&["block", "all"][..], ()),
        (&["unblock", "wifi", "bluetooth"][..], ()),
    ] {
        let got = run(&link, args, &sysfs, &dev);
        assert_eq!(
            (got.code, got.stdout.len(), got.stderr.as_str()),
            (0, 0, ""),
            "{args:?}"
        );
    }
    let bytes = std::fs::read(&dev).unwrap();
    let mut want = Vec::new();
    want.extend(rec(0, 0, 2, 1, 0)); // CHANGE idx 0, type ALL
    want.extend(rec(0, 1, 3, 0, 0)); // CHANGE_ALL wlan
    want.extend(rec(0, 0, 3, 1, 0)); // CHANGE_ALL all
    want.extend(rec(0, 1, 3, 0, 0));
    want.extend(rec(0, 2, 3, 0, 0));
    assert_eq!(&bytes[start..], &want[..]);

    // toggle: one write per matching radio, the opposite of its soft state.
    let dev = capture_of(&sysfs, &temp_dir("toggle"));
    let start = std::fs::read(&dev).unwrap().len();
    let got = run(&link, &["toggle", "1"], &sysfs, &dev);
    assert_eq!(
        (got.code, got.stdout.len(), got.stderr.as_str()),
        (0, 0, "")
    );
    let got = run(&link, &["toggle", "bluetooth"], &sysfs, &dev);
    assert_eq!(
        (got.code, got.stdout.len(), got.stderr.as_str()),
        (0, 0, "")
    );
    let bytes = std::fs::read(&dev).unwrap();
    let mut want = rec(1, 0, 2, 0, 0); // phy1 was soft-blocked
    want.extend(rec(0, 2, 3, 0, 0)); // hci0 was soft-blocked
    assert_eq!(&bytes[start..], &want[..]);
}

/// util-linux 2.38.1's `__rfkill_block`: a failed write() is a warning,
/// `rfkill: write failed: /dev/rfkill: <strerror>`, and the status stays 0
/// (it returns 0 whatever write_all() did); toggle warns once per write.
/// Under its own name pin13 says so and exits 1.
#[test]
fn as_rfkill_a_failed_write_warns_and_exits_0_as_util_linux() {
    let link = rfkill_link();
    let sysfs = fixtures().join("sysfs/qemu-all-types");
    let dev = capture_of(&sysfs, &temp_dir("nowrite"));
    let before = std::fs::read(&dev).unwrap();
    // The setup works: without the limit the same write goes through.
    let ok_dev = capture_of(&sysfs, &temp_dir("okwrite"));
    let got = run(&link, &["block", "0"], &sysfs, &ok_dev);
    assert_eq!((got.code, got.stderr.as_str()), (0, ""));
    assert!(std::fs::read(&ok_dev).unwrap().len() > before.len());

    let warning = format!("rfkill: write failed: {}: File too large\n", dev.display());
    for (args, warnings) in [
        (&["block", "0"][..], 1),
        (&["unblock", "wlan"], 1),
        (&["block", "all"], 1),
        (&["unblock", "wifi", "bluetooth"], 2),
        // qemu-all-types: three wlan radios (phy0, phy1, dell-rbtn), one write each.
        (&["toggle", "wlan"], 3),
    ] {
        let got = run_unwritable(&link, args, &sysfs, &dev);
        assert_eq!(got.code, 0, "{args:?}: {}", got.stderr);
        assert!(got.stdout.is_empty(), "{args:?}");
        assert_eq!(got.stderr, warning.repeat(warnings), "{args:?}");
    }
    assert_eq!(std::fs::read(&dev).unwrap(), before, "nothing was written");
    // A bad identifier beside a failed write: 1, for the identifier.
    let got = run_unwritable(&link, &["block", "nosuch", "0"], &sysfs, &dev);
    assert_eq!(got.code, 1);
    assert_eq!(
        got.stderr,
        format!("rfkill: invalid identifier: nosuch\n{warning}")
    );
    // pin13 under its own name: an error and its documented status.
    let got = run_unwritable(Path::new(BIN), &["block", "0"], &sysfs, &dev);
    assert_eq!(got.code, 1, "{}", got.stderr);
    assert!(got.stderr.contains("File too large"), "{}", got.stderr);
    assert_eq!(std::fs::read(&dev).unwrap(), before);
}

/// The same failed writes beside the real util-linux 2.38, where this machine
/// has it and lets a test give it a stand-in /dev/rfkill: a private mount
/// namespace (`unshare -m`, root) with a tmpfs on /dev holding a capture. Both
/// run with `ulimit -f 0`, both must print the same bytes and exit the same.
#[test]
fn a_failed_write_matches_the_real_util_linux() {
    let ul = Command::new("rfkill").arg("--version").output();
    let is_238 = ul.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("util-linux 2.38"));
    let ns = Command::new("unshare")
        .args(["-m", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !is_238 || !ns {
        eprintln!("SKIPPED: needs util-linux 2.38 rfkill and unshare -m (root)");
        return;
    }
    let link = rfkill_link();
    // $1: which rfkill; one line per run: its stdout and stderr, then rc=N.
    let script = r#"
        mount -t tmpfs pin13-test /dev || exit 99
        printf '\000\000\000\000\001\000\000\000' > /dev/rfkill || exit 99
        trap '' XFSZ; ulimit -f 0
        for a in 'block all' 'unblock wlan' 'block wlan bluetooth' 'unblock nosuch all'; do
            PIN13_SYSFS=/nonexistent PIN13_RFKILL_DEV=/dev/rfkill "$1" $a 2>&1; echo "rc=$?"
        done
        od -An -tx1 /dev/rfkill"#;
    let side = |rfkill: &Path| {
        let o = Command::new("unshare")
            .args(["-m", "sh", "-c", script, "sh"])
            .arg(rfkill)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let real = side(Path::new("rfkill"));
    assert!(
        real.contains("rfkill: write failed: /dev/rfkill: File too large\nrc=0\n"),
        "{real}"
    );
    assert!(
        real.contains("rfkill: invalid identifier: nosuch\n"),
        "{real}"
    );
    assert_eq!(side(&link), real);
}

#[test]
fn as_rfkill_errors_are_util_linux_messages_and_exit_1() {
    let link = rfkill_link();
    let sysfs = fixtures().join("sysfs/qemu-all-types");
    let dev = capture_of(&sysfs, &temp_dir("err"));
    let try_help = "Try 'rfkill --help' for more information.\n";
    let cases: [(&[&str], &str); 8] = [
        (&["block", "nosuch"], "rfkill: invalid identifier: nosuch\n"),
        (&["unblock", "phy0"], "rfkill: invalid identifier: phy0\n"),
        (&["toggle", "9"], "rfkill: invalid identifier: 9\n"),
        (&["list", "7abc"], "rfkill: invalid identifier: '7abc'\n"),
        (&["lst"], try_help),
        (
            &["--nosuch"],
            "rfkill: unrecognized option '--nosuch'\nTry 'rfkill --help' for more information.\n",
        ),
        (
            &["-x"],
            "rfkill: invalid option -- 'x'\nTry 'rfkill --help' for more information.\n",
        ),
        (&["-o", "ID,FOO,TYPE"], "rfkill: unknown column: FOO,TYPE\n"),
    ];
    let before = std::fs::read(&dev).unwrap();
    for (args, err) in cases {
        let got = run(&link, args, &sysfs, &dev);
        assert_eq!(got.code, 1, "{args:?}");
        assert_eq!(got.stderr, err, "{args:?}");
        assert!(got.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(
        std::fs::read(&dev).unwrap(),
        before,
        "an error wrote something"
    );
    // A bad identifier among good ones: the good ones are still done.
    let got = run(&link, &["list", "nosuch", "1"], &sysfs, &dev);
    assert_eq!(got.code, 1);
    assert_eq!(
        String::from_utf8(got.stdout).unwrap(),
        "1: phy1: Wireless LAN\n\tSoft blocked: yes\n\tHard blocked: no\n"
    );
    // help and version go to stdout, exit 0.
    for a in [&["--help"][..], &["help"], &["-V"]] {
        let got = run(&link, a, &sysfs, &dev);
        assert_eq!(got.code, 0, "{a:?}");
        assert!(!got.stdout.is_empty());
    }
}

#[test]
fn util_linux_habits_get_suggestions_under_pin13() {
    let sysfs = fixtures().join("sysfs/qemu-all-types");
    let dev = capture_of(&sysfs, &temp_dir("sugg"));
    let got = run(Path::new(BIN), &["lst"], &sysfs, &dev);
    assert_eq!(got.code, 2);
    assert!(got.stderr.contains("'list'"), "{}", got.stderr);
    let got = run(Path::new(BIN), &["evnet"], &sysfs, &dev);
    assert!(got.stderr.contains("'event'"), "{}", got.stderr);
}

// --- section 2: help, man page ------------------------------------------------------

/// `pin13 ARGS` with COLUMNS set (help goes to a pipe, so clap asks COLUMNS).
fn help_at(args: &[&str], columns: &str) -> String {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("PIN13_") {
            c.env_remove(&k);
        }
    }
    let o = c.args(args).env("COLUMNS", columns).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{args:?}");
    String::from_utf8(o.stdout).unwrap()
}

const HELP_PATHS: [&[&str]; 16] = [
    &[],
    &["status"],
    &["list"],
    &["watch"],
    &["event"],
    &["block"],
    &["unblock"],
    &["toggle"],
    &["diagnose"],
    &["verify"],
    &["snapshot"],
    &["jig"],
    &["jig", "probe"],
    &["jig", "emulate"],
    &["man"],
    &["completions"],
];

#[test]
fn help_wraps_at_80_columns_without_cutting_words() {
    for path in HELP_PATHS {
        for flag in ["-h", "--help"] {
            let mut args = path.to_vec();
            args.push(flag);
            let narrow = help_at(&args, "80");
            let wide = help_at(&args, "10000");
            for l in narrow.lines() {
                assert!(
                    l.chars().count() <= 80,
                    "pin13 {args:?}: {} columns: {l}",
                    l.chars().count()
                );
            }
            let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
            assert_eq!(
                words(&narrow),
                words(&wide),
                "pin13 {args:?}: a word was cut"
            );
        }
    }
}

#[test]
fn global_options_have_their_heading_and_stay_out_where_they_mean_nothing() {
    let status = help_at(&["status", "--help"], "100");
    let globals = status
        .split("Global options:")
        .nth(1)
        .expect("no Global options heading");
    for opt in ["--rfkill-dev", "--sysfs", "--replay"] {
        assert!(
            globals.contains(opt),
            "status --help: {opt} not under Global options"
        );
    }
    for path in [&["man"][..], &["completions"]] {
        let mut a = path.to_vec();
        a.push("--help");
        let h = help_at(&a, "100");
        for opt in ["--rfkill-dev", "--sysfs", "--replay", "Global options"] {
            assert!(!h.contains(opt), "pin13 {a:?} offers {opt}");
        }
    }
    for cmd in ["watch", "event", "block", "verify", "snapshot"] {
        let h = help_at(&[cmd, "--help"], "100");
        assert!(!h.contains("--replay"), "{cmd} --help offers --replay");
        assert!(h.contains("--sysfs"), "{cmd} --help lost --sysfs");
    }
    // Hidden, not gone: still refused with a reason.
    let sysfs = fixtures().join("sysfs/qemu-all-types");
    let dev = capture_of(&sysfs, &temp_dir("replay"));
    let got = run(
        Path::new(BIN),
        &["--replay", "x.json", "watch"],
        &sysfs,
        &dev,
    );
    assert_eq!(got.code, 2);
    assert!(
        got.stderr.contains("--replay does not apply"),
        "{}",
        got.stderr
    );
}

fn man_page() -> String {
    help_at(&["man"], "80")
}

/// The man page's text with the break points (`\:`) taken out.
fn man_text() -> String {
    man_page().replace("\\:", "")
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// stderr of `prog args` fed the man page on stdin.
fn format_warnings(prog: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    use std::io::Write;
    let mut c = Command::new(prog);
    c.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(man_page().as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn man_page_formats_cleanly_at_60_80_and_100_columns() {
    if !have("groff") {
        eprintln!("SKIPPED: groff is not installed");
        return;
    }
    for w in ["60", "80", "100"] {
        let ll = format!("-rLL={w}n");
        let err = format_warnings("groff", &["-ww", "-man", "-Tutf8", &ll], &[]);
        assert_eq!(err, "", "groff -ww at {w} columns");
        if have("man") {
            let err = format_warnings("man", &["--warnings", "-l", "-"], &[("MANWIDTH", w)]);
            assert_eq!(err, "", "man -l at {w} columns");
        }
    }
}

#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn man_page_has_value_names_examples_see_also_and_the_guide() {
    let page = man_text();
    let synopsis = page
        .split(".SH SYNOPSIS\n")
        .nth(1)
        .and_then(|s| s.lines().next())
        .unwrap();
    for v in [
        "\\fIPATH\\fR",
        "\\fIDIR\\fR",
        "\\fIFILE\\fR",
        "\\fILIST\\fR",
    ] {
        assert!(synopsis.contains(v), "SYNOPSIS lacks {v}: {synopsis}");
    }
    assert!(page.contains("\\fBpin13 watch\\fR [\\fISELECTOR\\fR...] [\\fB\\-J\\fR|\\fB\\-\\-json\\fR] [\\fB\\-\\-count\\fR \\fIN\\fR]"));
    assert!(!page.contains('`'), "markdown backticks in the man page");
    assert!(page.contains(".SH EXAMPLES\n"));
    let see_also = page.split(".SH \"SEE ALSO\"\n").nth(1).unwrap();
    assert!(see_also.contains("\\fBrfkill\\fR(8)"), "{see_also}");
    assert!(
        see_also.contains("/usr/share/doc/pin13/guide.md"),
        "{see_also}"
    );
    // The tarball's copy, beside the binary (scripts/dist.sh puts it there).
    assert!(see_also.contains("guide.md in the tarballs"), "{see_also}");
    assert!(
        repo_text("scripts/dist.sh").contains("install -m 0644 docs/guide.md \"$d/guide.md\""),
        "the tarball's guide moved"
    );
    // No made-up address: the project has no public home page yet.
    assert!(!see_also.contains("example."), "{see_also}");
    assert!(!see_also.contains("sources"), "{see_also}");
}

// --- section 2: completions -------------------------------------------------------

/// What bash completes for `words` (the last one is being completed), with
/// pin13's bash completions loaded, run in `dir`.
fn bash_complete(words: &[&str], dir: &Path) -> Vec<String> {
    bash_complete_after("", words, dir)
}

/// [`bash_complete`] with the shell code `prelude` run first.
fn bash_complete_after(prelude: &str, words: &[&str], dir: &Path) -> Vec<String> {
    let script = help_at(&["completions", "bash"], "80");
    let path = dir.join("pin13.bash");
    std::fs::write(&path, script).unwrap();
    let cur = words.last().copied().unwrap_or("");
    let prev = if words.len() >= 2 {
        words[words.len() - 2]
    } else {
        ""
    };
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prog = format!(
        "{prelude}\nsource '{}'; COMP_WORDS=({}); COMP_CWORD={}; _pin13 pin13 '{cur}' '{prev}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let o = Command::new("bash")
        .args(["--norc", "-c", &prog])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn bash_completes_selectors_wire_models_and_backends_not_file_names() {
    if !have("bash") {
        eprintln!("SKIPPED: no bash");
        return;
    }
    let dir = temp_dir("complete");
    std::fs::write(dir.join("openfile"), "").unwrap();
    std::fs::write(dir.join("wlanfile"), "").unwrap();
    for cmd in [
        "status", "list", "block", "unblock", "toggle", "diagnose", "watch",
    ] {
        let got = bash_complete(&["pin13", cmd, ""], &dir);
        for w in ["all", "wlan", "wifi", "bluetooth", "nfc"] {
            assert!(
                got.iter().any(|g| g == w),
                "pin13 {cmd} <TAB>: no {w} in {got:?}"
            );
        }
        assert!(
            !got.iter().any(|g| g.ends_with("file")),
            "{cmd}: file names {got:?}"
        );
    }
    let got = bash_complete(&["pin13", "jig", "probe", "--wire", "o"], &dir);
    assert_eq!(got, ["open"], "--wire o<TAB>");
    let got = bash_complete(&["pin13", "jig", "probe", "--wire", ""], &dir);
    assert!(got.iter().any(|g| g == "stuck-high") && got.iter().any(|g| g == "no-contact"));
    assert!(
        !got.iter().any(|g| g.ends_with("file")),
        "--wire completes files: {got:?}"
    );
    let got = bash_complete(&["pin13", "jig", "probe", "--backend", ""], &dir);
    for w in ["sim", "rpi", "serial:/dev/ttyACM0"] {
        assert!(got.iter().any(|g| g == w), "--backend: no {w} in {got:?}");
    }
}

/// Selectors also complete to the names and indexes of this machine's
/// radios: the script reads them from /sys/class/rfkill when asked. Here `cat`
/// stands in for that directory (a fixture cannot be mounted at /sys).
#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn bash_completes_the_names_and_indexes_of_this_machines_radios() {
    if !have("bash") {
        eprintln!("SKIPPED: no bash");
        return;
    }
    let dir = temp_dir("complete-names");
    let sysfs = fixtures().join("sysfs/ipw2200-hardkill/class/rfkill");
    // What `cat /sys/class/rfkill/rfkill*/name .../index` prints on that machine.
    let prelude = format!(
        "cat() {{ case \"$1\" in /sys/class/rfkill/*) command cat {0}/rfkill*/name {0}/rfkill*/index;; \
         *) command cat \"$@\";; esac; }}",
        sysfs.display()
    );
    for cmd in ["status", "block", "diagnose"] {
        let got = bash_complete_after(&prelude, &["pin13", cmd, ""], &dir);
        for w in ["phy0", "acer-wireless", "0", "1", "wlan"] {
            assert!(
                got.iter().any(|g| g == w),
                "pin13 {cmd} <TAB>: no {w} in {got:?}"
            );
        }
        let got = bash_complete_after(&prelude, &["pin13", cmd, "ac"], &dir);
        assert_eq!(got, ["acer-wireless"], "pin13 {cmd} ac<TAB>");
    }
}

// --- sections 3 and 4: words, the guide, the drawings -----------------------------------

fn repo_text(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

#[test]
fn a_zero_reason_hard_block_is_unspecified_everywhere() {
    let sysfs = fixtures().join("sysfs/qemu-hwsim-rbtn-off");
    let dev = capture_of(&sysfs, &temp_dir("unspec"));
    let status = run(Path::new(BIN), &["status"], &sysfs, &dev);
    let table = String::from_utf8(status.stdout).unwrap();
    assert!(
        table.contains(" dell-rbtn   blocked   blocked dell-rbtn      unspecified\n"),
        "{table}"
    );
    let diag = run(Path::new(BIN), &["diagnose", "dell-rbtn"], &sysfs, &dev);
    let text = String::from_utf8(diag.stdout).unwrap();
    assert!(text.contains("hard blocked, reasons unspecified"), "{text}");
    assert!(!text.contains("0x0"), "{text}");
    let help = help_at(&["watch", "--help"], "100");
    assert!(
        help.contains("unspecified (hard-blocked, the driver gives no reason)"),
        "{help}"
    );
    assert!(
        help.contains("[] when not hard-blocked\nand for unspecified"),
        "{help}"
    );
}

const PIN13_WORDS: [&str; 3] = [
    "the one with the antenna connectors",
    "lone contact beside the key notch",
    "7th contact counting pin 1",
];

#[test]
fn pin_13_is_described_in_the_same_words_everywhere() {
    let sysfs = fixtures().join("sysfs/ipw2200-hardkill");
    let diag = run(
        Path::new(BIN),
        &["diagnose"],
        &sysfs,
        Path::new("/nonexistent"),
    );
    let advice = String::from_utf8(diag.stdout).unwrap();
    for (what, text) in [
        ("diagnose", advice.clone()),
        ("guide", repo_text("docs/guide.md")),
        ("card-edge.svg", repo_text("hardware/card-edge.svg")),
    ] {
        for w in PIN13_WORDS {
            assert!(text.contains(w), "{what} lacks `{w}`");
        }
        assert!(!text.contains("front face"), "{what} says front face");
    }
    assert!(repo_text("hardware/pin13-reference.md").contains("7th contact counting pin 1"));
}

#[test]
fn the_guide_starts_with_symptoms_and_names_eth1() {
    let g = repo_text("docs/guide.md");
    let symptoms = g.find("## 1. Symptoms").unwrap();
    let note = g.find("--test cli guide").unwrap();
    assert!(
        note > g.find("## How this guide is tested").unwrap(),
        "the test note is not at the end"
    );
    assert!(symptoms < note);
    let sym = &g[symptoms..g.find("## 2.").unwrap()];
    assert!(
        sym.contains("`eth1`") && sym.contains("ip link set eth1 up"),
        "{sym}"
    );
    assert!(!sym.contains("ip link set wlan0"), "{sym}");
    // After reinstalling: the util-linux listing beside diagnose.
    let s10 = &g[g.find("## 10.").unwrap()..g.find("## 11.").unwrap()];
    assert!(
        s10.contains("```sh\npin13 list\npin13 diagnose\n```"),
        "{s10}"
    );
    assert!(!g.contains("All 2 hard blocks") && g.contains("Both hard blocks"));
}

#[test]
fn the_wiring_drawing_takes_ground_from_pin_15_and_says_where_sense_lands() {
    let svg = repo_text("hardware/jig-wiring.svg");
    assert!(!svg.contains("pin 69"), "ground still drawn as pin 69");
    assert!(svg.contains(">pin 15</text>") && svg.contains(">CHSGND</text>"));
    assert!(svg.contains("jig GND to card pin 15 (CHSGND)"));
    assert!(svg.contains("SENSE_REF above SENSE"));
    assert!(svg.contains("0.7 mm (P50) tips"));
    assert!(svg.contains("font-size=\"14\" text-anchor=\"end\" font-weight=\"bold\" fill=\"#b71c1c\">Pin 13 = kill input"));
    let bom = repo_text("hardware/bom.md");
    assert!(bom.contains("card pin 15 (CHSGND)") && !bom.contains("pin 69"));
}
