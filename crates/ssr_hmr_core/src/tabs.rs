//! `Tabs`: the open browser tabs, the page each one shows and the server
//! render it was served.
//!
//! Tab ids are handed out here and never come from the browser, so a message
//! can only speak for its own tab. At most `max_tabs` are tracked: past the
//! cap a tab gets `NO_TAB` and, while such a tab is open, which tabs a change
//! affects cannot be told, so every refresh reaches every tab. Evicting a
//! tracked tab instead would leave a browser whose id the shim still holds
//! but the core forgot: it would never refresh again.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::contract::{self, Strategy};
use crate::module_key::normalize_url;
use crate::renders::RenderId;

pub type TabId = u32;

/// What `open` returns past `max_tabs`: the tab is not tracked.
pub const NO_TAB: TabId = contract::NO_TAB;

#[derive(Debug, Clone)]
struct Tab {
  /// Normalized page url (no origin, no `#fragment`), if the tab said.
  page: Option<Arc<str>>,
  /// The render of `page` the tab shows, when the server rendered it and the
  /// tab has not navigated since.
  shown: Option<RenderId>,
  /// The strategy its page picks (`<meta name="ssr-hmr">`), if it picks one.
  strategy: Option<Strategy>,
}

pub struct Tabs {
  max_tabs: usize,
  next_tab: TabId,
  tabs: FxHashMap<TabId, Tab>,
  /// Open tabs refused past `max_tabs` (closed with `close(NO_TAB)`).
  untracked: usize,
}

impl Tabs {
  pub fn new(max_tabs: usize) -> Self {
    Tabs { max_tabs: max_tabs.max(1), next_tab: 1, tabs: FxHashMap::default(), untracked: 0 }
  }

  /// Registers a tab showing `page` (the render `shown`, if it was served
  /// one). Returns `NO_TAB` past the cap.
  pub fn open(&mut self, page: Option<&str>, shown: Option<RenderId>) -> TabId {
    if self.tabs.len() >= self.max_tabs {
      self.untracked += 1;
      return NO_TAB;
    }
    // Skip ids still in use after a (theoretical) u32 wrap-around; `NO_TAB`
    // is never handed out.
    while self.next_tab == NO_TAB || self.tabs.contains_key(&self.next_tab) {
      self.next_tab = self.next_tab.wrapping_add(1);
    }
    let id = self.next_tab;
    self.next_tab = self.next_tab.wrapping_add(1);
    let page = page.map(|url| Arc::from(normalize_url(url)));
    self.tabs.insert(id, Tab { shown: shown.filter(|_| page.is_some()), page, strategy: None });
    id
  }

  /// The tab moved to `page` on the client (history API): it no longer shows
  /// a server render, unless it says which (`shown`, after a morph). Unknown
  /// ids (`NO_TAB`, closed tabs) are ignored.
  pub fn navigate(&mut self, tab: TabId, page: &str, shown: Option<RenderId>) {
    if let Some(t) = self.tabs.get_mut(&tab) {
      let page = normalize_url(page);
      if t.page.as_deref() != Some(page.as_str()) {
        t.page = Some(Arc::from(page));
      }
      t.shown = shown;
    }
  }

  /// The tab's page picks `strategy` (`None`: the configured one). Unknown
  /// ids are ignored.
  pub fn set_strategy(&mut self, tab: TabId, strategy: Option<Strategy>) {
    if let Some(t) = self.tabs.get_mut(&tab) {
      t.strategy = strategy;
    }
  }

  /// The strategy the tab's page picks, if it picks one.
  pub fn strategy(&self, tab: TabId) -> Option<Strategy> {
    self.tabs.get(&tab).and_then(|t| t.strategy)
  }

  /// The tab shows `render` of its page now (its output was checked).
  pub fn set_shown(&mut self, tab: TabId, render: RenderId) {
    if let Some(t) = self.tabs.get_mut(&tab) {
      t.shown = Some(render);
    }
  }

  pub fn close(&mut self, tab: TabId) {
    if tab == NO_TAB {
      self.untracked = self.untracked.saturating_sub(1);
    } else {
      self.tabs.remove(&tab);
    }
  }

  /// Tabs were refused past `max_tabs` and are still open.
  pub fn has_untracked(&self) -> bool {
    self.untracked > 0
  }

  pub fn count(&self) -> usize {
    self.tabs.len()
  }

  /// The page a tab shows, if it said.
  pub fn page(&self, tab: TabId) -> Option<&str> {
    self.tabs.get(&tab).and_then(|t| t.page.as_deref())
  }

  /// The server render a tab shows, if known.
  pub fn shown(&self, tab: TabId) -> Option<RenderId> {
    self.tabs.get(&tab).and_then(|t| t.shown)
  }

  /// Every tracked tab, sorted.
  pub fn all(&self) -> Vec<TabId> {
    let mut tabs: Vec<TabId> = self.tabs.keys().copied().collect();
    tabs.sort_unstable();
    tabs
  }

  /// Every tracked tab with the page it shows, in no particular order.
  pub fn pages(&self) -> impl Iterator<Item = (TabId, Option<&Arc<str>>)> {
    self.tabs.iter().map(|(&id, t)| (id, t.page.as_ref()))
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_tab_past_max_tabs_is_untracked_and_tracked_tabs_are_kept() {
    let mut tabs = Tabs::new(2);
    let a = tabs.open(None, None);
    let b = tabs.open(None, None);
    assert!(!tabs.has_untracked());
    assert_eq!(tabs.open(Some("/c"), None), NO_TAB);
    assert_eq!(tabs.all(), [a, b], "no tracked tab is evicted");
    assert!(tabs.has_untracked());
    tabs.navigate(NO_TAB, "/ignored", None);
    assert_eq!(tabs.count(), 2);
    tabs.close(NO_TAB);
    assert!(!tabs.has_untracked());
  }

  #[test]
  fn pages_are_normalized_and_a_client_navigation_forgets_the_render_shown() {
    let mut tabs = Tabs::new(8);
    let t = tabs.open(Some("http://localhost:5173/cart?x=1#summary"), Some(7));
    assert_eq!(tabs.page(t), Some("/cart?x=1"));
    assert_eq!(tabs.shown(t), Some(7));
    tabs.navigate(t, "/cart?x=1#other", None);
    assert_eq!(tabs.shown(t), None, "the history API changed the page under the render");
    tabs.navigate(t, "/about", Some(9));
    assert_eq!((tabs.page(t), tabs.shown(t)), (Some("/about"), Some(9)));
    let unknown = tabs.open(None, Some(3));
    assert_eq!(tabs.shown(unknown), None, "a render of no page is not shown");
  }
}
