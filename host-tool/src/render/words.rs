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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spelling() {
        assert_eq!((blocked(true), blocked(false)), ("blocked", "unblocked"));
    }
}
