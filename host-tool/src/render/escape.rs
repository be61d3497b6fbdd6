//! Text from the system or a file never reaches a terminal raw: control and
//! non-printable characters are written as `\xHH`, one escape per byte, the
//! way util-linux's libsmartcols prints a table cell (`ph\x1b[31my0`).
//! `--json` and `-r` have their own escaping and do not come through here
//! raw (JSON escapes control characters itself; raw output hex-escapes
//! blanks and controls in [`super::table`]).
#![forbid(unsafe_code)]

use std::borrow::Cow;

fn needs(c: char) -> bool {
    c.is_control()
}

fn push_hex(out: &mut String, c: char) {
    let mut b = [0u8; 4];
    for byte in c.encode_utf8(&mut b).bytes() {
        out.push_str(&format!("\\x{byte:02x}"));
    }
}

/// One table cell, as libsmartcols encodes it: every control character
/// (newlines and tabs too) hex-escaped, and a backslash that starts `\x`
/// escaped as well so that the result is unambiguous.
pub fn cell(s: &str) -> Cow<'_, str> {
    let backslash_x = s.contains("\\x");
    if !backslash_x && !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if needs(c) || (c == '\\' && chars.peek() == Some(&'x')) {
            push_hex(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Lines of human output: like [`cell`], but newlines and tabs stay (the
/// text is ours; only what it quotes can hold control characters).
pub fn text(s: &str) -> Cow<'_, str> {
    let bad = |c: char| needs(c) && c != '\n' && c != '\t';
    // Most output is printable ASCII (all of `status --json`): a byte scan
    // says so without decoding characters. Anything else, non-ASCII
    // included, is checked character by character.
    let plain = |b: &u8| matches!(b, 0x20..=0x7e | b'\n' | b'\t');
    if s.as_bytes().iter().all(plain) || !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            push_hex(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped_like_libsmartcols() {
        assert_eq!(cell("phy0"), "phy0");
        assert_eq!(cell("ph\x1b[31my0"), "ph\\x1b[31my0");
        assert_eq!(cell("a\tb\nc"), "a\\x09b\\x0ac");
        assert_eq!(cell("del\x7f"), "del\\x7f");
        // C1 controls are two bytes in UTF-8: one escape per byte.
        assert_eq!(cell("c1\u{9b}2J"), "c1\\xc2\\x9b2J");
        assert_eq!(cell("a\\xb"), "a\\x5cxb");
        assert_eq!(cell("Wi-Fi é ✓"), "Wi-Fi é ✓");
    }

    #[test]
    fn text_keeps_newlines_and_tabs() {
        assert_eq!(text("a\n\tb"), "a\n\tb");
        assert_eq!(text("\x1b[2J\x1b[HPASS"), "\\x1b[2J\\x1b[HPASS");
        assert_eq!(text("\r"), "\\x0d");
    }

    #[test]
    fn nothing_control_survives() {
        for b in 0u32..0x110000 {
            let Some(c) = char::from_u32(b) else { continue };
            let s = format!("x{c}y");
            assert!(!cell(&s).chars().any(char::is_control), "{b:x}");
            assert!(
                !text(&s)
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{b:x}"
            );
        }
    }
}
