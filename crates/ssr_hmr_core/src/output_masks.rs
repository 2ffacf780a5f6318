//! `OutputMasks`: per page, the token positions whose output differs between
//! two renders with no edit between them, learned once and then left out when
//! a check render is compared with the render a tab shows.
//!
//! Some output changes on every render without the page being different: RSC
//! flight data (random reference ids, timings), Astro's `server-render-time`
//! attribute on every `<astro-island>`, SolidStart's hydration script, and
//! whatever the next framework puts there. A list of patterns would follow
//! the frameworks one by one; instead, when a check render differs from the
//! tab's render and its page has no mask for its shape (its segment count),
//! the tab is checked once more, and the positions where the two check
//! renders differ are that page's mask, if both renders have the same render
//! epoch (no edit was decided between them).
//!
//! Never "unchanged" on doubt: a false "unchanged" strands a stale tab.
//! * Renders compare only with the same segment count.
//! * A mask leaves out whole tokens, never a neighbour: a text run next to an
//!   attribute that changes is its own segment. A merged tail
//!   (`MAX_SEGMENTS`) is never left out.
//! * A mask covering more than one segment in `MAX_MASKED_SHARE` is not used:
//!   a page that differs that much between two renders is not "the same".
//! * Two check renders of different epochs teach nothing.
//!
//! Bounded: masks of `MAX_MASKED_PAGES` pages (the least recently used is
//! forgotten), each at most `MAX_SEGMENTS / MAX_MASKED_SHARE` positions; one
//! extra check render per page and shape (a refused mask is remembered too).

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::html_fingerprint::Segments;
use crate::renders::Render;

/// Pages whose mask is remembered.
pub const MAX_MASKED_PAGES: usize = 256;
/// A mask may leave out at most one segment in this many.
pub const MAX_MASKED_SHARE: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Mask {
  /// Segment count of the renders it was learned from.
  segments: usize,
  /// Positions left out, ascending; `None`: learned, but not usable.
  positions: Option<Box<[u32]>>,
  used: u64,
}

/// What a check render says about the page a tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judgement {
  /// The same outside the page's mask.
  Same,
  Different,
  /// Its page has no mask for this shape yet: check the tab once more.
  Learn,
}

#[derive(Default)]
pub struct OutputMasks {
  masks: FxHashMap<Arc<str>, Mask>,
  clock: u64,
}

impl OutputMasks {
  /// Judges `check`, a check render of `page` whose whole fingerprint differs
  /// from `shown`'s (the render the tab shows). `first` is the first check
  /// render when `check` is the second, asked for to learn.
  pub fn judge(
    &mut self,
    page: &str,
    shown: Option<&Render>,
    check: &Render,
    first: Option<&Render>,
  ) -> Judgement {
    let (Some(shown_segments), Some(check_segments)) =
      (shown.and_then(|r| r.segments.as_deref()), check.segments.as_deref())
    else {
      return Judgement::Different;
    };
    if shown_segments.hashes.len() != check_segments.hashes.len()
      || !shown_segments.same_head(check_segments)
    {
      return Judgement::Different;
    }
    if let Some(first) = first {
      match first.segments.as_deref() {
        Some(first_segments) if first.epoch == check.epoch => {
          self.learn(page, first_segments, check_segments);
        }
        // An edit came between the two checks, or the first is forgotten.
        _ => return Judgement::Different,
      }
    }
    self.clock += 1;
    let clock = self.clock;
    let Some(mask) = self.masks.get_mut(page).filter(|m| m.segments == check_segments.hashes.len())
    else {
      return if first.is_some() { Judgement::Different } else { Judgement::Learn };
    };
    mask.used = clock;
    match &mask.positions {
      Some(positions) if same_outside(shown_segments, check_segments, positions) => Judgement::Same,
      _ => Judgement::Different,
    }
  }

  /// The positions left out of `page`'s renders with `segments` segments
  /// (empty when none are known or its mask is refused).
  pub fn masked(&self, page: &str, segments: usize) -> &[u32] {
    match self.masks.get(page) {
      Some(Mask { segments: s, positions: Some(positions), .. }) if *s == segments => positions,
      _ => &[],
    }
  }

  /// `first` and `second` rendered `page` with no edit between them: the
  /// positions where they differ are its mask (replacing an older one).
  pub fn learn(&mut self, page: &str, first: &Segments, second: &Segments) {
    if first.hashes.len() != second.hashes.len() {
      return;
    }
    let differing: Vec<u32> = (0..first.hashes.len())
      .filter(|&i| first.hashes[i] != second.hashes[i])
      .map(|i| i as u32)
      .collect();
    let usable =
      differing.iter().all(|&i| first.maskable(i as usize) && second.maskable(i as usize))
        && differing.len() * MAX_MASKED_SHARE <= first.hashes.len();
    if !self.masks.contains_key(page) && self.masks.len() >= MAX_MASKED_PAGES {
      if let Some(oldest) = self.masks.iter().min_by_key(|(_, m)| m.used).map(|(p, _)| p.clone()) {
        self.masks.remove(&oldest);
      }
    }
    self.clock += 1;
    let mask = Mask {
      segments: first.hashes.len(),
      positions: usable.then(|| differing.into()),
      used: self.clock,
    };
    self.masks.insert(Arc::from(page), mask);
  }

  pub fn count(&self) -> usize {
    self.masks.len()
  }

  pub fn clear(&mut self) {
    self.masks.clear();
  }
}

/// Whether `a` and `b` (same length) differ only at `positions` (ascending).
fn same_outside(a: &Segments, b: &Segments, positions: &[u32]) -> bool {
  let mut masked = positions.iter().peekable();
  for (i, (x, y)) in a.hashes.iter().zip(b.hashes.iter()).enumerate() {
    while masked.peek().is_some_and(|&&p| (p as usize) < i) {
      masked.next();
    }
    let is_masked = masked.peek().is_some_and(|&&p| p as usize == i);
    if x != y && !(is_masked && a.maskable(i) && b.maskable(i)) {
      return false;
    }
  }
  true
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::html_fingerprint::HtmlFingerprint;

  fn render(html: &str, epoch: u64) -> Render {
    let mut f = HtmlFingerprint::new(200, None);
    f.write(html.as_bytes());
    let done = f.finish_segmented().unwrap();
    Render {
      page: Arc::from("/"),
      epoch,
      fingerprint: Some(done.whole),
      segments: Some(Arc::new(done.segments)),
      text_runs: None,
    }
  }

  fn page(data: &str, random: u32, time: &str) -> String {
    format!(
      "<html><body><h1 id=\"title\">Home</h1><p id=\"data\">{data}</p>\
       <astro-island uid=\"x\" server-render-time=\"{time}\"><p>shared v1</p></astro-island>\
       <script>window.__random = {random}</script></body></html>"
    )
  }

  #[test]
  fn a_page_differing_only_where_two_unedited_renders_differ_is_the_same() {
    let mut masks = OutputMasks::default();
    let shown = render(&page("home v1", 1, "1.2"), 0);
    let first = render(&page("home v1", 2, "3.4"), 1);
    assert_eq!(masks.judge("/", Some(&shown), &first, None), Judgement::Learn);
    let second = render(&page("home v1", 3, "5.6"), 1);
    assert_eq!(masks.judge("/", Some(&shown), &second, Some(&first)), Judgement::Same);
    // Learned: the next edit needs no second check.
    let next = render(&page("home v1", 4, "7.8"), 2);
    assert_eq!(masks.judge("/", Some(&shown), &next, None), Judgement::Same);
    assert_eq!(masks.count(), 1);
  }

  #[test]
  fn a_real_change_next_to_a_volatile_token_is_different() {
    let mut masks = OutputMasks::default();
    let shown = render(&page("home v1", 1, "1.2"), 0);
    let first = render(&page("home v2", 2, "3.4"), 1);
    assert_eq!(masks.judge("/", Some(&shown), &first, None), Judgement::Learn);
    let second = render(&page("home v2", 3, "5.6"), 1);
    assert_eq!(masks.judge("/", Some(&shown), &second, Some(&first)), Judgement::Different);
    // The mask learned leaves out the volatile tokens only.
    let later = render(&page("home v3", 9, "9.9"), 2);
    assert_eq!(masks.judge("/", Some(&second), &later, None), Judgement::Different);
    let unchanged = render(&page("home v2", 9, "9.9"), 2);
    assert_eq!(masks.judge("/", Some(&second), &unchanged, None), Judgement::Same);
  }

  #[test]
  fn a_change_shown_as_text_is_different_even_when_its_script_is_masked() {
    // The random value and the data share one script body: one token.
    let script =
      |data: &str, n: u32| render(&format!("<p>x</p><script>a={n};b='{data}'</script>"), 1);
    let mut masks = OutputMasks::default();
    masks.learn(
      "/",
      script("v1", 1).segments.as_deref().unwrap(),
      script("v1", 2).segments.as_deref().unwrap(),
    );
    // Masked: the whole script is left out, but the page still shows `x`.
    let shown = script("v1", 3);
    let changed_text = render("<p>y</p><script>a=4;b='v1'</script>", 1);
    assert_eq!(masks.judge("/", Some(&shown), &changed_text, None), Judgement::Different);
  }

  #[test]
  fn two_check_renders_across_an_edit_teach_nothing() {
    let mut masks = OutputMasks::default();
    let shown = render(&page("home v1", 1, "1.2"), 0);
    let first = render(&page("home v1", 2, "3.4"), 1);
    let second = render(&page("home v1", 3, "5.6"), 2);
    assert_eq!(masks.judge("/", Some(&shown), &second, Some(&first)), Judgement::Different);
    assert_eq!(masks.count(), 0);
  }

  #[test]
  fn a_different_shape_or_no_segments_is_different_and_a_new_shape_learns_again() {
    let mut masks = OutputMasks::default();
    let shown = render(&page("home v1", 1, "1.2"), 0);
    masks.learn(
      "/",
      shown.segments.as_deref().unwrap(),
      render(&page("home v1", 2, "2"), 0).segments.as_deref().unwrap(),
    );
    let longer = render(&format!("{}<p>new</p>", page("home v1", 5, "5")), 1);
    assert_eq!(masks.judge("/", Some(&shown), &longer, None), Judgement::Different);
    let unsegmented = Render { segments: None, ..shown.clone() };
    assert_eq!(masks.judge("/", Some(&unsegmented), &shown, None), Judgement::Different);
    // Both the tab's render and the check have a shape the mask was not learned on.
    let grown_shown = render(&format!("{}<i>1</i>", page("home v1", 1, "1")), 1);
    let grown_check = render(&format!("{}<i>1</i>", page("home v1", 2, "2")), 1);
    assert_eq!(masks.judge("/", Some(&grown_shown), &grown_check, None), Judgement::Learn);
  }

  #[test]
  fn a_page_that_differs_everywhere_gets_no_usable_mask() {
    let mut masks = OutputMasks::default();
    let noisy = |n: u32| render(&format!("<p>{n}</p><p>{n}</p><p>{n}</p>"), 1);
    let (shown, first, second) = (noisy(1), noisy(2), noisy(3));
    assert_eq!(masks.judge("/", Some(&shown), &first, None), Judgement::Learn);
    assert_eq!(masks.judge("/", Some(&shown), &second, Some(&first)), Judgement::Different);
    // Refused once, not learned again for the same shape.
    assert_eq!(masks.judge("/", Some(&shown), &noisy(4), None), Judgement::Different);
  }

  #[test]
  fn another_status_or_redirect_target_is_different_without_learning() {
    let mut masks = OutputMasks::default();
    let with_status = |status: u16, location: Option<&str>| {
      let mut f = HtmlFingerprint::new(status, location);
      f.write(b"<p>same</p>");
      let done = f.finish_segmented().unwrap();
      Render {
        page: Arc::from("/"),
        epoch: 1,
        fingerprint: Some(done.whole),
        segments: Some(Arc::new(done.segments)),
        text_runs: None,
      }
    };
    let ok = with_status(200, None);
    assert_eq!(masks.judge("/", Some(&ok), &with_status(500, None), None), Judgement::Different);
    let moved = with_status(302, Some("/a"));
    assert_eq!(
      masks.judge("/", Some(&moved), &with_status(302, Some("/b")), None),
      Judgement::Different
    );
    // Even with a mask learned from two renders that differed only there.
    masks.learn(
      "/",
      ok.segments.as_deref().unwrap(),
      with_status(500, None).segments.as_deref().unwrap(),
    );
    assert_eq!(masks.judge("/", Some(&ok), &with_status(500, None), None), Judgement::Different);
  }

  #[test]
  fn a_merged_tail_is_never_left_out() {
    let long = |tail: &str| {
      let mut html = "<i>a</i>".repeat(crate::html_fingerprint::MAX_SEGMENTS);
      html.push_str(tail);
      render(&html, 1)
    };
    let (a, b) = (long("<p>1</p>"), long("<p>2</p>"));
    assert!(a.segments.as_ref().unwrap().merged_tail);
    assert_eq!(a.segments.as_ref().unwrap().hashes.len(), crate::html_fingerprint::MAX_SEGMENTS);
    let mut masks = OutputMasks::default();
    masks.learn("/", a.segments.as_deref().unwrap(), b.segments.as_deref().unwrap());
    assert_eq!(masks.judge("/", Some(&a), &long("<p>3</p>"), None), Judgement::Different);
  }

  #[test]
  fn masks_of_at_most_max_masked_pages_are_kept() {
    let mut masks = OutputMasks::default();
    let a = render(&page("v", 1, "1"), 0);
    let b = render(&page("v", 2, "2"), 0);
    for n in 0..=MAX_MASKED_PAGES {
      masks.learn(&format!("/{n}"), a.segments.as_deref().unwrap(), b.segments.as_deref().unwrap());
    }
    assert_eq!(masks.count(), MAX_MASKED_PAGES);
  }
}
