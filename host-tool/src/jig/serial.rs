//! `--backend serial:PATH`: a Pico running the pin13 firmware (USB CDC-ACM,
//! usually /dev/ttyACM0), or `pin13 jig emulate`'s pseudo-terminal, speaking
//! jig-protocol.
//!
//! The port is opened raw (no echo, no line editing) with rustix's safe
//! termios calls and gets its original settings back when pin13 lets go of
//! it, on every way out (an answer, an error, a caught signal: see
//! [`super::guard`]). Every read and write has a deadline: the operation's
//! own duration plus the slack (`--slack-ms`, `PIN13_JIG_SLACK_MS`, default
//! 1000 ms). Errors say what to do: no device, permission, not a pin13 jig,
//! another protocol version, unplugged.
#![forbid(unsafe_code)]

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jig_core::{KillOp, KillReport, ProbeConfig, ProbeReport, SelfTestReport};
use jig_protocol::client::{Client, ClientError, Transport, TransportError, DEFAULT_MARGIN};
use jig_protocol::{HelloInfo, WireError, PROTOCOL_VERSION};
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::termios::{self, ControlModes, OptionalActions, QueueSelector, Termios};

use super::backend::{Backend, Device, JigError, LIMITS_HINT};
use super::guard;

/// How long one write may wait for the port to take the bytes.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

const FLASH_HINT: &str = "Flash the pin13 firmware: run `bash firmware/build.sh`, hold BOOTSEL while \
                          plugging in the Pico and copy target/firmware/pin13-jig.uf2 to the RPI-RP2 drive.";

/// A raw serial port (or pty) with deadlines. Dropping it gives the port its
/// original termios settings back.
#[derive(Debug)]
pub struct Tty {
    fd: OwnedFd,
    original: Termios,
    /// Set after a caught signal, for the one `Abort` pin13 sends then: the
    /// waits no longer end on the signal flag (they still have deadlines).
    past_signal: bool,
}

impl Drop for Tty {
    fn drop(&mut self) {
        // Best effort: the port may be gone (unplugged) by now.
        let _ = termios::tcsetattr(&self.fd, OptionalActions::Now, &self.original);
    }
}

impl Tty {
    /// Open `path` raw and non-blocking, drop anything already received.
    pub fn open(path: &Path) -> Result<Tty, JigError> {
        let flags = OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let fd = rustix::fs::open(path, flags, Mode::empty()).map_err(|e| open_error(path, e))?;
        let original = termios::tcgetattr(&fd).map_err(|e| match e {
            Errno::NOTTY => JigError::Unavailable {
                message: format!("{} is not a serial port", path.display()),
                hint: Some("Give the Pico's port, e.g. --backend serial:/dev/ttyACM0.".into()),
            },
            e => open_error(path, e),
        })?;
        let mut t = original.clone();
        t.make_raw();
        t.control_modes |= ControlModes::CLOCAL | ControlModes::CREAD;
        // From here on `Tty`'s drop restores `original`, whatever happens.
        let tty = Tty {
            fd,
            original,
            past_signal: false,
        };
        termios::tcsetattr(&tty.fd, OptionalActions::Now, &t).map_err(|e| open_error(path, e))?;
        // No TIOCEXCL: a client killed while holding it would lock every later
        // client out of `pin13 jig emulate`'s pty (the emulator keeps it open).
        let _ = termios::tcflush(&tty.fd, QueueSelector::IFlush);
        Ok(tty)
    }
}

fn open_error(path: &Path, e: Errno) -> JigError {
    let p = path.display();
    let (message, hint) = match e {
        Errno::NOENT | Errno::NODEV | Errno::NXIO => (
            format!("no jig at {p}"),
            "Plug in the Pico (it appears as /dev/ttyACM0; `ls /dev/ttyACM*` lists the candidates), \
             or try the client with `pin13 jig emulate --wire open`."
                .to_string(),
        ),
        Errno::ACCESS | Errno::PERM => (
            format!("permission denied opening {p}"),
            "Add yourself to the group that owns the port (often `dialout`: `sudo usermod -aG dialout $USER`, \
             then log in again)."
                .to_string(),
        ),
        Errno::BUSY => (
            format!("{p} is in use by another program"),
            "Close other serial terminals; ModemManager may also grab new ports for a few seconds.".to_string(),
        ),
        e => (format!("cannot open {p}: {e}"), "Check the USB cable and the port name.".to_string()),
    };
    JigError::Unavailable {
        message,
        hint: Some(hint),
    }
}

fn timespec(d: Duration) -> Timespec {
    Timespec {
        tv_sec: d.as_secs().min(i32::MAX as u64) as _,
        tv_nsec: d.subsec_nanos() as _,
    }
}

/// The transport error of a wait cut short by a caught signal.
fn interrupted() -> TransportError {
    TransportError::Io(std::io::Error::from(std::io::ErrorKind::Interrupted))
}

/// Wait for `flags` until `deadline`; Ok(false) = timed out. A caught signal
/// (see [`guard`]) ends the wait with an `Interrupted` error, unless
/// `past_signal` (the wait for the answer to the `Abort` sent after it).
fn wait(
    fd: &OwnedFd,
    flags: PollFlags,
    deadline: Instant,
    past_signal: bool,
) -> Result<bool, TransportError> {
    loop {
        // A signal that arrived outside poll() must not wait out the deadline.
        if guard::interrupted() && !past_signal {
            return Err(interrupted());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let mut fds = [PollFd::new(fd, flags)];
        match poll(&mut fds, Some(&timespec(left))) {
            Ok(0) => return Ok(false),
            Ok(_) => {
                let re = fds[0].revents();
                if re.intersects(flags) {
                    return Ok(true);
                }
                if re.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
                    return Err(TransportError::Disconnected);
                }
            }
            Err(Errno::INTR) => {}
            Err(e) => return Err(TransportError::Io(e.into())),
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
    }
}

fn gone(e: Errno) -> bool {
    matches!(
        e,
        Errno::IO | Errno::NXIO | Errno::NODEV | Errno::PIPE | Errno::BADF
    )
}

impl Transport for Tty {
    fn send(&mut self, mut bytes: &[u8]) -> Result<(), TransportError> {
        let deadline = Instant::now() + WRITE_TIMEOUT;
        while !bytes.is_empty() {
            match rustix::io::write(&self.fd, bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(Errno::AGAIN) | Err(Errno::INTR) => {
                    if !wait(&self.fd, PollFlags::OUT, deadline, self.past_signal)? {
                        return Err(TransportError::Io(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            "the port did not take our request within 2 s",
                        )));
                    }
                }
                Err(e) if gone(e) => return Err(TransportError::Disconnected),
                Err(e) => return Err(TransportError::Io(e.into())),
            }
        }
        Ok(())
    }

    fn recv(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        let deadline = Instant::now() + timeout;
        loop {
            match rustix::io::read(&self.fd, &mut *buf) {
                // End of file on a tty: the other side hung up.
                Ok(0) => return Err(TransportError::Disconnected),
                Ok(n) => return Ok(n),
                Err(Errno::AGAIN) | Err(Errno::INTR) => {
                    if !wait(&self.fd, PollFlags::IN, deadline, self.past_signal)? {
                        return Ok(0);
                    }
                }
                Err(e) if gone(e) => return Err(TransportError::Disconnected),
                Err(e) => return Err(TransportError::Io(e.into())),
            }
        }
    }
}

/// A jig on a serial port.
#[derive(Debug)]
pub struct SerialBackend {
    path: PathBuf,
    client: Client<Tty>,
}

impl SerialBackend {
    /// Open the port and check that a pin13 jig speaking our protocol answers,
    /// with the default slack (1 s) on every answer's deadline.
    pub fn open(path: &Path) -> Result<SerialBackend, JigError> {
        Self::open_with_slack(path, DEFAULT_MARGIN)
    }

    /// Like [`SerialBackend::open`], with `slack` added to every answer's
    /// deadline (the greeting's included).
    pub fn open_with_slack(path: &Path, slack: Duration) -> Result<SerialBackend, JigError> {
        guard::catch_signals();
        let tty = Tty::open(path)?;
        let client = Client::connect_with_margin(tty, slack).map_err(|e| connect_error(path, e))?;
        Ok(SerialBackend {
            path: path.to_path_buf(),
            client,
        })
    }

    /// What the jig said when we connected.
    pub fn info(&self) -> HelloInfo {
        self.client.info()
    }
}

/// A client error caused by a caught signal (the port is restored as the
/// error unwinds).
fn was_interrupted(e: &ClientError) -> bool {
    matches!(e, ClientError::Transport(TransportError::Io(io)) if io.kind() == std::io::ErrorKind::Interrupted)
        && guard::interrupted()
}

fn connect_error(path: &Path, e: ClientError) -> JigError {
    let p = path.display();
    if was_interrupted(&e) {
        return guard::interrupted_error(&format!("{p} has its settings back"));
    }
    match e {
        ClientError::NoAnswer { waited } => JigError::Unavailable {
            message: format!(
                "no pin13 jig answered on {p} within {} ms",
                waited.as_millis()
            ),
            hint: Some(format!(
                "Is this the Pico with the pin13 firmware? {FLASH_HINT}"
            )),
        },
        ClientError::VersionMismatch {
            jig,
            host,
            firmware,
        } => {
            let fw = firmware
                .map(|v| format!(" (firmware {v})"))
                .unwrap_or_default();
            let hint = if jig < host {
                format!("The jig's firmware is older than this pin13. {FLASH_HINT}")
            } else {
                "The jig's firmware is newer than this pin13: update pin13, or flash the firmware built \
                 from this pin13's source (bash firmware/build.sh)."
                    .to_string()
            };
            JigError::Protocol {
                message: format!("the jig on {p} speaks protocol {jig}{fw}, this pin13 speaks {PROTOCOL_VERSION}"),
                hint: Some(hint),
            }
        }
        ClientError::Unexpected(what) => JigError::Protocol {
            message: format!("the device on {p} is not a pin13 jig ({what})"),
            hint: Some(FLASH_HINT.to_string()),
        },
        e => op_error(path, "the greeting", e),
    }
}

fn op_error(path: &Path, what: &str, e: ClientError) -> JigError {
    let p = path.display();
    if was_interrupted(&e) {
        return guard::interrupted_error(&format!(
            "stopped waiting for {what}; {p} has its settings back"
        ));
    }
    match e {
        ClientError::Transport(TransportError::Disconnected) => JigError::Failed {
            message: format!("the jig on {p} disconnected during {what}"),
            hint: Some(
                "Check the USB cable and run the command again. A Pico that loses power leaves every line an input."
                    .into(),
            ),
        },
        ClientError::Transport(TransportError::Io(io)) => JigError::Failed {
            message: format!("I/O error on {p} during {what}: {io}"),
            hint: Some("Check the USB cable and run the command again.".into()),
        },
        ClientError::NoAnswer { waited } => JigError::Failed {
            message: format!("the jig on {p} stopped answering during {what} (waited {} ms)", waited.as_millis()),
            hint: Some("Unplug the Pico, plug it back in and run the command again.".into()),
        },
        ClientError::Invalid(inv) => JigError::Failed {
            message: format!("the Pico jig cannot run this: {inv}"),
            hint: Some(LIMITS_HINT.into()),
        },
        ClientError::Refused(WireError::Invalid(inv)) => JigError::Failed {
            message: format!("the jig refused {what}: {inv}"),
            hint: Some(LIMITS_HINT.into()),
        },
        ClientError::Refused(WireError::NoAdc) => JigError::NoAdc,
        ClientError::Refused(e) => JigError::Failed { message: format!("{e} (during {what})"), hint: None },
        ClientError::Aborted => JigError::Failed {
            message: format!("the jig on {p} aborted {what} before it finished; every jig line is an input"),
            hint: Some("Another pin13 on the same port sent Abort; run the command again.".into()),
        },
        ClientError::VersionMismatch { .. } | ClientError::Unexpected(_) => JigError::Protocol {
            message: format!("unexpected answer from the jig on {p} during {what}: {e}"),
            hint: Some(FLASH_HINT.to_string()),
        },
    }
}

impl Device for SerialBackend {
    type Error = JigError;

    /// Ctrl-C (or another caught signal) while the Pico probes sends it
    /// `Abort`, which stops the probe within a few samples with every line
    /// an input, and waits (at most the slack) for the jig to confirm.
    fn probe(&mut self, cfg: &ProbeConfig) -> Result<ProbeReport, JigError> {
        let path = self.path.clone();
        match self.client.probe(cfg) {
            Ok(r) => Ok(r),
            Err(e) if was_interrupted(&e) => Err(self.abort_after_signal()),
            Err(e) => Err(op_error(&path, "the probe", e)),
        }
    }

    /// The analog probe on the Pico (protocol 2); Ctrl-C sends `Abort` as
    /// for [`SerialBackend::probe`]. The stop hook is the signal flag, read
    /// by the wait for the answer.
    fn analog_probe_until(
        &mut self,
        cfg: &ProbeConfig,
        _stop: &mut dyn jig_core::probe::Stop,
    ) -> Result<jig_core::analog::AnalogReport, JigError> {
        let path = self.path.clone();
        match self.client.analog_probe(cfg) {
            Ok(r) => Ok(r),
            Err(e) if was_interrupted(&e) => Err(self.abort_after_signal()),
            Err(e) => Err(op_error(&path, "the analog probe", e)),
        }
    }

    fn kill(&mut self, op: &KillOp) -> Result<KillReport, JigError> {
        let path = self.path.clone();
        self.client
            .kill(op)
            .map_err(|e| op_error(&path, "the kill-line operation", e))
    }

    fn self_test(&mut self) -> Result<SelfTestReport, JigError> {
        let path = self.path.clone();
        self.client
            .self_test()
            .map_err(|e| op_error(&path, "the self-test", e))
    }

    fn safe(&mut self) -> Result<(), JigError> {
        let path = self.path.clone();
        self.client
            .abort()
            .map_err(|e| op_error(&path, "releasing the lines", e))
    }
}

impl SerialBackend {
    /// After a caught signal: send `Abort`, wait for its answer, and say
    /// what state the jig is in.
    fn abort_after_signal(&mut self) -> JigError {
        let p = self.path.display().to_string();
        self.client.transport().past_signal = true;
        let r = self.client.abort();
        self.client.transport().past_signal = false;
        match r {
            Ok(()) => guard::interrupted_error(&format!(
                "the jig aborted the probe, every jig line is an input; {p} has its settings back"
            )),
            Err(e) => JigError::Failed {
                message: format!(
                    "interrupted by a signal; the jig on {p} did not confirm the abort ({e}); {p} has its settings back"
                ),
                hint: Some("Run `pin13 jig safe` to make every jig line an input.".into()),
            },
        }
    }
}

impl Backend for SerialBackend {
    /// `serial:PATH KIND VERSION`, e.g. `serial:/dev/ttyACM0 pico 0.1.0`.
    fn describe(&self) -> String {
        let info = self.client.info();
        format!(
            "serial:{} {} {}",
            self.path.display(),
            info.kind.name(),
            info.firmware
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
    use rustix::termios::{LocalModes, OutputModes};

    /// A pty pair left in its default (cooked) mode, with nobody answering.
    fn cooked_pty() -> (OwnedFd, OwnedFd, PathBuf) {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
            .expect("a pseudo-terminal");
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let path = PathBuf::from(name.to_string_lossy().into_owned());
        let slave = rustix::fs::open(
            &path,
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .unwrap();
        (master, slave, path)
    }

    #[test]
    fn a_port_that_is_no_jig_gets_its_settings_back() {
        let (_master, slave, path) = cooked_pty();
        let before = termios::tcgetattr(&slave).unwrap();
        let cooked = LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG;
        assert!(before.local_modes.contains(cooked));
        assert!(before.output_modes.contains(OutputModes::OPOST));
        let e = SerialBackend::open_with_slack(&path, Duration::from_millis(50)).unwrap_err();
        assert!(e.to_string().starts_with("no pin13 jig answered"), "{e}");
        // 500 ms of the greeting's own budget plus the 50 ms slack.
        assert!(e.to_string().contains("within 550 ms"), "{e}");
        let after = termios::tcgetattr(&slave).unwrap();
        assert!(
            after.local_modes.contains(cooked),
            "{:?}",
            after.local_modes
        );
        assert!(after.output_modes.contains(OutputModes::OPOST));
        assert_eq!(after.local_modes, before.local_modes);
        assert_eq!(after.input_modes, before.input_modes);
    }
}
