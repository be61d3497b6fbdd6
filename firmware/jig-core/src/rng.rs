//! A small seeded pseudo-random generator: PCG32 (XSH-RR output on a 64-bit
//! LCG state), written from the published algorithm description.
//!
//! Used by the simulated bench (pull values, intermittent contacts, the
//! readings of undefined levels). Not for anything secret.
#![forbid(unsafe_code)]

const MULTIPLIER: u64 = 6_364_136_223_846_793_005;

/// PCG32: 64-bit state, 32-bit output. Same seed and stream, same sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    state: u64,
    inc: u64,
}

impl Rng {
    /// A generator on stream 0.
    pub const fn new(seed: u64) -> Rng {
        Rng::with_stream(seed, 0)
    }

    /// A generator on one of 2^63 independent streams (the probe and the
    /// simulated bench use different streams of the same seed).
    pub const fn with_stream(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng {
            state: 0,
            inc: (stream << 1) | 1,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(seed);
        rng.step();
        rng
    }

    const fn step(&mut self) {
        self.state = self.state.wrapping_mul(MULTIPLIER).wrapping_add(self.inc);
    }

    /// The next 32 random bits.
    pub const fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.step();
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
    }

    /// The next 64 random bits.
    pub const fn next_u64(&mut self) -> u64 {
        let hi = self.next_u32() as u64;
        let lo = self.next_u32() as u64;
        (hi << 32) | lo
    }

    /// A fair coin.
    pub const fn next_bool(&mut self) -> bool {
        self.next_u32() & 0x8000_0000 != 0
    }

    /// A uniform value in `0..bound` (`bound` > 0), without modulo bias.
    pub fn below(&mut self, bound: u32) -> u32 {
        debug_assert!(bound > 0);
        if bound <= 1 {
            return 0;
        }
        // Lemire's multiply-and-reject.
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let m = u64::from(self.next_u32()) * u64::from(bound);
            if (m as u32) >= threshold {
                return (m >> 32) as u32;
            }
        }
    }

    /// A uniform value in `[0, 1)` with 53 random bits.
    pub fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit_f64() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_other_seed_other_sequence() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let mut c = Rng::new(43);
        let sa: [u32; 8] = core::array::from_fn(|_| a.next_u32());
        let sb: [u32; 8] = core::array::from_fn(|_| b.next_u32());
        let sc: [u32; 8] = core::array::from_fn(|_| c.next_u32());
        assert_eq!(sa, sb);
        assert_ne!(sa, sc);
    }

    #[test]
    fn streams_differ() {
        let mut a = Rng::with_stream(7, 1);
        let mut b = Rng::with_stream(7, 2);
        assert_ne!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn bits_are_roughly_balanced() {
        let mut r = Rng::new(1);
        let n = 20_000;
        let ones = (0..n).filter(|_| r.next_bool()).count();
        // Mean 10000, sigma ~71: 6 sigma bounds.
        assert!((9_574..=10_426).contains(&ones), "ones = {ones}");
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(9);
        let mut seen = [0u32; 7];
        for _ in 0..7_000 {
            let v = r.below(7);
            assert!(v < 7);
            seen[v as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800), "{seen:?}");
    }

    #[test]
    fn chance_matches_probability() {
        let mut r = Rng::new(3);
        let n = 100_000;
        let hits = (0..n).filter(|_| r.chance(0.01)).count();
        // Mean 1000, sigma ~31.5.
        assert!((840..=1160).contains(&hits), "hits = {hits}");
        assert!((0..1000).all(|_| !r.chance(0.0)));
        assert!((0..1000).all(|_| r.chance(1.0)));
    }

    #[test]
    fn unit_is_in_range() {
        let mut r = Rng::new(5);
        for _ in 0..10_000 {
            let u = r.unit_f64();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
