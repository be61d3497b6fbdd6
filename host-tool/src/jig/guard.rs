//! Every way out of pin13 leaves the jig safe.
//!
//! - [`catch_signals`]: SIGINT, SIGTERM, SIGHUP (an ssh session dropping) and
//!   SIGQUIT only set a flag ([`interrupted`]) while a backend holds the jig;
//!   the backend then winds the running operation down with every line an
//!   input (or, on a serial link, gives the port its settings back) and the
//!   command fails with "interrupted".
//! - [`on_panic`]: a panic hook that runs registered clean-ups before the
//!   previous hook (and before the abort of a release build, which runs no
//!   destructors).
//!
//! SIGKILL cannot be caught: after one, run any jig command again (each
//! starts by making every line an input).
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, Once, OnceLock};

/// The signals that end pin13 early and are caught while the jig is held.
pub const SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
];

/// Set by the signal handlers.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// From now on [`SIGNALS`] only set the [`interrupted`] flag. Best effort: a
/// signal whose handler cannot be installed ends pin13 as usual.
pub fn catch_signals() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for sig in SIGNALS {
            let _ = signal_hook::flag::register(sig, &INTERRUPTED);
        }
    });
}

/// Whether one of [`SIGNALS`] arrived since [`catch_signals`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The error an interrupted operation ends with.
pub fn interrupted_error(what: &str) -> super::JigError {
    super::JigError::failed(format!("interrupted by a signal; {what}"))
}

type CleanUp = Box<dyn Fn() + Send + Sync>;

fn cleanups() -> &'static Mutex<Vec<(u64, CleanUp)>> {
    static CLEANUPS: OnceLock<Mutex<Vec<(u64, CleanUp)>>> = OnceLock::new();
    CLEANUPS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Keeps a clean-up registered with [`on_panic`]; dropping it unregisters.
#[derive(Debug)]
pub struct PanicGuard {
    id: u64,
}

impl Drop for PanicGuard {
    fn drop(&mut self) {
        if let Ok(mut list) = cleanups().lock() {
            list.retain(|(id, _)| *id != self.id);
        }
    }
}

/// Run `f` when any thread panics, before the previous panic hook (and so
/// before a release build aborts). `f` must not block: it should use
/// `try_lock` on anything it shares.
pub fn on_panic(f: impl Fn() + Send + Sync + 'static) -> PanicGuard {
    static HOOK: Once = Once::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // try_lock: a panic inside a clean-up must not deadlock here.
            if let Ok(list) = cleanups().try_lock() {
                for (_, f) in list.iter() {
                    f();
                }
            }
            previous(info);
        }));
    });
    let id = NEXT.fetch_add(1, Ordering::SeqCst);
    if let Ok(mut list) = cleanups().lock() {
        list.push((id, Box::new(f)));
    }
    PanicGuard { id }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_panic_runs_the_clean_up_first_and_a_dropped_guard_does_not() {
        let ran = Arc::new(AtomicU64::new(0));
        let seen = Arc::clone(&ran);
        let guard = on_panic(move || {
            seen.fetch_add(1, Ordering::SeqCst);
        });
        let r = std::thread::spawn(|| panic!("pin13 guard test")).join();
        assert!(r.is_err());
        assert!(ran.load(Ordering::SeqCst) >= 1);
        drop(guard);
        let before = ran.load(Ordering::SeqCst);
        let _ = std::thread::spawn(|| panic!("pin13 guard test, unregistered")).join();
        assert_eq!(ran.load(Ordering::SeqCst), before);
    }

    #[test]
    fn signals_are_the_usual_four() {
        assert!(SIGNALS.contains(&libc::SIGHUP) && SIGNALS.contains(&libc::SIGQUIT));
        assert!(SIGNALS.contains(&libc::SIGINT) && SIGNALS.contains(&libc::SIGTERM));
    }
}
