//! A fake jig for protocol tests: answers from its config, records calls.
#![allow(dead_code)]

use jig_core::{KillOp, KillReport, ProbeConfig, ProbeReport, SelfTestReport, Verdict};
use jig_protocol::{Device, DeviceError, FirmwareVersion, HelloInfo, JigKind, Server};

#[derive(Debug, Default)]
pub struct FakeJig {
    pub verdict: Option<Verdict>,
    pub fail: Option<DeviceError>,
    pub calls: Vec<&'static str>,
    pub lines_safe: bool,
}

impl FakeJig {
    pub fn new(verdict: Verdict) -> Self {
        FakeJig {
            verdict: Some(verdict),
            ..Default::default()
        }
    }
}

impl Device for FakeJig {
    type Error = DeviceError;

    fn probe(&mut self, cfg: &ProbeConfig) -> Result<ProbeReport, DeviceError> {
        self.calls.push("probe");
        self.lines_safe = false;
        if let Some(e) = self.fail {
            return Err(e);
        }
        let verdict = self.verdict.unwrap_or(Verdict::Isolated);
        let hits = if verdict == Verdict::Connected {
            cfg.samples
        } else {
            0
        };
        self.lines_safe = true;
        Ok(ProbeReport {
            verdict,
            samples: cfg.samples,
            contact_hits: hits,
            duration_us: 4 * cfg.samples as u64 * cfg.settle_us as u64,
        })
    }

    /// A fake jig without an ADC: the analog probe is refused.
    fn analog_probe_until(
        &mut self,
        _cfg: &ProbeConfig,
        _stop: &mut dyn jig_core::probe::Stop,
    ) -> Result<jig_core::analog::AnalogReport, DeviceError> {
        self.calls.push("analog_probe");
        Err(DeviceError::NoAdc)
    }

    fn kill(&mut self, op: &KillOp) -> Result<KillReport, DeviceError> {
        self.calls.push("kill");
        if let Some(e) = self.fail {
            return Err(e);
        }
        let left_asserted = matches!(op, KillOp::Assert);
        self.lines_safe = !left_asserted;
        Ok(KillReport {
            op: *op,
            edges: 1,
            left_asserted,
            duration_us: 0,
        })
    }

    fn self_test(&mut self) -> Result<SelfTestReport, DeviceError> {
        self.calls.push("self_test");
        Ok(SelfTestReport {
            checks: 4,
            failed: 0,
        })
    }

    fn safe(&mut self) -> Result<(), DeviceError> {
        self.calls.push("safe");
        self.lines_safe = true;
        Ok(())
    }
}

pub fn info() -> HelloInfo {
    HelloInfo {
        protocol: 0,
        firmware: FirmwareVersion {
            major: 0,
            minor: 1,
            patch: 0,
        },
        kind: JigKind::InProcess,
    }
}

pub fn server(verdict: Verdict) -> Server<FakeJig> {
    Server::new(FakeJig::new(verdict), info())
}
