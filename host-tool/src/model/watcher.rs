//! The tape-mod check as a pure state machine: fed with rfkill events and the
//! time they arrived (offsets from the start), it keeps every radio's state,
//! a timeline, and the reasons the check failed. No clock, no I/O: the
//! command drives it with real time and /dev/rfkill, tests with a script.
//!
//! FAIL when the target radio is hard-blocked at the start, becomes
//! hard-blocked at any moment (however short), or disappears (DEL event).
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use crate::error::Error;
use crate::model::hardware::{self, FormFactor, Role};
use crate::model::inventory::Radio;
use crate::sys::{Event, Op, Reasons};

/// What happened to one radio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// State of the target when the watch began.
    Start {
        soft: bool,
        hard: bool,
        reasons: Option<Reasons>,
    },
    /// A radio appeared (ADD for an index not seen before).
    Added {
        soft: bool,
        hard: bool,
    },
    /// A radio went away (DEL).
    Removed,
    /// The target's name came back under a new index after a DEL.
    CameBack {
        old_id: u32,
    },
    SoftBlocked,
    SoftUnblocked,
    HardBlocked {
        reasons: Option<Reasons>,
    },
    HardUnblocked {
        lasted: Duration,
    },
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Time since the start of the watch.
    pub at: Duration,
    pub id: u32,
    pub device: String,
    /// True for the radio under test.
    pub target: bool,
    pub what: What,
}

/// Why the check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Already hard-blocked when the watch began.
    HardAtStart,
    /// Hard-blocked at `at`; `lasted` is `None` when it was still blocked at the end.
    Hard {
        at: Duration,
        lasted: Option<Duration>,
    },
    /// The device disappeared.
    Removed { at: Duration },
}

/// The outcome of a watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub pass: bool,
    pub failures: Vec<Failure>,
    pub timeline: Vec<Entry>,
    /// How long the watch ran.
    pub watched: Duration,
    /// Changes seen on the target and on other radios (the start line not counted).
    pub target_changes: usize,
    pub other_changes: usize,
}

#[derive(Debug, Clone, Copy)]
struct State {
    soft: bool,
    hard: bool,
}

#[derive(Debug, Clone)]
pub struct Watcher {
    target: u32,
    target_name: String,
    names: BTreeMap<u32, String>,
    states: BTreeMap<u32, State>,
    /// When the target's current hard block began.
    hard_since: Option<Duration>,
    removed: bool,
    failures: Vec<Failure>,
    timeline: Vec<Entry>,
    target_changes: usize,
    other_changes: usize,
}

impl Watcher {
    /// Start watching `target` (an rfkill id present in `radios`).
    pub fn new(radios: &[Radio], target: u32) -> Self {
        let mut w = Watcher {
            target,
            target_name: String::new(),
            names: BTreeMap::new(),
            states: BTreeMap::new(),
            hard_since: None,
            removed: false,
            failures: Vec::new(),
            timeline: Vec::new(),
            target_changes: 0,
            other_changes: 0,
        };
        for r in radios {
            w.names.insert(r.id, r.device.clone());
            w.states.insert(
                r.id,
                State {
                    soft: r.soft,
                    hard: r.hard,
                },
            );
        }
        let start = radios.iter().find(|r| r.id == target);
        w.target_name = start.map(|r| r.device.clone()).unwrap_or_default();
        let (soft, hard, reasons) =
            start.map_or((false, false, None), |r| (r.soft, r.hard, r.reasons));
        w.push(
            Duration::ZERO,
            target,
            What::Start {
                soft,
                hard,
                reasons,
            },
        );
        if hard {
            w.failures.push(Failure::HardAtStart);
            w.hard_since = Some(Duration::ZERO);
        }
        w
    }

    pub fn target(&self) -> u32 {
        self.target
    }

    /// True once something made the check fail.
    pub fn failed(&self) -> bool {
        !self.failures.is_empty()
    }

    fn name_of(&self, id: u32) -> String {
        crate::model::inventory::radio_name(id, self.names.get(&id).map_or("", String::as_str))
    }

    fn push(&mut self, at: Duration, id: u32, what: What) {
        let entry = Entry {
            at,
            id,
            device: self.name_of(id),
            target: id == self.target,
            what,
        };
        self.timeline.push(entry);
    }

    /// Feed one event that arrived `at` after the start. Returns the timeline
    /// entries it produced (none for the ADD events the kernel queues on
    /// open when they agree with what we knew).
    pub fn feed(&mut self, at: Duration, ev: &Event) -> Vec<Entry> {
        let before = self.timeline.len();
        let id = ev.idx;
        match ev.op {
            Op::Add => match self.states.get(&id).copied() {
                Some(old) => self.change(at, id, old, ev),
                None => {
                    self.states.insert(
                        id,
                        State {
                            soft: ev.soft,
                            hard: ev.hard,
                        },
                    );
                    self.names.entry(id).or_default();
                    self.count(id);
                    self.push(
                        at,
                        id,
                        What::Added {
                            soft: ev.soft,
                            hard: ev.hard,
                        },
                    );
                }
            },
            Op::Del => {
                if self.states.remove(&id).is_some() || id == self.target {
                    self.count(id);
                    self.push(at, id, What::Removed);
                    if id == self.target && !self.removed {
                        self.removed = true;
                        if let Some(since) = self.hard_since.take() {
                            self.close_hard(since, at);
                        }
                        self.failures.push(Failure::Removed { at });
                    }
                }
            }
            Op::Change => {
                let old = self.states.get(&id).copied().unwrap_or(State {
                    soft: false,
                    hard: false,
                });
                self.change(at, id, old, ev);
            }
            Op::ChangeAll | Op::Unknown(_) => {}
        }
        self.timeline[before..].to_vec()
    }

    /// Name a radio that appeared after the start (the command reads names
    /// from sysfs when an ADD for an unknown index arrives). When the target
    /// vanished earlier and its name comes back, watching moves to it.
    pub fn name_radio(&mut self, at: Duration, id: u32, name: &str) -> Vec<Entry> {
        let before = self.timeline.len();
        self.names.insert(id, name.to_string());
        for e in self.timeline.iter_mut().filter(|e| e.id == id) {
            e.device = name.to_string();
        }
        if self.removed
            && !self.target_name.is_empty()
            && name == self.target_name
            && id != self.target
        {
            let old_id = self.target;
            self.target = id;
            self.removed = false;
            for e in self.timeline.iter_mut().filter(|e| e.id == id) {
                e.target = true;
            }
            self.push(at, id, What::CameBack { old_id });
            let hard = self.states.get(&id).is_some_and(|s| s.hard);
            if hard {
                self.hard_since = Some(at);
            }
        }
        self.timeline[before..].to_vec()
    }

    fn count(&mut self, id: u32) {
        if id == self.target {
            self.target_changes += 1;
        } else {
            self.other_changes += 1;
        }
    }

    fn change(&mut self, at: Duration, id: u32, old: State, ev: &Event) {
        let new = State {
            soft: ev.soft,
            hard: ev.hard,
        };
        self.states.insert(id, new);
        if new.soft != old.soft {
            self.count(id);
            let what = if new.soft {
                What::SoftBlocked
            } else {
                What::SoftUnblocked
            };
            self.push(at, id, what);
        }
        if new.hard != old.hard {
            self.count(id);
            if new.hard {
                self.push(
                    at,
                    id,
                    What::HardBlocked {
                        reasons: ev.reasons,
                    },
                );
                if id == self.target {
                    self.hard_since = Some(at);
                }
            } else {
                // How long it lasted: from our record for the target, else unknown (0).
                let since = if id == self.target {
                    self.hard_since.take()
                } else {
                    self.timeline
                        .iter()
                        .rev()
                        .find(|e| e.id == id && matches!(e.what, What::HardBlocked { .. }))
                        .map(|e| e.at)
                };
                let lasted = since.map_or(Duration::ZERO, |s| at.saturating_sub(s));
                self.push(at, id, What::HardUnblocked { lasted });
                if id == self.target {
                    if let Some(s) = since {
                        self.close_hard(s, at);
                    }
                }
            }
        }
    }

    /// Record a hard block of the target that began at `since` and ended at `at`.
    fn close_hard(&mut self, since: Duration, at: Duration) {
        if since == Duration::ZERO && self.failures.contains(&Failure::HardAtStart) {
            // The block we found at the start: already reported as HardAtStart.
            return;
        }
        self.failures.push(Failure::Hard {
            at: since,
            lasted: Some(at.saturating_sub(since)),
        });
    }

    /// End the watch at `at` (time since the start).
    pub fn finish(mut self, at: Duration) -> Verdict {
        if let Some(since) = self.hard_since.take() {
            let at_start = since == Duration::ZERO && self.failures.contains(&Failure::HardAtStart);
            if !at_start {
                self.failures.push(Failure::Hard {
                    at: since,
                    lasted: None,
                });
            }
        }
        Verdict {
            pass: self.failures.is_empty(),
            failures: self.failures,
            timeline: self.timeline,
            watched: at,
            target_changes: self.target_changes,
            other_changes: self.other_changes,
        }
    }
}

/// How the watch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The whole duration passed.
    Completed,
    /// The event stream ended early (a replayed capture).
    StreamEnded,
    /// Ctrl-C, or the reader of our output went away.
    Interrupted,
}

/// What a watch proves: PASS only for a run that watched the whole
/// duration and saw no failure; a failure seen is a FAIL however the run
/// ended; anything else (Ctrl-C, a signal, a stream that ended early) is
/// incomplete and proves nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclusion {
    Pass,
    Fail,
    Incomplete,
}

impl Conclusion {
    /// The word in the report and in JSON's `result`.
    pub fn word(self) -> &'static str {
        match self {
            Conclusion::Pass => "pass",
            Conclusion::Fail => "fail",
            Conclusion::Incomplete => "incomplete",
        }
    }
}

/// Conclude a finished watch (pure).
pub fn conclude(v: &Verdict, ending: Ending, planned: Duration) -> Conclusion {
    if !v.pass {
        Conclusion::Fail
    } else if ending == Ending::Completed && v.watched >= planned {
        Conclusion::Pass
    } else {
        Conclusion::Incomplete
    }
}

/// Pick the radio to watch. With a selector it must match exactly one radio;
/// without one, the wlan card (not a platform switch), ipw2x00 first.
pub fn pick_target(radios: &[Radio], selector: Option<&str>) -> Result<u32, Error> {
    if let Some(s) = selector {
        let sels = crate::model::select::parse_all(&[s.to_string()], radios)?;
        let hits = crate::model::select::filter(&sels, radios);
        return match hits.as_slice() {
            [one] => Ok(one.id),
            [] => Err(Error::usage(
                format!("`{s}` matches no radio"),
                Some(crate::model::select::describe_radios(radios)),
            )),
            many => Err(Error::usage(
                format!(
                    "verify watches one radio, `{s}` matches {}: {}",
                    many.len(),
                    many.iter()
                        .map(|r| format!("{} {}", r.id, r.device))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some("name one by index or device name, e.g. `pin13 verify phy0`".into()),
            )),
        };
    }
    let cards: Vec<(&Radio, hardware::Hardware)> = radios
        .iter()
        .filter(|r| r.kind == crate::sys::RfkillType::Wlan)
        .map(|r| (r, hardware::hardware(&r.device, r.sys.as_ref())))
        .filter(|(_, hw)| hw.role == Role::Card)
        .collect();
    let ipw = cards.iter().find(|(_, hw)| {
        hw.form == FormFactor::MiniPci
            || hw
                .driver
                .as_deref()
                .is_some_and(hardware::is_mini_pci_driver)
    });
    match ipw.or(cards.first()) {
        Some((r, _)) => Ok(r.id),
        None => Err(Error::usage(
            "no wireless card's rfkill device found to watch",
            Some(format!(
                "{}; name the radio to watch, e.g. `pin13 verify 0`",
                crate::model::select::describe_radios(radios)
            )),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::RfkillType;
    use crate::testkit::wlan_event as ev;
    use crate::testkit::{pci_node, phy, platform};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn machine(hard: bool) -> Vec<Radio> {
        vec![
            phy(
                0,
                false,
                hard,
                Some(u8::from(hard)),
                pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(0)),
            ),
            platform(
                1,
                "acer-wireless",
                "acer-wmi",
                RfkillType::Wlan,
                false,
                false,
                Some(0),
            ),
        ]
    }

    #[test]
    fn quiet_passes() {
        let mut w = Watcher::new(&machine(false), 0);
        // The ADD dump on open agrees with what we knew: no entries.
        assert!(w
            .feed(ms(1), &ev(0, Op::Add, false, false, Some(0)))
            .is_empty());
        assert!(w
            .feed(ms(1), &ev(1, Op::Add, false, false, Some(0)))
            .is_empty());
        let v = w.finish(Duration::from_secs(10));
        assert!(v.pass);
        assert!(v.failures.is_empty());
        assert_eq!(v.timeline.len(), 1, "only the start line");
        assert_eq!((v.target_changes, v.other_changes), (0, 0));
    }

    #[test]
    fn a_200_ms_flicker_fails_with_its_length() {
        let mut w = Watcher::new(&machine(false), 0);
        let on = w.feed(ms(3000), &ev(0, Op::Change, false, true, Some(1)));
        assert_eq!(on.len(), 1);
        assert_eq!(
            on[0].what,
            What::HardBlocked {
                reasons: Some(Reasons(1))
            }
        );
        assert!(on[0].target);
        let off = w.feed(ms(3200), &ev(0, Op::Change, false, false, Some(0)));
        assert_eq!(off[0].what, What::HardUnblocked { lasted: ms(200) });
        let v = w.finish(Duration::from_secs(10));
        assert!(!v.pass);
        assert_eq!(
            v.failures,
            vec![Failure::Hard {
                at: ms(3000),
                lasted: Some(ms(200))
            }]
        );
        assert_eq!(v.target_changes, 2);
    }

    #[test]
    fn a_block_still_on_at_the_end_fails_without_a_length() {
        let mut w = Watcher::new(&machine(false), 0);
        w.feed(ms(500), &ev(0, Op::Change, false, true, Some(1)));
        let v = w.finish(ms(1000));
        assert_eq!(
            v.failures,
            vec![Failure::Hard {
                at: ms(500),
                lasted: None
            }]
        );
    }

    #[test]
    fn hard_at_start_fails_once() {
        let w = Watcher::new(&machine(true), 0);
        assert!(w.failed());
        let v = w.finish(ms(1000));
        assert!(!v.pass);
        assert_eq!(v.failures, vec![Failure::HardAtStart]);
        assert_eq!(
            v.timeline[0].what,
            What::Start {
                soft: false,
                hard: true,
                reasons: Some(Reasons(1))
            }
        );
        // Released during the watch: still one failure, not two.
        let mut w = Watcher::new(&machine(true), 0);
        w.feed(ms(300), &ev(0, Op::Change, false, false, Some(0)));
        assert_eq!(w.finish(ms(1000)).failures, vec![Failure::HardAtStart]);
    }

    #[test]
    fn removal_fails_and_is_in_the_timeline() {
        let mut w = Watcher::new(&machine(false), 0);
        let e = w.feed(ms(1200), &ev(0, Op::Del, false, false, None));
        assert_eq!(e[0].what, What::Removed);
        assert_eq!(e[0].device, "phy0");
        let v = w.finish(ms(2000));
        assert_eq!(v.failures, vec![Failure::Removed { at: ms(1200) }]);
    }

    #[test]
    fn removed_then_back_under_a_new_index_is_followed() {
        let mut w = Watcher::new(&machine(false), 0);
        w.feed(ms(100), &ev(0, Op::Del, false, false, None));
        let added = w.feed(ms(900), &ev(5, Op::Add, false, false, Some(0)));
        assert_eq!(
            added[0].what,
            What::Added {
                soft: false,
                hard: false
            }
        );
        assert_eq!(added[0].device, "rfkill5");
        let back = w.name_radio(ms(900), 5, "phy0");
        assert_eq!(back[0].what, What::CameBack { old_id: 0 });
        assert_eq!(w.target(), 5);
        w.feed(ms(1500), &ev(5, Op::Change, false, true, Some(1)));
        let v = w.finish(ms(2000));
        assert_eq!(
            v.failures,
            vec![
                Failure::Removed { at: ms(100) },
                Failure::Hard {
                    at: ms(1500),
                    lasted: None
                }
            ]
        );
        assert!(v.timeline.iter().any(|e| e.id == 5 && e.device == "phy0"));
    }

    #[test]
    fn other_radios_are_in_the_timeline_but_do_not_fail() {
        let mut w = Watcher::new(&machine(false), 0);
        let e = w.feed(ms(700), &ev(1, Op::Change, false, true, Some(1)));
        assert_eq!(e[0].device, "acer-wireless");
        assert!(!e[0].target);
        let e = w.feed(ms(900), &ev(1, Op::Change, true, false, Some(0)));
        assert_eq!(e.len(), 2, "soft and hard changed together");
        assert_eq!(e[1].what, What::HardUnblocked { lasted: ms(200) });
        let v = w.finish(ms(5000));
        assert!(v.pass);
        assert_eq!((v.target_changes, v.other_changes), (0, 3));
    }

    #[test]
    fn soft_changes_of_the_target_do_not_fail() {
        let mut w = Watcher::new(&machine(false), 0);
        w.feed(ms(10), &ev(0, Op::Change, true, false, Some(0)));
        w.feed(ms(20), &ev(0, Op::Change, false, false, Some(0)));
        let v = w.finish(ms(30));
        assert!(v.pass);
        assert_eq!(v.target_changes, 2);
    }

    #[test]
    fn an_add_that_disagrees_with_the_inventory_is_a_change() {
        // The switch moved between reading sysfs and opening /dev/rfkill.
        let mut w = Watcher::new(&machine(false), 0);
        let e = w.feed(ms(0), &ev(0, Op::Add, false, true, Some(1)));
        assert_eq!(
            e[0].what,
            What::HardBlocked {
                reasons: Some(Reasons(1))
            }
        );
        assert!(!w.finish(ms(10)).pass);
    }
}
