//! `pin13 snapshot [-o FILE]`: everything needed to reproduce a report
//! offline, as one JSON document (see [`crate::model::snapshot`]).
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::inventory::fold_events;
use crate::model::snapshot::{
    cmdline_rfkill, to_json, DevInfo, Kernel, SnapDevice, SnapEvent, Snapshot, Tool, FORMAT,
    FORMAT_VERSION,
};
use crate::sys::kernel::{proc_root, read_kernel, read_module_parameters};

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// Write the snapshot to FILE (atomically; `-` is stdout) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// procfs mount point for the kernel version. Default: /proc when --sysfs
    /// is /sys, else a `proc` directory beside the sysfs root (DIR/../proc)
    /// when there is one.
    #[arg(long, value_name = "DIR", env = "PIN13_PROC")]
    pub proc: Option<PathBuf>,

    /// Leave out the creation time, so equal machines give equal files.
    #[arg(long)]
    pub reproducible: bool,
}

/// The ADD events /dev/rfkill gives on open, or why it could not be read.
/// A path that is there but is no rfkill device (/dev/zero, a text file, an
/// idle FIFO) is the user's mistake, not a state of the machine: an error.
fn read_events(path: &Path) -> Result<(DevInfo, Vec<SnapEvent>), Error> {
    let info = |readable, error, event_size| DevInfo {
        path: path.display().to_string(),
        readable,
        error,
        event_size,
    };
    let read = crate::sys::device::Device::open_read(path)
        .and_then(|mut dev| dev.drain().map(|evs| (dev.event_size(), evs)));
    match read {
        Ok((size, evs)) => Ok((
            info(true, None, Some(size)),
            fold_events(&evs).iter().map(SnapEvent::from).collect(),
        )),
        Err(e) if e.is_not_rfkill() => Err(e.into()),
        Err(e) => Ok((info(false, Some(e.to_string()), None), Vec::new())),
    }
}

/// Capture this machine (or the trees the options point at).
pub fn capture(ctx: &Context, args: &SnapshotArgs) -> Result<Snapshot, Error> {
    let root = ctx.sysfs.root().to_path_buf();
    // A sysfs root that is not there at all is a mistyped path, not a
    // machine without rfkill: a snapshot of nothing would only mislead.
    if !root.is_dir() {
        return Err(Error::runtime(
            format!("no such directory: {}", root.display()),
            Some("check the path given to --sysfs (or PIN13_SYSFS); the real one is /sys".into()),
        ));
    }
    // No rfkill class at all is worth a snapshot too (kernel, module
    // parameters): it says the rfkill core or the driver is not loaded.
    let devices = match ctx.sysfs.list() {
        Ok(d) => d,
        Err(crate::sys::sysfs::SysfsError::NoClass { path }) => {
            crate::render::table::note(&format!(
                "{} does not exist (rfkill not loaded): the snapshot has no devices",
                path.display()
            ));
            Vec::new()
        }
        Err(e) => return Err(e.into()),
    };
    let (dev, events) = read_events(&ctx.rfkill_dev)?;
    let proc = proc_root(args.proc.as_deref(), &root);
    let created_unix = if args.reproducible {
        None
    } else {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs())
    };
    Ok(Snapshot {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: "pin13".into(),
            version: crate::cmd::args::VERSION.into(),
        },
        created_unix,
        kernel: {
            let k = read_kernel(proc.as_deref());
            Kernel {
                osrelease: k.osrelease,
                version: k.version,
                cmdline_rfkill: cmdline_rfkill(&k.cmdline),
            }
        },
        sysfs_root: Some(root.display().to_string()),
        rfkill_dev: Some(dev),
        module_parameters: read_module_parameters(
            &root,
            &crate::model::hardware::base_modules(),
            &devices,
        ),
        devices: devices.into_iter().map(SnapDevice::new).collect(),
        events,
    })
}

pub fn run(ctx: &Context, args: &SnapshotArgs) -> Result<Status, Error> {
    if ctx.replay.is_some() {
        return Err(Error::usage(
            "snapshot captures this machine; it cannot be combined with --replay",
            Some(
                "to look at a snapshot, run `pin13 --replay FILE status` or `... diagnose`".into(),
            ),
        ));
    }
    let snap = capture(ctx, args)?;
    if let Some(dev) = &snap.rfkill_dev {
        if let Some(e) = &dev.error {
            crate::render::table::note(&format!(
                "no events in the snapshot ({e}); sysfs was captured"
            ));
        }
    }
    let text = to_json(&snap)?;
    match args.output.as_deref().filter(|p| *p != Path::new("-")) {
        Some(path) => {
            crate::sys::files::write_atomic(path, &text)?;
            crate::render::table::note(&format!(
                "wrote {} ({} radios)",
                path.display(),
                snap.devices.len()
            ));
        }
        None => {
            crate::render::table::emit(&mut std::io::stdout().lock(), &text)?;
        }
    }
    Ok(Status::Success)
}
