//! `RenderEpochs`: which refreshes a tab's render predates.
//!
//! A refresh decision reaches the tabs connected when it is made. A tab that
//! is reloading at that moment (its old document still has the socket, but
//! the new document was already rendered) or has no socket yet (between two
//! documents) misses it, and would stay stale. So every change that can make
//! a page stale advances an epoch, the shim stamps each server render with
//! the current epoch (`Server-Timing`), and the tab reports the stamp with its
//! url. A tab whose render is older than a refresh of its page is refreshed
//! again. Only a bounded history of refreshes is kept; a stamp older than it
//! counts as stale, which is at worst one extra refresh.

use std::collections::VecDeque;

use rustc_hash::FxHashSet;

/// Refresh decisions remembered.
pub const MAX_REFRESHES: usize = 64;

struct Refresh {
  /// The epoch of the last change the refresh covered.
  epoch: u64,
  /// Every tab was refreshed.
  all: bool,
  /// Every page whose render roots are not known was refreshed: which edits such a page
  /// depends on cannot be told, so each of its tabs was a candidate, whether or not one was
  /// connected at that moment.
  unresolved: bool,
  pages: FxHashSet<String>,
}

#[derive(Default)]
pub struct RenderEpochs {
  current: u64,
  refreshes: VecDeque<Refresh>,
  /// Epoch of the newest refresh no longer remembered.
  forgotten: u64,
}

impl RenderEpochs {
  pub fn current(&self) -> u64 {
    self.current
  }

  /// A change that can make pages stale happened; returns its epoch.
  pub fn advance(&mut self) -> u64 {
    self.current += 1;
    self.current
  }

  /// A decision refreshed `pages` (or every tab; with `unresolved`, also every page whose
  /// roots are not known) for changes up to `epoch`.
  pub fn record_refresh<'a>(
    &mut self,
    epoch: u64,
    all: bool,
    unresolved: bool,
    pages: impl Iterator<Item = &'a str>,
  ) {
    if self.refreshes.len() == MAX_REFRESHES {
      if let Some(oldest) = self.refreshes.pop_front() {
        self.forgotten = self.forgotten.max(oldest.epoch);
      }
    }
    let pages = if all { FxHashSet::default() } else { pages.map(str::to_owned).collect() };
    self.refreshes.push_back(Refresh { epoch, all, unresolved, pages });
  }

  /// Whether a render of `page` (`resolved`: its render roots are known)
  /// stamped `rendered` predates a refresh of it. A stamp from the future (the
  /// browser is untrusted) is not stale: it can only concern the tab that sent it.
  pub fn refreshed_since(&self, page: &str, resolved: bool, rendered: u64) -> bool {
    if rendered >= self.current {
      return false;
    }
    rendered < self.forgotten
      || self.refreshes.iter().any(|r| {
        r.epoch > rendered && (r.all || (r.unresolved && !resolved) || r.pages.contains(page))
      })
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_render_older_than_a_refresh_of_its_page_is_stale() {
    let mut e = RenderEpochs::default();
    let rendered = e.current();
    let epoch = e.advance();
    e.record_refresh(epoch, false, false, ["/a"].into_iter());
    assert!(e.refreshed_since("/a", true, rendered));
    assert!(!e.refreshed_since("/b", true, rendered), "another page was refreshed");
    assert!(!e.refreshed_since("/a", true, epoch), "rendered after the change");
  }

  #[test]
  fn a_refresh_of_pages_with_unknown_roots_covers_them_whether_or_not_a_tab_showed_them() {
    let mut e = RenderEpochs::default();
    let epoch = e.advance();
    e.record_refresh(epoch, false, true, ["/known"].into_iter());
    assert!(e.refreshed_since("/unknown-roots", false, 0));
    assert!(!e.refreshed_since("/other-known", true, 0), "its roots say it was not affected");
  }

  #[test]
  fn a_refresh_of_every_tab_makes_every_older_render_stale() {
    let mut e = RenderEpochs::default();
    let epoch = e.advance();
    e.record_refresh(epoch, true, false, std::iter::empty());
    assert!(e.refreshed_since("/anything", true, 0));
  }

  #[test]
  fn a_change_not_yet_decided_does_not_make_a_render_stale() {
    let mut e = RenderEpochs::default();
    e.advance();
    // The pending decision will reach the tab once it has registered.
    assert!(!e.refreshed_since("/a", true, 0));
  }

  #[test]
  fn stamps_older_than_the_history_count_as_stale_and_future_ones_do_not() {
    let mut e = RenderEpochs::default();
    for _ in 0..=MAX_REFRESHES {
      let epoch = e.advance();
      e.record_refresh(epoch, false, false, ["/elsewhere"].into_iter());
    }
    assert!(e.refreshed_since("/a", true, 0), "too old to know: refresh");
    assert!(!e.refreshed_since("/a", true, e.current() + 10));
  }
}
