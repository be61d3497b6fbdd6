//! The one device interface, [`jig_protocol::Device`], as every jig backend
//! implements it: `sim` (jig-core on the simulated bench, in process),
//! `serial:PATH` (a Pico over USB CDC-ACM speaking jig-protocol) and `rpi`
//! (jig-core on Raspberry Pi GPIO via rppal). [`Backend`] adds only what the
//! host shows: a label and, for the simulated bench, what the card saw.
#![forbid(unsafe_code)]

pub use jig_protocol::Device;

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
    /// The jig has no ADC on `SENSE`, so no analog probe; it said so before
    /// any line moved (jig-core refuses first), so a digital probe may follow.
    #[error("{}", jig_protocol::WireError::NoAdc)]
    NoAdc,
}

impl JigError {
    pub fn hint(&self) -> Option<String> {
        match self {
            JigError::Unavailable { hint, .. }
            | JigError::Protocol { hint, .. }
            | JigError::Failed { hint, .. } => hint.clone(),
            JigError::NoAdc => Some(
                "Use a Pico jig (SENSE on an ADC pin, see hardware/jig.toml), or drop --analog: \
                 without it the probe is the digital one on a jig without an ADC."
                    .into(),
            ),
        }
    }

    /// An operation that failed, with no hint.
    pub fn failed(message: impl Into<String>) -> JigError {
        JigError::Failed {
            message: message.into(),
            hint: None,
        }
    }
}

/// What jig-core's [`jig_protocol::DeviceError`] means to a user.
impl From<jig_protocol::DeviceError> for JigError {
    fn from(e: jig_protocol::DeviceError) -> Self {
        match e {
            jig_protocol::DeviceError::Pin => JigError::failed("a jig GPIO operation failed"),
            jig_protocol::DeviceError::Config(c) => {
                JigError::failed(format!("the jig refused the request: {c}"))
            }
            jig_protocol::DeviceError::NoAdc => JigError::NoAdc,
            jig_protocol::DeviceError::Aborted => JigError::failed(
                "the probe was aborted before it finished; every jig line is an input",
            ),
        }
    }
}

/// What to do when a request breaks the protocol's limits
/// (`jig_protocol::limits`), which every backend with real lines keeps.
pub const LIMITS_HINT: &str =
    "Lower --samples or --settle-us, or split a long kill-line run into several commands.";

/// What the digital probe cannot measure, said under its verdict on a jig
/// without an ADC (the Raspberry Pi, or the simulated bench's `--no-adc`),
/// which runs the probe with HOLD (`jig_core::held`). The numbers are the
/// sure-hit limits of `firmware/jig-core/tests/held.rs` and the
/// `held_sweep` benchmark.
pub const NO_ADC_LIMITS: &str = "This jig has no ADC, so it ran the digital probe: it cannot \
     measure the card's pull or the tape's leak in ohms. It sees every leak below about 5 kohm \
     (a card pull of 1 kohm) to 20 kohm (4.7 kohm or weaker), which covers every leak that \
     matters on a card with a pull up to 4.7 kohm; with a weaker pull, or none, a leak above \
     20 kohm can still read isolated. A card with a strong pull reads stuck-low unless HOLD's \
     470 ohm is wired (hardware/jig.toml). A Pico jig measures in ohms: its probe is the analog \
     one.";

/// A jig backend: a [`Device`] with a label.
pub trait Backend: Device<Error = JigError> {
    /// A short label for output, without parentheses, e.g. `sim:open seed 7`
    /// or `serial:/dev/ttyACM0 pico 0.1.0`.
    fn describe(&self) -> String;
    /// What the card's kill input saw, when the backend can know it (only the
    /// simulated bench can; real backends keep the default `None`).
    fn card_view(&self) -> Option<jig_core::sim::CardLog> {
        None
    }
    /// What this backend's probe cannot measure, said after its verdict in
    /// text output (`None`: nothing beyond the digital probe's documented
    /// limits).
    fn limits(&self) -> Option<&'static str> {
        None
    }
    /// The digital probe with HOLD (`jig_core::held`), on a jig that has
    /// HOLD and no ADC: the Raspberry Pi, the simulated bench's `--no-adc`.
    /// `None`: this jig runs the plain digital probe ([`Device::probe`]).
    fn held_probe(
        &mut self,
        _cfg: &jig_core::ProbeConfig,
        _stop: &mut dyn jig_core::probe::Stop,
    ) -> Option<Result<jig_core::held::HeldReport, JigError>> {
        None
    }
}
