//! Linker setup (memory.x, cortex-m-rt, embassy-rp, defmt) and the pin
//! constants generated from ../../hardware/jig.toml by jig-wiring.

use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::exit;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));

    // memory.x on the linker search path.
    if let Err(e) = fs::copy(manifest.join("memory.x"), out.join("memory.x")) {
        eprintln!("error: cannot copy memory.x: {e}");
        exit(1);
    }
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");

    // The jig's pins come only from the wiring file.
    let wiring_path = manifest.join("../../hardware/jig.toml");
    println!("cargo:rerun-if-changed={}", wiring_path.display());
    let text = match fs::read_to_string(&wiring_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", wiring_path.display());
            exit(1);
        }
    };
    let wiring = match jig_wiring::Wiring::from_toml_str(&text) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {}: {e}", wiring_path.display());
            exit(1);
        }
    };
    if let Err(e) = fs::write(
        out.join("pins.rs"),
        jig_wiring::render_firmware_pins(&wiring),
    ) {
        eprintln!("error: cannot write pins.rs: {e}");
        exit(1);
    }

    println!("cargo:rustc-link-arg-bins=--nmagic");
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rustc-link-arg-bins=-Tlink-rp.x");
    println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
}
