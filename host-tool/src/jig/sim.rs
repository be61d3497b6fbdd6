//! `--backend sim`: jig-core's [`Jig`] running in process on the simulated
//! bench (`jig_core::sim`), through the same [`JigDevice`] adapter as the
//! emulator, the Pico and the Raspberry Pi. Deterministic for a given wire
//! model and seed.
//!
//! The lines borrow the bench, so the caller owns the [`SimBench`] (see
//! [`bench`]) and the backend borrows it for as long as it runs.
#![forbid(unsafe_code)]

use jig_core::held::HeldReport;
use jig_core::sim::{CardLog, SimBench, SimConfig, SimDelay, SimLine, SimSense, WireModel};
use jig_core::{Jig, KillOp, KillReport, ProbeConfig, ProbeReport, SelfTestReport};
use jig_protocol::JigDevice;

use super::backend::{Backend, Device, JigError, NO_ADC_LIMITS};

type SimDevice<'a> = JigDevice<SimLine<'a>, SimLine<'a>, SimSense<'a>, SimDelay<'a>>;

/// A bench for `model` with electrical parameters `cfg`; `seed` drives the
/// bench (pull values, intermittent contacts, undefined reads).
pub fn bench(model: WireModel, cfg: SimConfig, seed: u64) -> Result<SimBench, JigError> {
    SimBench::new(model, cfg, seed).map_err(|e| JigError::Unavailable {
        message: e.to_string(),
        hint: Some("check the --r-* values of the simulated bench".into()),
    })
}

/// jig-core on a simulated bench behind the [`Backend`] interface.
#[derive(Debug)]
pub struct SimBackend<'a> {
    bench: &'a SimBench,
    device: SimDevice<'a>,
    seed: u64,
}

impl<'a> SimBackend<'a> {
    /// jig-core's `Jig` on `bench`; `seed` is the bench's, for the label.
    pub fn new(bench: &'a SimBench, seed: u64) -> SimBackend<'a> {
        let jig = match Jig::new(bench.drive(), bench.sense_ref(), bench.sense()) {
            Ok(j) => j,
            Err(never) => match never {},
        };
        SimBackend {
            bench,
            device: JigDevice::new(jig, bench.delay()),
            seed,
        }
    }

    /// The bench, for callers that want more than the [`Backend`] interface.
    pub fn bench(&self) -> &SimBench {
        self.bench
    }

    /// Run `op` on the device, then let the card look at the end state (an
    /// operation can end without a delay, e.g. a kill-line assert).
    fn observed<T>(
        &mut self,
        op: impl FnOnce(&mut SimDevice<'a>) -> Result<T, jig_protocol::DeviceError>,
    ) -> Result<T, JigError> {
        let result = op(&mut self.device);
        self.bench.observe();
        Ok(result?)
    }
}

impl Device for SimBackend<'_> {
    type Error = JigError;

    fn probe(&mut self, cfg: &ProbeConfig) -> Result<ProbeReport, JigError> {
        self.observed(|d| d.probe(cfg))
    }

    fn analog_probe_until(
        &mut self,
        cfg: &ProbeConfig,
        stop: &mut dyn jig_core::probe::Stop,
    ) -> Result<jig_core::analog::AnalogReport, JigError> {
        self.observed(|d| d.analog_probe_until(cfg, stop))
    }

    fn kill(&mut self, op: &KillOp) -> Result<KillReport, JigError> {
        self.observed(|d| d.kill(op))
    }

    /// A bench without an ADC is the Raspberry Pi's: its self-test checks
    /// HOLD too.
    fn self_test(&mut self) -> Result<SelfTestReport, JigError> {
        if self.bench.config().adc {
            return self.observed(|d| d.self_test());
        }
        let b = self.bench;
        self.observed(|d| {
            d.safe()?;
            let r = jig_core::selftest::run_with_hold(
                &mut b.drive(),
                &mut b.sense_ref(),
                &mut b.hold(),
                &mut b.sense(),
                &mut b.delay(),
            );
            r.map_err(|never| match never {})
        })
    }

    fn safe(&mut self) -> Result<(), JigError> {
        self.observed(|d| d.safe())
    }
}

impl Backend for SimBackend<'_> {
    /// `sim:MODEL seed N`, with `no ADC` for a bench without one.
    fn describe(&self) -> String {
        let adc = if self.bench.config().adc {
            ""
        } else {
            " no ADC"
        };
        format!("sim:{} seed {}{adc}", self.bench.model(), self.seed)
    }

    fn card_view(&self) -> Option<CardLog> {
        Some(self.bench.card())
    }

    /// A bench without an ADC has the Raspberry Pi's limits.
    fn limits(&self) -> Option<&'static str> {
        (!self.bench.config().adc).then_some(NO_ADC_LIMITS)
    }

    /// A bench without an ADC is the Raspberry Pi's: the probe with HOLD.
    fn held_probe(
        &mut self,
        cfg: &ProbeConfig,
        stop: &mut dyn jig_core::probe::Stop,
    ) -> Option<Result<HeldReport, JigError>> {
        if self.bench.config().adc {
            return None;
        }
        let b = self.bench;
        Some(self.observed(|d| {
            // Through the device first: the Jig forgets a kill line left
            // asserted, as every probe does.
            d.safe()?;
            jig_core::held::run_until(
                &mut b.drive(),
                &mut b.sense_ref(),
                &mut b.hold(),
                &mut b.sense(),
                &mut b.delay(),
                cfg,
                stop,
            )
            .map_err(Into::into)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jig_core::Verdict;

    fn new_bench(model: &str) -> SimBench {
        bench(model.parse().unwrap(), SimConfig::DEFAULT, 3).unwrap()
    }

    #[test]
    fn probe_judges_the_models_and_leaves_lines_safe() {
        for (model, verdict) in [
            ("open", Verdict::Isolated),
            ("connected", Verdict::Connected),
            ("stuck-high", Verdict::StuckHigh),
            ("no-contact", Verdict::NoContact),
        ] {
            let bench = new_bench(model);
            let mut b = SimBackend::new(&bench, 3);
            let r = b.probe(&ProbeConfig::DEFAULT).unwrap();
            assert_eq!(r.verdict, verdict, "{model}");
            assert!(b.bench().all_inputs());
        }
        let bench = new_bench("powered-open");
        assert_eq!(
            SimBackend::new(&bench, 3).describe(),
            "sim:powered-open seed 3"
        );
    }

    #[test]
    fn a_probe_equals_jig_core_probe_run_on_the_same_bench() {
        let cfg = ProbeConfig::DEFAULT;
        let a = new_bench("intermittent:5%");
        let through_jig = SimBackend::new(&a, 3).probe(&cfg).unwrap();
        let b = new_bench("intermittent:5%");
        let direct = jig_core::probe::run(
            &mut b.drive(),
            &mut b.sense_ref(),
            &mut b.sense(),
            &mut b.delay(),
            &cfg,
        )
        .unwrap();
        assert_eq!(through_jig, direct);
    }

    #[test]
    fn kill_state_carries_over_and_safe_releases() {
        let bench = new_bench("powered-connected");
        let mut b = SimBackend::new(&bench, 3);
        assert_eq!(b.kill(&KillOp::Assert).unwrap().edges, 1);
        assert_eq!(b.card_view().unwrap().level(), Some(jig_core::Level::Low));
        assert_eq!(b.kill(&KillOp::Assert).unwrap().edges, 0);
        b.safe().unwrap();
        assert!(b.bench().all_inputs());
        let card = b.card_view().unwrap();
        assert_eq!(card.assert_edges(), 1);
        assert_eq!(card.release_edges(), 1);
    }

    #[test]
    fn refusals_leave_every_line_an_input() {
        let bench = new_bench("powered-connected");
        let mut b = SimBackend::new(&bench, 3);
        b.kill(&KillOp::Assert).unwrap();
        let e = b.kill(&KillOp::Pulse { width_us: 0 }).unwrap_err();
        assert!(e.to_string().contains("width"), "{e}");
        assert!(b.bench().all_inputs());
    }

    #[test]
    fn bad_sim_config_is_a_clear_error() {
        let cfg = SimConfig {
            r_drive: 0.0,
            ..SimConfig::DEFAULT
        };
        let err = bench("open".parse().unwrap(), cfg, 1).unwrap_err();
        assert!(err.to_string().contains("r_drive"), "{err}");
        assert!(err.hint().is_some());
    }
}
