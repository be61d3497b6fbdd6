//! The words every command shares, in one place: the state of a block (a
//! radio's shown name is [`crate::model::inventory::radio_name`]). Machine output uses the same words (never
//! translated).
#![forbid(unsafe_code)]

/// `blocked` / `unblocked`: a soft or hard state, in text and JSON alike.
pub fn blocked(b: bool) -> &'static str {
    if b {
        "blocked"
    } else {
        "unblocked"
    }
}

/// Where pin 13 is, in the same words everywhere (diagnose advice, the jig's
/// reports, the guide, the reference, the drawings).
pub const PIN13_WHERE: &str = "top face, the one with the antenna connectors; pin 1 is the lone \
     contact beside the key notch; pin 13 is the 7th contact counting pin 1";

/// A hard block whose driver gives no reason (reasons 0x0).
pub const NO_REASON: &str = "unspecified";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spelling() {
        assert_eq!((blocked(true), blocked(false)), ("blocked", "unblocked"));
    }
}
