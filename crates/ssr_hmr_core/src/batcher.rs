//! `ChangeBatcher`: turns a burst of file changes into few decisions.
//!
//! Editors and formatters save several files at once, and each save reaches
//! the plugin once per server environment. A change that comes alone (no
//! change for `quiet_ms + max_wait_ms` before it) is due at once: a lone save
//! is never kept waiting. Changes that follow it form the next batch, due
//! after a trailing quiet period (`quiet_ms` without new changes) but never
//! later than `max_wait_ms` after its first change, so a continuous stream
//! of saves cannot postpone the refresh forever; those batches are
//! `settling`, and tabs fold them into one trailing refresh. A burst so costs
//! a tab at most two refreshes, the first at once and the last on the final
//! content. Deadlines go by when changes reached the plugin (a quiet period is
//! the hooks hearing nothing); whether a change continues the stream goes by
//! when it was written (`ChangeAt::edited_ms`), which a busy dev server cannot
//! delay. The clock is injected (milliseconds as f64) so behaviour is
//! deterministic under test.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use crate::change_at::ChangeAt;
use crate::classify::ChangeClass;
use crate::environment_graph::ModuleIx;
use crate::importer_walk::StaticReach;

/// Most distinct files one batch tracks. Past it the batch is flagged as
/// overflowed and the decision falls back to refreshing every tab.
pub const MAX_PENDING_FILES: usize = 10_000;

/// Most modules the static reaches kept in one batch hold (8 bytes each).
pub const MAX_REACH_ENTRIES: usize = 1 << 20;

/// What is known about one changed file within the batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingFile {
  /// Merged over environments and repeated edits (`ChangeClass::merge`).
  pub class: ChangeClass,
  /// A `watch` glob matched the file.
  pub watched: bool,
  /// Another plugin updated the browser in place for this change (a client
  /// HMR update while it was handled, as React Router's hot data
  /// revalidation does): no tab is refreshed for it.
  pub updated_in_place: bool,
  /// When another plugin last broadcast a custom event while this change was
  /// handled (`refetch.rs`): tabs that re-fetch their page after it are
  /// updated in place by the framework.
  pub framework_event_at: Option<f64>,
  /// Another plugin broadcast Vite's error payload while this change was
  /// handled (plugin-rsc's hook does when the file does not compile): every
  /// tab shows the error already, in the overlay the framework closes itself.
  pub framework_error: bool,
  /// env → ids of the file's modules the browser does not run there.
  pub server_only_modules: BTreeMap<String, Vec<String>>,
  /// env → the static reach of those modules, from the change's walk.
  pub static_reach: BTreeMap<String, StaticReach>,
}

impl PendingFile {
  fn new() -> Self {
    PendingFile {
      class: ChangeClass::Unknown,
      watched: false,
      updated_in_place: false,
      framework_event_at: None,
      framework_error: false,
      server_only_modules: BTreeMap::new(),
      static_reach: BTreeMap::new(),
    }
  }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PendingBatch {
  /// Keyed by normalized file: the same file twice in a burst is one entry.
  pub files: BTreeMap<String, PendingFile>,
  /// env → modules we invalidated ourselves during the batch (indexes: a hub edit
  /// invalidating thousands of modules copies no string).
  pub invalidated: BTreeMap<String, FxHashSet<ModuleIx>>,
  pub overflowed: bool,
  /// Tabs that opened showing a render older than a refresh of their page.
  pub stale_tabs: Vec<crate::tabs::TabId>,
  /// Epoch of the batch's last change that can make a page stale.
  pub epoch: u64,
  /// Set when taken: the batch is part of a burst that is most likely still going on. It
  /// was cut by its maximum wait while changes kept coming, or it began right after the
  /// previous batch's last change (edits as far apart as the quiet period race its timer,
  /// so such a stream is cut into many batches that each look finished).
  pub settling: bool,
  continues_stream: bool,
  /// Modules held by the files' kept reaches.
  reach_entries: usize,
}

impl PendingBatch {
  /// Entry for `file`, or `None` once the batch is full.
  pub fn file_mut(&mut self, file: &str) -> Option<&mut PendingFile> {
    if !self.files.contains_key(file) {
      if self.files.len() >= MAX_PENDING_FILES {
        self.overflowed = true;
        return None;
      }
      self.files.insert(file.to_string(), PendingFile::new());
    }
    self.files.get_mut(file)
  }

  /// The last custom event another plugin broadcast for a change of the batch.
  pub fn framework_event_at(&self) -> Option<f64> {
    self.files.values().filter_map(|f| f.framework_event_at).reduce(f64::max)
  }

  pub fn is_empty(&self) -> bool {
    self.files.is_empty() && !self.overflowed && self.stale_tabs.is_empty()
  }

  /// Keeps `file`'s static reach in `env` for the decision, unless the batch
  /// already holds `MAX_REACH_ENTRIES` (a burst over a huge graph): the
  /// decision then walks for those files itself.
  pub fn keep_reach(&mut self, file: &str, env: &str, reach: StaticReach) {
    let Some(pending) = self.files.get_mut(file) else { return };
    let replaced = pending.static_reach.remove(env).map_or(0, |old| old.len());
    self.reach_entries -= replaced;
    if self.reach_entries + reach.len() > MAX_REACH_ENTRIES {
      return;
    }
    self.reach_entries += reach.len();
    pending.static_reach.insert(env.to_string(), reach);
  }
}

#[derive(Debug)]
pub struct ChangeBatcher {
  quiet_ms: f64,
  max_wait_ms: f64,
  /// When the pending batch's first and last changes arrived.
  first_ms: f64,
  last_ms: f64,
  /// When the pending batch's last change was made.
  last_edited_ms: f64,
  /// When the last change of the previous batch was made.
  previous_last_edited_ms: Option<f64>,
  batch: PendingBatch,
}

/// Non-finite or negative durations become 0 so deadlines stay finite.
fn duration(ms: f64) -> f64 {
  if ms.is_finite() && ms > 0.0 {
    ms
  } else {
    0.0
  }
}

impl ChangeBatcher {
  pub fn new(quiet_ms: f64, max_wait_ms: f64) -> Self {
    ChangeBatcher {
      quiet_ms: duration(quiet_ms),
      max_wait_ms: duration(max_wait_ms),
      first_ms: 0.0,
      last_ms: 0.0,
      last_edited_ms: 0.0,
      previous_last_edited_ms: None,
      batch: PendingBatch::default(),
    }
  }

  /// Records a change (a bare `f64`: its arrival, when nothing else is known)
  /// and returns the batch to add it to. A non-finite time counts as "same
  /// time as the last".
  pub fn record(&mut self, at: impl Into<ChangeAt>) -> &mut PendingBatch {
    let at = at.into();
    let now = if at.arrived_ms.is_finite() { at.arrived_ms } else { self.last_ms };
    let edited = at.edited_ms();
    let edited = if edited.is_finite() { edited } else { self.last_edited_ms };
    if self.batch.is_empty() {
      self.first_ms = now;
      self.last_ms = now;
      self.last_edited_ms = edited;
      // A change made while the previous batch could still have been open (its longest
      // life is quiet + max wait) continues the same stream of edits.
      let gap = self.quiet_ms + self.max_wait_ms;
      self.batch.continues_stream =
        self.previous_last_edited_ms.is_some_and(|last| edited - last < gap);
    } else {
      // A clock going backwards must not push the deadline back.
      self.last_ms = self.last_ms.max(now);
      self.last_edited_ms = self.last_edited_ms.max(edited);
    }
    &mut self.batch
  }

  /// The environment is gone: the module indexes the batch invalidated there
  /// name nothing now (the ids of its changed modules still do).
  pub fn forget_environment(&mut self, env: &str) {
    self.batch.invalidated.remove(env);
  }

  /// The pending batch's entry for `file`, if it has one.
  pub fn pending_file_mut(&mut self, file: &str) -> Option<&mut PendingFile> {
    self.batch.files.get_mut(file)
  }

  pub fn pending_batch(&self) -> &PendingBatch {
    &self.batch
  }

  pub fn pending_files(&self) -> usize {
    self.batch.files.len()
  }

  /// When `flush` should be called next; `None` when nothing is pending.
  pub fn next_deadline(&self) -> Option<f64> {
    if self.batch.is_empty() {
      return None;
    }
    if !self.batch.continues_stream {
      return Some(self.first_ms);
    }
    Some((self.last_ms + self.quiet_ms).min(self.first_ms + self.max_wait_ms))
  }

  /// The pending batch if its deadline has passed at `now_ms`.
  pub fn take_due(&mut self, now_ms: f64) -> Option<PendingBatch> {
    let deadline = self.next_deadline()?;
    // A NaN clock is never due.
    if now_ms.partial_cmp(&deadline).is_none_or(|order| order.is_lt()) {
      return None;
    }
    let mut batch = std::mem::take(&mut self.batch);
    batch.settling = batch.continues_stream;
    if !batch.files.is_empty() {
      self.previous_last_edited_ms = Some(self.last_edited_ms);
    }
    Some(batch)
  }

  pub fn clear(&mut self) {
    self.batch = PendingBatch::default();
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn touch(b: &mut ChangeBatcher, now: f64, file: &str) {
    b.record(now).file_mut(file);
  }

  #[test]
  fn nothing_pending_means_no_deadline_and_no_flush() {
    let mut b = ChangeBatcher::new(30.0, 300.0);
    assert_eq!(b.next_deadline(), None);
    assert_eq!(b.take_due(1e9), None);
  }

  #[test]
  fn a_lone_change_is_due_at_once_and_the_changes_after_it_after_a_quiet_period() {
    let mut b = ChangeBatcher::new(30.0, 300.0);
    touch(&mut b, 100.0, "/a");
    assert_eq!(b.next_deadline(), Some(100.0), "nothing came before it: no wait");
    let lone = b.take_due(100.0).unwrap();
    assert!(!lone.settling);
    touch(&mut b, 110.0, "/b");
    touch(&mut b, 120.0, "/c");
    assert_eq!(b.next_deadline(), Some(150.0));
    assert!(b.take_due(149.0).is_none());
    let burst = b.take_due(150.0).unwrap();
    assert_eq!(burst.files.len(), 2);
    assert!(burst.settling, "it follows a change: tabs fold it into one trailing refresh");
    assert_eq!(b.next_deadline(), None);
  }

  #[test]
  fn continuous_changes_are_flushed_at_max_wait() {
    let mut b = ChangeBatcher::new(30.0, 300.0);
    touch(&mut b, 0.0, "/a");
    b.take_due(0.0).unwrap();
    let mut t = 10.0;
    while t < 1000.0 {
      touch(&mut b, t, "/a");
      t += 10.0;
    }
    assert_eq!(b.next_deadline(), Some(310.0));
  }

  #[test]
  fn batches_of_a_stream_are_settling_and_a_lone_edit_is_not() {
    let mut b = ChangeBatcher::new(30.0, 300.0);
    touch(&mut b, 0.0, "/a");
    assert!(!b.take_due(0.0).unwrap().settling, "the first edit of a burst looks lone");
    for t in (30..=300).step_by(30) {
      touch(&mut b, t as f64, "/a");
    }
    assert!(b.take_due(330.0).unwrap().settling, "changes kept coming: the burst goes on");
    touch(&mut b, 360.0, "/a");
    assert!(b.take_due(390.0).unwrap().settling, "began right after the last change: a stream");
    touch(&mut b, 1000.0, "/a");
    assert!(!b.take_due(1000.0).unwrap().settling, "a lone edit: nothing to wait for");
  }

  #[test]
  fn a_stream_is_told_by_when_its_changes_were_written_and_deadlines_by_when_they_arrived() {
    let mut b = ChangeBatcher::new(30.0, 300.0);
    b.record(ChangeAt::new(0.0, Some(0.0))).file_mut("/a");
    assert!(!b.take_due(0.0).unwrap().settling);
    // Written 30 ms later, reported 400 ms later (the dev server was busy): the same stream.
    b.record(ChangeAt::new(400.0, Some(30.0))).file_mut("/a");
    assert_eq!(b.next_deadline(), Some(430.0), "quiet since it arrived, not since it was written");
    assert!(b.take_due(430.0).unwrap().settling);
    // Arrived as late, with no write time: a lone edit.
    b.record(ChangeAt::new(1000.0, None)).file_mut("/a");
    assert!(!b.take_due(1000.0).unwrap().settling);
  }

  #[test]
  fn same_file_twice_in_a_burst_appears_once() {
    let mut b = ChangeBatcher::new(30.0, 300.0);
    touch(&mut b, 0.0, "/a");
    touch(&mut b, 5.0, "/a");
    assert_eq!(b.take_due(100.0).unwrap().files.len(), 1);
  }

  #[test]
  fn clock_going_backwards_or_nan_does_not_break_deadlines() {
    let mut b = ChangeBatcher::new(30.0, 300.0);
    touch(&mut b, 0.0, "/first");
    b.take_due(0.0).unwrap();
    touch(&mut b, 100.0, "/a");
    touch(&mut b, 50.0, "/b");
    touch(&mut b, f64::NAN, "/c");
    assert_eq!(b.next_deadline(), Some(130.0));
    let mut odd = ChangeBatcher::new(f64::NAN, -1.0);
    touch(&mut odd, 0.0, "/a");
    assert_eq!(odd.next_deadline(), Some(0.0));
    assert!(odd.take_due(f64::NAN).is_none());
  }

  #[test]
  fn too_many_files_overflow_the_batch() {
    let mut b = ChangeBatcher::new(30.0, 300.0);
    for i in 0..=MAX_PENDING_FILES {
      touch(&mut b, 0.0, &format!("/f{i}"));
    }
    let batch = b.take_due(1000.0).unwrap();
    assert!(batch.overflowed);
    assert_eq!(batch.files.len(), MAX_PENDING_FILES);
  }
}
