//! Kernel facts a snapshot keeps, read from procfs (release, version, command
//! line) and sysfs (`module/*/parameters`). Missing files give nothing, not
//! errors: a snapshot says what it could read.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::sys::sysfs::SysRadio;

/// What procfs says about the running kernel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KernelText {
    pub osrelease: Option<String>,
    pub version: Option<String>,
    pub cmdline: String,
}

/// Longest parameter value kept (some modules export big tables).
const MAX_PARAM: usize = 4096;

/// Where procfs is for this run (see [`SnapshotArgs::proc`]).
pub fn proc_root(explicit: Option<&Path>, sysfs_root: &Path) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if sysfs_root == Path::new("/sys") || sysfs_root == Path::new("/sys/") {
        return Some(PathBuf::from("/proc"));
    }
    let sibling = sysfs_root.parent()?.join("proc");
    sibling.is_dir().then_some(sibling)
}

fn read_trimmed(path: &Path) -> Option<String> {
    let b = crate::sys::files::read_head(path, crate::sys::sysfs::ATTR_MAX).ok()?;
    Some(
        String::from_utf8_lossy(&b)
            .trim_end_matches('\n')
            .to_string(),
    )
}

/// The module names behind the radios' drivers: the driver directory's
/// `module` link when present, else the driver name with `-` as `_`.
fn driver_modules(sysfs_root: &Path, devices: &[SysRadio]) -> Vec<String> {
    let mut out = Vec::new();
    for d in devices {
        for p in &d.parents {
            let (Some(drv), Some(bus)) = (&p.driver, &p.subsystem) else {
                continue;
            };
            let link = sysfs_root.join(format!("bus/{bus}/drivers/{drv}/module"));
            let m = std::fs::read_link(&link)
                .ok()
                .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| drv.replace('-', "_"));
            out.push(m);
        }
    }
    out
}

/// `module/<m>/parameters/*` for the `base` modules and the radios' drivers.
pub fn read_module_parameters(
    sysfs_root: &Path,
    base: &[&str],
    devices: &[SysRadio],
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut names: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    names.extend(driver_modules(sysfs_root, devices));
    let mut out = BTreeMap::new();
    for m in names {
        if out.contains_key(&m) {
            continue;
        }
        let dir = sysfs_root.join("module").join(&m).join("parameters");
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut params = BTreeMap::new();
        for entry in rd.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Write-only or root-only parameters are left out, not guessed.
            if let Some(mut v) = read_trimmed(&entry.path()) {
                if v.len() > MAX_PARAM {
                    let mut cut = MAX_PARAM;
                    while !v.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    v.truncate(cut);
                }
                params.insert(name, v);
            }
        }
        // A module without readable parameters says nothing: leave it out.
        if !params.is_empty() {
            out.insert(m, params);
        }
    }
    out
}

/// The running kernel's release, version and command line from `proc`.
pub fn read_kernel(proc: Option<&Path>) -> KernelText {
    let Some(proc) = proc else {
        return KernelText::default();
    };
    KernelText {
        osrelease: read_trimmed(&proc.join("sys/kernel/osrelease")),
        version: read_trimmed(&proc.join("sys/kernel/version")),
        cmdline: read_trimmed(&proc.join("cmdline")).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_root_rules() {
        assert_eq!(
            proc_root(None, Path::new("/sys")),
            Some(PathBuf::from("/proc"))
        );
        assert_eq!(
            proc_root(Some(Path::new("/x/proc")), Path::new("/sys")),
            Some(PathBuf::from("/x/proc"))
        );
        let dir = std::env::temp_dir().join(format!("pin13-proc-root-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sys")).unwrap();
        assert_eq!(proc_root(None, &dir.join("sys")), None, "no sibling proc");
        std::fs::create_dir_all(dir.join("proc")).unwrap();
        assert_eq!(proc_root(None, &dir.join("sys")), Some(dir.join("proc")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
