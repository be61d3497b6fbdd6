//! `pin13 jig ... --backend sim`, run as the built binary.

use serde_json::Value;

use crate::harness::*;

fn probe_json(wire: &str, extra: &[&str]) -> (i32, Value) {
    let o = probe_run(wire, &[extra, &["--json"]].concat());
    (o.code, o.json())
}

/// `pin13 jig probe --backend sim --wire WIRE EXTRA...`.
fn probe_run(wire: &str, extra: &[&str]) -> Run {
    let mut args = vec!["jig", "probe", "--backend", "sim", "--wire", wire];
    args.extend_from_slice(extra);
    run(&args)
}

/// Both probes judge the six wire models alike: the default (analog, with
/// its card side) and `--digital` (with its modelled duration). Only `open`
/// passes; a powered card is `powered` to the analog probe, never a PASS.
#[test]
fn both_probes_judge_all_six_models_and_pass_only_open() {
    let cases = [
        ("open", "isolated", 0),
        ("connected", "connected", 5),
        ("intermittent:0.01", "intermittent", 5),
        ("stuck-high", "stuck-high", 5),
        ("stuck-low", "stuck-low", 5),
        ("no-contact", "no-contact", 5),
    ];
    for (probe, flags, hits_key) in [
        ("analog", &[][..], "hits"),
        ("digital", &["--digital"][..], "contact_hits"),
    ] {
        for (wire, verdict, exit) in cases {
            let (c, v) = probe_json(wire, flags);
            assert_eq!(v["probe"], probe, "{wire}: {v}");
            assert_eq!(v["verdict"], verdict, "{probe} {wire}: {v}");
            assert_eq!(c, exit, "{probe} {wire}: exit status");
            assert_eq!(v["pass"], exit == 0);
            let samples = v["samples"].as_u64().unwrap();
            let hits = v[hits_key].as_u64().unwrap();
            match verdict {
                "isolated" => assert_eq!((samples, hits), (1000, 0)),
                "connected" => assert_eq!((samples, hits), (1000, 1000)),
                "intermittent" => assert!(samples == 1000 && hits > 0 && hits < 1000, "{v}"),
                _ => assert_eq!((samples, hits), (0, 0), "{wire}: decided before isolation"),
            }
            if probe == "digital" {
                // Default sampling finishes inside 100 ms of modelled time.
                assert!(v["duration_us"].as_u64().unwrap() <= 100_000, "{v}");
            } else if verdict == "isolated" {
                assert_eq!(v["leak_beyond_range"], true, "{v}");
                let pull = v["card_pull_ohms"].as_f64().unwrap();
                assert!((pull / 10_000.0 - 1.0).abs() < 0.1, "{v}");
            }
        }
    }
    let (c, v) = probe_json("powered-open", &[]);
    assert_eq!((c, &v["verdict"]), (5, &"powered".into()), "{v}");
}

/// Issue 14's done-when on the simulated bench, through the CLI: good tape
/// passes by default whatever the card's pull and rail, where the digital
/// probe misjudges a strong pull (never as a PASS).
#[test]
fn good_tape_passes_by_default_across_card_pulls_and_rails() {
    for pull in ["1k", "2.2k", "4.7k", "100k", "none"] {
        for rail in ["0", "0.7"] {
            let extra = ["--card-pull", pull, "--card-rail", rail];
            let (c, v) = probe_json("open", &extra);
            assert_eq!(
                (c, &v["verdict"]),
                (0, &"isolated".into()),
                "pull {pull} rail {rail}: {v}"
            );
            let (c, v) = probe_json("open", &[&extra[..], &["--leak", "2.2k"]].concat());
            assert_eq!(c, 5, "pull {pull} rail {rail} leak 2.2k: {v}");
            assert!(
                v["verdict"] == "leaky" || v["verdict"] == "connected",
                "{v}"
            );
        }
    }
    for pull in ["1k", "2.2k", "4.7k"] {
        let (c, v) = probe_json("open", &["--card-pull", pull, "--digital"]);
        assert_eq!(v["probe"], "digital");
        assert_eq!(
            c, 5,
            "the digital probe got pull {pull} right after all: {v}"
        );
    }
}

#[test]
fn a_jig_without_an_adc_runs_the_digital_probe_and_says_what_it_cannot_measure() {
    let (c, v) = probe_json("open", &["--no-adc"]);
    assert_eq!(
        (c, &v["probe"], &v["verdict"]),
        (0, &"digital".into(), &"isolated".into()),
        "{v}"
    );
    assert_eq!(v["backend"], "sim:open seed 1 no ADC");
    let (c, v) = probe_json("connected", &["--no-adc"]);
    assert_eq!((c, &v["verdict"]), (5, &"connected".into()), "{v}");
    let o = probe_run("open", &["--no-adc"]);
    assert_eq!(o.code, 0);
    assert!(
        o.stdout
            .starts_with("isolated: the tape isolates pin 13 -- PASS\n"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("This jig has no ADC, so it ran the digital probe"),
        "{}",
        o.stdout
    );
    // --analog demands the analog probe: a runtime error, nothing printed on stdout.
    let o = probe_run("open", &["--no-adc", "--analog"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(
        o.stderr.contains("no ADC on SENSE") && o.stderr.contains("hint: "),
        "{}",
        o.stderr
    );
    // The probe with an ADC says nothing about limits.
    let o = probe_run("open", &[]);
    assert!(!o.stdout.contains("no ADC"), "{}", o.stdout);
    // --analog and --digital exclude each other; --no-adc is the bench's.
    let o = probe_run("open", &["--analog", "--digital"]);
    assert_eq!(o.code, 2);
    let o = run(&[
        "jig",
        "probe",
        "--backend",
        "serial:/dev/ttyACM-pin13-none",
        "--no-adc",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

#[test]
fn one_percent_intermittent_is_caught_on_every_one_of_50_seeds() {
    // The default (analog) probe: the detection goal is its too.
    for seed in 1..=50u32 {
        let s = seed.to_string();
        let (c, v) = probe_json("intermittent:0.01", &["--seed", &s]);
        assert_eq!(v["probe"], "analog", "seed {seed}: {v}");
        assert_eq!(v["verdict"], "intermittent", "seed {seed}: {v}");
        assert_eq!(c, 5, "seed {seed}");
    }
}

#[test]
fn probe_json_has_the_stable_keys() {
    let (_, v) = probe_json(
        "open",
        &[
            "--samples",
            "700",
            "--settle-us",
            "20",
            "--seed",
            "9",
            "--digital",
        ],
    );
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "verdict",
            "pass",
            "probe",
            "hold",
            "card_pull",
            "samples",
            "contact_hits",
            "duration_us",
            "samples_requested",
            "settle_us",
            "backend"
        ]
    );
    assert_eq!(v["samples"], 700);
    assert_eq!(v["settle_us"], 20);
    // 4 checks, 700 samples and a reference check after every 8th.
    assert_eq!(v["duration_us"], (4 + 700 + 700 / 8) * 20);
    assert_eq!(v["backend"], "sim:open seed 9");
    assert_eq!(
        (&v["hold"], &v["card_pull"]),
        (&false.into(), &serde_json::Value::Null)
    );
}

/// The Raspberry Pi's probe (the bench without an ADC runs the digital
/// probe with HOLD): good tape passes on every card pull where the plain
/// digital probe could not, the untaped card and probes in the air read
/// right, a leak below the boundary fails, and a jig without HOLD's
/// resistor reads a strong pull as stuck-low, never a PASS.
#[test]
fn the_pis_probe_with_hold_passes_good_tape_on_any_card_pull() {
    for pull in ["1k", "2.2k", "4.7k", "10k", "100k", "none"] {
        for rail in ["0", "0.7"] {
            let at = ["--no-adc", "--card-pull", pull, "--card-rail", rail];
            let (c, v) = probe_json("open", &at);
            assert_eq!(
                (c, &v["verdict"]),
                (0, &"isolated".into()),
                "{pull} {rail}: {v}"
            );
            assert_eq!(
                (&v["probe"], &v["hold"]),
                (&"digital".into(), &true.into()),
                "{v}"
            );
            let expected = if pull.ends_with("00k") || pull == "none" || pull == "10k" {
                "weak"
            } else if rail == "0" {
                "strong"
            } else {
                v["card_pull"].as_str().unwrap()
            };
            assert_eq!(v["card_pull"], expected, "{pull} {rail}: {v}");
            let (c, v) = probe_json("connected", &at);
            assert_eq!(
                (c, &v["verdict"]),
                (5, &"connected".into()),
                "{pull} {rail}: {v}"
            );
            let (c, v) = probe_json("no-contact", &at);
            assert_eq!(
                (c, &v["verdict"]),
                (5, &"no-contact".into()),
                "{pull} {rail}: {v}"
            );
            assert_eq!(v["card_pull"], serde_json::Value::Null, "{v}");
        }
    }
    // 2.2 kohm below a 1 kohm pull's 3.1 kohm boundary.
    let (c, v) = probe_json("open", &["--no-adc", "--card-pull", "1k", "--leak", "2.2k"]);
    assert_eq!((c, &v["verdict"]), (5, &"connected".into()), "{v}");
    let o = probe_run("open", &["--no-adc", "--card-pull", "1k"]);
    assert!(
        o.stdout.contains("card pull strong, below about 5.7 kohm"),
        "{}",
        o.stdout
    );
    let (c, v) = probe_json(
        "open",
        &["--no-adc", "--card-pull", "1k", "--r-hold", "none"],
    );
    assert_eq!((c, &v["verdict"]), (5, &"stuck-low".into()), "{v}");
    // The Pi's self-test checks that HOLD reaches SENSE_REF's probe.
    let self_test = |extra: &[&str]| {
        let mut args = vec![
            "jig",
            "self-test",
            "--backend",
            "sim",
            "--wire",
            "no-contact",
            "--no-adc",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let o = self_test(&[]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.contains("all 18 checks passed"), "{}", o.stdout);
    let o = self_test(&["--r-hold", "none"]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.contains("failed: SENSE_REF follows HOLD high"),
        "{}",
        o.stdout
    );
}

#[test]
fn probe_is_deterministic_per_seed() {
    let probe_text = |seed: &str| probe_run("intermittent:5%", &["--seed", seed, "--json"]).stdout;
    assert_eq!(probe_text("4"), probe_text("4"));
    let counts: std::collections::BTreeSet<String> =
        (1..=8).map(|s| probe_text(&s.to_string())).collect();
    assert!(counts.len() > 1, "every seed gave the same report");
}

#[test]
fn human_output_says_pass_or_what_to_do() {
    let o = run(&["jig", "probe", "--backend", "sim", "--wire", "open"]);
    assert_eq!(o.code, 0);
    let text = o.stdout;
    assert!(
        text.starts_with("isolated: the tape isolates pin 13, leak > 23.8 Mohm -- PASS\n"),
        "{text}"
    );
    assert!(text.contains("card pull ~10 kohm to 0.10 V"), "{text}");

    let o = probe_run("intermittent:0.05", &[]);
    assert_eq!(o.code, 5);
    let text = o.stdout;
    assert!(text.starts_with("intermittent: "), "{text}");
    assert!(
        text.contains("FAIL") && text.contains("probe again"),
        "{text}"
    );
    assert!(!text.contains("PASS"));

    let o = run(&["jig", "probe", "--backend", "sim", "--wire", "no-contact"]);
    has(&o.stdout, "SENSE and SENSE_REF");

    let o = run(&["jig", "probe", "--backend", "sim", "--wire", "powered-open"]);
    assert_eq!(o.code, 5, "a powered card never passes");
    assert!(o.stdout.contains("probe an unpowered card"));
}

#[test]
fn equal_series_resistors_spoil_the_connected_verdict() {
    // The design choice made visible: SENSE_REF at 1 kΩ like the other lines.
    let (_, v) = probe_json("connected", &["--r-sense-ref", "1000", "--digital"]);
    assert_eq!(v["verdict"], "intermittent", "{v}");
    let (_, v) = probe_json("connected", &["--r-sense-ref", "3900", "--digital"]);
    assert_eq!(v["verdict"], "connected", "{v}");
}

fn kill_json(op: &[&str], wire: &str) -> Value {
    let mut args = vec!["jig"];
    args.extend_from_slice(op);
    args.extend_from_slice(&["--backend", "sim", "--wire", wire, "--json"]);
    let o = run(&args);
    assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
    o.json()
}

#[test]
fn kill_operations_report_what_the_card_saw() {
    let v = kill_json(&["pulse", "--width", "100ms"], "powered-connected");
    assert_eq!(v["op"], "pulse");
    assert_eq!(v["width_us"], 100_000);
    assert_eq!(v["edges"], 2);
    assert_eq!(v["left_asserted"], false);
    assert_eq!(v["card"]["powered"], true);
    assert_eq!(v["card"]["assert_edges"], 1);
    assert_eq!(v["card"]["asserted_us"], 100_000);
    assert_eq!(v["card"]["level"], "high");

    let v = kill_json(
        &["toggle", "--period", "10ms", "--count", "4"],
        "powered-connected",
    );
    assert_eq!(v["card"]["assert_edges"], 4);
    assert_eq!(v["card"]["asserted_us"], 20_000);
    assert_eq!(v["card"]["edges"].as_array().unwrap().len(), 8);

    let v = kill_json(
        &["bounce", "--transitions", "6", "--width", "300us"],
        "powered-connected",
    );
    assert_eq!(v["left_asserted"], true);
    assert_eq!(v["card"]["level"], "low");
    assert_eq!(v["card"]["assert_edges"], 4);

    let v = kill_json(&["bounce", "--end", "released"], "powered-connected");
    assert_eq!(v["left_asserted"], false);
    assert_eq!(v["card"]["level"], "high");

    let v = kill_json(&["kill"], "powered-connected");
    assert_eq!(v["op"], "assert");
    assert_eq!(v["left_asserted"], true);
    assert_eq!(v["card"]["level"], "low");

    let v = kill_json(&["release"], "powered-connected");
    assert_eq!(v["op"], "release");
    assert_eq!(v["card"]["level"], "high");

    // Good tape: the card never sees the kill line.
    let v = kill_json(&["pulse"], "powered-open");
    assert_eq!(v["card"]["assert_edges"], 0);
    assert_eq!(v["card"]["asserted_us"], 0);

    // Unpowered card: nothing to see.
    let v = kill_json(&["pulse"], "open");
    assert_eq!(v["card"]["powered"], false);
    assert_eq!(v["card"]["level"], Value::Null);
}

#[test]
fn kill_human_output_is_short_and_says_what_the_card_saw() {
    let o = run(&[
        "jig",
        "pulse",
        "--backend",
        "sim",
        "--wire",
        "powered-connected",
    ]);
    let text = o.stdout;
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("card: saw 1 assert edge"), "{text}");
    let o = run(&["jig", "kill", "--backend", "sim", "--wire", "powered-open"]);
    has(&o.stdout, "never reached pin 13");
    let o = run(&["jig", "pulse", "--backend", "sim", "--wire", "open"]);
    has(&o.stdout, "powered-");
    let o = run(&["jig", "safe", "--backend", "sim", "--wire", "open"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("input"));
}

#[test]
fn bad_input_is_a_usage_error_with_a_message() {
    let cases: [&[&str]; 12] = [
        &["jig", "probe", "--backend", "sim"],
        &["jig", "probe", "--backend", "sim", "--wire", "bogus"],
        &[
            "jig",
            "probe",
            "--backend",
            "sim",
            "--wire",
            "intermittent:2",
        ],
        &["jig", "probe", "--backend", "bogus"],
        &["jig", "probe", "--backend", "serial:"],
        &[
            "jig",
            "probe",
            "--backend",
            "sim",
            "--wire",
            "open",
            "--samples",
            "0",
        ],
        &[
            "jig",
            "probe",
            "--backend",
            "sim",
            "--wire",
            "open",
            "--samples",
            "x",
        ],
        &[
            "jig",
            "probe",
            "--backend",
            "sim",
            "--wire",
            "open",
            "--r-drive",
            "-5",
        ],
        &[
            "jig",
            "pulse",
            "--backend",
            "sim",
            "--wire",
            "open",
            "--width",
            "0ms",
        ],
        &[
            "jig",
            "pulse",
            "--backend",
            "sim",
            "--wire",
            "open",
            "--width",
            "100",
        ],
        &[
            "jig",
            "toggle",
            "--backend",
            "sim",
            "--wire",
            "open",
            "--count",
            "0",
        ],
        &["jig", "probe", "--backend", "rpi", "--wire", "open"],
    ];
    for args in cases {
        let o = run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!o.stderr.trim().is_empty(), "{args:?}");
        assert!(!o.stderr.contains("panicked"), "{args:?}");
    }
    // A missing --backend is a usage error too (clap).
    assert_eq!(run(&["jig", "probe"]).code, 2);
}

#[test]
fn unreachable_backends_are_a_runtime_error_with_a_hint() {
    // No Pico on this path; and this machine is no Raspberry Pi (or pin13 was
    // built without the `rpi` feature).
    for (spec, says) in [
        ("serial:/dev/ttyACM-pin13-none", "no jig at"),
        ("rpi", "Raspberry Pi"),
    ] {
        let o = run(&["jig", "probe", "--backend", spec]);
        assert_eq!(o.code, 1, "{spec}");
        let err = o.stderr;
        assert!(err.contains(says) && err.contains("hint:"), "{err}");
    }
}

#[test]
fn backend_comes_from_the_environment_too() {
    let o = finish(
        pin13(&["jig", "probe", "--wire", "open", "--json"])
            .env("PIN13_JIG_BACKEND", "sim")
            .output()
            .unwrap(),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.json()["verdict"], "isolated");
}

#[test]
fn self_test_fail_says_how_many_checks_failed_and_exits_1() {
    // Probes left on an unpowered card: the card's pull beats SENSE's pull-up.
    let o = run(&["jig", "self-test", "--backend", "sim", "--wire", "open"]);
    assert_eq!(o.code, 1, "FAIL exits 1: {}", o.stderr);
    let text = o.stdout.clone();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("self-test: FAIL, "), "{text}");
    assert!(
        first.contains(" of 16 checks failed (sim:open seed 1)"),
        "{text}"
    );
    assert!(text.contains("Lift every probe off the card"), "{text}");
    let o = run(&[
        "jig",
        "self-test",
        "--backend",
        "sim",
        "--wire",
        "no-contact",
    ]);
    assert_eq!(o.code, 0);
    assert_eq!(
        o.stdout.clone(),
        "self-test: PASS, all 16 checks passed (sim:no-contact seed 1)\n"
    );
    let help = run(&["jig", "self-test", "--help"]).stdout;
    assert!(help.contains("lifted off the card"), "{help}");
    assert!(help.contains("1 FAIL"), "{help}");
}

#[test]
fn a_powered_card_is_told_to_be_unpowered_never_to_retape() {
    for wire in [
        "powered-open",
        "powered-connected",
        "powered-intermittent:5%",
    ] {
        let o = run(&["jig", "probe", "--backend", "sim", "--wire", wire]);
        assert_eq!(o.code, 5, "{wire}");
        let text = o.stdout.clone();
        assert!(
            text.contains("must be unpowered for a probe"),
            "{wire}: {text}"
        );
        assert!(!text.contains("thin, torn or lifting"), "{wire}: {text}");
        assert!(!text.contains("Re-tape"), "{wire}: {text}");
    }
}

#[test]
fn connected_advice_places_pin_13_in_the_one_wording() {
    let o = run(&["jig", "probe", "--backend", "sim", "--wire", "connected"]);
    let text = o.stdout.clone();
    assert!(
        text.contains(
            "The tape does not cover pin 13 (top face, the one with the antenna connectors; \
             pin 1 is the lone contact beside the key notch; pin 13 is the 7th contact counting pin 1)."
        ),
        "{text}"
    );
}

#[test]
fn backend_option_conflicts_are_usage_errors() {
    let cases: [&[&str]; 5] = [
        // Raspberry Pi pins with the simulated bench (clap: conflicts_with).
        &["--backend", "sim", "--wire", "open", "--drive", "5"],
        // A resistor without a wire model (clap: requires).
        &[
            "--backend",
            "serial:/dev/ttyACM-pin13-none",
            "--r-drive",
            "5",
        ],
        // sim options with another backend.
        &[
            "--backend",
            "serial:/dev/ttyACM-pin13-none",
            "--wire",
            "open",
        ],
        // rpi pins with the serial backend.
        &["--backend", "serial:/dev/ttyACM-pin13-none", "--led", "5"],
        // A resistance that is none.
        &["--backend", "sim", "--wire", "open", "--r-sense", "0"],
    ];
    for extra in cases {
        let mut args = vec!["jig", "probe"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn slack_comes_from_the_environment_and_bad_values_are_usage_errors() {
    let probe_with = |slack: &str, backend: &str| {
        finish(
            pin13(&["jig", "probe", "--backend", backend])
                .env("PIN13_JIG_SLACK_MS", slack)
                .output()
                .unwrap(),
        )
    };
    for bad in ["soon", "-1", "1.5", "600001"] {
        let o = probe_with(bad, "sim");
        assert_eq!(o.code, 2, "{bad}: {}", o.stderr);
        assert!(
            o.stderr.contains("PIN13_JIG_SLACK_MS"),
            "{bad}: {}",
            o.stderr
        );
    }
    // /dev/ptmx opens a fresh pseudo-terminal nobody answers on: the greeting
    // waits its own 500 ms plus the slack.
    let o = probe_with("50", "serial:/dev/ptmx");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("no pin13 jig answered on /dev/ptmx within 550 ms"),
        "{}",
        o.stderr
    );
    let help = run(&["jig", "probe", "--help"]).stdout;
    assert!(help.contains("PIN13_JIG_SLACK_MS"), "{help}");
}

#[test]
fn analog_probe_names_the_leak_and_the_card_side() {
    let o = probe_run("open", &["--card-pull", "10k", "--leak", "22k", "--analog"]);
    assert_eq!(o.code, 5, "{}", o.stdout);
    assert!(
        o.stdout.starts_with(
            "leaky: the tape leaks 22 kohm between the socket contact and pin 13 -- FAIL\n"
        ),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("a leak below 30.8 kohm lets a laptop's kill line reach this card"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("card pull ~10 kohm to 0.10 V"),
        "{}",
        o.stdout
    );

    // The same leak against a stronger pull (boundary 14.5 kohm) passes, with the value.
    let o = probe_run(
        "open",
        &[
            "--card-pull",
            "4.7k",
            "--card-rail",
            "0.3",
            "--leak",
            "22k",
            "--analog",
            "--json",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "verdict",
            "pass",
            "probe",
            "leak_ohms",
            "leak_beyond_range",
            "range_ohms",
            "boundary_ohms",
            "card_pull_ohms",
            "card_rail_v",
            "samples",
            "hits",
            "backend"
        ]
    );
    assert_eq!(v["verdict"], "isolated");
    let leak = v["leak_ohms"].as_f64().unwrap();
    assert!((leak / 22_000.0 - 1.0).abs() < 0.1, "{leak}");
    let pull = v["card_pull_ohms"].as_f64().unwrap();
    assert!((pull / 4_700.0 - 1.0).abs() < 0.1, "{pull}");
    assert!(
        (v["card_rail_v"].as_f64().unwrap() - 0.3).abs() < 0.05,
        "{v}"
    );

    // Good tape: beyond the range, never a number it did not measure.
    let o = probe_run("open", &["--card-pull", "none", "--analog", "--json"]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["leak_ohms"], serde_json::Value::Null);
    assert_eq!(v["leak_beyond_range"], true);
    assert_eq!(v["card_pull_ohms"], serde_json::Value::Null);
    assert_eq!(v["boundary_ohms"], serde_json::Value::Null);
    assert!(v["range_ohms"].as_f64().unwrap() >= 1.0e6);

    for (wire, verdict) in [
        ("no-contact", "no-contact"),
        ("connected", "connected"),
        ("powered-open", "powered"),
        ("stuck-low", "stuck-low"),
    ] {
        let o = probe_run(wire, &["--analog", "--json"]);
        assert_eq!(o.code, 5, "{wire}: {}", o.stdout);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        assert_eq!(v["verdict"], verdict, "{wire}");
    }
}

#[test]
fn analog_probe_and_card_options_are_refused_where_they_do_not_apply() {
    let o = probe_run("open", &["--leak", "lots"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("`none`"), "{}", o.stderr);
    let o = probe_run("open", &["--card-rail", "9"]);
    assert_eq!(o.code, 2);
}

#[test]
fn the_digital_probe_never_passes_a_leak_or_a_strong_pull_falsely() {
    // The digital probe keeps its limits (issue 14): with a strong card pull
    // it may say nonsense, but never PASS a leak below the boundary.
    for pull in ["2.2k", "4.7k", "10k"] {
        let o = probe_run("open", &["--card-pull", pull, "--leak", "1k", "--digital"]);
        assert_eq!(o.code, 5, "pull {pull}: {}", o.stdout);
    }
}

#[test]
fn a_card_without_a_pull_passes_with_a_note_that_reads_as_a_pass() {
    let o = probe_run("open", &["--card-pull", "none"]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        o.stdout
            .starts_with("isolated: the tape isolates pin 13, leak > "),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains(
            "the card has no pull of its own, so any measurable leak would let a laptop's kill \
             line reach it"
        ),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("no card pull"), "{}", o.stdout);
}

#[test]
fn replay_means_nothing_to_the_jig_and_is_refused() {
    let r = run(&[
        "--replay",
        "examples/snapshots/ipw2200-hardkill.json",
        "jig",
        "probe",
        "--backend",
        "sim",
        "--wire",
        "open",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("jig works on the bench jig; --replay does not apply"),
        "{}",
        r.stderr
    );
}
