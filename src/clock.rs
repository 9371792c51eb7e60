//! The emulator clock (SPEC section 8): real time plus an offset that the admin API moves.
//! Certificate status and the timestamps of new resources read it; signature windows and token
//! expiry use real time instead.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Real time, epoch milliseconds.
pub fn real_now_ms() -> i64 {
    epoch_ms(SystemTime::now())
}

/// A real time as epoch milliseconds.
pub fn epoch_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The bounds of time the state can hold (SPEC section 13), which the clock keeps to.
pub use crate::state::{MAX_NOW_MS, MAX_TIME_MS};

/// A clock move that would put computed times past [`MAX_TIME_MS`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the clock may not pass 9996-12-31T23:59:59Z ({MAX_NOW_MS} ms), so that a certificate created then still ends by 9999-12-31T23:59:59Z ({0})"
)]
pub struct ClockRangeError(pub String);

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Emulator time, epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.at(real_now_ms())
    }

    /// Emulator time at the real time `real_ms`; never past [`MAX_NOW_MS`].
    pub fn at(&self, real_ms: i64) -> i64 {
        real_ms
            .saturating_add(self.offset_ms.load(Ordering::Relaxed))
            .min(MAX_NOW_MS)
    }

    /// Sets the emulator time; it never goes before real time, and never past [`MAX_NOW_MS`]
    /// (refused, the clock unchanged).
    pub fn set_now_ms(&self, now_ms: i64) -> Result<(), ClockRangeError> {
        if now_ms > MAX_NOW_MS {
            return Err(ClockRangeError(now_ms.to_string()));
        }
        let offset = now_ms.saturating_sub(real_now_ms()).max(0);
        self.offset_ms.store(offset, Ordering::Relaxed);
        Ok(())
    }

    /// Moves the emulator time by `seconds` (negative allowed, never before real time).
    pub fn advance(&self, seconds: i64) -> Result<(), ClockRangeError> {
        // Saturating: far back stops at real time, far ahead is refused by the bound.
        let target = self.now_ms().saturating_add(seconds.saturating_mul(1000));
        self.set_now_ms(target)
            .map_err(|_| ClockRangeError(format!("AdvanceSeconds {seconds}")))
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_moves_forward_but_never_before_real_time() {
        let clock = Clock::default();
        let later = real_now_ms() + 86_400_000;
        clock.set_now_ms(later).unwrap();
        assert!(clock.now_ms() >= later);
        clock.set_now_ms(0).unwrap();
        assert_eq!(clock.offset_ms(), 0);
    }

    #[test]
    fn the_clock_never_passes_the_last_time_a_certificate_can_end() {
        let clock = Clock::default();
        assert!(clock.set_now_ms(i64::MAX).is_err());
        assert_eq!(clock.offset_ms(), 0);
        assert!(clock.advance(i64::MAX).is_err());
        assert!(
            clock.advance(i64::MIN).is_ok(),
            "before real time stops at real time"
        );
        clock.set_now_ms(MAX_NOW_MS).unwrap();
        assert_eq!(clock.at(real_now_ms() + 86_400_000), MAX_NOW_MS);
        assert!(clock.advance(1).is_err());
        assert_eq!(MAX_NOW_MS + crate::state::CERT_VALIDITY_MS, MAX_TIME_MS);
    }
}
