//! The gateways' busy windows (SPEC sections 11, 12 and 14): after a change a gateway reads
//! `updating` (after its create, `provisioning`) from the change's time to that time plus
//! `--gateway-busy-ms`, on the emulator clock. A window is a fact of the state, not a timer:
//! - both ends are absolute emulator-clock times, so moving the clock forward past the end ends
//!   it, and moving it back before the start ends it too: a window never lasts longer than
//!   `--gateway-busy-ms` from where the clock is (the clock going back a day after a change does
//!   not leave the gateway busy for a day);
//! - each window knows the persistence record of the change that started it, so that a rollback
//!   after a failed write ([`crate::persist`]) keeps exactly the windows of acknowledged changes
//!   ([`Windows::carry_into`]);
//! - it is not exported or persisted: a restart or a new state (`PUT state`, `reset`) ends every
//!   window (SPEC 11).

use std::collections::HashMap;

use super::doc::GatewayStatus;

/// One window on the emulator clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    start: i64,
    end: i64,
    status: GatewayStatus,
    /// The persistence sequence number of the change that started it; `None` until that change
    /// is handed to persistence ([`Windows::stamp`]). 0: nothing to wait for.
    seq: Option<u64>,
}

impl Window {
    fn lasts_at(&self, now_ms: i64) -> bool {
        (self.start..self.end).contains(&now_ms)
    }
}

/// Every gateway's window, with the window it replaced while the new one is not yet handed to
/// persistence (what a rollback of the new one goes back to).
#[derive(Debug, Default)]
pub struct Windows {
    of: HashMap<String, (Window, Option<Window>)>,
    /// Gateways whose window was started since the last [`Windows::stamp`].
    pending: Vec<String>,
}

impl Windows {
    /// Starts a window of `busy_ms` at `now_ms` (nothing for 0).
    pub fn start(&mut self, gateway_id: &str, now_ms: i64, busy_ms: u32, status: GatewayStatus) {
        if busy_ms == 0 {
            return;
        }
        let window = Window {
            start: now_ms,
            end: now_ms.saturating_add(i64::from(busy_ms)),
            status,
            seq: None,
        };
        // What a rollback of this window would go back to: the last window handed to
        // persistence (a window replaced before it was handed over is never acknowledged).
        let before = match self.of.get(gateway_id) {
            Some((old, before)) if old.seq.is_none() => *before,
            Some((old, _)) => Some(*old),
            None => None,
        };
        self.of.insert(gateway_id.to_owned(), (window, before));
        if !self.pending.iter().any(|id| id == gateway_id) {
            self.pending.push(gateway_id.to_owned());
        }
    }

    /// The status a gateway reads at `now_ms` during its window.
    pub fn status_at(&self, gateway_id: &str, now_ms: i64) -> Option<GatewayStatus> {
        self.of
            .get(gateway_id)
            .filter(|(w, _)| w.lasts_at(now_ms))
            .map(|(w, _)| w.status)
    }

    /// The end of a gateway's window, if it lasts at `now_ms`.
    pub fn end_at(&self, gateway_id: &str, now_ms: i64) -> Option<i64> {
        self.of
            .get(gateway_id)
            .filter(|(w, _)| w.lasts_at(now_ms))
            .map(|(w, _)| w.end)
    }

    pub fn remove(&mut self, gateway_id: &str) {
        self.of.remove(gateway_id);
    }

    /// Notes that the changes that started the pending windows are persistence record `seq`
    /// (0 without persistence).
    pub fn stamp(&mut self, seq: u64) {
        for id in self.pending.drain(..) {
            if let Some((window, _)) = self.of.get_mut(&id) {
                window.seq.get_or_insert(seq);
            }
        }
    }

    /// Gives `durable` (the state reloaded after a failed write) the windows of the changes it
    /// holds: those of records up to `durable_seq`, or else the window a failed one replaced,
    /// for the gateways it still has.
    pub fn carry_into(
        &self,
        durable: &mut Windows,
        durable_seq: u64,
        exists: impl Fn(&str) -> bool,
    ) {
        let acknowledged = |w: &Window| w.seq.is_some_and(|seq| seq <= durable_seq);
        for (id, (window, before)) in &self.of {
            if !exists(id) {
                continue;
            }
            let kept = Some(*window)
                .filter(acknowledged)
                .or(before.filter(acknowledged));
            if let Some(kept) = kept {
                durable.of.insert(id.clone(), (kept, None));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPDATING: GatewayStatus = GatewayStatus::Updating;

    #[test]
    fn a_window_lasts_from_its_start_to_its_end_on_the_clock() {
        let mut w = Windows::default();
        w.start("g", 1_000, 500, UPDATING);
        assert_eq!(
            w.status_at("g", 999),
            None,
            "before the change: the clock went back"
        );
        assert_eq!(w.status_at("g", 1_000), Some(UPDATING));
        assert_eq!(w.end_at("g", 1_499), Some(1_500));
        assert_eq!(w.status_at("g", 1_500), None);
        w.start("h", 1_000, 0, UPDATING);
        assert_eq!(w.status_at("h", 1_000), None, "a window of 0 is none");
    }

    #[test]
    fn a_rollback_keeps_acknowledged_windows_and_undoes_the_failed_ones() {
        let mut w = Windows::default();
        w.start("acked", 0, 100, UPDATING);
        w.start("replaced", 0, 100, UPDATING);
        w.start("new", 0, 100, GatewayStatus::Provisioning);
        w.stamp(3);
        // A later change, not durable, restarts one window and starts another.
        w.start("replaced", 50, 100, UPDATING);
        w.start("failed", 50, 100, UPDATING);
        w.start("failed", 60, 100, UPDATING);
        w.stamp(4);
        let mut durable = Windows::default();
        w.carry_into(&mut durable, 3, |id| id != "new");
        assert_eq!(durable.end_at("acked", 10), Some(100));
        assert_eq!(
            durable.end_at("replaced", 60),
            Some(100),
            "back to the acknowledged one"
        );
        assert_eq!(durable.status_at("failed", 60), None);
        assert_eq!(durable.status_at("new", 10), None, "its gateway is gone");
        let mut all = Windows::default();
        w.carry_into(&mut all, 4, |_| true);
        assert_eq!(all.end_at("failed", 60), Some(160));
        assert_eq!(all.end_at("replaced", 60), Some(150));
    }
}
