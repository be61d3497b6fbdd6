//! Benchmark of the Raspberry Pi's digital probe with `HOLD`
//! (jig_core::held) on the simulated bench: verdicts across card pull ×
//! rail × leak, good tape, the untaped card and probes off the card, with
//! the Pi's inputs as coin flips in the undefined band and as Schmitt
//! triggers. Prints Markdown for docs/benchmarks.md.
//!
//!   cargo run --release -p jig-core --features sim --example held_sweep [SEEDS]
//!
//! Default: 20 seeds per cell (internal pulls, undefined reads).
use jig_core::held::{self, Pull};
use jig_core::probe::Never;
use jig_core::sim::{SimBench, SimConfig, NONE_OHMS};
use jig_core::{ProbeConfig, Verdict};

const PULLS: [f64; 8] = [
    1_000.0, 2_200.0, 4_700.0, 10_000.0, 22_000.0, 47_000.0, 100_000.0, NONE_OHMS,
];
const RAILS: [f64; 4] = [0.0, 0.1, 0.3, 0.7];
const LEAKS: [f64; 10] = [
    1_000.0, 2_200.0, 3_300.0, 4_700.0, 6_800.0, 10_000.0, 15_000.0, 22_000.0, 27_000.0, 33_000.0,
];

fn ohms(r: f64) -> String {
    if r >= NONE_OHMS {
        "none".into()
    } else if r >= 1000.0 {
        format!("{:.1}", r / 1000.0)
            .trim_end_matches(".0")
            .to_string()
            + "k"
    } else {
        format!("{r:.0}")
    }
}

fn probe(
    model: &str,
    pull: f64,
    rail: f64,
    leak: f64,
    hysteresis: bool,
    seed: u64,
) -> held::HeldReport {
    let cfg = SimConfig {
        r_card_pull: pull,
        v_card_unpowered: rail,
        r_leak: leak,
        adc: false,
        hysteresis,
        ..SimConfig::DEFAULT
    };
    let bench = SimBench::new(model.parse().unwrap(), cfg, seed).unwrap();
    held::run_until(
        &mut bench.drive(),
        &mut bench.sense_ref(),
        &mut bench.hold(),
        &mut bench.sense(),
        &mut bench.delay(),
        &ProbeConfig::DEFAULT,
        &mut Never,
    )
    .unwrap()
}

fn short(v: Verdict) -> &'static str {
    match v {
        Verdict::Isolated => "iso",
        Verdict::Connected => "con",
        Verdict::Intermittent => "int",
        Verdict::StuckHigh => "s-hi",
        Verdict::StuckLow => "s-lo",
        Verdict::NoContact => "no-c",
    }
}

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    for hysteresis in [false, true] {
        println!();
        println!(
            "inputs: {}",
            if hysteresis {
                "Schmitt triggers (an undefined level keeps the last reading)"
            } else {
                "a coin flip in the undefined band"
            }
        );
        println!();
        println!(
            "| card pull | rail | pull read | boundary | good tape | untaped | off card | {} |",
            LEAKS.map(|l| format!("leak {}", ohms(l))).join(" | ")
        );
        println!(
            "|---|---:|---|---:|---|---|---|{}|",
            LEAKS.map(|_| "---").join("|")
        );
        for pull in PULLS {
            for rail in RAILS {
                let cell = |model: &str, leak: f64| {
                    let mut counts = std::collections::BTreeMap::<&str, u64>::new();
                    let mut pulls = std::collections::BTreeSet::new();
                    for seed in 0..seeds {
                        let r = probe(model, pull, rail, leak, hysteresis, seed);
                        *counts.entry(short(r.probe.verdict)).or_default() += 1;
                        pulls.insert(r.pull.map_or("-", Pull::name));
                    }
                    let text = counts
                        .iter()
                        .map(|(v, n)| {
                            if *n == seeds {
                                v.to_string()
                            } else {
                                format!("{v} {n}")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    (text, pulls.into_iter().collect::<Vec<_>>().join("/"))
                };
                let (good, pr) = cell("open", NONE_OHMS);
                let (untaped, _) = cell("connected", NONE_OHMS);
                let (off, _) = cell("no-contact", NONE_OHMS);
                let leaks: Vec<String> = LEAKS.iter().map(|&l| cell("open", l).0).collect();
                let boundary = if pull >= NONE_OHMS {
                    "any".to_string()
                } else {
                    ohms(2.0 * 1.54 * pull)
                };
                println!(
                    "| {} | {rail} | {pr} | {boundary} | {good} | {untaped} | {off} | {} |",
                    ohms(pull),
                    leaks.join(" | ")
                );
            }
        }
    }
}
