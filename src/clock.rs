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

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Emulator time, epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.at(real_now_ms())
    }

    /// Emulator time at the real time `real_ms`.
    pub fn at(&self, real_ms: i64) -> i64 {
        real_ms.saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Sets the emulator time; it never goes before real time.
    pub fn set_now_ms(&self, now_ms: i64) {
        let offset = now_ms.saturating_sub(real_now_ms()).max(0);
        self.offset_ms.store(offset, Ordering::Relaxed);
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
        clock.set_now_ms(later);
        assert!(clock.now_ms() >= later);
        clock.set_now_ms(0);
        assert_eq!(clock.offset_ms(), 0);
    }
}
