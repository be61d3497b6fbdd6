//! `pin13 block|unblock|toggle SELECTOR...`: change the soft block.
//!
//! 1. Read the radios and resolve every selector (a bad one changes nothing).
//! 2. Plan the writes: CHANGE for an index or name, CHANGE_ALL for a type or
//!    `all` (as util-linux; CHANGE_ALL also sets the kernel's default for
//!    radios of that type plugged in later).
//! 3. Open /dev/rfkill read-write and write them.
//! 4. Read the radios again and report, per radio, what changed. A radio
//!    that did not reach the requested state makes the exit status 1.
#![forbid(unsafe_code)]

use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::inventory::{self};
use crate::model::plan::{plan, Action, Plan};
use crate::model::select::{self};
use crate::render::block::report;
use crate::render::table;
use crate::sys::device::Device;
use crate::sys::{DevError, Event};

#[derive(Debug, clap::Args)]
#[command(after_help = CHANGE_HELP)]
pub struct ChangeArgs {
    /// Index, device name (phy0), type (wlan, wifi, bluetooth, ...) or `all`.
    #[arg(required = true, value_name = "SELECTOR")]
    pub selectors: Vec<String>,
}

const CHANGE_HELP: &str = "\
An index or device name changes that radio; a type or `all` changes every radio
of that type and also the kernel's default for radios of that type that appear
later. Every selector is checked before anything is written. Afterwards the
radios are read again and each line says what changed. Only the soft block can
be changed: a hard block (switch, kill line) is read-only for software.
Needs write access to /dev/rfkill (root, a udev rule or group; see the message).";

pub fn run(ctx: &Context, action: Action, args: &ChangeArgs) -> Result<Status, Error> {
    if ctx.replay.is_some() {
        return Err(Error::usage(
            format!(
                "{} changes this machine's radios; --replay does not apply",
                action.verb()
            ),
            None,
        ));
    }
    let before = inventory::load(ctx)?;
    let selectors = select::parse_all(&args.selectors, &before.radios)?;
    let plan = plan(action, &selectors, &before.radios);
    if plan.writes.is_empty() {
        table::emit(
            &mut std::io::stdout().lock(),
            "nothing to change: no radio matched\n",
        )?;
        return Ok(Status::Success);
    }
    let mut dev =
        Device::open_write(&ctx.rfkill_dev).map_err(|e| inventory::device_error(ctx, e))?;
    let applied = apply(&plan, |w| dev.write_event(w));
    drop(dev);
    // Read back and report even when a write failed midway: the user must
    // see which radios changed before the error.
    let after = match inventory::load(ctx) {
        Ok(after) => after,
        Err(e) => {
            return Err(match applied.error {
                None => e,
                Some(w) => Error::runtime(
                    format!(
                        "{}; {} of {} writes were made, and the radios could not be read                          back: {e}",
                        w,
                        applied.done,
                        plan.writes.len()
                    ),
                    Some("run `pin13 status` to see each radio's state".to_string()),
                ),
            })
        }
    };
    let (text, failed) = report(&plan, &after.radios, applied.error.is_some());
    table::emit(&mut std::io::stdout().lock(), &text)?;
    if let Some(w) = applied.error {
        return Err(Error::runtime(
            format!(
                "{} stopped after {} of {} writes: {w}",
                action.verb(),
                applied.done,
                plan.writes.len()
            ),
            Some("the lines above say which radios changed".to_string()),
        ));
    }
    if failed.is_empty() {
        Ok(Status::Success)
    } else {
        Err(Error::runtime(
            format!("{} did not change: {}", action.verb(), failed.join(", ")),
            Some(
                "some drivers take their soft state from a switch or firmware (dell-rbtn, \
                 hp-wmi, ...): use that switch; `pin13 diagnose` says more"
                    .to_string(),
            ),
        ))
    }
}

/// How far the writes got.
#[derive(Debug)]
struct Applied {
    /// Writes that went through, in plan order.
    done: usize,
    /// The write that failed (the ones after it were not attempted).
    error: Option<DevError>,
}

/// Write the plan's events in order, stopping at the first failure.
fn apply(plan: &Plan, mut write: impl FnMut(&Event) -> Result<(), DevError>) -> Applied {
    for (done, w) in plan.writes.iter().enumerate() {
        if let Err(e) = write(w) {
            return Applied {
                done,
                error: Some(e),
            };
        }
    }
    Applied {
        done: plan.writes.len(),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::Radio;
    use crate::model::select::Selector;
    use crate::sys::{Op, Reasons, RfkillType};

    fn radio(id: u32, kind: RfkillType, device: &str, soft: bool, hard: bool) -> Radio {
        Radio {
            id,
            kind,
            type_name: kind.sysfs_name().unwrap_or("").to_string(),
            device: device.to_string(),
            soft,
            hard,
            reasons: Some(Reasons(u8::from(hard))),
            sys: None,
        }
    }

    fn radios() -> Vec<Radio> {
        vec![
            radio(0, RfkillType::Wlan, "phy0", false, true),
            radio(1, RfkillType::Wlan, "acer-wireless", true, false),
            radio(3, RfkillType::Bluetooth, "hci0", false, false),
        ]
    }

    fn sels(args: &[&str]) -> Vec<Selector> {
        let a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        select::parse_all(&a, &radios()).unwrap()
    }

    #[test]
    fn a_platform_switch_that_keeps_its_state_fails_only_when_named() {
        use crate::testkit::platform;
        // dell-rbtn with its switch on: the kernel re-reads the switch, so a
        // block leaves it soft unblocked.
        let mut rs = radios();
        rs.push(platform(
            2,
            "dell-rbtn",
            "dell-rbtn",
            RfkillType::Wlan,
            false,
            false,
            Some(0),
        ));
        let mut after = rs.clone();
        for r in after.iter_mut().filter(|r| r.id != 2) {
            r.soft = true;
        }
        let (text, failed) = report(&plan(Action::Block, &sels(&["all"]), &rs), &after, false);
        assert!(failed.is_empty(), "{text}");
        assert!(text.contains(
            "dell-rbtn (id 2, wlan): still soft unblocked: a platform switch (dell-rbtn) that \
             keeps its hardware switch's state; software cannot change it"
        ));
        let named = select::parse_all(&["dell-rbtn".to_string()], &rs).unwrap();
        let (text, failed) = report(&plan(Action::Block, &named, &rs), &after, false);
        assert_eq!(failed, vec!["dell-rbtn (id 2, wlan)"], "{text}");
    }

    #[test]
    fn index_and_name_write_change_type_writes_change_all() {
        let p = plan(Action::Block, &sels(&["0", "hci0"]), &radios());
        assert_eq!(
            p.writes,
            vec![Event::change(0, true), Event::change(3, true)]
        );
        let p = plan(Action::Unblock, &sels(&["wifi"]), &radios());
        assert_eq!(p.writes, vec![Event::change_all(RfkillType::Wlan, false)]);
        assert_eq!(
            p.targets.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![0, 1]
        );
        let p = plan(Action::Block, &sels(&["all"]), &radios());
        assert_eq!(p.writes, vec![Event::change_all(RfkillType::All, true)]);
        assert_eq!(p.targets.len(), 3);
        assert_eq!(p.writes[0].op, Op::ChangeAll);
    }

    #[test]
    fn a_radio_named_twice_is_written_once() {
        let p = plan(Action::Block, &sels(&["0", "phy0", "wlan", "1"]), &radios());
        assert_eq!(
            p.writes,
            vec![
                Event::change(0, true),
                Event::change_all(RfkillType::Wlan, true)
            ]
        );
        assert_eq!(p.targets.len(), 2);
    }

    #[test]
    fn toggle_flips_each_radio() {
        // mixed wlan states: one CHANGE per radio
        let p = plan(Action::Toggle, &sels(&["wlan"]), &radios());
        assert_eq!(
            p.writes,
            vec![Event::change(0, true), Event::change(1, false)]
        );
        // uniform: one CHANGE_ALL
        let p = plan(Action::Toggle, &sels(&["bluetooth"]), &radios());
        assert_eq!(
            p.writes,
            vec![Event::change_all(RfkillType::Bluetooth, true)]
        );
        let p = plan(Action::Toggle, &sels(&["1", "acer-wireless"]), &radios());
        assert_eq!(p.writes, vec![Event::change(1, false)]);
        // a radio already flipped by an index is not flipped back by its type
        let p = plan(Action::Toggle, &sels(&["0", "wlan"]), &radios());
        assert_eq!(
            p.writes,
            vec![Event::change(0, true), Event::change(1, false)]
        );
    }

    #[test]
    fn empty_type_still_writes_and_says_so() {
        let p = plan(Action::Block, &sels(&["nfc"]), &radios());
        assert_eq!(p.writes, vec![Event::change_all(RfkillType::Nfc, true)]);
        let (text, failed) = report(&p, &radios(), false);
        assert_eq!(
            text,
            "type nfc: no such radio present (the kernel's default for it was set)\n"
        );
        assert!(failed.is_empty());
        assert!(plan(Action::Toggle, &sels(&["nfc"]), &radios())
            .writes
            .is_empty());
    }

    #[test]
    fn report_says_what_changed_and_what_did_not() {
        let before = radios();
        let p = plan(Action::Unblock, &sels(&["all"]), &before);
        let mut after = before.clone();
        after[1].soft = false; // acer-wireless unblocked
        after.remove(2); // hci0 unplugged meanwhile
        let (text, failed) = report(&p, &after, false);
        assert_eq!(
            text,
            "phy0 (id 0, wlan): soft unblocked (already); still HARD blocked (signal): \
             software cannot lift that, see `pin13 diagnose`\n\
             acer-wireless (id 1, wlan): soft blocked -> unblocked\n\
             hci0 (id 3, bluetooth): gone (unplugged or driver unloaded)\n"
        );
        assert_eq!(failed, vec!["hci0 (id 3, bluetooth)"]);
        let p = plan(Action::Block, &sels(&["hci0"]), &before);
        let (text, failed) = report(&p, &before, false);
        assert!(text.contains("still soft unblocked (asked for soft blocked)"));
        assert_eq!(failed.len(), 1);
        // a soft state tied to a hard switch (dell-rbtn): said, not a failure
        let mut tied = before.clone();
        tied[0].soft = true;
        let p = plan(Action::Unblock, &sels(&["0"]), &tied);
        let (text, failed) = report(&p, &tied, false);
        assert_eq!(
            text,
            "phy0 (id 0, wlan): still soft blocked and HARD blocked (signal): its driver ties \
             the soft state to a hardware switch; change that switch\n"
        );
        assert!(failed.is_empty());
    }

    #[test]
    fn a_failed_write_stops_the_rest_and_the_report_still_says_what_changed() {
        let before = radios();
        let p = plan(Action::Block, &sels(&["0", "1", "hci0"]), &before);
        assert_eq!(p.writes.len(), 3);
        let mut seen = Vec::new();
        let applied = apply(&p, |w| {
            seen.push(*w);
            if seen.len() == 2 {
                Err(DevError::Write {
                    path: "/dev/rfkill".into(),
                    source: std::io::Error::from_raw_os_error(27), // EFBIG
                })
            } else {
                Ok(())
            }
        });
        assert_eq!(applied.done, 1);
        assert!(applied.error.is_some());
        assert_eq!(seen, p.writes[..2]);
        let mut after = before.clone();
        after[0].soft = true; // the first write landed
        let (text, failed) = report(&p, &after, true);
        assert_eq!(
            text,
            "phy0 (id 0, wlan): soft unblocked -> blocked\n\
             acer-wireless (id 1, wlan): soft blocked (already)\n\
             hci0 (id 3, bluetooth): still soft unblocked (asked for soft blocked): not \
             changed, a write failed\n"
        );
        assert_eq!(failed, vec!["hci0 (id 3, bluetooth)"]);
        // every write going through: nothing failed
        let applied = apply(&p, |_| Ok(()));
        assert_eq!((applied.done, applied.error.is_none()), (3, true));
    }

    #[test]
    fn block_all_with_no_radio_says_so() {
        let p = plan(Action::Block, &[Selector::All], &[]);
        assert_eq!(p.writes, vec![Event::change_all(RfkillType::All, true)]);
        let (text, failed) = report(&p, &[], false);
        assert_eq!(
            text,
            "all: no radio present (the kernel's default for radios that appear later was set)\n"
        );
        assert!(failed.is_empty());
    }
}
