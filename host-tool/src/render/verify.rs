//! What `pin13 verify` prints: the header, one line per timeline entry, the
//! verdict with what to do next, and the JSON object.
#![forbid(unsafe_code)]

use std::time::Duration;

use crate::model::hardware::{self, FormFactor, Role};
use crate::model::inventory::Radio;
use crate::model::watcher::{conclude, Conclusion, Ending, Entry, Failure, Verdict, What};
use crate::render::words;

/// `+3.214s` (milliseconds).
pub fn stamp(d: Duration) -> String {
    format!("+{}.{:03}s", d.as_secs(), d.subsec_millis())
}

fn secs(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{}.{:03} s", ms / 1000, ms % 1000)
    }
}

/// `0.200 s`: always with milliseconds, for measured times.
pub fn msecs(d: Duration) -> String {
    let ms = d.as_millis();
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

fn reasons_text(r: Option<crate::sys::Reasons>) -> String {
    match r {
        Some(r) if r.0 != 0 => format!(" ({})", r.names().join("+")),
        _ => String::new(),
    }
}

/// One timeline line: `+3.214s  phy0           HARD BLOCKED (signal)`.
pub fn render_entry(e: &Entry) -> String {
    let what = match &e.what {
        What::Start {
            soft,
            hard,
            reasons,
        } => format!(
            "start: soft {}, hard {}{}",
            words::blocked(*soft),
            words::blocked(*hard),
            reasons_text(*reasons)
        ),
        What::Added { soft, hard } => {
            format!(
                "appeared: soft {}, hard {}",
                words::blocked(*soft),
                words::blocked(*hard)
            )
        }
        What::Removed => "REMOVED (the device went away)".into(),
        What::CameBack { old_id } => format!("came back (was rfkill {old_id}), watching it again"),
        What::SoftBlocked => "soft blocked".into(),
        What::SoftUnblocked => "soft unblocked".into(),
        What::HardBlocked { reasons } => format!("HARD BLOCKED{}", reasons_text(*reasons)),
        What::HardUnblocked { lasted } => format!("hard unblocked after {}", msecs(*lasted)),
    };
    let mark = if e.target { '*' } else { ' ' };
    format!("{:>9} {mark} {:<14} {what}", stamp(e.at), e.device)
}

/// What the target is, for the header and the verdict.
pub struct TargetInfo {
    pub id: u32,
    pub device: String,
    pub hw: hardware::Hardware,
}

impl TargetInfo {
    pub fn new(radios: &[Radio], id: u32) -> Self {
        let r = radios.iter().find(|r| r.id == id);
        let device = crate::model::inventory::radio_name(id, r.map_or("", |r| r.device.as_str()));
        TargetInfo {
            id,
            hw: hardware::hardware(&device, r.and_then(|r| r.sys.as_ref())),
            device,
        }
    }

    fn label(&self) -> String {
        let mut parts = vec![format!("rfkill {}", self.id)];
        if let Some(d) = &self.hw.driver {
            parts.push(d.clone());
        }
        if let Some(s) = &self.hw.slot {
            parts.push(format!("at {s}"));
        }
        format!("{} ({})", self.device, parts.join(", "))
    }
}

/// The lines printed before the watch starts.
pub fn render_header(t: &TargetInfo, duration: Duration) -> String {
    format!(
        "Watching {} for {}.\nPress the laptop's wireless kill button or slide its switch now, several times.\n",
        t.label(),
        secs(duration)
    )
}

/// The verdict block: PASS/FAIL line, what failed, the target's timeline on
/// FAIL, and what to do next.
pub fn render_verdict(t: &TargetInfo, v: &Verdict, ending: Ending, planned: Duration) -> String {
    let mut o = String::new();
    let name = &t.device;
    let mini_pci = t.hw.form == FormFactor::MiniPci;
    if conclude(v, ending, planned) == Conclusion::Incomplete {
        let why = match ending {
            Ending::Interrupted => "it was interrupted",
            Ending::StreamEnded | Ending::Completed => "the event stream ended",
        };
        o.push_str(&format!(
            "INCOMPLETE: {name} was watched for {} of {}: {why}, so this proves nothing yet \
             (no hard block so far, {} changes on other radios).\n\
             next: run `pin13 verify` again and let the countdown finish, pressing the switch \
             while it runs.\n",
            msecs(v.watched),
            secs(planned),
            v.other_changes
        ));
        return o;
    }
    if v.pass {
        o.push_str(&format!(
            "PASS: {name} was never hard-blocked and stayed present for {} ({} changes on other radios).\n",
            secs(v.watched),
            v.other_changes
        ));
        if mini_pci {
            o.push_str("The tape on pin 13 holds: the kill line no longer reaches the card.\n");
        }
        if v.target_changes == 0 && v.other_changes == 0 {
            o.push_str(
                "Nothing changed at all: if you did not press the switch, run it again and press it while the countdown runs.\n",
            );
        }
        return o;
    }
    let hard: Vec<&Failure> = v
        .failures
        .iter()
        .filter(|f| matches!(f, Failure::Hard { .. }))
        .collect();
    o.push_str(&format!("FAIL: {name}"));
    let mut what = Vec::new();
    if v.failures.contains(&Failure::HardAtStart) {
        what.push("was already hard-blocked when the check started".to_string());
    }
    if !hard.is_empty() {
        let list: Vec<String> = hard
            .iter()
            .map(|f| match f {
                Failure::Hard {
                    at,
                    lasted: Some(l),
                } => format!("{} at {}", msecs(*l), stamp(*at)),
                Failure::Hard { at, lasted: None } => {
                    format!("from {} until the end", stamp(*at))
                }
                _ => String::new(),
            })
            .collect();
        what.push(format!(
            "was hard-blocked {} time{} ({})",
            hard.len(),
            if hard.len() == 1 { "" } else { "s" },
            list.join(", ")
        ));
    }
    for f in &v.failures {
        if let Failure::Removed { at } = f {
            what.push(format!(
                "disappeared at {} (its driver unregistered it)",
                stamp(*at)
            ));
        }
    }
    o.push_str(&format!(" {}.\n", what.join("; ")));
    o.push_str("Timeline:\n");
    for e in &v.timeline {
        o.push_str(&format!("  {}\n", render_entry(e)));
    }
    o.push_str("next: ");
    if t.hw.role == Role::Platform && !hard.is_empty() {
        o.push_str(&format!(
            "{name} is a platform switch, so it follows the switch by design; to check the tape, verify the card's own device (`pin13 verify` without a selector picks it).\n"
        ));
    } else if v.failures.contains(&Failure::HardAtStart) && hard.is_empty() {
        o.push_str(&format!(
            "run `pin13 diagnose {name}` to see who holds the block, clear it, then verify again.\n"
        ));
    } else if !hard.is_empty() && mini_pci {
        o.push_str("the kill line still reaches the card: take it out, check that the tape covers pin 13 completely and is not torn, test it with `pin13 jig probe`, then verify again.\n");
    } else if !hard.is_empty() {
        o.push_str("the kill input still reaches the card (pin 13 on mini-PCI, W_DISABLE# pin 20 on mini PCIe): check the tape, then verify again.\n");
    } else {
        o.push_str("look at `dmesg` for why the card went away (a reset or a driver reload), then verify again.\n");
    }
    o
}

#[derive(serde::Serialize)]
struct JsonEntry {
    t: f64,
    id: u32,
    device: String,
    target: bool,
    event: &'static str,
    soft: Option<&'static str>,
    hard: Option<&'static str>,
    reasons: Option<Vec<String>>,
    lasted: Option<f64>,
}

#[derive(serde::Serialize)]
struct JsonFailure {
    kind: &'static str,
    t: Option<f64>,
    lasted: Option<f64>,
}

#[derive(serde::Serialize)]
struct JsonVerdict {
    result: &'static str,
    id: u32,
    device: String,
    duration: f64,
    watched: f64,
    ended: &'static str,
    failures: Vec<JsonFailure>,
    timeline: Vec<JsonEntry>,
}

/// The verdict as one JSON object (stable keys; times in seconds).
pub fn render_json(t: &TargetInfo, v: &Verdict, ending: Ending, planned: Duration) -> String {
    let f = |d: Duration| (d.as_micros() as f64) / 1e6;
    let timeline = v
        .timeline
        .iter()
        .map(|e| {
            let mut j = JsonEntry {
                t: f(e.at),
                id: e.id,
                device: e.device.clone(),
                target: e.target,
                event: "",
                soft: None,
                hard: None,
                reasons: None,
                lasted: None,
            };
            match &e.what {
                What::Start {
                    soft,
                    hard,
                    reasons,
                } => {
                    j.event = "start";
                    j.soft = Some(words::blocked(*soft));
                    j.hard = Some(words::blocked(*hard));
                    j.reasons = reasons.map(|r| r.names());
                }
                What::Added { soft, hard } => {
                    j.event = "add";
                    j.soft = Some(words::blocked(*soft));
                    j.hard = Some(words::blocked(*hard));
                }
                What::Removed => j.event = "del",
                What::CameBack { .. } => j.event = "came-back",
                What::SoftBlocked => {
                    j.event = "change";
                    j.soft = Some("blocked");
                }
                What::SoftUnblocked => {
                    j.event = "change";
                    j.soft = Some("unblocked");
                }
                What::HardBlocked { reasons } => {
                    j.event = "change";
                    j.hard = Some("blocked");
                    j.reasons = reasons.map(|r| r.names());
                }
                What::HardUnblocked { lasted } => {
                    j.event = "change";
                    j.hard = Some("unblocked");
                    j.lasted = Some(f(*lasted));
                }
            }
            j
        })
        .collect();
    let failures = v
        .failures
        .iter()
        .map(|x| match x {
            Failure::HardAtStart => JsonFailure {
                kind: "hard-at-start",
                t: Some(0.0),
                lasted: None,
            },
            Failure::Hard { at, lasted } => JsonFailure {
                kind: "hard-blocked",
                t: Some(f(*at)),
                lasted: lasted.map(f),
            },
            Failure::Removed { at } => JsonFailure {
                kind: "removed",
                t: Some(f(*at)),
                lasted: None,
            },
        })
        .collect();
    let j = JsonVerdict {
        result: conclude(v, ending, planned).word(),
        id: t.id,
        device: t.device.clone(),
        duration: f(planned),
        watched: f(v.watched),
        ended: match ending {
            Ending::Completed => "completed",
            Ending::StreamEnded => "stream-ended",
            Ending::Interrupted => "interrupted",
        },
        failures,
        timeline,
    };
    serde_json::to_string(&j).unwrap_or_else(|_| String::from("{}"))
}
