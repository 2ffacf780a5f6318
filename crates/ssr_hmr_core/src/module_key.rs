//! Normalization of resolved module ids into `(file, variant)` keys.
//!
//! Environments give the same source file different ids: the client adds
//! cache-busting (`?v=`, `?t=`) and request-kind markers (`?import`,
//! `?direct`, `?used`, `?inline`), framework plugins add sub-request queries
//! (`?vue&type=style&index=0&lang.css`). All name the same file. Most still
//! *execute the file's code* in that environment, so they compare equal.
//! `?raw`, `?url` and `?inline` are different: they turn the file into a JS
//! string export (`style.css?inline` is the CSS text, an asset's `?inline` a
//! data URL), so a server-side `?raw` or `?inline` import is not covered by
//! the client's copy of the same file: a page that inlined the old string is
//! stale. `?worker&inline` is still code (a worker constructor).

use std::borrow::Cow;

use crate::contract::IGNORABLE_QUERY_PARAMS;

/// Longest id, url, file or root accepted by the engine, in bytes. Longer
/// input is ignored (ids) or truncated (urls), so a hostile or buggy caller
/// cannot make the engine hold unbounded strings.
pub const MAX_ID_BYTES: usize = 4096;

/// How a module id exposes its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
  /// The file's code runs (plain import, style sub-request, `?import` ...).
  Code,
  /// `?raw` / `?url` / `?inline`: the module is a JS string derived from the file.
  StringExport,
}

/// `(file, variant)` of a module id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModuleKey<'a> {
  pub file: Cow<'a, str>,
  pub variant: Variant,
}

/// Query parameters that never change what the module is (the contract's
/// list: the shim's graph mirror strips the same ones).
const IGNORABLE_PARAMS: &[&str] = &IGNORABLE_QUERY_PARAMS;
/// Query parameters that turn the file into a string export.
const STRING_EXPORT_PARAMS: &[&str] = &["raw", "url"];
/// `?inline` is a string export too, unless the module is a worker.
const WORKER_PARAMS: &[&str] = &["worker", "sharedworker"];

/// Prefix Vite uses for virtual modules.
pub const VIRTUAL_PREFIX: char = '\0';

fn param_name(param: &str) -> &str {
  param.split_once('=').map_or(param, |(name, _)| name)
}

/// Variant of a module id, from its query.
pub fn variant_of(id: &str) -> Variant {
  let Some((_, query)) = id.split_once('?') else {
    return Variant::Code;
  };
  let has = |names: &[&str]| query.split('&').any(|p| names.contains(&param_name(p)));
  if has(STRING_EXPORT_PARAMS) || (has(&["inline"]) && !has(WORKER_PARAMS)) {
    Variant::StringExport
  } else {
    Variant::Code
  }
}

/// Normalizes a path: `\` becomes `/` and a Windows drive letter is
/// upper-cased, so `c:\a\b.ts` and `C:/a/b.ts` name the same file.
pub fn normalize_path(path: &str) -> Cow<'_, str> {
  let bytes = path.as_bytes();
  let lower_drive = bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_lowercase();
  if !path.contains('\\') && !lower_drive {
    return Cow::Borrowed(path);
  }
  let mut out = path.replace('\\', "/");
  if lower_drive {
    out[..1].make_ascii_uppercase();
  }
  Cow::Owned(out)
}

/// Key of a module id. Virtual modules (`\0...`) have no file on disk and
/// match by id (ignorable params removed); everything else matches by the
/// path part of the id.
pub fn module_key(id: &str) -> ModuleKey<'_> {
  let variant = variant_of(id);
  let (path, query) = match id.split_once('?') {
    Some((p, q)) => (p, Some(q)),
    None => (id, None),
  };
  let file = if id.starts_with(VIRTUAL_PREFIX) {
    match query {
      None => Cow::Borrowed(id),
      Some(q) => {
        let kept: Vec<&str> = q
          .split('&')
          .filter(|p| !p.is_empty() && !IGNORABLE_PARAMS.contains(&param_name(p)))
          .collect();
        if kept.is_empty() {
          Cow::Borrowed(path)
        } else {
          Cow::Owned(format!("{path}?{}", kept.join("&")))
        }
      }
    }
  } else {
    normalize_path(path)
  };
  ModuleKey { file, variant }
}

/// File key used by the file index for a changed file path coming from the
/// watcher (no query, but possibly Windows separators).
pub fn file_key(file: &str) -> Cow<'_, str> {
  if file.starts_with(VIRTUAL_PREFIX) {
    module_key(file).file
  } else {
    normalize_path(file.split_once('?').map_or(file, |(p, _)| p))
  }
}

/// Strips `#fragment`, scheme and host so `http://localhost:5173/a?x#top`
/// and `/a?x` name the same page. Empty input is the root page `/`.
/// Over-long urls are truncated at a char boundary.
pub fn normalize_url(url: &str) -> String {
  let url = url.split_once('#').map_or(url, |(u, _)| u);
  let url = match url.find("://") {
    Some(i) if !url[..i].contains('/') && !url[..i].contains('?') => {
      let rest = &url[i + 3..];
      rest.find(['/', '?']).map_or("/", |j| &rest[j..])
    }
    _ => url,
  };
  let url = truncate(url, MAX_ID_BYTES);
  if url.is_empty() {
    "/".to_string()
  } else if url.starts_with('?') {
    format!("/{url}")
  } else {
    url.to_string()
  }
}

/// Truncates at the last char boundary not after `max` bytes.
pub fn truncate(s: &str, max: usize) -> &str {
  if s.len() <= max {
    return s;
  }
  let mut end = max;
  while !s.is_char_boundary(end) {
    end -= 1;
  }
  &s[..end]
}

/// `file` relative to `root` with `/` separators. Files outside the root get
/// `../` segments; virtual ids and paths on another drive are returned
/// without their absolute prefix so decisions never leak absolute paths.
pub fn root_relative(root: &str, file: &str) -> String {
  if file.starts_with(VIRTUAL_PREFIX) {
    return file.replace('\0', "\\0");
  }
  let root = normalize_path(root);
  let file = normalize_path(file);
  let root_segs: Vec<&str> = root.split('/').filter(|s| !s.is_empty()).collect();
  let file_segs: Vec<&str> = file.split('/').filter(|s| !s.is_empty()).collect();
  let same_drive = root_segs.first() == file_segs.first()
    || (!root_segs.first().is_some_and(|s| s.ends_with(':'))
      && !file_segs.first().is_some_and(|s| s.ends_with(':')));
  if !same_drive || root.is_empty() {
    // Different drive or no root: keep the path without its anchor.
    let start = usize::from(file_segs.first().is_some_and(|s| s.ends_with(':')));
    return file_segs[start.min(file_segs.len())..].join("/");
  }
  let common = root_segs.iter().zip(&file_segs).take_while(|(a, b)| a == b).count();
  let mut out = String::with_capacity(file.len());
  for _ in common..root_segs.len() {
    out.push_str("../");
  }
  out.push_str(&file_segs[common..].join("/"));
  out
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn query_variants_of_the_same_file_share_a_key() {
    let cases: &[(&str, &str, Variant)] = &[
      ("/app/a.ts", "/app/a.ts", Variant::Code),
      ("/app/a.ts?v=123abc", "/app/a.ts", Variant::Code),
      ("/app/a.ts?t=1700000000", "/app/a.ts", Variant::Code),
      ("/app/a.css?import", "/app/a.css", Variant::Code),
      ("/app/a.css?direct", "/app/a.css", Variant::Code),
      ("/app/a.css?used", "/app/a.css", Variant::Code),
      ("/app/a.css?inline", "/app/a.css", Variant::StringExport),
      ("/app/w.ts?worker&inline", "/app/w.ts", Variant::Code),
      ("/app/a.css?import&t=5", "/app/a.css", Variant::Code),
      ("/app/C.vue?vue&type=style&index=0&lang.css", "/app/C.vue", Variant::Code),
      ("/app/a.css?raw", "/app/a.css", Variant::StringExport),
      ("/app/a.svg?url", "/app/a.svg", Variant::StringExport),
      ("/app/a.svg?import&url", "/app/a.svg", Variant::StringExport),
      ("/app/a.txt?raw=", "/app/a.txt", Variant::StringExport),
      ("/app/a.txt?rawness", "/app/a.txt", Variant::Code),
    ];
    for (id, file, variant) in cases {
      let key = module_key(id);
      assert_eq!(key.file, *file, "file of {id}");
      assert_eq!(key.variant, *variant, "variant of {id}");
    }
  }

  #[test]
  fn virtual_modules_match_by_id() {
    let cases: &[(&str, &str)] = &[
      ("\0virtual:x", "\0virtual:x"),
      ("\0virtual:x?v=1", "\0virtual:x"),
      ("\0virtual:x?lang=ts", "\0virtual:x?lang=ts"),
      ("\0virtual:x?t=2&lang=ts", "\0virtual:x?lang=ts"),
    ];
    for (id, file) in cases {
      assert_eq!(module_key(id).file, *file, "{id:?}");
    }
  }

  #[test]
  fn windows_paths_normalize_to_forward_slashes() {
    let cases: &[(&str, &str)] = &[
      ("c:\\app\\a.ts", "C:/app/a.ts"),
      ("C:\\app\\a.ts?v=1", "C:/app/a.ts"),
      ("C:/app/a.ts", "C:/app/a.ts"),
      ("\\\\server\\share\\a.ts", "//server/share/a.ts"),
    ];
    for (id, file) in cases {
      assert_eq!(module_key(id).file, *file, "{id}");
      assert_eq!(file_key(id), *file, "{id}");
    }
  }

  #[test]
  fn degenerate_ids_do_not_panic() {
    for id in ["", "?", "??", "?&&", "\0", "\0?", "a:", "c:", "é?raw", "#", "?=&="] {
      let _ = module_key(id);
      let _ = file_key(id);
      let _ = normalize_url(id);
      let _ = root_relative("/root", id);
      let _ = root_relative("", id);
    }
    assert_eq!(module_key("").file, "");
    assert_eq!(module_key("?raw").variant, Variant::StringExport);
  }

  #[test]
  fn page_urls_drop_fragment_and_origin() {
    let cases: &[(&str, &str)] = &[
      ("/a#top", "/a"),
      ("/a?x=1#top", "/a?x=1"),
      ("http://localhost:5173/a?x#y", "/a?x"),
      ("https://example.test", "/"),
      ("https://example.test?q", "/?q"),
      ("", "/"),
      ("#only", "/"),
      ("/path/with://inside", "/path/with://inside"),
    ];
    for (url, page) in cases {
      assert_eq!(normalize_url(url), *page, "{url}");
    }
  }

  #[test]
  fn truncation_respects_char_boundaries() {
    let s = "é".repeat(MAX_ID_BYTES);
    let t = truncate(&s, MAX_ID_BYTES - 1);
    assert!(t.len() < MAX_ID_BYTES);
    assert!(normalize_url(&s).len() <= MAX_ID_BYTES);
  }

  #[test]
  fn decision_paths_are_root_relative() {
    let cases: &[(&str, &str, &str)] = &[
      ("/app", "/app/src/a.ts", "src/a.ts"),
      ("/app/", "/app/src/a.ts", "src/a.ts"),
      ("/app", "/lib/x.ts", "../lib/x.ts"),
      ("C:\\app", "C:/app/src/a.ts", "src/a.ts"),
      ("C:/app", "D:/other/a.ts", "other/a.ts"),
      ("/app", "\0virtual:x", "\\0virtual:x"),
      ("", "/abs/a.ts", "abs/a.ts"),
    ];
    for (root, file, rel) in cases {
      assert_eq!(root_relative(root, file), *rel, "{root} {file}");
    }
  }
}
