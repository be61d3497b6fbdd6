//! `pin13 watch` lines: the friendly text form and JSON lines, one per event.
#![forbid(unsafe_code)]

use std::collections::HashMap;

use serde::Serialize;

use crate::render::words;
use crate::sys::clock::Stamp;
use crate::sys::sysfs::Sysfs;
use crate::sys::{Event, Op};

/// One output line as JSON (field order is the documented key order).
#[derive(Debug, Serialize)]
struct JsonLine<'a> {
    time: String,
    id: u32,
    #[serde(rename = "type")]
    type_name: &'a str,
    device: Option<&'a str>,
    op: &'a str,
    soft: &'static str,
    hard: &'static str,
    /// `null` when the kernel does not report reasons (< 5.11).
    reasons: Option<Vec<String>>,
}

/// Turns events into lines: keeps device names (a DEL event comes after the
/// sysfs directory is gone) and fills reasons from sysfs for 8-byte events.
pub struct Formatter<'a> {
    sysfs: &'a Sysfs,
    json: bool,
    /// idx -> (device name, type name)
    known: HashMap<u32, (String, String)>,
}

impl<'a> Formatter<'a> {
    pub fn new(sysfs: &'a Sysfs, json: bool) -> Self {
        Formatter {
            sysfs,
            json,
            known: HashMap::new(),
        }
    }

    /// Name and type of `ev`'s radio; looked up in sysfs on ADD and for
    /// radios not seen yet.
    fn identify(&mut self, ev: &Event) -> (String, String) {
        if ev.op == Op::Add || !self.known.contains_key(&ev.idx) {
            if let Ok(Some(r)) = self.sysfs.radio(ev.idx) {
                self.known
                    .insert(ev.idx, (r.attrs.name.clone(), r.attrs.type_name.clone()));
            }
        }
        let kernel_type = ev.kind.to_string();
        let found = self.known.get(&ev.idx).cloned();
        if ev.op == Op::Del {
            self.known.remove(&ev.idx);
        }
        found.unwrap_or((String::new(), kernel_type))
    }

    /// The radio's name, when known (for selectors by name).
    pub fn name_of(&mut self, ev: &Event) -> String {
        self.identify(ev).0
    }

    /// Reason names: from the 9-byte event, else sysfs (read now); empty when
    /// not hard-blocked; `None` when nobody reports them.
    fn reasons(&self, ev: &Event) -> Option<Vec<String>> {
        if !ev.hard {
            return Some(Vec::new());
        }
        let r = ev.reasons.or_else(|| match ev.op {
            Op::Del => None,
            _ => self
                .sysfs
                .radio(ev.idx)
                .ok()
                .flatten()
                .and_then(|r| r.attrs.reasons()),
        });
        r.map(|r| r.names())
    }

    /// One line (with its newline) for `ev` at `t`.
    pub fn line(&mut self, ev: &Event, t: Stamp) -> String {
        let (device, type_name) = self.identify(ev);
        let reasons = self.reasons(ev);
        let op = ev.op.name();
        if self.json {
            let l = JsonLine {
                time: t.rfc3339(),
                id: ev.idx,
                type_name: &type_name,
                device: (!device.is_empty()).then_some(device.as_str()),
                op: &op,
                soft: words::blocked(ev.soft),
                hard: words::blocked(ev.hard),
                reasons,
            };
            // Serialising plain strings and numbers cannot fail.
            let mut s = serde_json::to_string(&l).unwrap_or_default();
            s.push('\n');
            s
        } else {
            let reasons = match reasons {
                None => "unknown".to_string(),
                Some(v) if v.is_empty() && ev.hard => "unspecified".to_string(),
                Some(v) if v.is_empty() => "-".to_string(),
                Some(v) => v.join(","),
            };
            let device = if device.is_empty() { "?" } else { &device };
            format!(
                "{} {op} id={} device={device} type={type_name} soft={} hard={} reasons={reasons}\n",
                t.human(),
                ev.idx,
                words::blocked(ev.soft),
                words::blocked(ev.hard),
            )
        }
    }
}
