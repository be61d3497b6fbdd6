//! Detection benchmark on the simulated bench: for each wire model and sample
//! count, run the probe over many seeds and print a Markdown table of the
//! verdicts, the detection rate (verdict other than `isolated`) against the
//! theory 1 − (1 − P)^n, and the modelled probe duration; then a sweep of the
//! `SENSE_REF` series resistor against the card's pull-up.
//!
//! ```text
//! cargo run --release -p jig-core --features sim --example detection [SEEDS] [SETTLE_US]
//! ```
//! Defaults: 2000 seeds per row, 50 µs settle.
#![forbid(unsafe_code)]

use std::time::Instant;

use jig_core::sim::{SimBench, SimConfig, Wire, WireModel};
use jig_core::{probe, ProbeConfig, Verdict};

const SAMPLES: [u32; 5] = [100, 300, 688, 1000, 2000];

fn main() {
    let mut args = std::env::args().skip(1);
    let seeds: u64 = match args.next().map(|a| a.parse()) {
        None => 2000,
        Some(Ok(n)) if n > 0 => n,
        _ => {
            eprintln!("usage: detection [SEEDS>0] [SETTLE_US]");
            std::process::exit(2);
        }
    };
    let settle_us: u32 = match args.next().map(|a| a.parse()) {
        None => probe::DEFAULT_SETTLE_US,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: detection [SEEDS>0] [SETTLE_US]");
            std::process::exit(2);
        }
    };

    let models = [
        WireModel::unpowered(Wire::Open),
        WireModel::unpowered(Wire::Intermittent(0.005)),
        WireModel::unpowered(Wire::Intermittent(0.01)),
        WireModel::unpowered(Wire::Intermittent(0.05)),
        WireModel::unpowered(Wire::Connected),
        WireModel::unpowered(Wire::StuckHigh),
        WireModel::unpowered(Wire::StuckLow),
        WireModel::unpowered(Wire::NoContact),
    ];

    let started = Instant::now();
    let mut probes = 0u64;
    println!(
        "| model | samples | seeds | expected verdict | correct | detected (not isolated) | \
         theory 1-(1-P)^n | mean hits | modelled duration |"
    );
    println!("|---|---:|---:|---|---:|---:|---:|---:|---:|");
    for model in models {
        let sample_counts: &[u32] = match model.wire {
            Wire::Open | Wire::Intermittent(_) => &SAMPLES,
            // Deterministic models: the sample count does not change the verdict.
            _ => &[100, 1000],
        };
        for &samples in sample_counts {
            let cfg = ProbeConfig { samples, settle_us };
            let expected = model.expected_verdict().unwrap_or(Verdict::Isolated);
            let mut correct = 0u64;
            let mut detected = 0u64;
            let mut hits = 0u64;
            let mut max_duration = 0u64;
            for seed in 0..seeds {
                let bench = match SimBench::new(model, SimConfig::DEFAULT, seed) {
                    Ok(b) => b,
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(1);
                    }
                };
                let report = match probe::run(
                    &mut bench.drive(),
                    &mut bench.sense_ref(),
                    &mut bench.sense(),
                    &mut bench.delay(),
                    &cfg,
                ) {
                    Ok(r) => r,
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(1);
                    }
                };
                probes += 1;
                if report.verdict == expected {
                    correct += 1;
                }
                if report.verdict != Verdict::Isolated {
                    detected += 1;
                }
                hits += u64::from(report.contact_hits);
                max_duration = max_duration.max(report.duration_us);
            }
            let theory = match model.wire {
                Wire::Intermittent(p) => {
                    format!("{:.4}%", 100.0 * (1.0 - (1.0 - p).powi(samples as i32)))
                }
                Wire::Open => "0%".to_string(),
                _ => "-".to_string(),
            };
            println!(
                "| {model} | {samples} | {seeds} | {} | {:.2}% | {:.2}% | {theory} | {:.2} | {:.1} ms |",
                expected.name(),
                100.0 * correct as f64 / seeds as f64,
                100.0 * detected as f64 / seeds as f64,
                hits as f64 / seeds as f64,
                max_duration as f64 / 1000.0,
            );
        }
    }
    // Second table: why SENSE_REF has 3.9 kΩ. For each SENSE_REF resistor and
    // card pull-up, the share of seeds where `open` reads isolated and
    // `connected` reads connected.
    let sweep_seeds = (seeds / 10).max(20);
    let cfg = ProbeConfig {
        samples: 200,
        settle_us,
    };
    println!();
    println!("| SENSE_REF | card pull-up | open → isolated | connected → connected | seeds |");
    println!("|---:|---:|---:|---:|---:|");
    for r_ref in [
        1_000.0, 2_200.0, 3_300.0, 3_900.0, 4_700.0, 6_800.0, 10_000.0,
    ] {
        for r_card in [4_700.0, 10_000.0, 22_000.0] {
            let sim = SimConfig {
                r_sense_ref: r_ref,
                r_card_pull: r_card,
                ..SimConfig::DEFAULT
            };
            let mut right = [0u64; 2];
            for (i, (wire, expected)) in [
                (Wire::Open, Verdict::Isolated),
                (Wire::Connected, Verdict::Connected),
            ]
            .into_iter()
            .enumerate()
            {
                for seed in 0..sweep_seeds {
                    let bench = match SimBench::new(WireModel::unpowered(wire), sim, seed) {
                        Ok(b) => b,
                        Err(e) => {
                            eprintln!("{e}");
                            std::process::exit(1);
                        }
                    };
                    let report = match probe::run(
                        &mut bench.drive(),
                        &mut bench.sense_ref(),
                        &mut bench.sense(),
                        &mut bench.delay(),
                        &cfg,
                    ) {
                        Ok(r) => r,
                        Err(e) => {
                            eprintln!("{e}");
                            std::process::exit(1);
                        }
                    };
                    probes += 1;
                    if report.verdict == expected {
                        right[i] += 1;
                    }
                }
            }
            println!(
                "| {:.1} kΩ | {:.1} kΩ | {:.0}% | {:.0}% | {sweep_seeds} |",
                r_ref / 1000.0,
                r_card / 1000.0,
                100.0 * right[0] as f64 / sweep_seeds as f64,
                100.0 * right[1] as f64 / sweep_seeds as f64,
            );
        }
    }

    let wall = started.elapsed();
    eprintln!(
        "{probes} probes in {:.2} s wall time ({:.1} µs per probe), settle {settle_us} µs",
        wall.as_secs_f64(),
        wall.as_secs_f64() * 1e6 / probes as f64
    );
}
