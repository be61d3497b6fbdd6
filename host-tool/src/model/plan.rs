//! What `pin13 block|unblock|toggle` will write (pure): the change events and
//! the state each selected radio should reach.
#![forbid(unsafe_code)]

use std::collections::HashSet;

use crate::model::inventory::Radio;
use crate::model::select::Selector;
use crate::sys::Event;

/// What to do with the soft block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Block,
    Unblock,
    Toggle,
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Action::Block => "block",
            Action::Unblock => "unblock",
            Action::Toggle => "toggle",
        }
    }
}

/// One radio the command means to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: u32,
    pub device: String,
    pub type_name: String,
    /// Soft state before.
    pub was_soft: bool,
    /// Soft state asked for.
    pub want_soft: bool,
    /// Matched through a type or `all` rather than named by index or name.
    pub by_group: bool,
    /// A platform (ACPI/WMI/firmware) switch rather than a radio: drivers
    /// such as dell-rbtn re-read their switch and keep its state.
    pub platform: bool,
}

/// The writes and what they should achieve.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub writes: Vec<Event>,
    pub targets: Vec<Target>,
    /// Type selectors that matched no radio (the write still sets the
    /// kernel's default for that type).
    pub empty_groups: Vec<Selector>,
}

/// Compute the writes (pure). Toggle flips each radio; for a type or `all`
/// whose radios all share one state it writes one CHANGE_ALL, otherwise one
/// CHANGE per radio (so every radio really flips).
pub fn plan(action: Action, selectors: &[Selector], radios: &[Radio]) -> Plan {
    let mut p = Plan::default();
    let mut covered: HashSet<u32> = HashSet::new();
    let add_target = |p: &mut Plan, r: &Radio, want: bool, by_group: bool| {
        if !p.targets.iter().any(|t| t.id == r.id) {
            p.targets.push(Target {
                id: r.id,
                device: r.device.clone(),
                type_name: r.type_name.clone(),
                was_soft: r.soft,
                want_soft: want,
                by_group,
                platform: matches!(
                    r.sys.as_ref().and_then(|s| s.bus()),
                    Some("platform" | "acpi")
                ),
            });
        }
    };
    for sel in selectors {
        let matched: Vec<&Radio> = radios.iter().filter(|r| sel.matches(r)).collect();
        match (action, sel.group_type()) {
            (Action::Block | Action::Unblock, Some(kind)) => {
                let want = action == Action::Block;
                p.writes.push(Event::change_all(kind, want));
                if matched.is_empty() {
                    p.empty_groups.push(sel.clone());
                }
                for r in matched {
                    covered.insert(r.id);
                    add_target(&mut p, r, want, true);
                }
            }
            (Action::Toggle, Some(kind)) => {
                let fresh: Vec<&Radio> = matched
                    .iter()
                    .copied()
                    .filter(|r| !covered.contains(&r.id))
                    .collect();
                if matched.is_empty() {
                    p.empty_groups.push(sel.clone());
                } else if fresh.len() == matched.len()
                    && matched.iter().all(|r| r.soft == matched[0].soft)
                {
                    p.writes.push(Event::change_all(kind, !matched[0].soft));
                } else {
                    for r in &fresh {
                        p.writes.push(Event::change(r.id, !r.soft));
                    }
                }
                for r in fresh {
                    covered.insert(r.id);
                    add_target(&mut p, r, !r.soft, true);
                }
            }
            (_, None) => {
                for r in matched {
                    if covered.insert(r.id) {
                        let want = match action {
                            Action::Block => true,
                            Action::Unblock => false,
                            Action::Toggle => !r.soft,
                        };
                        p.writes.push(Event::change(r.id, want));
                        add_target(&mut p, r, want, false);
                    }
                }
            }
        }
    }
    p
}
