//! Build script: names the build in `pin13 --version` (and, through
//! `env!("PIN13_BUILD")`, anywhere else that wants it).
//!
//! PIN13_BUILD is, in this order: the environment variable PIN13_BUILD when it
//! is set and not empty (`scripts/dist.sh` sets it to the package version),
//! else `git describe --always --dirty` of the source tree, else "unknown"
//! (a tarball without .git, or no git installed: the build never fails here).

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PIN13_BUILD");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    watch_git(Path::new(&manifest_dir));

    let build = std::env::var("PIN13_BUILD")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| git_describe(Path::new(&manifest_dir)))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=PIN13_BUILD={build}");
    discard_unwind_tables(Path::new(&manifest_dir));
    rpi_pins(Path::new(&manifest_dir));
}

/// With the `rpi` feature: the Pi backend's default BCM pins from
/// hardware/jig.toml, checked by jig-wiring and written to
/// `OUT_DIR/rpi_pins.rs` (a bad wiring file fails the build, naming the line
/// and the field, as it fails the firmware's).
fn rpi_pins(manifest_dir: &Path) {
    if std::env::var_os("CARGO_FEATURE_RPI").is_none() {
        return;
    }
    let file = manifest_dir.join("../hardware/jig.toml");
    println!("cargo:rerun-if-changed={}", file.display());
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let wiring = jig_wiring::Wiring::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let out =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("rpi_pins.rs");
    std::fs::write(&out, jig_wiring::render_rpi_pins(&wiring))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Release builds of the binary for Linux link without unwind tables
/// (`.eh_frame`, `.eh_frame_hdr`: link/discard-unwind-tables.ld). The release
/// profile aborts on panic, so nothing unwinds; the tables only fed the
/// backtrace printer, which in a stripped binary prints no names anyway. They
/// were about 160 KB of a 1 MiB budget (docs/benchmarks.md).
/// `-C force-unwind-tables=no` cannot do this: the standard library's code
/// comes with its tables. Debug and test builds unwind and keep them.
fn discard_unwind_tables(manifest_dir: &Path) {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("PROFILE") == "release" && var("CARGO_CFG_TARGET_OS") == "linux" {
        let script = manifest_dir.join("link/discard-unwind-tables.ld");
        println!("cargo:rerun-if-changed={}", script.display());
        println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    }
}

/// `git describe --always --dirty`, or None when git or the repository is missing.
fn git_describe(dir: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Re-run when HEAD moves, a ref or tag changes, or the index changes (which is
/// what --dirty notices). Worktrees keep HEAD and index in their own git dir and
/// refs in the common one, so ask git for both rather than assume `.git/`.
fn watch_git(dir: &Path) {
    let ask = |what: &str| -> Option<String> {
        let out = Command::new("git")
            .args(["rev-parse", "--path-format=absolute", what])
            .current_dir(dir)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    if let Some(git_dir) = ask("--git-dir") {
        let g = Path::new(&git_dir);
        for f in ["HEAD", "index"] {
            println!("cargo:rerun-if-changed={}", g.join(f).display());
        }
    }
    if let Some(common) = ask("--git-common-dir") {
        let c = Path::new(&common);
        for f in ["refs/heads", "refs/tags", "packed-refs"] {
            let p = c.join(f);
            if p.exists() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }
    // --dirty also depends on unstaged edits, and cargo's default ("any file
    // in the package") is replaced as soon as one line is printed: watch the
    // sources and this script too (a directory is scanned recursively).
    for p in ["build.rs", "Cargo.toml", "src"] {
        println!("cargo:rerun-if-changed={p}");
    }
}
