//! Table, raw and JSON output shaped exactly like util-linux `rfkill`
//! (libsmartcols 2.38), so scripts written for `rfkill -J` read `pin13 status
//! --json` unchanged. Measured against real util-linux output in
//! tests/fixtures/util-linux/.
//!
//! - Table: one space between columns; each column as wide as its widest
//!   cell or header; `ID`, `SOFT`, `HARD` right-aligned; the last column is
//!   not padded unless it is right-aligned; nothing at all for no rows.
//! - Raw (`-r`): cells separated by one space, no padding; blanks, `\` and
//!   control characters written as `\xNN`.
//! - JSON: pretty, 3-space indent, records separated by `},{`, keys are the
//!   lower-cased headers, `id` a number, empty cells `null`.
#![forbid(unsafe_code)]

use crate::error::Error;
use crate::model::inventory::Radio;

/// One column, all of it in one row (as util-linux's `infos[]`).
#[derive(Debug)]
struct ColumnInfo {
    header: &'static str,
    help: &'static [&'static str],
    right: bool,
    needs_tree: bool,
}

/// The rows of every [`Column`], in its order.
const COLUMNS: [ColumnInfo; 8] = [
    ColumnInfo {
        header: "ID",
        help: &["rfkill index"],
        right: true,
        needs_tree: false,
    },
    ColumnInfo {
        header: "TYPE",
        help: &["type name as the kernel writes it (wlan, bluetooth, ...)"],
        right: false,
        needs_tree: false,
    },
    ColumnInfo {
        header: "DEVICE",
        help: &["device name (phy0, acer-wireless, hci0, ...)"],
        right: false,
        needs_tree: false,
    },
    ColumnInfo {
        header: "TYPE-DESC",
        help: &["type description (Wireless LAN, ...)"],
        right: false,
        needs_tree: false,
    },
    ColumnInfo {
        header: "SOFT",
        help: &["soft block: blocked/unblocked (software can change it)"],
        right: true,
        needs_tree: false,
    },
    ColumnInfo {
        header: "HARD",
        help: &["hard block: blocked/unblocked (a switch, kill line or firmware)"],
        right: true,
        needs_tree: false,
    },
    ColumnInfo {
        header: "DRIVER",
        help: &["driver of the hardware behind the radio (ipw2200, acer-wmi, ...)"],
        right: false,
        needs_tree: true,
    },
    ColumnInfo {
        header: "REASON",
        help: &[
            "why it is hard-blocked: signal (switch or kill line), not-owner",
            "(firmware owns it), unspecified (the driver does not say),",
            "unknown (kernel < 5.11 does not report reasons)",
        ],
        right: false,
        needs_tree: true,
    },
];

/// `status --help`'s list of columns, from [`COLUMNS`].
pub fn columns_help() -> String {
    let mut s = String::from("Columns (-o):");
    for c in Column::ALL {
        for (i, line) in c.help().iter().enumerate() {
            let head = if i == 0 { c.header() } else { "" };
            s.push_str(&format!("\n  {head:<10} {line}"));
        }
    }
    s
}

/// Every column `status` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Id,
    Type,
    Device,
    TypeDesc,
    Soft,
    Hard,
    Driver,
    Reason,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::Id,
        Column::Type,
        Column::Device,
        Column::TypeDesc,
        Column::Soft,
        Column::Hard,
        Column::Driver,
        Column::Reason,
    ];

    /// pin13's default for the human table: util-linux's columns plus who
    /// and why (DRIVER, REASON).
    pub const DEFAULT_TABLE: [Column; 7] = [
        Column::Id,
        Column::Type,
        Column::Device,
        Column::Soft,
        Column::Hard,
        Column::Driver,
        Column::Reason,
    ];

    /// util-linux's default columns: the default of `--json` and `--raw` (so
    /// they stay identical to `rfkill -J` / `rfkill -r`) and the base of `-o +LIST`.
    pub const DEFAULT: [Column; 5] = [
        Column::Id,
        Column::Type,
        Column::Device,
        Column::Soft,
        Column::Hard,
    ];

    /// Everything about this column, from its row of [`COLUMNS`].
    fn info(self) -> &'static ColumnInfo {
        &COLUMNS[self as usize]
    }

    pub fn header(self) -> &'static str {
        self.info().header
    }

    /// The column's help, as `status --help` lists it (one or more lines).
    pub fn help(self) -> &'static [&'static str] {
        self.info().help
    }

    fn right_aligned(self) -> bool {
        self.info().right
    }

    fn is_number(self) -> bool {
        self == Column::Id
    }

    /// Whether the column needs the devices above the radio in sysfs (driver,
    /// reasons), not only its name.
    pub fn needs_tree(self) -> bool {
        self.info().needs_tree
    }

    fn parse(name: &str) -> Option<Column> {
        Column::ALL
            .into_iter()
            .find(|c| c.header().eq_ignore_ascii_case(name.trim()))
    }

    /// The cell for one radio (`None`: empty, `null` in JSON).
    pub fn cell(self, r: &Radio) -> Option<String> {
        let blocked = |b: bool| crate::render::words::blocked(b).to_string();
        match self {
            Column::Id => Some(r.id.to_string()),
            Column::Type => Some(r.type_name.clone()),
            Column::Device => Some(r.device.clone()),
            Column::TypeDesc => Some(
                r.kind
                    .description()
                    .map(str::to_string)
                    .unwrap_or_else(|| r.type_name.clone()),
            ),
            Column::Soft => Some(blocked(r.soft)),
            Column::Hard => Some(blocked(r.hard)),
            Column::Driver => r.driver().map(str::to_string),
            Column::Reason => reason_text(r),
        }
    }
}

/// The REASON cell: empty unless hard-blocked.
pub fn reason_text(r: &Radio) -> Option<String> {
    if !r.hard {
        return None;
    }
    Some(match r.reasons {
        None => "unknown".to_string(),
        Some(x) if x.0 == 0 => crate::render::words::NO_REASON.to_string(),
        Some(x) => x.names().join(","),
    })
}

/// Parse `-o LIST`: comma-separated, case-insensitive; a leading `+` appends
/// to the default columns (util-linux's rule).
pub fn parse_columns(spec: &str) -> Result<Vec<Column>, Error> {
    let (mut cols, list) = match spec.strip_prefix('+') {
        Some(rest) => (Column::DEFAULT.to_vec(), rest),
        None => (Vec::new(), spec),
    };
    for name in list.split(',') {
        match Column::parse(name) {
            Some(c) => cols.push(c),
            None => {
                return Err(Error::usage(
                    format!("unknown column: {}", name.trim()),
                    Some(format!(
                        "columns: {}",
                        Column::ALL.map(|c| c.header()).join(", ")
                    )),
                ))
            }
        }
    }
    Ok(cols)
}

/// Rows of cells for the radios.
pub fn rows(cols: &[Column], radios: &[&Radio]) -> Vec<Vec<Option<String>>> {
    radios
        .iter()
        .map(|r| cols.iter().map(|c| c.cell(r)).collect())
        .collect()
}

/// The aligned table (util-linux's default output). Unlike libsmartcols, a
/// line never ends in blanks (an empty DRIVER or REASON cell at the end).
pub fn table(cols: &[Column], rows: &[Vec<Option<String>>], headings: bool) -> String {
    if rows.is_empty() {
        return String::new();
    }
    // Cells are escaped before widths are measured, as libsmartcols does.
    let escaped: Vec<Vec<Option<String>>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    c.as_deref()
                        .map(|s| crate::render::escape::cell(s).into_owned())
                })
                .collect()
        })
        .collect();
    let rows = &escaped[..];
    let width = |i: usize| {
        let cells = rows
            .iter()
            .map(|r| r[i].as_deref().unwrap_or("").chars().count());
        // libsmartcols counts the header even with --noheadings
        cells.chain([cols[i].header().len()]).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols.len()).map(width).collect();
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                l.push(' ');
            }
            let pad = widths[i].saturating_sub(cell.chars().count());
            let last = i + 1 == cells.len();
            if cols[i].right_aligned() {
                l.extend(std::iter::repeat_n(' ', pad));
                l.push_str(cell);
            } else {
                l.push_str(cell);
                if !last {
                    l.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        // An empty last cell leaves no blanks at the end of the line
        // (util-linux's own columns are never empty).
        out.push_str(l.trim_end_matches(' '));
        out.push('\n');
    };
    each_line(cols, rows, headings, &mut line);
    out
}

/// Call `line` with the header (when `headings`) and then every row's cells.
fn each_line<'a>(
    cols: &[Column],
    rows: &'a [Vec<Option<String>>],
    headings: bool,
    line: &mut dyn FnMut(Vec<&'a str>),
) {
    if headings {
        line(cols.iter().map(|c| c.header()).collect());
    }
    for r in rows {
        line(r.iter().map(|c| c.as_deref().unwrap_or("")).collect());
    }
}

/// libsmartcols raw output (`-r`).
pub fn raw(cols: &[Column], rows: &[Vec<Option<String>>], headings: bool) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let escaped: Vec<String> = cells.iter().map(|c| raw_escape(c)).collect();
        out.push_str(&escaped.join(" "));
        out.push('\n');
    };
    each_line(cols, rows, headings, &mut line);
    out
}

/// `fputs_nonblank`: blanks, `\` and non-printable bytes as `\xNN`.
fn raw_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b == b' ' || b == b'\t' || b == b'\\' || !(0x21..0x7f).contains(&b) {
            out.push_str(&format!("\\x{b:02x}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// libsmartcols' JSON string quoting (`"` and `\` escaped, control
/// characters as `\b \f \n \r \t` or `\u00XX`, everything else as is).
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_json_string(&mut out, s);
    out
}

/// [`json_string`], appended to `out`: runs of characters that need no
/// escape are copied whole (every character that does is ASCII, so the
/// runs end on character boundaries).
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if esc.is_empty() {
            let hex = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(hex[usize::from(b >> 4)]));
            out.push(char::from(hex[usize::from(b & 0xf)]));
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// libsmartcols pretty JSON: `{"<name>": [ {..},{..} ]}` with 3-space indents.
/// Built in one buffer (this is `status --json`'s whole output).
pub fn json(name: &str, cols: &[Column], rows: &[Vec<Option<String>>]) -> String {
    let keys: Vec<String> = cols
        .iter()
        .map(|c| c.header().to_ascii_lowercase())
        .collect();
    let mut out = String::with_capacity(32 + name.len() + rows.len() * cols.len() * 32);
    out.push_str("{\n   ");
    push_json_string(&mut out, name);
    out.push_str(": [\n");
    if rows.is_empty() {
        out.push('\n');
    }
    for (n, r) in rows.iter().enumerate() {
        out.push_str(if n == 0 { "      {\n" } else { "},{\n" });
        for (i, ((c, key), cell)) in cols.iter().zip(&keys).zip(r).enumerate() {
            out.push_str("         ");
            push_json_string(&mut out, key);
            out.push_str(": ");
            match cell.as_deref() {
                None | Some("") => out.push_str("null"),
                Some(v) if c.is_number() => out.push_str(v),
                Some(v) => push_json_string(&mut out, v),
            }
            if i + 1 < cols.len() {
                out.push(',');
            }
            out.push('\n');
        }
        out.push_str("      ");
    }
    if !rows.is_empty() {
        out.push_str("}\n");
    }
    out.push_str("   ]\n}\n");
    out
}

/// Write `s` to `out` and flush; a closed pipe becomes [`Error::Output`]
/// with `BrokenPipe`, which `app::run` turns into a quiet exit 0.
pub fn emit(out: &mut dyn std::io::Write, s: &str) -> Result<(), Error> {
    out.write_all(crate::render::escape::text(s).as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

/// A `pin13: note: ...` line on stderr (never fails, never panics).
pub fn note(msg: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "pin13: note: {}",
        crate::render::escape::text(msg)
    );
}

/// A `hint: ...` line on stderr.
pub fn hint(msg: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "hint: {}",
        crate::render::escape::text(msg)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{Reasons, RfkillType};

    fn radio(id: u32, device: &str, soft: bool, hard: bool, reasons: Option<u8>) -> Radio {
        Radio {
            id,
            kind: RfkillType::Wlan,
            type_name: "wlan".into(),
            device: device.into(),
            soft,
            hard,
            reasons: reasons.map(Reasons),
            sys: None,
        }
    }

    #[test]
    fn control_characters_in_cells_are_escaped_and_aligned() {
        let cols = [Column::Id, Column::Device];
        let rows = vec![
            vec![Some("0".to_string()), Some("ph\x1b[31my0".to_string())],
            vec![Some("1".to_string()), Some("phy1".to_string())],
        ];
        assert_eq!(
            table(&cols, &rows, true),
            "ID DEVICE\n 0 ph\\x1b[31my0\n 1 phy1\n"
        );
    }

    #[test]
    fn column_lists() {
        assert_eq!(
            parse_columns("id,Device,HARD").unwrap(),
            [Column::Id, Column::Device, Column::Hard]
        );
        let plus = parse_columns("+driver,reason").unwrap();
        assert_eq!(plus.len(), 7);
        assert_eq!(plus[5], Column::Driver);
        let e = parse_columns("ID,FOO").unwrap_err();
        assert_eq!(e.to_string(), "unknown column: FOO");
        assert_eq!(e.status(), crate::exit::Status::Usage);
    }

    #[test]
    fn reasons() {
        assert_eq!(reason_text(&radio(0, "a", false, false, Some(1))), None);
        assert_eq!(
            reason_text(&radio(0, "a", false, true, Some(1))).unwrap(),
            "signal"
        );
        assert_eq!(
            reason_text(&radio(0, "a", false, true, Some(3))).unwrap(),
            "signal,not-owner"
        );
        assert_eq!(
            reason_text(&radio(0, "a", false, true, Some(0))).unwrap(),
            "unspecified"
        );
        assert_eq!(
            reason_text(&radio(0, "a", false, true, None)).unwrap(),
            "unknown"
        );
    }

    #[test]
    fn table_alignment_matches_util_linux() {
        let rs = [radio(1, "phy1", true, false, None)];
        let refs: Vec<&Radio> = rs.iter().collect();
        let t = table(&Column::DEFAULT, &rows(&Column::DEFAULT, &refs), true);
        // util-linux 2.38 `rfkill -o ID,TYPE,DEVICE,SOFT,HARD list 1`
        assert_eq!(
            t,
            "ID TYPE DEVICE    SOFT      HARD\n 1 wlan phy1   blocked unblocked\n"
        );
        let cols = [Column::Id, Column::Device];
        assert_eq!(
            table(&cols, &rows(&cols, &refs), true),
            "ID DEVICE\n 1 phy1\n"
        );
        assert_eq!(table(&cols, &[], true), "");
    }

    #[test]
    fn raw_escapes_blanks() {
        let rs = [radio(1, "my radio\\", false, false, None)];
        let refs: Vec<&Radio> = rs.iter().collect();
        let cols = [Column::Id, Column::TypeDesc, Column::Device, Column::Driver];
        assert_eq!(
            raw(&cols, &rows(&cols, &refs), true),
            "ID TYPE-DESC DEVICE DRIVER\n1 Wireless\\x20LAN my\\x20radio\\x5c \n"
        );
    }

    #[test]
    fn json_shapes() {
        let cols = [Column::Id, Column::Device, Column::Driver];
        assert_eq!(
            json("rfkilldevices", &cols, &[]),
            "{\n   \"rfkilldevices\": [\n\n   ]\n}\n"
        );
        let rs = [
            radio(0, "a\"b", false, false, None),
            radio(2, "c", false, false, None),
        ];
        let refs: Vec<&Radio> = rs.iter().collect();
        assert_eq!(
            json("rfkilldevices", &cols, &rows(&cols, &refs)),
            "{\n   \"rfkilldevices\": [\n      {\n         \"id\": 0,\n         \"device\": \"a\\\"b\",\n         \"driver\": null\n      },{\n         \"id\": 2,\n         \"device\": \"c\",\n         \"driver\": null\n      }\n   ]\n}\n"
        );
        assert_eq!(json_string("a\tb\u{1}é"), "\"a\\tb\\u0001é\"");
    }

    /// Every ASCII character, alone and between multi-byte ones, is escaped
    /// as serde_json escapes it (and a string parses back to itself).
    #[test]
    fn json_strings_match_serde_json() {
        for b in 0u8..0x80 {
            let c = char::from(b);
            for s in [format!("{c}"), format!("é{c}✓{c}{c}x"), format!("ab{c}")] {
                let ours = json_string(&s);
                assert_eq!(ours, serde_json::to_string(&s).unwrap(), "{b:#x}");
                assert_eq!(serde_json::from_str::<String>(&ours).unwrap(), s);
            }
        }
        assert_eq!(json_string(""), "\"\"");
    }
}
