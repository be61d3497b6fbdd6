//! Errors of the jig core: a line failed, or a request was out of range.
#![forbid(unsafe_code)]

use core::fmt;

/// A probe or kill-line request the core refuses before touching any line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ConfigError {
    /// `samples` is 0.
    NoSamples,
    /// `samples` is above [`crate::probe::MAX_SAMPLES`].
    TooManySamples,
    /// `settle_us` is above [`crate::probe::MAX_SETTLE_US`].
    SettleTooLong,
    /// A pulse, toggle period or bounce width of 0.
    ZeroWidth,
    /// A toggle period below 2 µs (it cannot be split into low and high).
    PeriodTooShort,
    /// A toggle count or bounce transition count of 0.
    ZeroCount,
    /// Too many toggles or bounce transitions (see [`crate::kill`] limits).
    CountTooLarge,
    /// One width or period is above [`crate::kill::MAX_WIDTH_US`].
    WidthTooLong,
    /// The whole operation would take longer than [`crate::kill::MAX_OP_US`].
    TooLong,
}

impl ConfigError {
    /// A short English explanation (stable enough for messages).
    pub const fn message(self) -> &'static str {
        match self {
            ConfigError::NoSamples => "samples must be at least 1",
            ConfigError::TooManySamples => "samples must be at most 1000000",
            ConfigError::SettleTooLong => "settle time must be at most 1 s",
            ConfigError::ZeroWidth => "width and period must be greater than 0",
            ConfigError::PeriodTooShort => "toggle period must be at least 2 us",
            ConfigError::ZeroCount => "count must be at least 1",
            ConfigError::CountTooLarge => "count is too large (toggle: 1000000, bounce: 10000)",
            ConfigError::WidthTooLong => "one width or period must be at most 60 s",
            ConfigError::TooLong => "the whole operation must take at most 1 hour",
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for ConfigError {}

/// A core operation failed. `E` is the lines' embedded-hal error type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Error<E> {
    /// A line reported an error. The core already tried to make every line
    /// an input again before returning this.
    Line(E),
    /// The request was refused before any line moved.
    Config(ConfigError),
    /// The operation was stopped by its [`crate::probe::Stop`] hook before it
    /// finished; every line is an input.
    Aborted,
    /// The analog probe needs an ADC on `SENSE` and this jig has none.
    NoAdc,
}

impl<E> From<ConfigError> for Error<E> {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Line(e) => write!(f, "jig line error: {e:?}"),
            Error::Config(e) => write!(f, "bad jig request: {e}"),
            Error::Aborted => f.write_str("the jig operation was aborted"),
            Error::NoAdc => f.write_str("the jig has no ADC on SENSE (no analog probe)"),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for Error<E> {}
