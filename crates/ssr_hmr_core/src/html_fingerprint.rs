//! `HtmlFingerprint`: a streaming fingerprint of one HTML response, so two
//! renders of a page can be compared without keeping either.
//!
//! A tab is refreshed only when what its URL renders now differs from what it
//! was served. The server fingerprints every HTML response as it streams and
//! compares the fingerprint of a fresh render (the tab's own request, with its
//! cookies) with the one of the render the tab shows. Memory per response is a
//! few buffers whatever its size; chunk boundaries never change the result.
//!
//! The fingerprint covers the status, the `Location` of a redirect and the
//! body, with two things left out because they differ on every render without
//! the page being different:
//!
//! * the value of every `nonce` attribute (CSP nonces);
//! * Vite's `t=<timestamp>` query parameter in attribute values: Vite adds it
//!   to the URL of a module it hot-updated (`src="/src/main.js?t=1733…"`), and
//!   the tab already runs that module's new code;
//! * everything inside an element marked with [`VOLATILE_ATTRIBUTE`] (its
//!   attribute values and its content, up to its matching end tag): a
//!   timestamp, a random id, a request counter. The element's existence and
//!   tag name still count. A document that ends before that end tag (one
//!   left implicit, as HTML allows for `<p>` or `<li>`) has no fingerprint:
//!   nothing after the marker could be compared, so the page cannot be
//!   verified and is refreshed.
//!
//! Besides the whole hash, a render keeps one small hash per token (a tag, a
//! text run, a raw-text element's body, a comment): its [`Segments`]. Two
//! renders of a page with the same tokens can so be compared position by
//! position, leaving out positions learned to differ between two renders with
//! no edit between them (`output_masks.rs`). At most [`MAX_SEGMENTS`] are kept:
//! past the cap the last segment takes the rest of the document and is never
//! left out, since it would hide every change after it.
//!
//! Tags are read the way an HTML tokenizer reads them, closely enough that a
//! `<` in text, a tag inside a comment or a `</div>` inside a script never
//! starts or ends anything: script, style, textarea and title hold raw text up
//! to their own end tag, and comments run to `-->`. Attribute quoting and
//! whitespace inside tags are normalized, since they do not change the page.

use std::hash::{DefaultHasher, Hasher};

/// Marks an element whose attributes and content do not count when two
/// renders are compared: `<time data-ssr-hmr-volatile>12:01:07</time>`.
pub const VOLATILE_ATTRIBUTE: &str = "data-ssr-hmr-volatile";

/// Longest tag buffered for normalization; a longer one is hashed as it comes.
const MAX_TAG_BYTES: usize = 16 * 1024;
/// Segments kept per render (4 bytes each); the last one takes the rest of a
/// longer document.
pub const MAX_SEGMENTS: usize = 1024;
/// Bytes hashed in one `Hasher::write` call.
const OUTPUT_BUFFER_BYTES: usize = 4096;
/// Elements whose content is raw text: no tag starts inside them.
const RAW_TEXT_ELEMENTS: [&[u8]; 4] = [b"script", b"style", b"textarea", b"title"];
/// Elements without content or end tag.
const VOID_ELEMENTS: [&[u8]; 14] = [
  b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
  b"source", b"track", b"wbr",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
  Text,
  /// Between `<` and the `>` ending the tag, buffered in `tag`.
  Tag {
    quote: Option<u8>,
    overflowed: bool,
  },
  /// After `<!--`; `dashes` counts the `-` just seen.
  Comment {
    dashes: u8,
  },
  /// Content of a raw text element, up to `</` + its name.
  RawText,
}

/// The element whose content is being left out, and how deep inside
/// elements of the same name the tokenizer is.
#[derive(Debug, Clone)]
struct VolatileElement {
  name: Vec<u8>,
  depth: u32,
}

/// A render's per-token hashes, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segments {
  pub hashes: Box<[u32]>,
  /// The document had more tokens than [`MAX_SEGMENTS`]: the last segment
  /// holds all the rest.
  pub merged_tail: bool,
}

impl Segments {
  /// Whether position `index` may be left out of a comparison: every one
  /// but the first (the status and redirect target) and a merged tail.
  pub fn maskable(&self, index: usize) -> bool {
    index != 0 && !(self.merged_tail && index + 1 == self.hashes.len())
  }

  /// Whether the status and redirect target are the same.
  pub fn same_head(&self, other: &Segments) -> bool {
    self.hashes.first() == other.hashes.first()
  }
}

/// A finished fingerprint: the whole hash and the segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprinted {
  pub whole: u64,
  pub segments: Segments,
  /// The text runs, when they were kept ([`HtmlFingerprint::keeping_text`]).
  pub text_runs: Option<Box<[TextRun]>>,
}

/// A run of text between two tags, as written (entities not decoded), and
/// the position of its segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRun {
  pub segment: u32,
  pub text: Box<str>,
}

/// Text kept per render that keeps it; the rest of a longer document is not.
pub const MAX_KEPT_TEXT_BYTES: usize = 256 * 1024;

/// The text runs being kept, and the one being read.
#[derive(Debug, Clone, Default)]
struct TextRuns {
  runs: Vec<TextRun>,
  current: Vec<u8>,
  bytes: usize,
}

#[derive(Debug, Clone)]
pub struct HtmlFingerprint {
  hasher: DefaultHasher,
  /// Hash of the current segment, and how many bytes it holds.
  segment: DefaultHasher,
  segment_bytes: usize,
  segments: Vec<u32>,
  merged_tail: bool,
  state: State,
  tag: Vec<u8>,
  /// Name of the raw text element being read (lower case).
  raw_text_element: Vec<u8>,
  /// How much of `</` + `raw_text_element` the last bytes matched; those
  /// bytes wait in `tag` until the match succeeds or fails.
  raw_text_end_matched: usize,
  volatile: Option<VolatileElement>,
  text_runs: Option<TextRuns>,
  output: Vec<u8>,
}

impl HtmlFingerprint {
  /// Starts the fingerprint of a response with this status and, for a
  /// redirect, its `Location`.
  pub fn new(status: u16, location: Option<&str>) -> Self {
    let mut hasher = DefaultHasher::new();
    hasher.write_u16(status);
    if let Some(location) = location {
      hasher.write(location.as_bytes());
    }
    hasher.write_u8(0xff);
    // The first segment: the status and redirect target, never left out.
    let head = hasher.clone().finish() as u32;
    HtmlFingerprint {
      hasher,
      segment: DefaultHasher::new(),
      segment_bytes: 0,
      segments: vec![head],
      merged_tail: false,
      state: State::Text,
      tag: Vec::new(),
      raw_text_element: Vec::new(),
      raw_text_end_matched: 0,
      volatile: None,
      text_runs: None,
      output: Vec::with_capacity(OUTPUT_BUFFER_BYTES),
    }
  }

  /// Also keeps the document's text runs (up to [`MAX_KEPT_TEXT_BYTES`]):
  /// what a fresh render says, to tell a tab updated in place what it must
  /// show.
  pub fn keeping_text(mut self) -> Self {
    self.text_runs = Some(TextRuns::default());
    self
  }

  /// Feeds the next bytes of the body.
  pub fn write(&mut self, bytes: &[u8]) {
    for &byte in bytes {
      self.step(byte);
    }
  }

  /// The fingerprint of everything written; `None` when the body ended
  /// inside a volatile element. An unfinished tag at the end counts as it
  /// was written.
  pub fn finish(self) -> Option<u64> {
    self.finish_segmented().map(|f| f.whole)
  }

  /// The whole fingerprint and the segments; `None` as for [`Self::finish`].
  pub fn finish_segmented(mut self) -> Option<Fingerprinted> {
    if self.volatile.is_some() {
      return None;
    }
    let pending = std::mem::take(&mut self.tag);
    self.emit_slice(&pending);
    self.flush_output();
    if self.segment_bytes > 0 {
      self.end_text_run();
      self.segments.push(self.segment.finish() as u32);
    }
    Some(Fingerprinted {
      whole: self.hasher.finish(),
      segments: Segments { hashes: self.segments.into(), merged_tail: self.merged_tail },
      text_runs: self.text_runs.map(|kept| kept.runs.into()),
    })
  }

  /// A token ends or begins: what was emitted since the last cut is one
  /// segment. Past the cap the last segment keeps growing.
  fn cut(&mut self) {
    self.flush_output();
    if self.segment_bytes == 0 {
      return;
    }
    if self.segments.len() + 1 >= MAX_SEGMENTS {
      self.merged_tail = true;
      // The merged tail is never told apart: its text is not kept.
      if let Some(kept) = &mut self.text_runs {
        kept.current.clear();
      }
      return;
    }
    self.end_text_run();
    let segment = std::mem::take(&mut self.segment);
    self.segments.push(segment.finish() as u32);
    self.segment_bytes = 0;
  }

  fn step(&mut self, byte: u8) {
    match self.state {
      State::Text => {
        if byte == b'<' {
          self.tag.push(byte);
          self.state = State::Tag { quote: None, overflowed: false };
        } else {
          self.keep_text(byte);
          self.emit(byte);
        }
      }
      State::Tag { quote, overflowed } => self.step_tag(byte, quote, overflowed),
      State::Comment { dashes } => {
        self.emit(byte);
        self.state = match byte {
          b'-' => State::Comment { dashes: dashes.saturating_add(1) },
          b'>' if dashes >= 2 => {
            self.cut();
            State::Text
          }
          _ => State::Comment { dashes: 0 },
        };
      }
      State::RawText => self.step_raw_text(byte),
    }
  }

  fn step_tag(&mut self, byte: u8, quote: Option<u8>, overflowed: bool) {
    if overflowed {
      // Too long to normalize: hashed as it comes, up to its end.
      self.emit(byte);
      self.state = match (quote, byte) {
        (None, b'>') => State::Text,
        (None, b'"' | b'\'') => State::Tag { quote: Some(byte), overflowed: true },
        (Some(q), b) if b == q => State::Tag { quote: None, overflowed: true },
        _ => State::Tag { quote, overflowed: true },
      };
      return;
    }
    if self.tag.len() == 1 && !(byte.is_ascii_alphabetic() || matches!(byte, b'/' | b'!' | b'?')) {
      // `a < b`: not a tag.
      self.tag.clear();
      self.keep_text(b'<');
      self.emit(b'<');
      if byte == b'<' {
        self.tag.push(byte);
      } else {
        self.keep_text(byte);
        self.emit(byte);
        self.state = State::Text;
      }
      return;
    }
    self.tag.push(byte);
    if self.tag == b"<!--" {
      let opening = std::mem::take(&mut self.tag);
      self.cut();
      self.emit_slice(&opening);
      self.state = State::Comment { dashes: 0 };
      return;
    }
    match quote {
      Some(q) if byte == q => self.state = State::Tag { quote: None, overflowed: false },
      Some(_) => {}
      None if byte == b'>' => {
        let tag = std::mem::take(&mut self.tag);
        self.state = State::Text;
        self.cut();
        self.end_tag_token(&tag);
        self.cut();
        self.tag = tag;
        self.tag.clear();
      }
      None if matches!(byte, b'"' | b'\'') && self.is_start_tag() => {
        self.state = State::Tag { quote: Some(byte), overflowed: false };
      }
      None => {}
    }
    if self.tag.len() > MAX_TAG_BYTES {
      let tag = std::mem::take(&mut self.tag);
      self.emit_slice(&tag);
      self.state = State::Tag { quote, overflowed: true };
    }
  }

  fn is_start_tag(&self) -> bool {
    self.tag.get(1).is_some_and(u8::is_ascii_alphabetic)
  }

  fn step_raw_text(&mut self, byte: u8) {
    let matched = self.raw_text_end_matched;
    let expected = match matched {
      0 => Some(b'<'),
      1 => Some(b'/'),
      n => self.raw_text_element.get(n - 2).copied(),
    };
    if expected.is_some_and(|e| e == byte.to_ascii_lowercase()) {
      self.tag.push(byte);
      self.raw_text_end_matched += 1;
      if self.raw_text_end_matched == self.raw_text_element.len() + 2 {
        // `</script` read: the rest is an end tag.
        self.raw_text_end_matched = 0;
        self.state = State::Tag { quote: None, overflowed: false };
      }
      return;
    }
    let pending = std::mem::take(&mut self.tag);
    self.emit_slice(&pending);
    self.raw_text_end_matched = 0;
    if byte == b'<' {
      self.tag.push(byte);
      self.raw_text_end_matched = 1;
    } else {
      self.emit(byte);
    }
  }

  /// A whole tag, from `<` to `>`, was read.
  fn end_tag_token(&mut self, tag: &[u8]) {
    if tag.starts_with(b"</") {
      let name = tag_name(&tag[2..]);
      if let Some(volatile) = &mut self.volatile {
        if volatile.name == name {
          volatile.depth -= 1;
          if volatile.depth == 0 {
            self.volatile = None;
            self.emit_slice(b"</");
            self.emit_slice(&name);
            self.emit(b'>');
          }
        }
        return;
      }
      self.emit_slice(b"</");
      self.emit_slice(&name);
      self.emit(b'>');
      return;
    }
    if !tag[1].is_ascii_alphabetic() {
      // `<!DOCTYPE html>`, `<?xml …?>`: kept as written.
      self.emit_slice(tag);
      return;
    }
    let start = StartTag::parse(tag);
    let is_void = start.self_closing || VOID_ELEMENTS.contains(&start.name.as_slice());
    let has_raw_text = !start.self_closing && RAW_TEXT_ELEMENTS.contains(&start.name.as_slice());
    if has_raw_text {
      self.raw_text_element.clone_from(&start.name);
      self.state = State::RawText;
    }
    if let Some(volatile) = &mut self.volatile {
      if volatile.name == start.name && !is_void {
        volatile.depth += 1;
      }
      return;
    }
    if start.is_volatile() {
      self.emit(b'<');
      self.emit_slice(&start.name);
      self.emit_slice(b" data-ssr-hmr-volatile>");
      if !is_void {
        self.volatile = Some(VolatileElement { name: start.name, depth: 1 });
      }
      return;
    }
    self.emit(b'<');
    self.emit_slice(&start.name);
    for attribute in &start.attributes {
      self.emit(b' ');
      self.emit_slice(&attribute.name);
      if let Some(value) = attribute.value {
        if attribute.name != b"nonce" {
          self.emit(b'=');
          self.emit(b'"');
          self.emit_without_hmr_timestamps(value);
          self.emit(b'"');
        }
      }
    }
    self.emit_slice(if start.self_closing { b"/>" } else { b">" });
  }

  /// `byte` is text content (outside tags, comments and raw text elements).
  fn keep_text(&mut self, byte: u8) {
    if self.volatile.is_some() || self.merged_tail {
      return;
    }
    if let Some(kept) = &mut self.text_runs {
      if kept.bytes < MAX_KEPT_TEXT_BYTES {
        kept.current.push(byte);
        kept.bytes += 1;
      }
    }
  }

  /// The segment being cut ends the text run being read, if any.
  fn end_text_run(&mut self) {
    let segment = self.segments.len() as u32;
    if let Some(kept) = &mut self.text_runs {
      if !kept.current.is_empty() {
        let text = String::from_utf8_lossy(&std::mem::take(&mut kept.current)).into();
        kept.runs.push(TextRun { segment, text });
      }
    }
  }

  fn emit(&mut self, byte: u8) {
    if self.volatile.is_some() {
      return;
    }
    self.output.push(byte);
    if self.output.len() >= OUTPUT_BUFFER_BYTES {
      self.flush_output();
    }
  }

  fn emit_slice(&mut self, bytes: &[u8]) {
    for &byte in bytes {
      self.emit(byte);
    }
  }

  /// `value` without the `t=<digits>` parameters of its query, if it has one.
  fn emit_without_hmr_timestamps(&mut self, value: &[u8]) {
    let Some(query_start) = value.iter().position(|&b| b == b'?') else {
      return self.emit_slice(value);
    };
    let fragment_start = value.iter().position(|&b| b == b'#').filter(|&f| f > query_start);
    let query_end = fragment_start.unwrap_or(value.len());
    self.emit_slice(&value[..query_start]);
    let kept = value[query_start + 1..query_end]
      .split(|&b| b == b'&')
      .filter(|param| !is_hmr_timestamp(param));
    for (n, param) in kept.enumerate() {
      self.emit(if n == 0 { b'?' } else { b'&' });
      self.emit_slice(param);
    }
    self.emit_slice(&value[query_end..]);
  }

  fn flush_output(&mut self) {
    self.hasher.write(&self.output);
    self.segment.write(&self.output);
    self.segment_bytes += self.output.len();
    self.output.clear();
  }
}

/// Vite's `t=<timestamp>` query parameter.
fn is_hmr_timestamp(param: &[u8]) -> bool {
  param.strip_prefix(b"t=").is_some_and(|digits| digits.iter().all(u8::is_ascii_digit))
}

/// The lower-case name at the start of `rest` (after `<` or `</`).
fn tag_name(rest: &[u8]) -> Vec<u8> {
  rest
    .iter()
    .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>'))
    .map(u8::to_ascii_lowercase)
    .collect()
}

struct Attribute<'a> {
  /// Lower case.
  name: Vec<u8>,
  value: Option<&'a [u8]>,
}

struct StartTag<'a> {
  name: Vec<u8>,
  attributes: Vec<Attribute<'a>>,
  self_closing: bool,
}

impl<'a> StartTag<'a> {
  /// Parses `<name attr=value …>` (the whole tag, `>` included).
  fn parse(tag: &'a [u8]) -> Self {
    let name = tag_name(&tag[1..]);
    let inner = &tag[1 + name.len()..tag.len() - 1];
    let mut attributes = Vec::new();
    let mut i = 0;
    let mut self_closing = false;
    while i < inner.len() {
      let byte = inner[i];
      if byte.is_ascii_whitespace() {
        i += 1;
        continue;
      }
      if byte == b'/' {
        self_closing = i + 1 == inner.len();
        i += 1;
        continue;
      }
      let name_start = i;
      // At least one byte, so a stray `=` is a name and the loop moves on.
      i += 1;
      while i < inner.len() && !inner[i].is_ascii_whitespace() && !matches!(inner[i], b'=' | b'/') {
        i += 1;
      }
      let attribute_name = inner[name_start..i].iter().map(u8::to_ascii_lowercase).collect();
      let mut j = i;
      while j < inner.len() && inner[j].is_ascii_whitespace() {
        j += 1;
      }
      let mut value = None;
      if j < inner.len() && inner[j] == b'=' {
        j += 1;
        while j < inner.len() && inner[j].is_ascii_whitespace() {
          j += 1;
        }
        if j < inner.len() && matches!(inner[j], b'"' | b'\'') {
          let quote = inner[j];
          let value_start = j + 1;
          let value_end = inner[value_start..]
            .iter()
            .position(|&b| b == quote)
            .map_or(inner.len(), |p| value_start + p);
          value = Some(&inner[value_start..value_end]);
          j = (value_end + 1).min(inner.len());
        } else {
          let value_start = j;
          while j < inner.len() && !inner[j].is_ascii_whitespace() {
            j += 1;
          }
          value = Some(&inner[value_start..j]);
        }
        i = j;
      }
      attributes.push(Attribute { name: attribute_name, value });
    }
    StartTag { name, attributes, self_closing }
  }

  fn is_volatile(&self) -> bool {
    self.attributes.iter().any(|a| a.name == VOLATILE_ATTRIBUTE.as_bytes())
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn fingerprint(html: &str) -> Option<u64> {
    let mut f = HtmlFingerprint::new(200, None);
    f.write(html.as_bytes());
    f.finish()
  }

  fn same(a: &str, b: &str) -> bool {
    fingerprint(a) == fingerprint(b)
  }

  #[test]
  fn the_same_body_gives_the_same_fingerprint_and_any_change_another() {
    let page = "<!doctype html><html><body><h1>Team</h1><p>Ada, Grace</p></body></html>";
    assert!(same(page, page));
    assert!(!same(page, &page.replace("Grace", "Linus")));
    assert!(!same(page, &page.replace("<h1>", "<h2>")));
    assert!(!same("<p>a</p>", "<p>a</p> "), "whitespace between tags is content");
  }

  #[test]
  fn chunk_boundaries_do_not_matter() {
    let page = r#"<!doctype html><!-- a <b> --><div class='x' nonce="n1">a < b<script>if (a</b) x("</div>")</script><time data-ssr-hmr-volatile>1</time></div>"#;
    let whole = fingerprint(page);
    for split in 0..=page.len() {
      let mut f = HtmlFingerprint::new(200, None);
      f.write(&page.as_bytes()[..split]);
      f.write(&page.as_bytes()[split..]);
      assert_eq!(f.finish(), whole, "split at {split}");
    }
  }

  #[test]
  fn status_and_redirect_target_count() {
    let f = |status, location| {
      let mut f = HtmlFingerprint::new(status, location);
      f.write(b"<p>x</p>");
      f.finish()
    };
    assert_ne!(f(200, None), f(500, None));
    assert_ne!(f(302, Some("/login")), f(302, Some("/home")));
  }

  #[test]
  fn nonces_do_not_count() {
    assert!(same(
      r#"<script nonce="r4nd0m">boot()</script><style nonce=abc>p{}</style>"#,
      r#"<script nonce="0th3r">boot()</script><style nonce=xyz>p{}</style>"#
    ));
    assert!(!same(r#"<script nonce="a">boot()</script>"#, r#"<script nonce="a">boot(1)</script>"#));
  }

  #[test]
  fn vite_hmr_timestamps_in_urls_do_not_count() {
    assert!(same(
      r#"<script type="module" src="/src/main.js?t=1733000000000"></script><link href="/a.css?v=1&t=17#x">"#,
      r#"<script type="module" src="/src/main.js"></script><link href="/a.css?v=1#x">"#
    ));
    assert!(same(r#"<img src="/i.png?t=5&w=2">"#, r#"<img src="/i.png?w=2">"#));
    assert!(same(r#"<script src="/m.js?t=1"></script>"#, r#"<script src="/m.js?t=2"></script>"#));
    assert!(!same(r#"<script src="/m.js?t=1"></script>"#, r#"<script src="/n.js?t=1"></script>"#));
    assert!(!same("<p>?t=1</p>", "<p>?t=2</p>"), "only in attribute values");
    assert!(!same(r#"<a href="/x?tab=1">"#, r#"<a href="/x?tab=2">"#));
  }

  #[test]
  fn a_volatile_element_counts_only_by_its_tag() {
    let at = |time: &str, rest: &str| {
      format!(
        r#"<p>Rendered <time data-ssr-hmr-volatile datetime="{time}">{time}</time>{rest}</p>"#
      )
    };
    assert!(same(&at("12:00", "."), &at("12:01", ".")));
    assert!(!same(&at("12:00", "."), &at("12:00", "!")), "what follows the element counts");
    assert!(!same(&at("12:00", "."), "<p>Rendered .</p>"), "the element itself counts");
  }

  #[test]
  fn a_volatile_element_ends_at_its_matching_end_tag() {
    let page = |inner: &str, after: &str| {
      format!("<div data-ssr-hmr-volatile><div>{inner}</div><br><img src=x />tail</div>{after}")
    };
    assert!(same(&page("a", "<p>same</p>"), &page("b", "<p>same</p>")));
    assert!(!same(&page("a", "<p>one</p>"), &page("a", "<p>two</p>")));
    let script =
      |n: u8| format!("<script data-ssr-hmr-volatile>window.id = '</div>{n}'</script><p>x</p>");
    assert_eq!(fingerprint(&script(1)), fingerprint(&script(2)));
    assert!(same(
      r#"<meta data-ssr-hmr-volatile content="1"><p>a</p>"#,
      r#"<meta data-ssr-hmr-volatile content="2"><p>a</p>"#
    ));
    assert!(!same(
      r#"<meta data-ssr-hmr-volatile content="1"><p>a</p>"#,
      r#"<meta data-ssr-hmr-volatile content="1"><p>b</p>"#
    ));
  }

  #[test]
  fn markers_inside_comments_scripts_and_attribute_values_are_text() {
    assert!(!same("<!-- <i data-ssr-hmr-volatile> -->a", "<!-- <i data-ssr-hmr-volatile> -->b"));
    assert!(!same(
      "<script>const s = '<b data-ssr-hmr-volatile>'</script>a",
      "<script>const s = '<b data-ssr-hmr-volatile>'</script>b"
    ));
    assert!(!same(
      r#"<a title="<i data-ssr-hmr-volatile>">x</a>a"#,
      r#"<a title="<i data-ssr-hmr-volatile>">x</a>b"#
    ));
    assert!(!same("<textarea></p></textarea>a", "<textarea></p></textarea>b"));
  }

  #[test]
  fn quoting_and_spacing_inside_a_tag_are_normalized() {
    assert!(same(r#"<a href="/x"  class='y'>z</a>"#, r#"<a href=/x class="y">z</a>"#));
    assert!(same("<P>x</P >", "<p>x</p>"));
    assert!(!same(r#"<a href="/x">z</a>"#, r#"<a href="/y">z</a>"#));
    assert!(!same("<input disabled>", "<input>"));
  }

  #[test]
  fn a_document_ending_inside_a_volatile_element_cannot_be_fingerprinted() {
    assert_eq!(fingerprint("<p data-ssr-hmr-volatile>12:00<p>Team: Ada"), None);
    assert_eq!(fingerprint("<ul><li data-ssr-hmr-volatile>1<li>Ada</li></ul>"), None);
    assert!(fingerprint("<ul><li data-ssr-hmr-volatile>1</li><li>Ada</li></ul>").is_some());
  }

  #[test]
  fn unfinished_and_odd_input_is_hashed_without_panicking() {
    for input in
      ["<", "<div", "<div class=\"", "</", "<!--", "<script>", "<<<>>>", "a<1", "<a b='>'>", "<!x>"]
    {
      let _ = fingerprint(input);
    }
    assert!(!same("<div", "<dib"));
    let long = format!("<div title=\"{}\">x</div>", "y".repeat(MAX_TAG_BYTES * 2));
    assert!(!same(&long, &long.replace(">x<", ">z<")));
  }

  #[test]
  fn segments_are_one_per_token_whatever_the_chunks() {
    let html = "<p id=\"a\">x</p><!-- c --><script>let a = '</p>'</script>tail";
    let whole = {
      let mut f = HtmlFingerprint::new(200, None);
      f.write(html.as_bytes());
      f.finish_segmented().unwrap()
    };
    // Status, <p>, x, </p>, comment, <script>, its body, </script>, tail.
    assert_eq!(whole.segments.hashes.len(), 9);
    assert!(!whole.segments.merged_tail);
    let mut f = HtmlFingerprint::new(200, None);
    for byte in html.as_bytes() {
      f.write(std::slice::from_ref(byte));
    }
    assert_eq!(f.finish_segmented().unwrap(), whole);
  }

  #[test]
  fn text_runs_are_kept_with_their_segments_only_when_asked() {
    let html =
      "<title>T</title><p>a &amp; b</p><!-- c --><span data-ssr-hmr-volatile>9</span>x < y";
    let mut f = HtmlFingerprint::new(200, None).keeping_text();
    for byte in html.as_bytes() {
      f.write(std::slice::from_ref(byte));
    }
    let kept = f.finish_segmented().unwrap();
    let runs: Vec<_> = kept.text_runs.as_deref().unwrap().iter().map(|r| &*r.text).collect();
    // The title's raw text, the comment and the volatile element's content are not text runs.
    assert_eq!(runs, ["a &amp; b", "x < y"]);
    for run in kept.text_runs.as_deref().unwrap() {
      let alone = {
        let mut one = HtmlFingerprint::new(200, None);
        one.write(run.text.as_bytes());
        one.finish_segmented().unwrap()
      };
      assert_eq!(
        kept.segments.hashes[run.segment as usize], alone.segments.hashes[1],
        "{}",
        run.text
      );
    }
    let mut plain = HtmlFingerprint::new(200, None);
    plain.write(html.as_bytes());
    let plain = plain.finish_segmented().unwrap();
    assert_eq!(plain.text_runs, None);
    assert_eq!(plain.segments, kept.segments, "keeping text changes no hash");
  }
}
