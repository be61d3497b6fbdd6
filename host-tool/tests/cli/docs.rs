//! The hardware drawings and docs agree with hardware/jig.toml, the one pin
//! map, and their links resolve.
//!
//! hardware/jig-wiring.svg is generated from jig.toml by
//! scripts/gen-hardware-svg.py; this test fails when someone edits one
//! without the other. The markdown docs repeat no GPIO numbers at all (they
//! point at jig.toml), so they cannot drift.

use crate::harness::{read, root};
use std::collections::BTreeMap;

/// `[line.NAME]` tables of jig.toml with their integer fields. A deliberately
/// small reader (tables, `key = integer`): the full parser and its checks live
/// in the jig-wiring crate.
fn jig_lines() -> BTreeMap<String, BTreeMap<String, i64>> {
    let mut lines = BTreeMap::new();
    let mut current: Option<String> = None;
    for raw in read("hardware/jig.toml").lines() {
        let line = raw.split('#').next().unwrap().trim();
        if let Some(name) = line
            .strip_prefix("[line.")
            .and_then(|l| l.strip_suffix(']'))
        {
            current = Some(name.to_owned());
            lines.insert(name.to_owned(), BTreeMap::new());
        } else if line.starts_with('[') {
            current = None;
        } else if let (Some(name), Some((k, v))) = (&current, line.split_once('=')) {
            if let Ok(n) = v.trim().parse::<i64>() {
                lines.get_mut(name).unwrap().insert(k.trim().to_owned(), n);
            }
        }
    }
    lines
}

/// "1 kΩ", "3.9 kΩ", "330 Ω": how the drawing and the BOM write a value
/// (the same rule as scripts/gen-hardware-svg.py).
fn ohm_label(ohms: i64) -> String {
    if ohms < 1000 {
        return format!("{ohms} Ω");
    }
    let k = format!("{:.3}", ohms as f64 / 1000.0);
    format!("{} kΩ", k.trim_end_matches('0').trim_end_matches('.'))
}

#[test]
fn ohm_labels() {
    assert_eq!(ohm_label(1000), "1 kΩ");
    assert_eq!(ohm_label(3900), "3.9 kΩ");
    assert_eq!(ohm_label(4750), "4.75 kΩ");
    assert_eq!(ohm_label(330), "330 Ω");
}

#[test]
fn bill_of_materials_lists_every_series_resistor() {
    let bom = read("hardware/bom.md");
    for (name, f) in jig_lines() {
        let ohms = f.get("series_ohms").copied().unwrap_or(0);
        if ohms > 0 {
            let item = format!("**{} resistor", ohm_label(ohms));
            assert!(
                bom.contains(&item),
                "hardware/bom.md lacks `{item}` for {}",
                label(&name)
            );
        }
    }
}

fn label(name: &str) -> String {
    name.to_uppercase()
}

/// Every `PREFIX<digits>` in `text`, e.g. all `GP2`, `GP25` for "GP".
fn numbers_after(text: &str, prefix: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let after = &rest[i + prefix.len()..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        let before_ok = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric();
        if !digits.is_empty() && before_ok {
            out.push(digits.parse().unwrap());
        }
        rest = after;
    }
    out
}

#[test]
fn wiring_drawing_matches_jig_toml() {
    let lines = jig_lines();
    for want in ["drive", "sense", "sense_ref", "led", "button"] {
        assert!(lines.contains_key(want), "jig.toml has no [line.{want}]");
    }
    let svg = read("hardware/jig-wiring.svg");
    let regen = "run `python3 scripts/gen-hardware-svg.py` and commit hardware/jig-wiring.svg";
    for (name, f) in &lines {
        let pico = match f["pico_pin"] {
            0 => format!("Pico GP{} (on-board)", f["pico_gpio"]),
            p => format!("Pico GP{} (pin {p})", f["pico_gpio"]),
        };
        let pi = format!("Pi BCM{} (pin {})", f["rpi_bcm"], f["rpi_pin"]);
        let row = format!("{pico} · {pi}");
        assert!(
            svg.contains(&row),
            "jig-wiring.svg lacks `{row}` for {}: {regen}",
            label(name)
        );
        assert!(
            svg.contains(&format!(">{}</text>", label(name))),
            "no {} label: {regen}",
            label(name)
        );
    }
    // No stray GPIO number in the drawing.
    let gpios: Vec<i64> = lines.values().map(|f| f["pico_gpio"]).collect();
    let bcms: Vec<i64> = lines.values().map(|f| f["rpi_bcm"]).collect();
    for n in numbers_after(&svg, "GP") {
        assert!(
            gpios.contains(&n),
            "jig-wiring.svg shows GP{n}, which jig.toml does not use: {regen}"
        );
    }
    for n in numbers_after(&svg, "BCM") {
        assert!(
            bcms.contains(&n),
            "jig-wiring.svg shows BCM{n}, which jig.toml does not use: {regen}"
        );
    }
    // The series resistor of every card line is drawn with its value.
    for (name, f) in lines
        .iter()
        .filter(|(_, f)| f.get("series_ohms").copied().unwrap_or(0) > 0)
    {
        let ohms = f["series_ohms"];
        let text = ohm_label(ohms);
        assert!(
            svg.contains(&format!(">{text}</text>")),
            "{} resistor {text} not drawn: {regen}",
            label(name)
        );
    }
}

/// The markdown docs that must repeat no GPIO numbers and whose links must resolve.
const MARKDOWN_DOCS: &[&str] = &[
    "hardware/bom.md",
    "hardware/pin13-reference.md",
    "docs/guide.md",
    "docs/architecture.md",
];

#[test]
fn markdown_docs_repeat_no_gpio_numbers() {
    for doc in MARKDOWN_DOCS {
        let text = read(doc);
        for prefix in ["GP", "GPIO", "BCM"] {
            let found = numbers_after(&text, prefix);
            assert!(
                found.is_empty(),
                "{doc} names {prefix}{found:?}: point at hardware/jig.toml instead"
            );
        }
    }
}

#[test]
fn drawings_are_complete_svg_documents() {
    for svg in ["hardware/card-edge.svg", "hardware/jig-wiring.svg"] {
        let text = read(svg);
        assert!(
            text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}: not an SVG root"
        );
        assert!(text.trim_end().ends_with("</svg>"), "{svg}: truncated");
        // Element balance: every opened non-self-closing tag is closed.
        let opens = text.matches("<text").count()
            + text.matches("<title").count()
            + text.matches("<desc").count();
        let closes = text.matches("</text>").count()
            + text.matches("</title>").count()
            + text.matches("</desc>").count();
        assert_eq!(opens, closes, "{svg}: unbalanced text/title/desc elements");
        assert!(!text.contains("& "), "{svg}: unescaped ampersand");
    }
    let edge = read("hardware/card-edge.svg");
    assert!(
        edge.contains("Pin 13 = 7th contact"),
        "card-edge.svg must mark pin 13 as the 7th contact"
    );
    assert!(edge.contains("Pin 18 = 5 V") && edge.contains("Pin 19 = 3.3 V"));
}

/// Relative links `](path)` in the docs point at files that exist.
#[test]
fn relative_links_resolve() {
    for doc in MARKDOWN_DOCS {
        let text = read(doc);
        let base = root().join(doc).parent().unwrap().to_path_buf();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let end = after.find(')').unwrap_or(after.len());
            let target = &after[..end];
            rest = &after[end..];
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let path = target.split('#').next().unwrap();
            assert!(
                base.join(path).exists(),
                "{doc}: link to {target} does not resolve"
            );
        }
    }
}
