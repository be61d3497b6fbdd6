//! `--backend sim`: jig-core running in process on the simulated bench
//! (`jig_core::sim`). Deterministic for a given wire model and seed.
#![forbid(unsafe_code)]

use jig_core::kill::KillLine;
use jig_core::sim::{CardLog, LineId, Mode, SimBench, SimConfig, WireModel};
use jig_core::{line, probe, Bias, InputLine, KillOp, KillReport, ProbeConfig, ProbeReport};

use super::backend::{Backend, JigError};

/// The simulated bench behind the [`Backend`] interface.
#[derive(Debug)]
pub struct SimBackend {
    bench: SimBench,
    seed: u64,
}

impl SimBackend {
    /// A bench for `model` with electrical parameters `cfg`; `seed` drives
    /// both the bench (pull values, intermittent contacts, undefined reads)
    /// and the probe's polarity order.
    pub fn new(model: WireModel, cfg: SimConfig, seed: u64) -> Result<SimBackend, JigError> {
        let bench = SimBench::new(model, cfg, seed).map_err(|e| JigError::Unavailable {
            message: e.to_string(),
            hint: Some("check the --r-* values of the simulated bench".into()),
        })?;
        Ok(SimBackend { bench, seed })
    }

    /// The bench, for callers that want more than the [`Backend`] interface.
    pub fn bench(&self) -> &SimBench {
        &self.bench
    }
}

fn core_error(e: jig_core::Error<core::convert::Infallible>) -> JigError {
    JigError::Failed {
        message: e.to_string(),
        hint: None,
    }
}

impl Backend for SimBackend {
    fn describe(&self) -> String {
        format!("sim:{} seed {}", self.bench.model(), self.seed)
    }

    fn probe(&mut self, cfg: &ProbeConfig) -> Result<ProbeReport, JigError> {
        let b = &self.bench;
        probe::run(
            &mut b.drive(),
            &mut b.sense_ref(),
            &mut b.sense(),
            &mut b.delay(),
            cfg,
            self.seed,
        )
        .map_err(core_error)
    }

    fn kill(&mut self, op: &KillOp) -> Result<KillReport, JigError> {
        let b = &self.bench;
        // Only DRIVE moves; the probes on the card stay high impedance.
        let _ = b.sense_ref().set_input(Bias::None);
        let _ = b.sense().set_input(Bias::None);
        let asserted = b.mode(LineId::Drive) == Mode::DriveLow;
        let mut kill = KillLine::resume(b.drive(), asserted);
        let report = kill.run(&mut b.delay(), op).map_err(core_error);
        // Let the card see the end state (an assert ends without a delay).
        b.observe();
        report
    }

    fn safe(&mut self) -> Result<(), JigError> {
        let b = &self.bench;
        let _ = line::safe(&mut b.drive(), &mut b.sense_ref(), &mut b.sense());
        b.observe();
        Ok(())
    }

    fn card_view(&self) -> Option<CardLog> {
        Some(self.bench.card())
    }

    fn self_test(&mut self) -> Result<jig_protocol::SelfTestReport, JigError> {
        let b = &self.bench;
        let report = jig_protocol::self_test(
            &mut b.drive(),
            &mut b.sense_ref(),
            &mut b.sense(),
            &mut b.delay(),
        );
        b.observe();
        report.map_err(|never| match never {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jig_core::Verdict;

    fn backend(model: &str) -> SimBackend {
        SimBackend::new(model.parse().unwrap(), SimConfig::DEFAULT, 3).unwrap()
    }

    #[test]
    fn probe_judges_the_models_and_leaves_lines_safe() {
        for (model, verdict) in [
            ("open", Verdict::Isolated),
            ("connected", Verdict::Connected),
            ("stuck-high", Verdict::StuckHigh),
            ("no-contact", Verdict::NoContact),
        ] {
            let mut b = backend(model);
            let r = b.probe(&ProbeConfig::DEFAULT).unwrap();
            assert_eq!(r.verdict, verdict, "{model}");
            assert!(b.bench().all_inputs());
        }
        assert_eq!(
            backend("powered-open").describe(),
            "sim:powered-open seed 3"
        );
    }

    #[test]
    fn kill_state_carries_over_and_safe_releases() {
        let mut b = backend("powered-connected");
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
    fn bad_sim_config_is_a_clear_error() {
        let cfg = SimConfig {
            r_drive: 0.0,
            ..SimConfig::DEFAULT
        };
        let err = SimBackend::new("open".parse().unwrap(), cfg, 1).unwrap_err();
        assert!(err.to_string().contains("r_drive"), "{err}");
        assert!(err.hint().is_some());
    }
}
