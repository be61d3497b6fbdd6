//! Property tests of every decoder that reads what a stranger controls: the
//! kernel's event records, capture records, sysfs attribute parsers and
//! links, the snapshot parser and the escaping every human line goes
//! through. Random input, bounded (proptest's default of 256 cases each, so
//! `cargo test` stays fast); a longer run is one environment variable away:
//! `PROPTEST_CASES=200000 cargo test -p pin13 --lib fuzz` (docs/fuzzing.md).
//! The protocol server's own fuzzing lives with it (jig-protocol).
#![forbid(unsafe_code)]

use proptest::collection::vec;
use proptest::prelude::*;

use crate::model::snapshot;
use crate::render::escape;
use crate::sys::event::EVENT_SIZE_V1;
use crate::sys::sysfs;
use crate::sys::Event;

/// Undo [`escape::cell`]: every `\xHH` back to its byte.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 3 < b.len() {
            let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("zz");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn no_controls(s: &str, keep: &[char]) -> bool {
    !s.chars().any(|c| c.is_control() && !keep.contains(&c))
}

/// A snapshot from the examples, as the base for mutations.
fn example_snapshot() -> &'static [u8] {
    include_bytes!("../../examples/snapshots/ipw2200-hardkill.json")
}

proptest! {
    #[test]
    fn any_event_bytes_decode_or_fail_cleanly(bytes in vec(any::<u8>(), 0..32)) {
        match Event::decode(&bytes) {
            Ok(ev) => {
                prop_assert!(bytes.len() >= EVENT_SIZE_V1);
                // what was decoded encodes back to the same first 8 bytes,
                // up to the booleans (any non-zero byte is "blocked")
                let again = ev.encode_v1();
                prop_assert_eq!(&again[..6], &bytes[..6]);
                prop_assert_eq!(again[6] != 0, bytes[6] != 0);
                prop_assert_eq!(again[7] != 0, bytes[7] != 0);
                prop_assert_eq!(ev.reasons.map(|r| r.0), bytes.get(8).copied());
            }
            Err(_) => prop_assert!(bytes.len() < EVENT_SIZE_V1),
        }
    }

    #[test]
    fn a_capture_record_is_accepted_only_as_the_kernel_writes_it(rec in any::<[u8; 8]>()) {
        let kernel_like = rec[4] <= crate::sys::event::MAX_TYPE
            && rec[5] <= crate::sys::event::MAX_OP
            && rec[6] <= 1
            && rec[7] <= 1;
        match Event::decode_record(&rec, 7) {
            Ok(ev) => {
                prop_assert!(kernel_like);
                prop_assert_eq!(ev.encode_v1(), rec);
            }
            Err(e) => {
                prop_assert!(!kernel_like);
                prop_assert!(e.to_string().contains("record 7"), "{}", e);
            }
        }
    }

    #[test]
    fn sysfs_parsers_take_any_bytes_without_panicking(bytes in vec(any::<u8>(), 0..64)) {
        let line = sysfs::parse_line(&bytes);
        prop_assert!(!line.ends_with('\n'));
        if let Ok(v) = sysfs::parse_u32(&bytes) {
            prop_assert_eq!(sysfs::parse_u32(v.to_string().as_bytes()), Ok(v));
        }
        if let Ok(b) = sysfs::parse_bool01(&bytes) {
            let t = String::from_utf8_lossy(&bytes);
            prop_assert_eq!(t.trim(), if b { "1" } else { "0" });
        }
        let _ = sysfs::parse_state(&bytes);
        let _ = sysfs::parse_reasons(&bytes);
        let _ = sysfs::parse_pci_id(&bytes);
        let _ = sysfs::parse_rf_kill(&bytes);
    }

    #[test]
    fn rfkill_attributes_parse_from_any_file_contents(
        files in proptest::collection::btree_map(
            prop_oneof![
                Just("index"), Just("name"), Just("type"), Just("state"), Just("soft"),
                Just("hard"), Just("persistent"), Just("hard_block_reasons"),
            ],
            vec(any::<u8>(), 0..12),
            0..8,
        ),
        node in proptest::option::of(any::<u32>()),
    ) {
        let got = sysfs::RfkillAttrs::parse(|a| files.get(a).cloned(), node);
        if let Ok(a) = got {
            // what parsed came from the files (or the node's number)
            prop_assert!(files.contains_key("index") || Some(a.index) == node);
            prop_assert!(files.contains_key("name") && files.contains_key("type"));
        }
    }

    #[test]
    fn links_resolve_inside_the_root(
        // where a link sits: a directory under the root (no `..` of its own)
        base in "([a-z0-9:_.-]{1,6}/){0,4}[a-z0-9:_-]{0,6}"
            .prop_filter("no .. component", |b| !b.split('/').any(|c| c == "..")),
        target in "(\\.\\./|[a-z0-9]{1,4}/|/sys/|/){0,8}[a-z0-9]{0,6}",
    ) {
        let r = sysfs::resolve_link(&base, &target);
        prop_assert!(!r.starts_with('/'), "{r}");
        prop_assert!(!r.split('/').any(|c| c == ".."), "{r}");
    }

    #[test]
    fn the_snapshot_parser_takes_any_bytes(bytes in vec(any::<u8>(), 0..512)) {
        let _ = snapshot::parse(&bytes);
    }

    #[test]
    fn a_mutated_snapshot_parses_or_fails_cleanly(
        flips in vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = example_snapshot().to_vec();
        for (at, b) in &flips {
            let i = at.index(bytes.len());
            bytes[i] = *b;
        }
        let _ = snapshot::parse(&bytes);
        bytes.truncate(cut.index(bytes.len()));
        let _ = snapshot::parse(&bytes);
    }

    #[test]
    fn typed_decimals_parse_exactly_as_the_float_parser_does(
        int in "[0-9]{1,8}",
        frac in proptest::option::of("[0-9]{0,7}"),
        exp in proptest::option::of(-15i32..15),
        neg in any::<bool>(),
    ) {
        let mut t = String::new();
        if neg {
            t.push('-');
        }
        t.push_str(&int);
        if let Some(f) = &frac {
            t.push('.');
            t.push_str(f);
        }
        if let Some(e) = exp {
            t.push_str(&format!("e{e}"));
        }
        let want: f64 = t.parse().unwrap();
        prop_assert_eq!(jig_core::decimal::parse(&t), Some(want), "{}", t);
    }

    #[test]
    fn any_text_is_a_decimal_or_refused(t in "[-+0-9.eE]{0,12}|\\PC{0,12}") {
        if let Some(v) = jig_core::decimal::parse(&t) {
            // what it takes, the float parser takes too, to the same value
            // up to rounding
            let want: f64 = t.parse().unwrap();
            prop_assert!(v == want || ((v - want) / want).abs() < 1e-12, "{} {} {}", t, v, want);
        }
    }

    #[test]
    fn fixed_decimals_print_as_the_float_formatter_does(v in 0.0f64..1.0e7, d in 0u8..=4) {
        // Away from ties: there core rounds the exact binary value to even,
        // the integer formatter half up.
        let scaled = v * 10f64.powi(i32::from(d));
        prop_assume!((scaled.fract() - 0.5).abs() > 1e-6);
        let want = format!("{v:.*}", usize::from(d));
        prop_assert_eq!(jig_core::decimal::Fixed::new(v, d).to_string(), want);
    }

    #[test]
    fn escaped_cells_hold_no_control_character_and_are_reversible(s in any::<String>()) {
        let c = escape::cell(&s);
        prop_assert!(no_controls(&c, &[]), "{:?}", c);
        prop_assert_eq!(unescape(&c), s.as_bytes());
        let t = escape::text(&s);
        prop_assert!(no_controls(&t, &['\n', '\t']), "{:?}", t);
        if no_controls(&s, &['\n', '\t']) {
            prop_assert_eq!(t.as_ref(), s.as_str());
        }
    }
}

#[test]
fn the_example_snapshot_parses() {
    assert!(snapshot::parse(example_snapshot()).is_ok());
}
