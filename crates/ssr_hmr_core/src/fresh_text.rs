//! `fresh_text`: what a tab updated in place must show afterwards, so that
//! its runtime can tell an in-place update that ended on the server's fresh
//! output from one that did not (and reload instead).
//!
//! A tab's runtime has the fresh render (its check fetched it) but not the
//! render it was served; only the server has both, as per-token hashes. The
//! text runs of the fresh render whose token the served render does not have
//! are what the edit changed on screen: after a framework re-ran the page's
//! data in place, the document must contain each of them. Text the page's
//! client code changed since (a counter clicked three times) is not among
//! them, since both renders show it alike.
//!
//! Never a false "fresh": a text that differs between two renders anyway (a
//! position of the page's output mask) is left out, as the tab may show
//! another value of it; when the served render's hashes are forgotten,
//! nothing can be told (`None`), and the tab reloads.
//!
//! Bounded: at most [`MAX_FRESH_TEXTS`] texts of [`MAX_FRESH_TEXT_CHARS`]
//! characters each (a prefix still tells a fresh page from a stale one).

use rustc_hash::FxHashSet;

use crate::html_fingerprint::{Segments, TextRun};

/// Texts sent per tab.
pub const MAX_FRESH_TEXTS: usize = 16;
/// Characters kept of each text.
pub const MAX_FRESH_TEXT_CHARS: usize = 200;

/// The text runs of `fresh` (a check render, with `fresh_runs`) that the
/// render a tab shows (`shown`) has no token like, whitespace collapsed, in
/// document order; `masked`: positions of `fresh` that differ between any two
/// renders of the page.
pub fn fresh_text(
  shown: &Segments,
  fresh: &Segments,
  fresh_runs: &[TextRun],
  masked: &[u32],
) -> Vec<String> {
  let shown_tokens: FxHashSet<u32> = shown.hashes.iter().copied().collect();
  let mut texts: Vec<String> = Vec::new();
  for run in fresh_runs {
    let Some(&hash) = fresh.hashes.get(run.segment as usize) else { continue };
    if shown_tokens.contains(&hash) || masked.binary_search(&run.segment).is_ok() {
      continue;
    }
    let text = collapse_whitespace(&run.text);
    if text.is_empty() || texts.contains(&text) {
      continue;
    }
    texts.push(text);
    if texts.len() == MAX_FRESH_TEXTS {
      break;
    }
  }
  texts
}

/// `text` with each run of whitespace one space, trimmed, and cut to
/// [`MAX_FRESH_TEXT_CHARS`] characters.
fn collapse_whitespace(text: &str) -> String {
  text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_FRESH_TEXT_CHARS).collect()
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::html_fingerprint::HtmlFingerprint;

  fn render(html: &str) -> (Segments, Box<[TextRun]>) {
    let mut f = HtmlFingerprint::new(200, None).keeping_text();
    f.write(html.as_bytes());
    let f = f.finish_segmented().unwrap();
    (f.segments, f.text_runs.unwrap())
  }

  #[test]
  fn the_text_an_edit_changed_is_what_the_tab_must_show() {
    let (shown, _) = render("<h1>Team</h1><p id=data>about v1</p><button>count 0</button>");
    let (fresh, runs) = render("<h1>Team</h1><p id=data>about   v2\n</p><button>count 0</button>");
    assert_eq!(fresh_text(&shown, &fresh, &runs, &[]), ["about v2"]);
  }

  #[test]
  fn an_unchanged_or_masked_text_is_not_asked_for() {
    let (shown, _) = render("<p>about v1</p><time>12:00</time>");
    let (fresh, runs) = render("<p>about v1</p><time>12:01</time>");
    let time_position = runs.iter().find(|r| &*r.text == "12:01").unwrap().segment;
    assert_eq!(fresh_text(&shown, &fresh, &runs, &[]), ["12:01"]);
    assert!(fresh_text(&shown, &fresh, &runs, &[time_position]).is_empty());
  }

  #[test]
  fn texts_are_bounded_deduplicated_and_never_blank() {
    let shown = render("<p>old</p>").0;
    let long = "x".repeat(MAX_FRESH_TEXT_CHARS + 50);
    let many: String =
      (0..40).map(|i| format!("<li>item {i}</li><li>same</li><li> </li>")).collect();
    let (fresh, runs) = render(&format!("<p>{long}</p>{many}"));
    let texts = fresh_text(&shown, &fresh, &runs, &[]);
    assert_eq!(texts.len(), MAX_FRESH_TEXTS);
    assert_eq!(texts[0].chars().count(), MAX_FRESH_TEXT_CHARS);
    assert_eq!(texts.iter().filter(|t| *t == "same").count(), 1);
    assert!(texts.iter().all(|t| !t.trim().is_empty()));
  }
}
