//! `--backend serial:PATH`: a Pico running the pin13 firmware (USB CDC-ACM,
//! usually /dev/ttyACM0), or `pin13 jig emulate`'s pseudo-terminal, speaking
//! jig-protocol.
//!
//! The port is opened raw (no echo, no line editing) with rustix's safe
//! termios calls; every read and write has a deadline. Errors say what to do:
//! no device, permission, not a pin13 jig, another protocol version, unplugged.
#![forbid(unsafe_code)]

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jig_core::{KillOp, KillReport, ProbeConfig, ProbeReport};
use jig_protocol::client::{Client, ClientError, Transport, TransportError};
use jig_protocol::{HelloInfo, SelfTestReport, WireError, PROTOCOL_VERSION};
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::termios::{self, ControlModes, OptionalActions, QueueSelector};

use super::backend::{Backend, JigError};

/// How long one write may wait for the port to take the bytes.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

const FLASH_HINT: &str = "Flash the pin13 firmware: run `bash firmware/build.sh`, hold BOOTSEL while \
                          plugging in the Pico and copy target/firmware/pin13-jig.uf2 to the RPI-RP2 drive.";

/// A raw serial port (or pty) with deadlines.
#[derive(Debug)]
pub struct Tty {
    fd: OwnedFd,
}

impl Tty {
    /// Open `path` raw and non-blocking, drop anything already received.
    pub fn open(path: &Path) -> Result<Tty, JigError> {
        let flags = OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let fd = rustix::fs::open(path, flags, Mode::empty()).map_err(|e| open_error(path, e))?;
        let mut t = termios::tcgetattr(&fd).map_err(|e| match e {
            Errno::NOTTY => JigError::Unavailable {
                message: format!("{} is not a serial port", path.display()),
                hint: Some("Give the Pico's port, e.g. --backend serial:/dev/ttyACM0.".into()),
            },
            e => open_error(path, e),
        })?;
        t.make_raw();
        t.control_modes |= ControlModes::CLOCAL | ControlModes::CREAD;
        termios::tcsetattr(&fd, OptionalActions::Now, &t).map_err(|e| open_error(path, e))?;
        // No TIOCEXCL: a client killed while holding it would lock every later
        // client out of `pin13 jig emulate`'s pty (the emulator keeps it open).
        let _ = termios::tcflush(&fd, QueueSelector::IFlush);
        Ok(Tty { fd })
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

/// Wait for `flags` until `deadline`; Ok(false) = timed out.
fn wait(fd: &OwnedFd, flags: PollFlags, deadline: Instant) -> Result<bool, TransportError> {
    loop {
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
                    if !wait(&self.fd, PollFlags::OUT, deadline)? {
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
                    if !wait(&self.fd, PollFlags::IN, deadline)? {
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
    /// Open the port and check that a pin13 jig speaking our protocol answers.
    pub fn open(path: &Path) -> Result<SerialBackend, JigError> {
        let tty = Tty::open(path)?;
        let client = Client::connect(tty).map_err(|e| connect_error(path, e))?;
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

fn connect_error(path: &Path, e: ClientError) -> JigError {
    let p = path.display();
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
            hint: Some("Lower --samples or --settle, or split a long kill-line run into several commands.".into()),
        },
        ClientError::Refused(WireError::Invalid(inv)) => JigError::Failed {
            message: format!("the jig refused {what}: {inv}"),
            hint: Some("Lower --samples or --settle, or split a long kill-line run into several commands.".into()),
        },
        ClientError::Refused(e) => JigError::Failed { message: format!("{e} (during {what})"), hint: None },
        ClientError::VersionMismatch { .. } | ClientError::Unexpected(_) => JigError::Protocol {
            message: format!("unexpected answer from the jig on {p} during {what}: {e}"),
            hint: Some(FLASH_HINT.to_string()),
        },
    }
}

impl Backend for SerialBackend {
    fn describe(&self) -> String {
        let info = self.client.info();
        format!(
            "serial:{} ({} {})",
            self.path.display(),
            info.kind.name(),
            info.firmware
        )
    }

    fn probe(&mut self, cfg: &ProbeConfig) -> Result<ProbeReport, JigError> {
        let path = self.path.clone();
        self.client
            .probe(cfg)
            .map_err(|e| op_error(&path, "the probe", e))
    }

    fn kill(&mut self, op: &KillOp) -> Result<KillReport, JigError> {
        let path = self.path.clone();
        self.client
            .kill(op)
            .map_err(|e| op_error(&path, "the kill-line operation", e))
    }

    fn safe(&mut self) -> Result<(), JigError> {
        let path = self.path.clone();
        self.client
            .abort()
            .map_err(|e| op_error(&path, "releasing the lines", e))
    }

    fn self_test(&mut self) -> Result<SelfTestReport, JigError> {
        let path = self.path.clone();
        self.client
            .self_test()
            .map_err(|e| op_error(&path, "the self-test", e))
    }
}
