//! Radio selectors: `ID` (rfkill index), `TYPE` (util-linux names and
//! aliases, case-insensitive here, and `all`) or a device `NAME` (`phy0`,
//! `acer-wireless`). All selectors of a command are resolved before anything
//! is done, so a typo never leaves a half-applied change.
#![forbid(unsafe_code)]

use crate::error::Error;
use crate::model::inventory::Radio;
use crate::sys::RfkillType;

/// One resolved selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `all` (or the type `all`): every radio.
    All,
    /// Every radio of a type.
    Type(RfkillType),
    /// One radio by rfkill index.
    Index(u32),
    /// Radios by device name (normally one).
    Name(String),
}

impl Selector {
    /// Resolve `s` against the radios present. Order: type names and aliases
    /// (so a device named `wlan` is still the type, as in util-linux), then a
    /// number (an index that must exist), then an exact device name.
    pub fn parse(s: &str, radios: &[Radio]) -> Result<Selector, Error> {
        if let Some(t) = RfkillType::from_user_name(s) {
            return Ok(if t == RfkillType::All {
                Selector::All
            } else {
                Selector::Type(t)
            });
        }
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = s.parse::<u32>() {
                if radios.iter().any(|r| r.id == n) {
                    return Ok(Selector::Index(n));
                }
            }
            return Err(unknown(s, radios));
        }
        if radios.iter().any(|r| r.device == s) {
            return Ok(Selector::Name(s.to_string()));
        }
        Err(unknown(s, radios))
    }

    pub fn matches(&self, r: &Radio) -> bool {
        match self {
            Selector::All => true,
            Selector::Type(t) => r.kind == *t,
            Selector::Index(n) => r.id == *n,
            Selector::Name(n) => r.device == *n,
        }
    }

    /// A type or `all` (changed with CHANGE_ALL), as opposed to one radio.
    pub fn is_group(&self) -> bool {
        matches!(self, Selector::All | Selector::Type(_))
    }

    /// The rfkill type a group selector writes (`All` for `all`).
    pub fn group_type(&self) -> Option<RfkillType> {
        match self {
            Selector::All => Some(RfkillType::All),
            Selector::Type(t) => Some(*t),
            _ => None,
        }
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::All => f.write_str("all"),
            Selector::Type(t) => write!(f, "type {t}"),
            Selector::Index(n) => write!(f, "id {n}"),
            Selector::Name(n) => write!(f, "{n}"),
        }
    }
}

/// Resolve every selector or fail on the first unknown one.
pub fn parse_all(args: &[String], radios: &[Radio]) -> Result<Vec<Selector>, Error> {
    args.iter().map(|s| Selector::parse(s, radios)).collect()
}

/// The radios matched by any selector, each once, in inventory order.
/// No selectors: every radio.
pub fn filter<'a>(selectors: &[Selector], radios: &'a [Radio]) -> Vec<&'a Radio> {
    radios
        .iter()
        .filter(|r| selectors.is_empty() || selectors.iter().any(|s| s.matches(r)))
        .collect()
}

/// The list of what exists, for error messages.
pub fn describe_radios(radios: &[Radio]) -> String {
    if radios.is_empty() {
        return "there are no radios".to_string();
    }
    let list: Vec<String> = radios
        .iter()
        .map(|r| {
            let name = if r.device.is_empty() {
                "?"
            } else {
                r.device.as_str()
            };
            format!("{} {} ({})", r.id, name, r.type_name)
        })
        .collect();
    format!("radios here: {}", list.join(", "))
}

/// Every accepted type word.
pub const TYPE_WORDS: &str =
    "all, wlan (wifi), bluetooth, uwb (ultrawideband), wimax, wwan, gps, fm, nfc";

fn unknown(s: &str, radios: &[Radio]) -> Error {
    Error::usage(
        format!("unknown radio `{s}`: not an index, device name or type here"),
        Some(format!("{}; types: {TYPE_WORDS}", describe_radios(radios))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn radio(id: u32, kind: RfkillType, device: &str) -> Radio {
        Radio {
            id,
            kind,
            type_name: kind.sysfs_name().unwrap_or("").to_string(),
            device: device.to_string(),
            soft: false,
            hard: false,
            reasons: None,
            sys: None,
        }
    }

    fn radios() -> Vec<Radio> {
        vec![
            radio(0, RfkillType::Wlan, "phy0"),
            radio(1, RfkillType::Wlan, "acer-wireless"),
            radio(3, RfkillType::Bluetooth, "hci0"),
            radio(4, RfkillType::Uwb, "wlan"),
        ]
    }

    #[test]
    fn types_and_aliases_case_insensitive() {
        let r = radios();
        assert_eq!(
            Selector::parse("WiFi", &r).unwrap(),
            Selector::Type(RfkillType::Wlan)
        );
        assert_eq!(
            Selector::parse("ULTRAWIDEBAND", &r).unwrap(),
            Selector::Type(RfkillType::Uwb)
        );
        assert_eq!(Selector::parse("All", &r).unwrap(), Selector::All);
        // a type with nothing present is still a valid selector
        assert_eq!(
            Selector::parse("nfc", &r).unwrap(),
            Selector::Type(RfkillType::Nfc)
        );
        // a device named like a type: the type wins (util-linux does the same)
        assert_eq!(
            Selector::parse("wlan", &r).unwrap(),
            Selector::Type(RfkillType::Wlan)
        );
    }

    #[test]
    fn indexes_must_exist() {
        let r = radios();
        assert_eq!(Selector::parse("3", &r).unwrap(), Selector::Index(3));
        for bad in ["2", "99", "4294967296", "007x"] {
            let e = Selector::parse(bad, &r).unwrap_err();
            assert_eq!(e.status(), crate::exit::Status::Usage, "{bad}");
        }
    }

    #[test]
    fn device_names_are_exact() {
        let r = radios();
        assert_eq!(
            Selector::parse("acer-wireless", &r).unwrap(),
            Selector::Name("acer-wireless".into())
        );
        assert!(Selector::parse("PHY0", &r).is_err());
    }

    #[test]
    fn unknown_lists_what_exists() {
        let e = Selector::parse("nosuchradio", &radios()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown radio `nosuchradio`: not an index, device name or type here"
        );
        let h = e.hint().unwrap();
        assert!(h.contains("0 phy0 (wlan), 1 acer-wireless (wlan), 3 hci0 (bluetooth)"));
        assert!(h.contains("wlan (wifi)"));
        let e = Selector::parse("x", &[]).unwrap_err();
        assert!(e.hint().unwrap().starts_with("there are no radios"));
    }

    #[test]
    fn parse_all_fails_on_any_bad_one() {
        let r = radios();
        let args = ["0".to_string(), "bluetooth".into(), "nope".into()];
        assert!(parse_all(&args, &r).is_err());
        let ok = parse_all(&args[..2], &r).unwrap();
        assert_eq!(ok.len(), 2);
    }

    #[test]
    fn filter_is_a_deduplicated_union_in_inventory_order() {
        let r = radios();
        let sels = parse_all(&["hci0".into(), "wlan".into(), "0".into()], &r).unwrap();
        let ids: Vec<u32> = filter(&sels, &r).iter().map(|x| x.id).collect();
        assert_eq!(ids, vec![0, 1, 3]);
        assert_eq!(filter(&[], &r).len(), 4);
        assert!(filter(&[Selector::Type(RfkillType::Nfc)], &r).is_empty());
        assert!(Selector::All.is_group() && !Selector::Index(0).is_group());
        assert_eq!(Selector::All.group_type(), Some(RfkillType::All));
    }
}
