//! Documented exit statuses. Keep in sync with README.md and `pin13 --help`.
#![forbid(unsafe_code)]

/// Every exit status `pin13` can return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    /// 0: success (diagnose: no selected radio blocked; verify: PASS; jig: isolated).
    Success = 0,
    /// 1: runtime error (no rfkill support, permission denied, I/O error, jig unreachable).
    Failure = 1,
    /// 2: usage error (bad option, unknown selector, bad value).
    Usage = 2,
    /// 3: diagnose: some selected radio is soft-blocked, none hard-blocked.
    SoftBlocked = 3,
    /// 4: diagnose: some selected radio is hard-blocked; verify: FAIL.
    HardBlocked = 4,
    /// 5: jig probe: any verdict other than `isolated`.
    JigNotIsolated = 5,
    /// 6: verify: incomplete (interrupted, or the events ended before the
    /// duration): no hard block seen, but the check proves nothing.
    Incomplete = 6,
}

impl Status {
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Status> for std::process::ExitCode {
    fn from(s: Status) -> Self {
        std::process::ExitCode::from(s.code())
    }
}

/// The text shown in `--help` and README.
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  success (diagnose: nothing blocked; verify: PASS; jig probe: isolated)
  1  runtime error (no rfkill support, permission denied, I/O, jig unreachable)
  2  usage error (bad option, unknown selector)
  3  diagnose: a selected radio is soft-blocked (and none hard-blocked)
  4  diagnose: a selected radio is hard-blocked; verify: FAIL
  5  jig probe: verdict other than isolated
  6  verify: incomplete (interrupted or the events ended early; proves nothing)";
