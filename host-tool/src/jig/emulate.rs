//! `pin13 jig emulate --wire MODEL`: jig-core on the simulated bench behind
//! the real protocol server, on a pseudo-terminal.
//!
//! Prints the pty path as the first line of stdout, then serves until killed:
//! `pin13 jig probe --backend serial:PATH` talks to it exactly as to a Pico.
//! Tests use it for the real serial path; users try the client without
//! hardware.
#![forbid(unsafe_code)]

use std::ffi::OsStr;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use jig_core::sim::{SimBench, SimConfig, WireModel, MODEL_NAMES, POWERED_PREFIX};
use jig_core::Jig;
use jig_protocol::{
    AbortWatch, Device, DeviceError, FirmwareVersion, HelloInfo, Inbox, JigDevice, JigKind, Server,
    StreamServer, WireError, PROTOCOL_VERSION,
};
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
use rustix::termios::{self, OptionalActions};

use crate::error::Error;
use crate::exit::Status;

#[derive(Debug, clap::Args)]
pub struct EmulateArgs {
    /// The simulated bench: open, connected, intermittent:P, stuck-high,
    /// stuck-low or no-contact; prefix powered- for a card powered in a host.
    #[arg(long, value_name = "MODEL")]
    pub wire: String,

    /// Seed of the simulated bench (internal pulls, intermittent contacts).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
}

fn io_err(what: &str, e: Errno) -> Error {
    Error::runtime(format!("jig emulate: {what}: {e}"), None)
}

/// A pty pair: the master we serve on, and one slave end we hold open so
/// the master never sees a hangup between clients.
#[derive(Debug)]
pub struct Pty {
    pub master: OwnedFd,
    _slave: OwnedFd,
    /// The slave's path (/dev/pts/N): what clients open.
    pub path: PathBuf,
}

/// Open a raw pseudo-terminal pair.
pub fn open_pty() -> Result<Pty, Error> {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
        .map_err(|e| io_err("cannot open a pseudo-terminal (/dev/ptmx)", e))?;
    grantpt(&master).map_err(|e| io_err("grantpt", e))?;
    unlockpt(&master).map_err(|e| io_err("unlockpt", e))?;
    let name = ptsname(&master, Vec::new()).map_err(|e| io_err("ptsname", e))?;
    let path = PathBuf::from(OsStr::from_bytes(name.as_bytes()));
    let slave = rustix::fs::open(
        &path,
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| io_err(&format!("cannot open {}", path.display()), e))?;
    // Raw: no echo, no line editing, bytes pass unchanged both ways.
    let mut t = termios::tcgetattr(&slave).map_err(|e| io_err("tcgetattr", e))?;
    t.make_raw();
    termios::tcsetattr(&slave, OptionalActions::Now, &t).map_err(|e| io_err("tcsetattr", e))?;
    Ok(Pty {
        master,
        _slave: slave,
        path,
    })
}

/// Serve protocol requests arriving on the pty master until an I/O error.
/// An `Abort` that arrives while a probe runs stops it, as on the Pico
/// (jig-protocol's [`AbortWatch`] reads ahead without blocking).
pub fn serve<D>(pty: &Pty, stream: &mut StreamServer<D>) -> Result<Status, Error>
where
    D: Device,
    WireError: From<D::Error>,
{
    let mut inbox = Inbox::<512>::new();
    loop {
        if inbox.is_empty() {
            let room = inbox.room();
            let n = match rustix::io::read(&pty.master, room) {
                Ok(n) => n,
                Err(Errno::INTR) | Err(Errno::AGAIN) => continue,
                Err(e) => return Err(io_err("reading the pseudo-terminal", e)),
            };
            inbox.filled(n);
        }
        while let Some(b) = inbox.pop() {
            let mut watch = AbortWatch::new(&mut inbox, 1, |room: &mut [u8]| {
                read_ready(&pty.master, room)
            });
            if let Some(frame) = stream.push_until(b, &mut watch) {
                write_all(&pty.master, frame)
                    .map_err(|e| io_err("writing the pseudo-terminal", e))?;
            }
        }
    }
}

/// What the pty already holds, without waiting (0 when nothing or on error:
/// the serve loop's next blocking read reports errors).
fn read_ready(fd: &OwnedFd, room: &mut [u8]) -> usize {
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&zero)) {
        Ok(n) if n > 0 && fds[0].revents().contains(PollFlags::IN) => {
            rustix::io::read(fd, room).unwrap_or(0)
        }
        _ => 0,
    }
}

/// The emulator's server: jig-core on `bench` behind the protocol.
pub fn server(bench: &SimBench) -> StreamServer<impl Device<Error = DeviceError> + '_> {
    let jig = match Jig::new(bench.drive(), bench.sense_ref(), bench.sense()) {
        Ok(j) => j,
        Err(never) => match never {},
    };
    let info = HelloInfo {
        protocol: PROTOCOL_VERSION,
        firmware: FirmwareVersion::parse(env!("CARGO_PKG_VERSION")),
        kind: JigKind::Emulator,
    };
    StreamServer::new(Server::new(JigDevice::new(jig, bench.delay()), info))
}

fn write_all(fd: &OwnedFd, mut bytes: &[u8]) -> Result<(), Errno> {
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub fn run(args: &EmulateArgs) -> Result<Status, Error> {
    let model: WireModel = args.wire.parse().map_err(|e| {
        Error::usage(
            format!("--wire {}: {e}", args.wire),
            Some(format!(
                "e.g. --wire open; models: {} ({POWERED_PREFIX}... for a powered card)",
                MODEL_NAMES.join(", ")
            )),
        )
    })?;
    let bench = SimBench::new(model, SimConfig::DEFAULT, args.seed)
        .map_err(|e| Error::runtime(format!("jig emulate: {e}"), None))?;
    let mut stream = server(&bench);
    let pty = open_pty()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", pty.path.display()).map_err(Error::Output)?;
        out.flush().map_err(Error::Output)?;
    }
    // A note for people; the emulator serves on whether or not stderr can be
    // written (closed, a full disk, a pipe nobody reads).
    let _ = writeln!(
        std::io::stderr(),
        "pin13 jig emulate: simulated bench `{model}` on {p}; try `pin13 jig probe --backend serial:{p}`. \
         Ctrl-C stops it.",
        p = pty.path.display()
    );
    serve(&pty, &mut stream)
}
