//! Whether a framework updated a tab in place by re-fetching its page.
//!
//! Some frameworks carry a server-only change to the browser with a custom
//! event of their own, not a Vite `update` (`in_place.rs` covers those):
//! `@vitejs/plugin-rsc` broadcasts `rsc:update`, and each tab answers by
//! fetching its page's RSC payload again and rendering it in place, client
//! state kept. The event's name and payload say nothing the plugin could rely
//! on, so the rule goes by what the event does: after a custom event was
//! broadcast during a change, a tab whose page asks the server for its own
//! output again (a `fetch()` from that page, answered with HTML or an RSC
//! payload) is being updated in place by the framework. A re-fetch the
//! server fails (5xx) counts too: the render of the page failed, and the
//! error reaches the tab the framework's way (Vite's error middleware
//! broadcasts it: its overlay, closed by the framework's next update), not by
//! a refresh into an error page. The plugin does not
//! refresh or check that tab; tabs that did not re-fetch within the wait get
//! the plugin's decision as usual.

use rustc_hash::FxHashMap;

use crate::module_key::normalize_url;

/// How long after a framework's custom event the decision waits for the tabs'
/// re-fetches: a tab hears the event within milliseconds and starts its
/// fetch at once, but the dev server that receives it may be busy.
pub const REFETCH_WAIT_MS: f64 = 400.0;

/// Pages remembered; the oldest re-fetch is forgotten past it.
const MAX_PAGES: usize = 1024;

/// The `Content-Type`s of a page's own output: its HTML, or its RSC payload
/// (`text/x-component`, the type every RSC implementation answers with).
pub fn is_page_output(content_type: &str) -> bool {
  let essence = content_type.split(';').next().unwrap_or("").trim();
  essence.eq_ignore_ascii_case("text/html") || essence.eq_ignore_ascii_case("text/x-component")
}

/// When each page last asked the server for its own output from within the
/// page (not a document load, not the plugin's check).
#[derive(Debug, Default)]
pub struct Refetches {
  by_page: FxHashMap<Box<str>, f64>,
}

impl Refetches {
  /// A request from `page` (its `Referer`) answered with `status` and
  /// `content_type` at `at`. Returns whether it counts as a re-fetch of the
  /// page's output.
  pub fn record(&mut self, page: &str, status: u16, content_type: &str, at: f64) -> bool {
    let output = is_page_output(content_type) || (500..600).contains(&status);
    if !output || !at.is_finite() {
      return false;
    }
    let page = normalize_url(page);
    let page = page.as_str();
    if self.by_page.len() >= MAX_PAGES && !self.by_page.contains_key(page) {
      let oldest =
        self.by_page.iter().min_by(|a, b| a.1.total_cmp(b.1)).map(|(page, _)| page.clone());
      if let Some(oldest) = oldest {
        self.by_page.remove(&oldest);
      }
    }
    let last = self.by_page.entry(page.into()).or_insert(at);
    *last = last.max(at);
    true
  }

  /// Whether any page re-fetched its output at or after `at`.
  pub fn any_since(&self, at: f64) -> bool {
    self.by_page.values().any(|&last| last >= at)
  }

  /// Whether `page` re-fetched its output at or after `at`.
  pub fn since(&self, page: &str, at: f64) -> bool {
    self.by_page.get(page).is_some_and(|&last| last >= at)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn html_and_rsc_payloads_are_a_pages_output() {
    assert!(is_page_output("text/x-component;charset=utf-8"));
    assert!(is_page_output("text/html; charset=utf-8"));
    assert!(is_page_output("TEXT/HTML"));
    assert!(!is_page_output("application/json"));
    assert!(!is_page_output("text/javascript"));
    assert!(!is_page_output(""));
  }

  #[test]
  fn a_refetch_counts_from_its_time_on() {
    let mut r = Refetches::default();
    assert!(!r.record("/about", 200, "application/json", 10.0), "data, not the page");
    assert!(!r.since("/about", 0.0));
    assert!(r.record("/about", 200, "text/x-component", 10.0));
    assert!(r.since("/about", 10.0));
    assert!(!r.since("/about", 10.5), "before the event");
    assert!(!r.since("/", 0.0), "another page");
    assert!(r.any_since(10.0) && !r.any_since(11.0));
    assert!(r.record("/", 500, "", 12.0), "the page's render failed: its answer is the error");
    assert!(!r.record("/x", 404, "application/json", 12.0));
    r.record("/about", 200, "text/html", 5.0);
    assert!(r.since("/about", 10.0), "an older answer does not move it back");
    assert!(!r.record("/about", 200, "text/html", f64::NAN));
  }

  #[test]
  fn memory_is_bounded() {
    let mut r = Refetches::default();
    for i in 0..(MAX_PAGES + 10) {
      r.record(&format!("/p{i}"), 200, "text/html", i as f64);
    }
    assert_eq!(r.by_page.len(), MAX_PAGES);
    assert!(!r.since("/p0", 0.0), "the oldest forgotten");
    assert!(r.since(&format!("/p{}", MAX_PAGES + 9), 0.0));
  }
}
