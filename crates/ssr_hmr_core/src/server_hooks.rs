//! `ServerHooks`: with several dev servers of one project, waiting until each
//! ran its hooks for a file.
//!
//! A meta-framework like vinxi runs several dev servers for one root (client,
//! ssr, server functions); each has its own watcher and runs its own hooks for
//! a file. The decision waits until every server's hooks ran, or
//! `MAX_HEARD_MS` after the first, since a server may not watch the file.

use rustc_hash::FxHashMap;

use crate::held_payloads::ChannelId;

/// How long a change heard by one of several servers waits for the others' hooks.
pub const MAX_HEARD_MS: f64 = 250.0;

/// Most files waiting at once; past it a file does not wait.
const MAX_FILES: usize = 4096;

#[derive(Debug)]
struct Heard {
  by: Vec<ChannelId>,
  deadline: f64,
}

#[derive(Debug, Default)]
pub struct ServerHooks {
  files: FxHashMap<Box<str>, Heard>,
}

impl ServerHooks {
  /// The hooks of the dev server `server` ran for `file`; `servers` are the
  /// project's servers now.
  pub fn ran(&mut self, server: ChannelId, file: &str, servers: &[ChannelId], now: f64) {
    if servers.len() < 2 || (!self.files.contains_key(file) && self.files.len() >= MAX_FILES) {
      return;
    }
    let heard = self
      .files
      .entry(file.into())
      .or_insert_with(|| Heard { by: Vec::new(), deadline: now + MAX_HEARD_MS });
    if !heard.by.contains(&server) {
      heard.by.push(server);
    }
    if servers.iter().all(|s| heard.by.contains(s)) {
      self.files.remove(file);
    }
  }

  /// Files some servers' hooks did not run for in time stop waiting.
  pub fn expire(&mut self, now: f64) {
    self.files.retain(|_, heard| heard.deadline > now);
  }

  /// Some server's hooks for a file have not run yet.
  pub fn busy(&self) -> bool {
    !self.files.is_empty()
  }

  pub fn next_deadline(&self) -> Option<f64> {
    self.files.values().map(|h| h.deadline).reduce(f64::min)
  }

  pub fn clear(&mut self) {
    self.files.clear();
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn one_server_never_waits() {
    let mut hooks = ServerHooks::default();
    hooks.ran(1, "/app/a.js", &[1], 0.0);
    assert!(!hooks.busy());
  }

  #[test]
  fn a_file_waits_until_every_server_ran_its_hooks() {
    let mut hooks = ServerHooks::default();
    hooks.ran(1, "/app/a.js", &[1, 2, 3], 0.0);
    hooks.ran(1, "/app/a.js", &[1, 2, 3], 1.0);
    hooks.ran(2, "/app/a.js", &[1, 2, 3], 2.0);
    assert!(hooks.busy());
    assert_eq!(hooks.next_deadline(), Some(MAX_HEARD_MS));
    hooks.ran(3, "/app/a.js", &[1, 2, 3], 3.0);
    assert!(!hooks.busy());
  }

  #[test]
  fn a_file_stops_waiting_after_the_longest_wait() {
    let mut hooks = ServerHooks::default();
    hooks.ran(1, "/app/a.js", &[1, 2], 10.0);
    hooks.expire(10.0 + MAX_HEARD_MS - 1.0);
    assert!(hooks.busy());
    hooks.expire(10.0 + MAX_HEARD_MS);
    assert!(!hooks.busy());
    assert_eq!(hooks.next_deadline(), None);
  }

  #[test]
  fn a_server_that_left_is_not_waited_for() {
    let mut hooks = ServerHooks::default();
    hooks.ran(1, "/app/a.js", &[1, 2, 3], 0.0);
    hooks.ran(2, "/app/a.js", &[1, 2], 1.0);
    assert!(!hooks.busy());
  }
}
