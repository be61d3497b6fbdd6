//! Pure codec for kernel rfkill events (`include/uapi/linux/rfkill.h`).
//!
//! Layout (packed, `idx` in native byte order):
//! `u32 idx, u8 type, u8 op, u8 soft, u8 hard` (8 bytes, `RFKILL_EVENT_SIZE_V1`)
//! followed, in the extended event, by `u8 hard_block_reasons` (9 bytes).
#![forbid(unsafe_code)]

use std::fmt;

/// Size of `struct rfkill_event` (every kernel since 2.6.31; the default read size).
pub const EVENT_SIZE_V1: usize = 8;
/// Size of `struct rfkill_event_ext` (opt-in with `RFKILL_IOCTL_MAX_SIZE`).
pub const EVENT_SIZE_EXT: usize = 9;

/// `enum rfkill_type`. Unknown values are kept, never rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RfkillType {
    All,
    Wlan,
    Bluetooth,
    Uwb,
    Wimax,
    Wwan,
    Gps,
    Fm,
    Nfc,
    Unknown(u8),
}

impl RfkillType {
    pub fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::All,
            1 => Self::Wlan,
            2 => Self::Bluetooth,
            3 => Self::Uwb,
            4 => Self::Wimax,
            5 => Self::Wwan,
            6 => Self::Gps,
            7 => Self::Fm,
            8 => Self::Nfc,
            other => Self::Unknown(other),
        }
    }

    pub fn to_u8(self) -> u8 {
        match self {
            Self::All => 0,
            Self::Wlan => 1,
            Self::Bluetooth => 2,
            Self::Uwb => 3,
            Self::Wimax => 4,
            Self::Wwan => 5,
            Self::Gps => 6,
            Self::Fm => 7,
            Self::Nfc => 8,
            Self::Unknown(v) => v,
        }
    }

    /// The name the kernel writes to sysfs `type` (`ultrawideband`, not `uwb`).
    /// `None` for `All` (it has no sysfs name) and unknown values.
    pub fn sysfs_name(self) -> Option<&'static str> {
        Some(match self {
            Self::Wlan => "wlan",
            Self::Bluetooth => "bluetooth",
            Self::Uwb => "ultrawideband",
            Self::Wimax => "wimax",
            Self::Wwan => "wwan",
            Self::Gps => "gps",
            Self::Fm => "fm",
            Self::Nfc => "nfc",
            Self::All | Self::Unknown(_) => return None,
        })
    }

    /// Parse a kernel sysfs `type` string (exact, as the kernel writes it).
    pub fn from_sysfs_name(s: &str) -> Option<Self> {
        Self::all_known()
            .iter()
            .copied()
            .find(|t| t.sysfs_name() == Some(s))
    }

    /// Parse a user identifier: util-linux names and aliases
    /// (`all`, `wlan`/`wifi`, `bluetooth`, `uwb`/`ultrawideband`, `wimax`,
    /// `wwan`, `gps`, `fm`, `nfc`), case-insensitive.
    pub fn from_user_name(s: &str) -> Option<Self> {
        let lower = s.to_ascii_lowercase();
        Some(match lower.as_str() {
            "all" => Self::All,
            "wlan" | "wifi" => Self::Wlan,
            "bluetooth" => Self::Bluetooth,
            "uwb" | "ultrawideband" => Self::Uwb,
            "wimax" => Self::Wimax,
            "wwan" => Self::Wwan,
            "gps" => Self::Gps,
            "fm" => Self::Fm,
            "nfc" => Self::Nfc,
            _ => return None,
        })
    }

    /// util-linux's TYPE-DESC column text.
    pub fn description(self) -> Option<&'static str> {
        Some(match self {
            Self::Wlan => "Wireless LAN",
            Self::Bluetooth => "Bluetooth",
            Self::Uwb => "Ultra-Wideband",
            Self::Wimax => "WiMAX",
            Self::Wwan => "Wireless WAN",
            Self::Gps => "GPS",
            Self::Fm => "FM",
            Self::Nfc => "NFC",
            Self::All | Self::Unknown(_) => return None,
        })
    }

    /// Every known type except `All`.
    pub fn all_known() -> &'static [RfkillType] {
        &[
            Self::Wlan,
            Self::Bluetooth,
            Self::Uwb,
            Self::Wimax,
            Self::Wwan,
            Self::Gps,
            Self::Fm,
            Self::Nfc,
        ]
    }
}

impl fmt::Display for RfkillType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.sysfs_name()) {
            (_, Some(n)) => f.write_str(n),
            (Self::All, None) => f.write_str("all"),
            (Self::Unknown(v), None) => write!(f, "unknown({v})"),
            _ => f.write_str("unknown"),
        }
    }
}

/// `enum rfkill_operation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Add,
    Del,
    Change,
    ChangeAll,
    Unknown(u8),
}

impl Op {
    pub fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::Add,
            1 => Self::Del,
            2 => Self::Change,
            3 => Self::ChangeAll,
            other => Self::Unknown(other),
        }
    }

    pub fn to_u8(self) -> u8 {
        match self {
            Self::Add => 0,
            Self::Del => 1,
            Self::Change => 2,
            Self::ChangeAll => 3,
            Self::Unknown(v) => v,
        }
    }

    /// Stable machine name (`add`, `del`, `change`, `change-all`, `unknown(N)`).
    pub fn name(self) -> std::borrow::Cow<'static, str> {
        match self {
            Self::Add => "add".into(),
            Self::Del => "del".into(),
            Self::Change => "change".into(),
            Self::ChangeAll => "change-all".into(),
            Self::Unknown(v) => format!("unknown({v})").into(),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// `hard_block_reasons` bitmask (kernel >= 5.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Reasons(pub u8);

impl Reasons {
    /// `RFKILL_HARD_BLOCK_SIGNAL`: a physical kill line or switch.
    pub const SIGNAL: u8 = 0x1;
    /// `RFKILL_HARD_BLOCK_NOT_OWNER`: firmware (e.g. Intel CSME) owns the device.
    pub const NOT_OWNER: u8 = 0x2;

    pub fn signal(self) -> bool {
        self.0 & Self::SIGNAL != 0
    }
    pub fn not_owner(self) -> bool {
        self.0 & Self::NOT_OWNER != 0
    }
    /// Stable names of the set bits, in bit order; unknown bits as `0xNN`.
    pub fn names(self) -> Vec<String> {
        let mut out = Vec::new();
        if self.signal() {
            out.push("signal".to_string());
        }
        if self.not_owner() {
            out.push("not-owner".to_string());
        }
        let rest = self.0 & !(Self::SIGNAL | Self::NOT_OWNER);
        for bit in 2..8 {
            if rest & (1 << bit) != 0 {
                out.push(format!("0x{:x}", 1u8 << bit));
            }
        }
        out
    }
}

/// One decoded event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub idx: u32,
    pub kind: RfkillType,
    pub op: Op,
    pub soft: bool,
    pub hard: bool,
    /// `Some` only when the kernel sent the 9-byte extended event.
    pub reasons: Option<Reasons>,
}

/// Decoding failure: the only one possible is a too-short buffer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rfkill event too short: {len} bytes, need at least {EVENT_SIZE_V1}")]
pub struct DecodeError {
    pub len: usize,
}

/// A record of a capture or stream that no kernel would send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record {index} is not an rfkill event ({why})")]
pub struct RecordError {
    /// Which record (0 = the first).
    pub index: u64,
    pub why: &'static str,
}

/// The largest `enum rfkill_type` value (RFKILL_TYPE_NFC).
pub const MAX_TYPE: u8 = 8;
/// The largest `enum rfkill_operation` value (RFKILL_OP_CHANGE_ALL).
pub const MAX_OP: u8 = 3;

impl Event {
    /// Decode one 8-byte record of a capture file or stream, refusing what
    /// the kernel never sends: an unknown type or operation, a soft or hard
    /// value other than 0 and 1. `index` only names the record in the error.
    pub fn decode_record(buf: &[u8; EVENT_SIZE_V1], index: u64) -> Result<Self, RecordError> {
        let why = if buf[4] > MAX_TYPE {
            Some("unknown type")
        } else if buf[5] > MAX_OP {
            Some("unknown operation")
        } else if buf[6] > 1 || buf[7] > 1 {
            Some("soft and hard must be 0 or 1")
        } else {
            None
        };
        match why {
            Some(why) => Err(RecordError { index, why }),
            None => Event::decode(buf).map_err(|_| RecordError {
                index,
                why: "too short",
            }),
        }
    }

    /// Decode one event. Any length >= 8 is accepted (future kernels may grow
    /// the struct); the reasons byte is read only when present.
    pub fn decode(buf: &[u8]) -> Result<Self, DecodeError> {
        if buf.len() < EVENT_SIZE_V1 {
            return Err(DecodeError { len: buf.len() });
        }
        let idx = u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]);
        Ok(Event {
            idx,
            kind: RfkillType::from_u8(buf[4]),
            op: Op::from_u8(buf[5]),
            soft: buf[6] != 0,
            hard: buf[7] != 0,
            reasons: buf.get(8).map(|&r| Reasons(r)),
        })
    }

    /// Encode as the 8-byte `struct rfkill_event`.
    pub fn encode_v1(&self) -> [u8; EVENT_SIZE_V1] {
        let i = self.idx.to_ne_bytes();
        [
            i[0],
            i[1],
            i[2],
            i[3],
            self.kind.to_u8(),
            self.op.to_u8(),
            u8::from(self.soft),
            u8::from(self.hard),
        ]
    }

    /// Encode as the 9-byte `struct rfkill_event_ext` (reasons 0 when absent).
    pub fn encode_ext(&self) -> [u8; EVENT_SIZE_EXT] {
        let v1 = self.encode_v1();
        let mut out = [0u8; EVENT_SIZE_EXT];
        out[..EVENT_SIZE_V1].copy_from_slice(&v1);
        out[8] = self.reasons.map_or(0, |r| r.0);
        out
    }

    /// The write that sets the soft state of one device (`RFKILL_OP_CHANGE`,
    /// type ALL so the kernel matches on the index alone, as util-linux does).
    pub fn change(idx: u32, soft_block: bool) -> Self {
        Event {
            idx,
            kind: RfkillType::All,
            op: Op::Change,
            soft: soft_block,
            hard: false,
            reasons: None,
        }
    }

    /// The write that sets the soft state of every device of a type
    /// (`RFKILL_OP_CHANGE_ALL`; `RfkillType::All` for every device).
    pub fn change_all(kind: RfkillType, soft_block: bool) -> Self {
        Event {
            idx: 0,
            kind,
            op: Op::ChangeAll,
            soft: soft_block,
            hard: false,
            reasons: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(idx: u32, t: u8, op: u8, soft: u8, hard: u8) -> Vec<u8> {
        let mut v = idx.to_ne_bytes().to_vec();
        v.extend_from_slice(&[t, op, soft, hard]);
        v
    }

    #[test]
    fn decodes_8_byte_event_without_reasons() {
        let e = Event::decode(&raw(3, 1, 0, 0, 1)).unwrap();
        assert_eq!(e.idx, 3);
        assert_eq!(e.kind, RfkillType::Wlan);
        assert_eq!(e.op, Op::Add);
        assert!(!e.soft);
        assert!(e.hard);
        assert_eq!(e.reasons, None);
    }

    #[test]
    fn decodes_9_byte_event_with_reasons() {
        let mut b = raw(0x0102_0304, 2, 2, 1, 1);
        b.push(0x3);
        let e = Event::decode(&b).unwrap();
        assert_eq!(e.idx, 0x0102_0304);
        assert_eq!(e.kind, RfkillType::Bluetooth);
        assert_eq!(e.op, Op::Change);
        let r = e.reasons.unwrap();
        assert!(r.signal() && r.not_owner());
        assert_eq!(r.names(), vec!["signal", "not-owner"]);
    }

    #[test]
    fn accepts_longer_events_and_ignores_the_tail() {
        let mut b = raw(7, 8, 1, 0, 0);
        b.extend_from_slice(&[0x2, 0xAA, 0xBB]);
        let e = Event::decode(&b).unwrap();
        assert_eq!(e.kind, RfkillType::Nfc);
        assert_eq!(e.op, Op::Del);
        assert_eq!(e.reasons, Some(Reasons(0x2)));
    }

    #[test]
    fn short_input_is_an_error_not_a_panic() {
        for n in 0..EVENT_SIZE_V1 {
            assert_eq!(Event::decode(&vec![0u8; n]), Err(DecodeError { len: n }));
        }
    }

    #[test]
    fn unknown_type_and_op_are_kept() {
        let e = Event::decode(&raw(1, 42, 200, 0, 0)).unwrap();
        assert_eq!(e.kind, RfkillType::Unknown(42));
        assert_eq!(e.op, Op::Unknown(200));
        assert_eq!(e.kind.to_string(), "unknown(42)");
        assert_eq!(e.op.name(), "unknown(200)");
        // and they round-trip
        assert_eq!(e.encode_v1().to_vec(), raw(1, 42, 200, 0, 0));
    }

    #[test]
    fn every_byte_value_round_trips() {
        for v in 0..=255u8 {
            assert_eq!(RfkillType::from_u8(v).to_u8(), v);
            assert_eq!(Op::from_u8(v).to_u8(), v);
        }
    }

    #[test]
    fn nonzero_soft_hard_bytes_mean_blocked() {
        let e = Event::decode(&raw(0, 1, 2, 2, 255)).unwrap();
        assert!(e.soft && e.hard);
    }

    #[test]
    fn encodes_change_and_change_all_like_util_linux() {
        assert_eq!(
            Event::change(5, true).encode_v1().to_vec(),
            raw(5, 0, 2, 1, 0)
        );
        assert_eq!(
            Event::change_all(RfkillType::Wlan, false)
                .encode_v1()
                .to_vec(),
            raw(0, 1, 3, 0, 0)
        );
        let ext = Event::change_all(RfkillType::All, true).encode_ext();
        assert_eq!(ext.len(), 9);
        assert_eq!(ext[8], 0);
        assert_eq!(Event::decode(&ext).unwrap().op, Op::ChangeAll);
    }

    #[test]
    fn type_names_and_aliases() {
        assert_eq!(RfkillType::from_user_name("WiFi"), Some(RfkillType::Wlan));
        assert_eq!(
            RfkillType::from_user_name("ultrawideband"),
            Some(RfkillType::Uwb)
        );
        assert_eq!(RfkillType::from_user_name("ALL"), Some(RfkillType::All));
        assert_eq!(RfkillType::from_user_name("phy0"), None);
        assert_eq!(
            RfkillType::from_sysfs_name("ultrawideband"),
            Some(RfkillType::Uwb)
        );
        assert_eq!(RfkillType::from_sysfs_name("uwb"), None);
        assert_eq!(RfkillType::Uwb.to_string(), "ultrawideband");
    }

    #[test]
    fn unknown_reason_bits_are_named_in_hex() {
        assert_eq!(Reasons(0x81).names(), vec!["signal", "0x80"]);
        assert!(Reasons(0).names().is_empty());
    }
}
