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

    // The board: RP2040 (Pico) or RP2350 (Pico 2), never both.
    let pico = env::var_os("CARGO_FEATURE_PICO").is_some();
    let pico2 = env::var_os("CARGO_FEATURE_PICO2").is_some();
    if pico == pico2 {
        eprintln!("error: enable exactly one board feature: `pico` (default, RP2040) or `pico2` (--no-default-features --features pico2, RP2350)");
        exit(1);
    }
    // memory.x on the linker search path: memory-rp2040.x or memory-rp2350.x (not
    // named memory.x here, or the linker would find it in the crate dir first).
    let memory = if pico2 {
        "memory-rp2350.x"
    } else {
        "memory-rp2040.x"
    };
    if let Err(e) = fs::copy(manifest.join(memory), out.join("memory.x")) {
        eprintln!("error: cannot copy {memory}: {e}");
        exit(1);
    }
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory-rp2040.x");
    println!("cargo:rerun-if-changed=memory-rp2350.x");

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
    if pico {
        // boot2 placement (RP2040 only; the RP2350 boot ROM reads the IMAGE_DEF block).
        println!("cargo:rustc-link-arg-bins=-Tlink-rp.x");
    }
    println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
}
