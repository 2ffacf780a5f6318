//! `Renders`: the HTML documents the server rendered, by render stamp.
//!
//! Every HTML response gets a stamp (`Server-Timing`) when its headers go
//! out, its body is fingerprinted as it streams (`HtmlFingerprint`), and the
//! tab that loads it reports the stamp back. The stamp tells the core which
//! page the tab shows, when it was rendered (its render epoch: did it miss a
//! refresh?) and what it showed (its fingerprint: did a change alter it?).
//!
//! Bounded: the last `MAX_RENDERS` renders are remembered and at most
//! `MAX_RENDERS_IN_FLIGHT` are fingerprinted at once (a render past it gets no
//! fingerprint, and a tab showing it cannot be verified, only refreshed).
//! Only the newest `MAX_SEGMENTED_RENDERS` keep their segments (at most
//! `MAX_SEGMENTS` × 4 bytes each, 4 MiB in all): a tab showing an older render
//! is compared by the whole fingerprint alone.

use std::collections::VecDeque;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::html_fingerprint::{HtmlFingerprint, Segments, TextRun};
use crate::module_key::normalize_url;

/// A render stamp. 0 is never handed out.
pub type RenderId = u32;

/// Renders remembered; older stamps are forgotten.
pub const MAX_RENDERS: usize = 4096;
/// Renders fingerprinted at the same time.
pub const MAX_RENDERS_IN_FLIGHT: usize = 256;
/// Newest renders that keep their segments.
pub const MAX_SEGMENTED_RENDERS: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Render {
  /// Normalized url of the page rendered.
  pub page: Arc<str>,
  /// The render epoch when the render began.
  pub epoch: u64,
  /// Set when the whole body was fingerprinted.
  pub fingerprint: Option<u64>,
  /// Its per-token hashes, while it is among the newest renders.
  pub segments: Option<Arc<Segments>>,
  /// Its text runs, for a render that keeps them (a check's), until taken.
  pub text_runs: Option<Box<[TextRun]>>,
}

pub struct Renders {
  next: RenderId,
  records: FxHashMap<RenderId, Render>,
  /// Stamps in the order they were handed out, oldest first.
  order: VecDeque<RenderId>,
  in_flight: FxHashMap<RenderId, HtmlFingerprint>,
}

impl Default for Renders {
  fn default() -> Self {
    Renders {
      next: 1,
      records: FxHashMap::default(),
      order: VecDeque::new(),
      in_flight: FxHashMap::default(),
    }
  }
}

impl Renders {
  /// A render of `page` began sending its headers: `status`, and for a
  /// redirect its `location`. Returns its stamp.
  /// `keep_text`: also keep its text runs (`Render::text_runs`).
  pub fn begin(
    &mut self,
    page: &str,
    epoch: u64,
    status: u16,
    location: Option<&str>,
    keep_text: bool,
  ) -> RenderId {
    let id = self.next;
    self.next = self.next.wrapping_add(1).max(1);
    if self.order.len() == MAX_RENDERS {
      if let Some(oldest) = self.order.pop_front() {
        self.records.remove(&oldest);
        self.in_flight.remove(&oldest);
      }
    }
    self.order.push_back(id);
    if let Some(&old) =
      self.order.len().checked_sub(MAX_SEGMENTED_RENDERS + 1).and_then(|i| self.order.get(i))
    {
      if let Some(record) = self.records.get_mut(&old) {
        record.segments = None;
      }
    }
    let page = Arc::from(normalize_url(page));
    self
      .records
      .insert(id, Render { page, epoch, fingerprint: None, segments: None, text_runs: None });
    if self.in_flight.len() < MAX_RENDERS_IN_FLIGHT {
      let fingerprint = HtmlFingerprint::new(status, location);
      self.in_flight.insert(id, if keep_text { fingerprint.keeping_text() } else { fingerprint });
    }
    id
  }

  /// The next bytes of render `id`'s body.
  pub fn write(&mut self, id: RenderId, bytes: &[u8]) {
    if let Some(fingerprint) = self.in_flight.get_mut(&id) {
      fingerprint.write(bytes);
    }
  }

  /// Render `id` ended; `complete` says whether its whole body was sent
  /// (an aborted response has no fingerprint).
  pub fn end(&mut self, id: RenderId, complete: bool) -> Option<&Render> {
    let fingerprinted =
      self.in_flight.remove(&id).filter(|_| complete).and_then(HtmlFingerprint::finish_segmented);
    let segmented = self.order.len() <= MAX_SEGMENTED_RENDERS
      || self
        .order
        .get(self.order.len() - MAX_SEGMENTED_RENDERS)
        .is_some_and(|&oldest| oldest <= id);
    let render = self.records.get_mut(&id)?;
    render.fingerprint = fingerprinted.as_ref().map(|f| f.whole);
    let (segments, text_runs) = match fingerprinted {
      Some(f) => (Some(f.segments), f.text_runs),
      None => (None, None),
    };
    render.segments = segments.filter(|_| segmented).map(Arc::new);
    render.text_runs = text_runs;
    Some(render)
  }

  pub fn get(&self, id: RenderId) -> Option<&Render> {
    self.records.get(&id)
  }

  /// Render `id`'s text runs, which it no longer keeps.
  pub fn take_text_runs(&mut self, id: RenderId) -> Option<Box<[TextRun]>> {
    self.records.get_mut(&id)?.text_runs.take()
  }

  /// The fingerprint of render `id` if it is a finished render of `page`.
  pub fn fingerprint_of(&self, id: RenderId, page: &str) -> Option<u64> {
    self.records.get(&id).filter(|r| &*r.page == page).and_then(|r| r.fingerprint)
  }

  /// Whether `id` was handed out: a stamp the browser made up is not.
  pub fn was_issued(&self, id: RenderId) -> bool {
    id != 0 && id < self.next
  }

  pub fn count(&self) -> usize {
    self.records.len()
  }

  pub fn clear(&mut self) {
    self.records.clear();
    self.order.clear();
    self.in_flight.clear();
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn render(renders: &mut Renders, page: &str, body: &str) -> RenderId {
    let id = renders.begin(page, 0, 200, None, false);
    renders.write(id, body.as_bytes());
    renders.end(id, true);
    id
  }

  #[test]
  fn a_finished_render_has_the_fingerprint_of_its_body() {
    let mut renders = Renders::default();
    let a = render(&mut renders, "/a", "<p>x</p>");
    let b = render(&mut renders, "/a#top", "<p>x</p>");
    let c = render(&mut renders, "/a", "<p>y</p>");
    assert_eq!(renders.fingerprint_of(a, "/a"), renders.fingerprint_of(b, "/a"));
    assert_ne!(renders.fingerprint_of(a, "/a"), renders.fingerprint_of(c, "/a"));
    assert_eq!(renders.fingerprint_of(a, "/b"), None, "a render of another page");
  }

  #[test]
  fn an_aborted_or_unfinished_render_has_no_fingerprint() {
    let mut renders = Renders::default();
    let aborted = renders.begin("/a", 0, 200, None, false);
    renders.write(aborted, b"<p>");
    renders.end(aborted, false);
    let streaming = renders.begin("/a", 0, 200, None, false);
    assert_eq!(renders.fingerprint_of(aborted, "/a"), None);
    assert_eq!(renders.fingerprint_of(streaming, "/a"), None);
  }

  #[test]
  fn old_renders_are_forgotten_and_made_up_stamps_were_never_issued() {
    let mut renders = Renders::default();
    let first = render(&mut renders, "/a", "x");
    for _ in 0..MAX_RENDERS {
      render(&mut renders, "/a", "x");
    }
    assert_eq!(renders.count(), MAX_RENDERS);
    assert!(renders.get(first).is_none());
    assert!(renders.was_issued(first), "issued, then forgotten");
    assert!(!renders.was_issued(0));
    assert!(!renders.was_issued(u32::MAX));
  }

  #[test]
  fn at_most_max_renders_in_flight_are_fingerprinted() {
    let mut renders = Renders::default();
    let ids: Vec<RenderId> =
      (0..=MAX_RENDERS_IN_FLIGHT).map(|_| renders.begin("/a", 0, 200, None, false)).collect();
    for &id in &ids {
      renders.end(id, true);
    }
    assert!(renders.fingerprint_of(ids[0], "/a").is_some());
    assert_eq!(renders.fingerprint_of(*ids.last().unwrap(), "/a"), None);
  }
}
