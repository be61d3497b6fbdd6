//! `pin13 diagnose` on fixture trees: cause, advice and exit status per case.

use crate::harness::*;
use serde_json::Value;

fn device<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == name)
        .unwrap_or_else(|| panic!("no device {name} in {v}"))
}

#[test]
fn ipw2200_kill_line_is_exit_4_and_names_pin_13() {
    let r = fixture("ipw2200-hardkill", &["diagnose"]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    let first = r.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "phy0 (rfkill 0, wlan): HARD-BLOCKED by the card's own kill line (mini-PCI pin 13)"
    );
    has(
        &r.stdout,
        "  hardware: Intel PRO/Wireless 2200BG, mini-PCI card, PCI 8086:4220, at 0000:06:04.0\n",
    );
    has(&r.stdout, "  driver:   ipw2200 (bus pci)\n");
    has(
        &r.stdout,
        "reasons signal, rf_kill 2 (hardware kill line active)",
    );
    has(
        &r.stdout,
        "cover pin 13 (top face, the one with the antenna connectors; pin 1 is the lone contact beside the key notch; pin 13 is the 7th contact counting pin 1)",
    );
    has(&r.stdout, "`pin13 jig probe`");
    has(
        &r.stdout,
        "acer-wireless (rfkill 1, wlan): OK, not blocked\n",
    );
    // No /dev/rfkill: answered from sysfs, and said so on stderr.
    has(&r.stderr, "showing the state from sysfs instead");

    let j = fixture("ipw2200-hardkill", &["diagnose", "--json"]);
    assert_eq!(j.code, 4);
    let v = j.json();
    let phy = device(&v, "phy0");
    assert_eq!(phy["id"], 0);
    assert_eq!(phy["type"], "wlan");
    assert_eq!(phy["soft"], "unblocked");
    assert_eq!(phy["hard"], "blocked");
    assert_eq!(phy["reasons"], serde_json::json!(["signal"]));
    assert_eq!(phy["driver"], "ipw2200");
    assert_eq!(phy["bus"], "pci");
    assert_eq!(phy["pci_id"], "8086:4220");
    assert_eq!(phy["rf_kill"], 2);
    assert_eq!(phy["cause"], "card-kill-line");
    assert_eq!(phy["root"], 0);
    assert!(phy["advice"].as_str().unwrap().contains("pin 13"));
    let acer = device(&v, "acer-wireless");
    assert_eq!(acer["cause"], "none");
    assert_eq!(acer["driver"], "acer-wmi");
    assert_eq!(acer["bus"], "platform");
    assert_eq!(acer["advice"], "");
    assert_eq!(v["source"], "sysfs");
    assert_eq!(v["result"], "hard-blocked");
}

#[test]
fn the_kill_line_the_soft_block_and_the_free_radio_are_4_3_0() {
    assert_eq!(fixture("ipw2200-hardkill", &["diagnose"]).code, 4);
    let soft = fixture("ipw2200-taped-softblock", &["diagnose"]);
    assert_eq!(soft.code, 3, "{}", soft.stdout);
    assert!(
        soft.stdout
            .starts_with("phy0 (rfkill 0, wlan): soft-blocked"),
        "{}",
        soft.stdout
    );
    // (`sudo pin13 ...` when not root: wording.rs pins both forms.)
    has(&soft.stdout, "1. Lift the soft block: `");
    has(&soft.stdout, "pin13 unblock phy0`.");
    let v = fixture("ipw2200-taped-softblock", &["diagnose", "--json"]).json();
    assert_eq!(device(&v, "phy0")["cause"], "soft");
    assert_eq!(v["result"], "soft-blocked");
    let free = fixture("ipw2200-taped", &["diagnose"]);
    assert_eq!(free.code, 0, "{}", free.stdout);
    assert!(!free.stdout.contains("next:"), "{}", free.stdout);
    // Selecting the free radio on the kill-line machine: 0.
    let r = fixture("ipw2200-hardkill", &["diagnose", "acer-wireless"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.starts_with("acer-wireless (rfkill 1, wlan): OK"));
    assert!(
        !r.stdout.contains("phy0"),
        "only the selected radio: {}",
        r.stdout
    );
}

#[test]
fn thinkpad_switch_is_the_root_of_the_cards_block() {
    let r = fixture("thinkpad-radio-switch", &["diagnose", "--json"]);
    assert_eq!(r.code, 4);
    let v = r.json();
    let sw = device(&v, "tpacpi_bluetooth_sw");
    assert_eq!(sw["cause"], "platform-switch");
    assert_eq!(sw["root"], 0);
    assert_eq!(sw["driver"], "thinkpad_acpi");
    let phy = device(&v, "phy0");
    assert_eq!(phy["cause"], "platform-switch");
    assert_eq!(phy["root"], 0, "the switch, not the card");
    assert_eq!(phy["driver"], "iwl3945");
    assert_eq!(phy["pci_id"], "8086:4222");
    assert_eq!(phy["form_factor"], "mini-pcie");
    let advice = phy["advice"].as_str().unwrap();
    assert!(
        advice.contains("ThinkPad: slide the radio switch"),
        "{advice}"
    );
    assert!(advice.contains("Do not tape"), "{advice}");

    // Only the card selected: still told about the switch that holds it.
    let h = fixture("thinkpad-radio-switch", &["diagnose", "phy0"]);
    assert_eq!(h.code, 4);
    assert!(h.stdout.starts_with(
        "phy0 (rfkill 1, wlan): HARD-BLOCKED, held by the platform switch tpacpi_bluetooth_sw (rfkill 0)\n"
    ), "{}", h.stdout);
}

#[test]
fn dell_rbtn_hard_with_reasons_0x0() {
    let r = fixture("dell-rbtn-legacy", &["diagnose"]);
    assert_eq!(r.code, 4);
    assert!(
        r.stdout.starts_with(
            "dell-rbtn (rfkill 0, wlan): HARD-BLOCKED by the platform switch (dell-rbtn)\n"
        ),
        "{}",
        r.stdout
    );
    has(&r.stdout, "  driver:   dell-rbtn (bus acpi)\n");
    has(
        &r.stdout,
        "no reason given (unspecified): the driver sets the state directly (rfkill_set_states)",
    );
    has(
        &r.stdout,
        "Dell: slide the wireless switch or press the airplane-mode key",
    );
    let v = fixture("dell-rbtn-legacy", &["diagnose", "--json"]).json();
    let rbtn = device(&v, "dell-rbtn");
    assert_eq!(rbtn["reasons"], serde_json::json!([]));
    assert_eq!(rbtn["cause"], "platform-switch");
    let phy = device(&v, "phy0");
    assert_eq!(
        (phy["cause"].as_str(), phy["root"].as_u64()),
        (Some("platform-switch"), Some(0))
    );
}

#[test]
fn iwlwifi_not_owner() {
    let r = fixture("iwlwifi-not-owner", &["diagnose", "--json"]);
    assert_eq!(r.code, 4);
    let v = r.json();
    let phy = device(&v, "phy0");
    assert_eq!(phy["cause"], "not-owner");
    assert_eq!(phy["reasons"], serde_json::json!(["not-owner"]));
    assert!(phy["advice"].as_str().unwrap().contains("CSME/AMT"));
    let hci = device(&v, "hci0");
    assert_eq!(hci["cause"], "none");
    assert_eq!(hci["bus"], "usb");
    assert_eq!(hci["driver"], "btusb");
    assert_eq!(
        fixture("iwlwifi-not-owner", &["diagnose", "bluetooth"]).code,
        0
    );
    let h = fixture("iwlwifi-not-owner", &["diagnose", "wlan"]);
    assert!(
        h.stdout.starts_with(
            "phy0 (rfkill 0, wlan): HARD-BLOCKED: firmware (Intel CSME/AMT) owns the card\n"
        ),
        "{}",
        h.stdout
    );
}

#[test]
fn pre_5_11_kernel_without_reasons() {
    let r = fixture("pre511-ipw2200", &["diagnose"]);
    assert_eq!(r.code, 4, "{}", r.stdout);
    assert!(
        r.stdout
            .starts_with("dell-wifi (rfkill 0, wlan): OK, not blocked\n"),
        "{}",
        r.stdout
    );
    has(
        &r.stdout,
        "phy0 (rfkill 2, wlan): HARD-BLOCKED by the card's own kill line (mini-PCI pin 13)\n",
    );
    has(
        &r.stdout,
        "Intel PRO/Wireless 2915ABG, mini-PCI card, PCI 8086:4224",
    );
    has(&r.stdout, "reasons not reported (kernel < 5.11), rf_kill 2");
    assert!(r.stdout.contains("pin 13"));
    let v = fixture("pre511-ipw2200", &["diagnose", "--json"]).json();
    let phy = device(&v, "phy0");
    assert!(phy["reasons"].is_null());
    assert_eq!(phy["cause"], "card-kill-line");

    // The host-core pre-5.11 tree: same verdict, and the soft-blocked hci0 on USB.
    let v = fixture("pre511-ipw2200-btusb", &["diagnose", "--json"]).json();
    assert_eq!(device(&v, "phy0")["cause"], "card-kill-line");
    assert_eq!(device(&v, "hci0")["cause"], "soft");
    let r = fixture("pre511-ipw2200-btusb", &["diagnose", "hci0"]);
    assert_eq!(r.code, 3);
    has(&r.stdout, "pin13 unblock hci0`");
}

#[test]
fn real_qemu_capture_with_dell_rbtn() {
    // Real sysfs from the lab VM: dell-rbtn soft AND hard blocked, reasons 0x0.
    let v = fixture("qemu-all-types", &["diagnose", "--json"]).json();
    let rbtn = device(&v, "dell-rbtn");
    assert_eq!(rbtn["cause"], "platform-switch");
    assert_eq!(rbtn["bus"], "acpi");
    assert!(rbtn["advice"]
        .as_str()
        .unwrap()
        .contains("once the hard block is gone, run `pin13 unblock dell-rbtn`"));
    assert_eq!(fixture("qemu-hwsim2", &["diagnose"]).code, 0);
}

#[test]
fn from_the_device_when_it_is_readable() {
    // A capture file stands in for /dev/rfkill: its ADD events are the state.
    let dir = TempDir::new("diagnose-dev");
    let cap = capture(&dir, &[rec(0, WLAN, ADD, 1, 0), rec(1, WLAN, ADD, 0, 0)]);
    let r = on(&sysfs("ipw2200-hardkill"), &cap, &["diagnose", "--json"]);
    // The event says phy0 is soft-blocked only (the switch moved since sysfs was written).
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["source"], "rfkill-dev");
    assert_eq!(device(&v, "phy0")["cause"], "soft");
    assert!(!r.stderr.contains("from sysfs instead"), "{}", r.stderr);
}

#[test]
fn bad_input_has_clear_errors() {
    let r = fixture("ipw2200-hardkill", &["diagnose", "nosuchradio"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    has(&r.stderr, "nosuchradio");
    assert!(r.stdout.is_empty());
    // Neither the device nor an rfkill class at the typed paths: exit 1, no such file.
    let dir = TempDir::new("diagnose-empty");
    let r = on(
        &dir,
        std::path::Path::new("/nonexistent/rfkill"),
        &["diagnose"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    has(&r.stderr, "no such file");
}

#[test]
fn no_radios_registered_is_not_an_error() {
    let dir = TempDir::new("diagnose-none");
    std::fs::create_dir_all(dir.join("class/rfkill")).unwrap();
    let r = on(
        &dir,
        std::path::Path::new("/nonexistent/rfkill"),
        &["diagnose"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    has(&r.stdout, "No radios");
    let j = on(
        &dir,
        std::path::Path::new("/nonexistent/rfkill"),
        &["diagnose", "--json"],
    );
    assert_eq!(j.json()["devices"], serde_json::json!([]));
}
