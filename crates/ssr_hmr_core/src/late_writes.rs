//! `LateWrites`: when to look at a reported file again for a write its
//! watcher dropped.
//!
//! Chokidar, Vite's watcher, reports at most one `change` per file every
//! 50 ms and drops the rest (paulmillr/chokidar#1455, #1084): an editor's
//! second write (format on save) or the second half of a file written in two
//! steps can go unreported, and Vite, the browser and this plugin would keep
//! what the first write left. So each reported (or compiled) file's version
//! (the shim's reading of its modification time, change time and size) is
//! noted with when it was read; once the throttle window is over, the shim is
//! told to read it again ([`LateWrites::due`]), and a file whose version
//! changed is reported to Vite as the watcher would have. The file reads are
//! the shim's; the rule and the times are here.
//!
//! Bounded: one entry per file read within the last window.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Chokidar's throttle for `change` events of one file, plus a margin.
pub const RECHECK_AFTER_MS: f64 = 50.0 + 20.0;
/// How long a file reported again may take to reach the plugin's hooks
/// before it stops counting as pending.
pub const REPORT_PENDING_MS: f64 = 1000.0;

/// A file to read again: reported to Vite if its version is not `version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteRecheck {
  pub file: String,
  pub version: String,
}

#[derive(Default)]
pub struct LateWrites {
  /// Each file's version when last read, and when.
  seen: FxHashMap<Arc<str>, (String, f64)>,
  /// Files reported to Vite again, and when, until their hooks run.
  reported: FxHashMap<Arc<str>, f64>,
}

impl LateWrites {
  /// `file` was read at `now_ms` with `version` (`None`: it is gone).
  pub fn note(&mut self, file: &str, version: Option<String>, now_ms: f64) {
    match version {
      Some(version) => {
        self.seen.insert(Arc::from(file), (version, now_ms));
      }
      None => {
        self.seen.remove(file);
      }
    }
  }

  /// A change of `file` reached the hooks: a report of ours arrived.
  pub fn reached_hooks(&mut self, file: &str) {
    self.reported.remove(file);
  }

  /// The shim reported `file` to Vite again at `now_ms`.
  pub fn reported_again(&mut self, file: &str, now_ms: f64) {
    self.reported.insert(Arc::from(file), now_ms);
  }

  /// When the next file is due to be read again.
  pub fn next_deadline(&self) -> Option<f64> {
    self.seen.values().map(|&(_, since)| since + RECHECK_AFTER_MS).reduce(f64::min)
  }

  /// The files due to be read again at `now_ms`, forgotten here.
  pub fn due(&mut self, now_ms: f64) -> Vec<WriteRecheck> {
    let mut due: Vec<WriteRecheck> = Vec::new();
    self.seen.retain(|file, (version, since)| {
      if now_ms - *since < RECHECK_AFTER_MS {
        return true;
      }
      due.push(WriteRecheck { file: file.to_string(), version: std::mem::take(version) });
      false
    });
    due.sort_by(|a, b| a.file.cmp(&b.file));
    due
  }

  /// A write may still be reported: a file waits to be read again, or one
  /// reported again has not reached the hooks yet (for `REPORT_PENDING_MS`).
  pub fn pending(&mut self, now_ms: f64) -> bool {
    self.reported.retain(|_, at| now_ms - *at <= REPORT_PENDING_MS);
    !self.seen.is_empty() || !self.reported.is_empty()
  }

  pub fn clear(&mut self) {
    self.seen.clear();
    self.reported.clear();
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_file_is_read_again_once_the_watchers_throttle_window_is_over() {
    let mut late = LateWrites::default();
    late.note("/app/a.js", Some("1:1:10".into()), 0.0);
    late.note("/app/b.js", Some("1:1:20".into()), 30.0);
    assert_eq!(late.next_deadline(), Some(RECHECK_AFTER_MS));
    assert!(late.due(RECHECK_AFTER_MS - 1.0).is_empty(), "not before the window is over");
    let due = late.due(RECHECK_AFTER_MS);
    assert_eq!(due, [WriteRecheck { file: "/app/a.js".into(), version: "1:1:10".into() }]);
    assert_eq!(late.next_deadline(), Some(30.0 + RECHECK_AFTER_MS), "b.js still waits");
    assert_eq!(late.due(200.0).len(), 1);
    assert_eq!(late.next_deadline(), None);
  }

  #[test]
  fn a_later_read_restarts_the_window_and_a_gone_file_is_forgotten() {
    let mut late = LateWrites::default();
    late.note("/app/a.js", Some("v1".into()), 0.0);
    late.note("/app/a.js", Some("v2".into()), 60.0);
    assert!(late.due(RECHECK_AFTER_MS).is_empty());
    assert_eq!(late.due(60.0 + RECHECK_AFTER_MS)[0].version, "v2");
    late.note("/app/b.js", Some("v1".into()), 0.0);
    late.note("/app/b.js", None, 10.0);
    assert_eq!(late.next_deadline(), None);
  }

  #[test]
  fn a_file_reported_again_is_pending_until_its_hooks_run_or_for_a_second() {
    let mut late = LateWrites::default();
    assert!(!late.pending(0.0));
    late.note("/app/a.js", Some("v1".into()), 0.0);
    assert!(late.pending(10.0), "waiting to be read again");
    late.due(RECHECK_AFTER_MS);
    late.reported_again("/app/a.js", RECHECK_AFTER_MS);
    assert!(late.pending(RECHECK_AFTER_MS + 500.0));
    late.reached_hooks("/app/a.js");
    assert!(!late.pending(RECHECK_AFTER_MS + 500.0));
    late.reported_again("/app/b.js", 0.0);
    assert!(!late.pending(REPORT_PENDING_MS + 1.0), "never reached the hooks: no longer pending");
  }
}
