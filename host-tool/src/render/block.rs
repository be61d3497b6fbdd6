//! What `pin13 block|unblock|toggle` prints: per radio, what changed.
#![forbid(unsafe_code)]

use crate::model::inventory::Radio;
use crate::model::plan::Plan;
use crate::model::select::Selector;
use crate::render::{table, words};

fn label(id: u32, device: &str, type_name: &str) -> String {
    let name = crate::model::inventory::radio_name(id, device);
    format!("{name} (id {id}, {type_name})")
}

/// The report lines and the radios that did not reach their state (pure).
/// `write_failed`: a write failed midway, so a radio that did not change may
/// simply not have been written (the caller reports the write error).
pub fn report(plan: &Plan, after: &[Radio], write_failed: bool) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut failed = Vec::new();
    for t in &plan.targets {
        let l = label(t.id, &t.device, &t.type_name);
        match after.iter().find(|r| r.id == t.id) {
            None => {
                out.push_str(&format!("{l}: gone (unplugged or driver unloaded)\n"));
                failed.push(l);
            }
            // Drivers such as dell-rbtn tie the soft state to their hard
            // switch: while it is off the soft block cannot be lifted, and
            // the radio is blocked by the switch anyway. Say so; not a failure.
            Some(r) if r.soft != t.want_soft && r.hard => {
                let why = table::reason_text(r).unwrap_or_default();
                out.push_str(&format!(
                    "{l}: still soft {} and HARD blocked ({why}): its driver ties the soft state \
                     to a hardware switch; change that switch\n",
                    words::blocked(r.soft)
                ));
            }
            // A platform switch swept up by a type or `all` (dell-rbtn keeps
            // its switch's state): said, not a failure of `block all`.
            Some(r) if r.soft != t.want_soft && t.by_group && t.platform => {
                out.push_str(&format!(
                    "{l}: still soft {}: a platform switch ({}) that keeps its hardware \
                     switch's state; software cannot change it\n",
                    words::blocked(r.soft),
                    r.driver().unwrap_or("platform driver")
                ));
            }
            Some(r) if r.soft != t.want_soft && write_failed => {
                out.push_str(&format!(
                    "{l}: still soft {} (asked for soft {}): not changed, a write failed\n",
                    words::blocked(r.soft),
                    words::blocked(t.want_soft)
                ));
                failed.push(l);
            }
            Some(r) if r.soft != t.want_soft => {
                out.push_str(&format!(
                    "{l}: still soft {} (asked for soft {}): its driver did not accept the change\n",
                    words::blocked(r.soft),
                    words::blocked(t.want_soft)
                ));
                failed.push(l);
            }
            Some(r) => {
                let what = if r.soft == t.was_soft {
                    format!("soft {} (already)", words::blocked(r.soft))
                } else {
                    format!(
                        "soft {} -> {}",
                        words::blocked(t.was_soft),
                        words::blocked(r.soft)
                    )
                };
                let hard = if r.hard && !r.soft {
                    let why = table::reason_text(r).unwrap_or_default();
                    format!(
                        "; still HARD blocked ({why}): software cannot lift that, see `pin13 diagnose`"
                    )
                } else {
                    String::new()
                };
                out.push_str(&format!("{l}: {what}{hard}\n"));
            }
        }
    }
    for g in &plan.empty_groups {
        match g {
            Selector::Type(_) => out.push_str(&format!(
                "{g}: no such radio present (the kernel's default for it was set)\n"
            )),
            Selector::All => out.push_str(
                "all: no radio present (the kernel's default for radios that appear later was \
                 set)\n",
            ),
            Selector::Index(_) | Selector::Name(_) => {}
        }
    }
    (out, failed)
}
