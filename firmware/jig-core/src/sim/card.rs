//! What the simulated card's kill input saw: a fixed-capacity log, no alloc.
//!
//! The card's kill input is active low (ipw2200: GPIO bit 16 low = killed).
//! It reads the card net with the same 3.3 V CMOS thresholds as the jig. An
//! unpowered card sees nothing, so only powered models record anything.
#![forbid(unsafe_code)]

use crate::Level;

/// How many edges the log keeps (later edges are counted, not stored).
pub const CARD_LOG_CAPACITY: usize = 32;

/// One level change seen by the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardEdge {
    /// Modelled time of the change, in nanoseconds since the bench started.
    pub at_ns: u64,
    /// The level the kill input went to (`Low` = kill asserted).
    pub level: Level,
}

/// The card's view of its kill input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardLog {
    powered: bool,
    level: Option<Level>,
    assert_edges: u32,
    release_edges: u32,
    asserted_ns: u64,
    observed_ns: u64,
    edges: [CardEdge; CARD_LOG_CAPACITY],
    stored: usize,
    dropped: u32,
}

impl CardLog {
    pub(crate) const fn new(powered: bool) -> CardLog {
        CardLog {
            powered,
            level: None,
            assert_edges: 0,
            release_edges: 0,
            asserted_ns: 0,
            observed_ns: 0,
            edges: [CardEdge {
                at_ns: 0,
                level: Level::High,
            }; CARD_LOG_CAPACITY],
            stored: 0,
            dropped: 0,
        }
    }

    /// The card read `level` at `now_ns`.
    pub(crate) fn see(&mut self, level: Level, now_ns: u64) {
        if !self.powered {
            return;
        }
        match self.level {
            None => self.level = Some(level),
            Some(old) if old == level => {}
            Some(_) => {
                self.level = Some(level);
                match level {
                    Level::Low => self.assert_edges += 1,
                    Level::High => self.release_edges += 1,
                }
                if self.stored < CARD_LOG_CAPACITY {
                    self.edges[self.stored] = CardEdge {
                        at_ns: now_ns,
                        level,
                    };
                    self.stored += 1;
                } else {
                    self.dropped += 1;
                }
            }
        }
    }

    /// `ns` nanoseconds passed at the current level.
    pub(crate) fn elapse(&mut self, ns: u64) {
        if !self.powered {
            return;
        }
        self.observed_ns += ns;
        if self.level == Some(Level::Low) {
            self.asserted_ns += ns;
        }
    }

    /// Whether the card is powered (an unpowered card records nothing).
    pub const fn powered(&self) -> bool {
        self.powered
    }

    /// The level the kill input reads now (`None`: unpowered).
    pub const fn level(&self) -> Option<Level> {
        self.level
    }

    /// High→low changes (the kill switch turned on).
    pub const fn assert_edges(&self) -> u32 {
        self.assert_edges
    }

    /// Low→high changes (the kill switch turned off).
    pub const fn release_edges(&self) -> u32 {
        self.release_edges
    }

    /// Total modelled time the kill input was low, in nanoseconds.
    pub const fn asserted_ns(&self) -> u64 {
        self.asserted_ns
    }

    /// Total modelled time the card was watching, in nanoseconds.
    pub const fn observed_ns(&self) -> u64 {
        self.observed_ns
    }

    /// The first [`CARD_LOG_CAPACITY`] edges.
    pub fn edges(&self) -> &[CardEdge] {
        &self.edges[..self.stored]
    }

    /// Edges after the first [`CARD_LOG_CAPACITY`] (counted, not stored).
    pub const fn dropped_edges(&self) -> u32 {
        self.dropped
    }

    /// Whether the card ever saw its kill input low.
    pub const fn ever_asserted(&self) -> bool {
        self.assert_edges > 0 || self.asserted_ns > 0 || matches!(self.level, Some(Level::Low))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edges_and_time_and_caps_the_log() {
        let mut log = CardLog::new(true);
        log.see(Level::High, 0);
        log.elapse(10);
        log.see(Level::Low, 10);
        log.elapse(5);
        log.see(Level::Low, 15);
        log.elapse(5);
        log.see(Level::High, 20);
        assert_eq!(log.assert_edges(), 1);
        assert_eq!(log.release_edges(), 1);
        assert_eq!(log.asserted_ns(), 10);
        assert_eq!(log.observed_ns(), 20);
        assert_eq!(
            log.edges(),
            &[
                CardEdge {
                    at_ns: 10,
                    level: Level::Low
                },
                CardEdge {
                    at_ns: 20,
                    level: Level::High
                }
            ]
        );
        for i in 0..100u64 {
            log.see(if i % 2 == 0 { Level::Low } else { Level::High }, 30 + i);
        }
        assert_eq!(log.edges().len(), CARD_LOG_CAPACITY);
        assert_eq!(log.dropped_edges(), 102 - CARD_LOG_CAPACITY as u32);
        assert_eq!(log.assert_edges(), 51);
    }

    #[test]
    fn unpowered_card_records_nothing() {
        let mut log = CardLog::new(false);
        log.see(Level::Low, 0);
        log.elapse(100);
        assert_eq!(log.level(), None);
        assert_eq!(log.asserted_ns(), 0);
        assert!(!log.ever_asserted());
    }
}
