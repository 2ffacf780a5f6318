//! `WaitingSockets`: sockets that have not said yet which page they show,
//! and what each missed meanwhile.
//!
//! A socket that has not reported its page is nearly always a tab still
//! loading: its runtime reports a few ms after the socket connects, often
//! mid-burst. Reloading it at once would cost that tab an extra reload, so
//! what it missed waits for its report and is then sent only if its page was
//! among the pages of a decision it missed (or one reached every tab). A
//! socket that never reports within `REPORT_GRACE_MS` gets a full reload.
//! Sockets are numbered by the shim; the update itself stays there.

use rustc_hash::{FxHashMap, FxHashSet};

/// How long a socket may stay connected without saying which page it shows.
pub const REPORT_GRACE_MS: f64 = 1000.0;

/// Most sockets waiting at once; past it a new one is not held (it reloads
/// with its page's next refresh like any unknown tab).
const MAX_SOCKETS: usize = 4096;

/// One socket, by the number the shim gave it.
pub type SocketId = u32;

#[derive(Debug)]
struct Waiting {
  pages: FxHashSet<String>,
  reload_all: bool,
  deadline: f64,
}

#[derive(Debug, Default)]
pub struct WaitingSockets {
  sockets: FxHashMap<SocketId, Waiting>,
}

impl WaitingSockets {
  /// `socket` missed a decision reaching `pages` (every tab with
  /// `reload_all`): it waits for its report, from the first it missed.
  pub fn missed<'a>(
    &mut self,
    socket: SocketId,
    pages: impl IntoIterator<Item = &'a String>,
    reload_all: bool,
    now: f64,
  ) {
    if !self.sockets.contains_key(&socket) && self.sockets.len() >= MAX_SOCKETS {
      return;
    }
    let waiting = self.sockets.entry(socket).or_insert_with(|| Waiting {
      pages: FxHashSet::default(),
      reload_all: false,
      deadline: now + REPORT_GRACE_MS,
    });
    waiting.reload_all |= reload_all;
    waiting.pages.extend(pages.into_iter().cloned());
  }

  /// `socket` reported it shows `url`. Returns whether it gets the update it
  /// missed: only without a render stamp (with one, the core has decided for
  /// that render already) and if its page was affected.
  pub fn reported(&mut self, socket: SocketId, url: &str, has_render: bool) -> bool {
    let Some(waiting) = self.sockets.remove(&socket) else { return false };
    !has_render && (waiting.reload_all || waiting.pages.contains(url))
  }

  /// The socket closed.
  pub fn forget(&mut self, socket: SocketId) {
    self.sockets.remove(&socket);
  }

  /// Sockets that did not report in time: each gets a full reload.
  pub fn expire(&mut self, now: f64) -> Vec<SocketId> {
    let mut expired: Vec<SocketId> =
      self.sockets.iter().filter(|(_, w)| w.deadline <= now).map(|(&s, _)| s).collect();
    expired.sort_unstable();
    for socket in &expired {
      self.sockets.remove(socket);
    }
    expired
  }

  pub fn next_deadline(&self) -> Option<f64> {
    self.sockets.values().map(|w| w.deadline).reduce(f64::min)
  }

  pub fn clear(&mut self) {
    self.sockets.clear();
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn pages(urls: &[&str]) -> Vec<String> {
    urls.iter().map(|u| u.to_string()).collect()
  }

  #[test]
  fn a_socket_gets_what_it_missed_only_if_its_page_was_affected() {
    let mut waiting = WaitingSockets::default();
    waiting.missed(1, &pages(&["/about"]), false, 0.0);
    waiting.missed(2, &pages(&["/about"]), false, 0.0);
    assert!(waiting.reported(1, "/about", false));
    assert!(!waiting.reported(2, "/", false), "another page");
    assert!(!waiting.reported(1, "/about", false), "once");
    assert_eq!(waiting.next_deadline(), None);
  }

  #[test]
  fn a_socket_reporting_a_render_stamp_was_decided_for_already() {
    let mut waiting = WaitingSockets::default();
    waiting.missed(1, &pages(&["/about"]), true, 0.0);
    assert!(!waiting.reported(1, "/about", true));
  }

  #[test]
  fn the_decisions_a_socket_missed_add_up_from_the_first() {
    let mut waiting = WaitingSockets::default();
    waiting.missed(1, &pages(&["/about"]), false, 0.0);
    waiting.missed(1, &pages(&["/"]), false, 400.0);
    assert_eq!(waiting.next_deadline(), Some(REPORT_GRACE_MS), "the grace runs from the first");
    assert!(waiting.reported(1, "/", false));
    waiting.missed(2, &pages(&[]), false, 0.0);
    waiting.missed(2, &pages(&[]), true, 10.0);
    assert!(waiting.reported(2, "/anything", false), "one decision reached every tab");
  }

  #[test]
  fn a_socket_that_never_reports_is_reloaded_after_the_grace() {
    let mut waiting = WaitingSockets::default();
    waiting.missed(3, &pages(&["/"]), false, 100.0);
    waiting.missed(4, &pages(&["/"]), false, 200.0);
    waiting.missed(5, &pages(&["/"]), false, 200.0);
    waiting.forget(5);
    assert!(waiting.expire(100.0 + REPORT_GRACE_MS - 1.0).is_empty());
    assert_eq!(waiting.expire(200.0 + REPORT_GRACE_MS), [3, 4]);
    assert!(!waiting.reported(3, "/", false), "gone");
  }
}
