//! The one interface every jig backend implements: `sim` (jig-core on the
//! simulated bench, in process), `serial:PATH` (a Pico over USB CDC-ACM
//! speaking jig-protocol) and `rpi` (jig-core on Raspberry Pi GPIO via rppal).
#![forbid(unsafe_code)]

use jig_core::{KillOp, KillReport, ProbeConfig, ProbeReport};

/// A failure talking to or running the jig. Backends convert their own
/// errors into a message and, where known, a hint saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum JigError {
    /// The backend could not be reached or set up (no device, not a Pi, ...).
    #[error("{message}")]
    Unavailable {
        message: String,
        hint: Option<String>,
    },
    /// The backend answered something we cannot use (wrong protocol version, ...).
    #[error("{message}")]
    Protocol {
        message: String,
        hint: Option<String>,
    },
    /// The backend went away or failed during an operation.
    #[error("{message}")]
    Failed {
        message: String,
        hint: Option<String>,
    },
}

impl JigError {
    pub fn hint(&self) -> Option<String> {
        match self {
            JigError::Unavailable { hint, .. }
            | JigError::Protocol { hint, .. }
            | JigError::Failed { hint, .. } => hint.clone(),
        }
    }
}

/// Something that runs the jig core: in process, over a wire, or on GPIO.
pub trait Backend {
    /// A short description for output, e.g. `sim:open seed 7` or `serial:/dev/ttyACM0`.
    fn describe(&self) -> String;
    /// Run one isolation probe.
    fn probe(&mut self, cfg: &ProbeConfig) -> Result<ProbeReport, JigError>;
    /// Run one kill-line operation.
    fn kill(&mut self, op: &KillOp) -> Result<KillReport, JigError>;
    /// Make every jig line an input (high impedance).
    fn safe(&mut self) -> Result<(), JigError>;
    /// What the card's kill input saw, when the backend can know it (only the
    /// simulated bench can; real backends keep the default `None`).
    fn card_view(&self) -> Option<jig_core::sim::CardLog> {
        None
    }
    /// Check the jig's own lines with the probes off the card (see
    /// `jig_protocol::SELF_TEST_CHECKS`). Every line is an input afterwards.
    fn self_test(&mut self) -> Result<jig_protocol::SelfTestReport, JigError> {
        Err(JigError::Unavailable {
            message: format!("{} has no self-test", self.describe()),
            hint: None,
        })
    }
}
