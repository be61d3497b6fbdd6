//! Benchmark of the analog probe (jig_core::analog) on the simulated bench:
//! verdicts across card pull × rail × leak, the leak estimate's error, the
//! measurable range and the modelled duration. Prints Markdown for
//! docs/benchmarks.md.
//!
//!   cargo run --release -p jig-core --features sim --example analog_sweep [SEEDS]
//!
//! Default: 5 seeds per cell (noise draws).
use jig_core::analog::{self, AnalogConfig, AnalogVerdict};
use jig_core::probe::Never;
use jig_core::sim::{SimBench, SimConfig, NONE_OHMS};

const PULLS: [f64; 8] = [
    1_000.0, 2_200.0, 4_700.0, 10_000.0, 22_000.0, 47_000.0, 100_000.0, NONE_OHMS,
];
const RAILS: [f64; 4] = [0.0, 0.1, 0.3, 0.7];
const LEAKS: [f64; 10] = [
    1_000.0, 2_200.0, 4_700.0, 10_000.0, 22_000.0, 47_000.0, 100_000.0, 220_000.0, 470_000.0, 1.0e6,
];

fn ohms(r: f64) -> String {
    if r >= NONE_OHMS {
        "none".into()
    } else if r >= 1.0e6 {
        format!("{:.1}M", r / 1.0e6)
    } else if r >= 100_000.0 {
        format!("{:.0}k", r / 1000.0)
    } else if r >= 1000.0 {
        format!("{:.3}", r / 1000.0)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
            + "k"
    } else {
        format!("{r:.0}")
    }
}

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let t0 = std::time::Instant::now();
    let mut probes = 0u64;
    let mut max_ns = 0u64;
    let mut worst_err = 0f64;
    let mut false_pass = 0u32;
    println!(
        "| card pull | rail | boundary | range | good tape | {} |",
        LEAKS.map(ohms).join(" | ")
    );
    println!(
        "|---|---:|---:|---:|---|{}|",
        LEAKS.map(|_| "---").join("|")
    );
    for pull in PULLS {
        for rail in RAILS {
            let mut row = Vec::new();
            let mut good = "isolated";
            let mut boundary = None;
            let mut range = f64::INFINITY;
            for leak in std::iter::once(NONE_OHMS).chain(LEAKS) {
                let mut cell: Vec<String> = Vec::new();
                let mut errs = Vec::new();
                for seed in 0..seeds {
                    let cfg = SimConfig {
                        r_card_pull: pull,
                        v_card_unpowered: rail,
                        r_leak: leak,
                        ..SimConfig::DEFAULT
                    };
                    let Ok(bench) =
                        SimBench::new("open".parse().unwrap_or_else(|_| unreachable!()), cfg, seed)
                    else {
                        eprintln!("bad sim config");
                        std::process::exit(1);
                    };
                    let Ok(r) = analog::run(
                        &mut bench.drive(),
                        &mut bench.sense_ref(),
                        &mut bench.sense(),
                        &mut bench.delay(),
                        &AnalogConfig::DEFAULT,
                        &mut Never,
                    ) else {
                        eprintln!("probe failed");
                        std::process::exit(1);
                    };
                    probes += 1;
                    max_ns = max_ns.max(bench.now_ns());
                    boundary = r.boundary_ohms.map(f64::from);
                    range = range.min(r.range_ohms.map_or(f64::INFINITY, f64::from));
                    let est = match r.verdict {
                        AnalogVerdict::Leaky { leak_ohms } => Some(f64::from(leak_ohms)),
                        AnalogVerdict::Isolated { leak_ohms } => leak_ohms.map(f64::from),
                        _ => None,
                    };
                    if leak < NONE_OHMS {
                        if let Some(e) = est {
                            let err = e / leak - 1.0;
                            errs.push(err);
                            if leak <= range / 10.0 {
                                worst_err = worst_err.max(err.abs());
                            }
                        }
                        if r.verdict.is_pass() && boundary.is_none_or(|b| leak < b) {
                            false_pass += 1;
                        }
                    } else if !r.verdict.is_pass() {
                        good = r.verdict.name();
                    }
                    let name = r.verdict.name().to_string();
                    if !cell.contains(&name) {
                        cell.push(name);
                    }
                }
                if leak < NONE_OHMS {
                    let err = if errs.is_empty() {
                        "> range".to_string()
                    } else {
                        let worst = errs
                            .iter()
                            .fold(0f64, |a, e| if e.abs() > a.abs() { *e } else { a });
                        format!("{:+.1} %", worst * 100.0)
                    };
                    row.push(format!("{} {err}", cell.join("/")));
                }
            }
            println!(
                "| {} | {rail} V | {} | {} | {good} | {} |",
                ohms(pull),
                boundary.map_or("none (any leak)".to_string(), ohms),
                ohms(range),
                row.join(" | ")
            );
        }
    }
    println!();
    println!(
        "{probes} probes, {seeds} seeds per cell; false PASS below the boundary: {false_pass}; \
         worst leak-estimate error up to range/10: {:.1} %; modelled duration at most {:.1} ms \
         (settle time only; plus 4,096 ADC reads, about 8 ms at the RP2040's 500 ksps); {:.1} s wall",
        worst_err * 100.0,
        max_ns as f64 / 1.0e6,
        t0.elapsed().as_secs_f64()
    );
}
