//! `Pickup`: waiting for a server runtime outside Vite's process to pick an
//! edit up before any tab is checked or refreshed.
//!
//! In Vite's process the plugin invalidates the runner itself, so the next
//! render runs the new code. A runtime elsewhere (Nitro's worker thread,
//! workerd behind Cloudflare's plugin) hears of the edit by a message and
//! re-imports on its own time, with no word back when it is done: a page
//! requested meanwhile can still render the old code, and a check would then
//! read "unchanged" and leave the tab stale. What can be seen is its module
//! requests: a re-import fetches the invalidated modules from Vite. So a batch
//! with such a change is decided once that environment has fetched nothing
//! for `PICKUP_QUIET_MS` since its last change (a runtime that re-imports
//! nothing eagerly fetches lazily, through the fetch protocol, which serves new
//! code), and at the latest `PICKUP_MAX_MS` after its first.
//!
//! The same uncertainty holds for a tab that loads meanwhile: its render may
//! show the code from before the edit. It holds in Vite's process too when
//! the plugin keeps Vite's own HMR update (an HMR boundary took the change):
//! the runner applies it on its own time, re-importing the accepting module,
//! and a render begun before it is done runs the old code. So until the batch
//! is decided, renders are stamped with the epoch before the first edit still
//! to be picked up, and a tab showing one is refreshed again if the decision
//! refreshed its page (see `render_epochs`); a check then tells whether it
//! really is stale.

use rustc_hash::{FxHashMap, FxHashSet};

/// Quiet after the last module request, once an edit reached the runtime.
pub const PICKUP_QUIET_MS: f64 = 60.0;
/// Longest a decision waits for a runtime to pick an edit up.
pub const PICKUP_MAX_MS: f64 = 1000.0;

#[derive(Default)]
pub struct Pickup {
  out_of_process: FxHashSet<String>,
  last_fetch_ms: FxHashMap<String, f64>,
  /// env → when its first and its last change of the pending batch arrived.
  waiting: FxHashMap<String, (f64, f64)>,
  /// The epoch before the first change still to be picked up.
  picked_up_epoch: Option<u64>,
}

impl Pickup {
  /// `env` runs its modules outside Vite's process.
  pub fn set_out_of_process(&mut self, env: &str) {
    self.out_of_process.insert(env.to_string());
  }

  /// `env` requested a module at `now_ms`.
  pub fn note_fetch(&mut self, env: &str, now_ms: f64) {
    if self.out_of_process.contains(env) && now_ms.is_finite() {
      let last = self.last_fetch_ms.entry(env.to_string()).or_insert(now_ms);
      *last = last.max(now_ms);
    }
  }

  /// An edit that `env` must pick up arrived at `now_ms`, when every change
  /// up to `epoch` was in place.
  pub fn note_change(&mut self, env: &str, now_ms: f64, epoch: u64) {
    if self.out_of_process.contains(env) && now_ms.is_finite() {
      let (_, last) = self.waiting.entry(env.to_string()).or_insert((now_ms, now_ms));
      *last = last.max(now_ms);
      self.picked_up_epoch.get_or_insert(epoch);
    }
  }

  /// A runtime in Vite's process applies Vite's own update of a change with
  /// epoch after `epoch` on its own time: renders are stamped as for an edit
  /// still to be picked up, with nothing to wait for.
  pub fn note_applied_later(&mut self, epoch: u64) {
    self.picked_up_epoch.get_or_insert(epoch);
  }

  /// The epoch to stamp a render begun now with, `current` being the newest:
  /// a runtime may not have picked up what came after `picked_up_epoch`.
  pub fn render_epoch(&self, current: u64) -> u64 {
    self.picked_up_epoch.map_or(current, |picked_up| picked_up.min(current))
  }

  /// When every runtime with a pending edit has picked it up, as far as can be told.
  pub fn deadline(&self) -> Option<f64> {
    self
      .waiting
      .iter()
      .map(|(env, &(first, last))| {
        // The re-import of an edit that came during the previous one's starts afresh.
        let last_fetch = self.last_fetch_ms.get(env).copied().unwrap_or(f64::NEG_INFINITY);
        (last.max(last_fetch) + PICKUP_QUIET_MS).min(first + PICKUP_MAX_MS)
      })
      .max_by(f64::total_cmp)
  }

  /// The pending batch was decided.
  pub fn clear(&mut self) {
    self.waiting.clear();
    self.picked_up_epoch = None;
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_decision_waits_until_the_runtime_stopped_fetching_or_at_most_the_maximum() {
    let mut p = Pickup::default();
    p.set_out_of_process("worker");
    p.note_change("ssr", 0.0, 0);
    assert_eq!(p.deadline(), None, "in Vite's process: nothing to wait for");
    p.note_change("worker", 100.0, 0);
    assert_eq!(p.deadline(), Some(100.0 + PICKUP_QUIET_MS), "a runtime that fetches nothing");
    p.note_fetch("worker", 130.0);
    p.note_fetch("worker", 150.0);
    assert_eq!(p.deadline(), Some(150.0 + PICKUP_QUIET_MS), "re-importing");
    for t in (200..2000).step_by(20) {
      p.note_fetch("worker", t as f64);
    }
    assert_eq!(p.deadline(), Some(100.0 + PICKUP_MAX_MS), "never longer than the maximum");
    p.clear();
    assert_eq!(p.deadline(), None);
  }

  #[test]
  fn an_edit_during_a_re_import_is_waited_for_from_when_it_came() {
    let mut p = Pickup::default();
    p.set_out_of_process("worker");
    p.note_change("worker", 0.0, 0);
    p.note_fetch("worker", 20.0);
    p.note_change("worker", 30.0, 1);
    assert_eq!(
      p.deadline(),
      Some(30.0 + PICKUP_QUIET_MS),
      "not 20 + quiet: the worker may not have heard yet"
    );
    p.note_fetch("worker", 100.0);
    assert_eq!(p.deadline(), Some(100.0 + PICKUP_QUIET_MS));
  }

  #[test]
  fn a_render_begun_before_the_runtime_picked_an_edit_up_is_stamped_with_the_epoch_before_it() {
    let mut p = Pickup::default();
    p.set_out_of_process("worker");
    p.note_change("ssr", 0.0, 3);
    assert_eq!(p.render_epoch(4), 4, "in Vite's process the edit is in place at once");
    p.note_change("worker", 10.0, 4);
    p.note_change("worker", 40.0, 5);
    assert_eq!(p.render_epoch(6), 4, "the first edit still to be picked up counts");
    p.clear();
    assert_eq!(p.render_epoch(6), 6, "decided: picked up");
  }

  #[test]
  fn an_update_the_runner_applies_later_stamps_renders_with_the_epoch_before_it_until_decided() {
    let mut p = Pickup::default();
    p.note_applied_later(2);
    p.note_applied_later(3);
    assert_eq!(p.render_epoch(4), 2, "the first such change counts");
    assert_eq!(p.deadline(), None, "nothing to wait for: the decision is not held");
    p.clear();
    assert_eq!(p.render_epoch(4), 4);
  }
}
