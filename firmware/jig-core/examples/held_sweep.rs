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
    let t0 = std::time::Instant::now();
    let mut probes = 0u64;
    let mut false_pass_below_boundary_and_4k7 = 0u64;
    // Leaks on a grid of x1.15 steps from 500 ohm to 200 kohm.
    let grid: Vec<f64> = (0..)
        .map(|k| 500.0 * 1.15f64.powi(k))
        .take_while(|&l| l <= 200_000.0)
        .collect();
    println!(
        "| card pull | pull read (rails 0..0.7 V) | boundary | good tape | untaped | off card | every leak caught up to (coin flip / Schmitt) | leaks below the boundary read isolated |"
    );
    println!("|---|---|---:|---|---|---|---:|---:|");
    for pull in PULLS {
        let boundary = 2.0 * 1.54 * pull;
        let mut reads = std::collections::BTreeSet::new();
        let mut verdicts = [
            std::collections::BTreeSet::new(),
            std::collections::BTreeSet::new(),
            std::collections::BTreeSet::new(),
        ];
        let mut caught_up_to = [f64::INFINITY; 2];
        let mut missed = 0u64;
        let mut below = 0u64;
        for (h, hysteresis) in [false, true].into_iter().enumerate() {
            for rail in RAILS {
                for seed in 0..seeds {
                    for (i, model) in ["open", "connected", "no-contact"].into_iter().enumerate() {
                        let r = probe(model, pull, rail, NONE_OHMS, hysteresis, seed);
                        probes += 1;
                        verdicts[i].insert(short(r.probe.verdict));
                        if i == 0 {
                            reads.insert(r.pull.map_or("-", Pull::name));
                        }
                    }
                    for &leak in &grid {
                        let r = probe("open", pull, rail, leak, hysteresis, seed);
                        probes += 1;
                        let pass = r.probe.verdict.is_pass();
                        if pass && leak < caught_up_to[h] {
                            caught_up_to[h] = leak;
                        }
                        if leak < boundary {
                            below += 1;
                            if pass {
                                missed += 1;
                                if leak < 4_700.0 {
                                    false_pass_below_boundary_and_4k7 += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        let set =
            |s: &std::collections::BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join("/");
        // The largest grid leak below the first one that passed.
        let up_to = |first_pass: f64| {
            grid.iter()
                .copied()
                .rfind(|&l| l < first_pass)
                .map_or("-".into(), ohms)
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} / {} | {missed} of {below} |",
            ohms(pull),
            set(&reads),
            if pull >= NONE_OHMS {
                "any leak".to_string()
            } else {
                ohms(boundary)
            },
            set(&verdicts[0]),
            set(&verdicts[1]),
            set(&verdicts[2]),
            up_to(caught_up_to[0]),
            up_to(caught_up_to[1]),
        );
    }
    println!();
    println!(
        "{probes} probes ({seeds} seeds x 4 rails x 2 input models per cell, leaks on a x1.15 grid from 500 ohm to 200 kohm); \
         a PASS for a leak below both the boundary and 4.7 kohm: {false_pass_below_boundary_and_4k7}; \
         modelled duration of a full probe {} us; {:.1} s",
        held::full_duration_us(&ProbeConfig::DEFAULT),
        t0.elapsed().as_secs_f64()
    );
}
