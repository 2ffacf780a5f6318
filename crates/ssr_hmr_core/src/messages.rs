//! What the browser is sent: the `ssr-hmr:check` a candidate tab answers by
//! fetching its own page, and the `ssr-hmr:update` that tells a tab the
//! verdict and how to refresh. Built here, so the shim only delivers them.
//!
//! Every path in a payload is root-relative: the browser never learns the
//! machine's paths.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

pub use crate::contract::{CHECK_EVENT, UPDATE_EVENT};
use crate::decision::{Decision, FilesByClass, Strategy};
use crate::module_key::root_relative;
use crate::renders::RenderId;
use crate::tabs::TabId;

/// What the server found when it rendered a tab's page again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrVerdict"))]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
  /// The page renders differently from what the tab shows: refresh.
  Changed,
  /// Same output: the tab is left alone.
  Unchanged,
  /// Not checked (the tab shows no render the server fingerprinted, or the
  /// check did not come back in time): refresh, a stale tab is worse.
  Unverified,
}

/// Why the page may be stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrReason"))]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
  /// Modules only server code runs changed.
  ServerOnly,
  /// Only files matching the `watch` option changed.
  Watched,
  /// The tab was reloading while a refresh of its page went out.
  Missed,
}

/// One of a page's render roots that reaches a changed module: the render's
/// entry, or a module it took with `import()` (a route module, a loader),
/// with the importer chain between them. A framework can revalidate only the
/// loaders whose module is on a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrRootReach"))]
#[serde(rename_all = "camelCase")]
pub struct RootReach {
  /// The root's module id, root-relative.
  pub root: String,
  /// The changed file, root-relative.
  pub file: String,
  /// Module ids from the changed module up to `root` (both included),
  /// root-relative.
  pub chain: Vec<String>,
}

/// A page the change may affect, with its verdict once a tab of it was
/// checked (`changed` if any of its tabs renders differently).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrPageReport"))]
pub struct PageReport {
  /// Path and query.
  pub url: String,
  /// Set once a tab of this page was checked.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(test, ts(optional))]
  pub verdict: Option<Verdict>,
}

/// Data of the `ssr-hmr:update` event, sent to each tab whose page a change
/// may have made stale, once the server has applied the edits and checked
/// what the page renders now. Listen with
/// `import.meta.hot.on('ssr-hmr:update', (data) => …)`. Every strategy emits
/// it first; with `'event'` it is all that happens, and an `'unchanged'`
/// verdict tells the app its server output did not change (it may still want
/// to revalidate client data).
// Built whole by the core (`UpdateTemplate::update`): the shim only delivers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrUpdatePayload"))]
#[serde(rename_all = "camelCase")]
pub struct UpdatePayload {
  /// The configured strategy; the page's `<meta name="ssr-hmr">` may
  /// override it.
  pub strategy: Strategy,
  /// Why the page may be stale: `'server-only'` when modules that only server
  /// code runs changed (`files.serverOnly`), `'watched'` when only files
  /// matching the `watch` option did, `'missed'` when this tab was reloading
  /// while a refresh of its page went out (its render predates it; `files` is
  /// then empty).
  pub reason: Reason,
  /// Every file of the batch, root-relative (a burst of edits arrives as one
  /// batch).
  pub files: FilesByClass,
  /// This tab's verdict.
  pub verdict: Verdict,
  /// This tab's page: path and query.
  pub page: String,
  /// This page's render roots that reach a changed module, with the
  /// importer chains: which loaders depend on the edit (empty when which
  /// pages depend on it is not known).
  pub roots: Vec<RootReach>,
  /// The pages the change may affect, with the verdicts known so far.
  pub pages: Vec<PageReport>,
  /// Every tab got an update because which pages depend on the change is not
  /// known.
  pub reload_all: bool,
  /// The change is part of a burst that is most likely still going on (its
  /// edits were written right after the previous batch's, or the batch was
  /// cut by `batch.maxWaitMs`): more updates may follow, and the runtime
  /// folds them into one trailing refresh. `false`: a lone edit, or a burst's
  /// first, acted on at once.
  pub settling: bool,
  /// Server time of the update, `Date.now()` (passed in by the shim:
  /// `Effects::stamp`).
  #[cfg_attr(test, ts(type = "number"))]
  pub timestamp: u64,
  /// Server files that do not compile right now, on the update of a tab
  /// whose page's dependencies are not known (so not told apart as an error
  /// tab): the runtime shows their error (it arrives just before) instead of
  /// refreshing into a page that cannot render.
  #[serde(default, skip_serializing_if = "Vec::is_empty")]
  #[cfg_attr(test, ts(as = "Option<Vec<String>>", optional))]
  pub broken_files: Vec<String>,
  /// With a `'changed'` verdict: the texts of the page's fresh render that
  /// the render this tab was served does not have (`fresh_text.rs`). A page
  /// updated in place must show each of them afterwards; absent when they
  /// cannot be told.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(test, ts(optional))]
  pub fresh_text: Option<Vec<String>>,
  /// @internal The check this update answers (the runtime holds its
  /// response).
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(test, ts(optional))]
  pub check: Option<String>,
  /// @internal The stamp of the render that answered the check.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(test, ts(optional))]
  pub render: Option<RenderId>,
}

/// The server asks a tab to fetch its own page (runtime-internal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrCheckMessage"))]
#[serde(rename_all = "camelCase")]
pub struct CheckPayload {
  /// Sent back in the `x-ssr-hmr-page-fetch` header of the tab's request.
  pub token: String,
  /// Edits are still arriving: the tab may wait for the burst to settle
  /// before fetching, and answer only the last check.
  pub settling: bool,
}

/// What the browser runtime tells the server about its tab with
/// `ssr-hmr:page` (untrusted: the shim validates it before the core hears of
/// it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrPageMessage"))]
pub struct PageMessage {
  /// The page the tab shows: `location.pathname + location.search`.
  pub url: String,
  /// The stamp of the render the tab shows, from the dev server's
  /// `Server-Timing: ssr-hmr;desc="…"` header: on the first report of a
  /// document, and after a morph. It tells the server what the tab shows,
  /// and whether it missed a refresh while it was reloading.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(test, ts(optional))]
  pub render: Option<RenderId>,
  /// The strategy the page picks with `<meta name="ssr-hmr">`, if it picks
  /// one: the server's log line then says what the tab did.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(test, ts(optional))]
  pub strategy: Option<Strategy>,
}

/// Which way a tab refreshed for an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrRefreshPath"))]
#[serde(rename_all = "kebab-case")]
pub enum RefreshPath {
  /// Its framework re-ran the page's server data in place, and the page shows
  /// the fresh render's texts.
  InPlace,
  /// A document reload: no framework part on the page, or the in-place update
  /// failed (it threw, timed out, or did not show the fresh render).
  Reload,
}

/// What the browser runtime tells the server after acting on an update with
/// `'auto'` (`ssr-hmr:refreshed`; untrusted, checked by the shim), for the
/// terminal's line saying which way the tab refreshed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrRefreshedMessage"))]
pub struct RefreshedMessage {
  /// The page the tab shows.
  pub page: String,
  pub path: RefreshPath,
  /// The framework part it went through, if any (`vike`, `sveltekit`, …).
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(test, ts(optional))]
  pub framework: Option<String>,
}

/// One message for one tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", content = "data")]
pub enum Message {
  #[serde(rename = "ssr-hmr:check")]
  Check(CheckPayload),
  #[serde(rename = "ssr-hmr:update")]
  Update(Box<UpdatePayload>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TabMessage {
  pub tab: TabId,
  #[serde(flatten)]
  pub message: Message,
}

/// What makes the updates of one decision: what they all say, and what each
/// tab's adds its page's from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateTemplate {
  pub decision: u32,
  pub strategy: Strategy,
  pub reason: Reason,
  pub files: FilesByClass,
  /// The pages the change may affect.
  pub pages: Vec<String>,
  pub reload_all: bool,
  pub settling: bool,
  /// Each page's roots that reach a changed module.
  pub roots: BTreeMap<String, Vec<RootReach>>,
  /// Root-relative files whose last compilation failed.
  pub broken_files: Vec<String>,
}

/// What one tab's update says besides what its decision does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabUpdate<'a> {
  pub page: Option<&'a str>,
  pub verdict: Verdict,
  /// The check it answers, and the render that did.
  pub check: Option<String>,
  pub render: Option<RenderId>,
  /// The tab's page has no recorded roots: what it depends on is not known.
  pub page_unknown: bool,
}

impl<'a> TabUpdate<'a> {
  /// The update of a tab that was not checked.
  pub fn unverified(page: Option<&'a str>, page_unknown: bool) -> Self {
    TabUpdate { page, verdict: Verdict::Unverified, check: None, render: None, page_unknown }
  }
}

impl UpdateTemplate {
  /// `tab_pages`: the pages the decision's tabs show, the only ones whose
  /// roots an update carries (a hub edit explains pages no tab shows).
  pub fn new(
    decision: &Decision,
    id: u32,
    strategy: Strategy,
    root: &str,
    tab_pages: &FxHashSet<&str>,
  ) -> Arc<Self> {
    let files = &decision.files;
    let reason = if !files.server_only.is_empty() {
      Reason::ServerOnly
    } else if !files.watched.is_empty() {
      Reason::Watched
    } else {
      Reason::Missed
    };
    let mut roots: BTreeMap<String, Vec<RootReach>> = BTreeMap::new();
    for e in decision.explanations.iter().filter(|e| tab_pages.contains(e.page.as_str())) {
      roots.entry(e.page.clone()).or_default().push(RootReach {
        root: root_relative(root, &e.root),
        file: e.file.clone(),
        chain: e.chain.iter().map(|id| root_relative(root, id)).collect(),
      });
    }
    Arc::new(UpdateTemplate {
      decision: id,
      strategy,
      reason,
      files: decision.files.clone(),
      pages: decision.pages.clone(),
      reload_all: decision.reload_all,
      settling: decision.settling,
      roots,
      broken_files: decision.broken_files.clone(),
    })
  }

  /// The update of one tab, with the verdicts of the decision's pages
  /// checked so far. Its `timestamp` is set when it goes out.
  pub fn update(&self, tab: TabUpdate, verdicts_so_far: &[(Arc<str>, Verdict)]) -> UpdatePayload {
    let TabUpdate { page, verdict, check, render, page_unknown } = tab;
    let broken_files = if page_unknown && verdict != Verdict::Unchanged {
      self.broken_files.clone()
    } else {
      Vec::new()
    };
    let page = page.unwrap_or_default();
    let verdicts: FxHashMap<&str, Verdict> =
      verdicts_so_far.iter().map(|(url, verdict)| (&**url, *verdict)).collect();
    UpdatePayload {
      strategy: self.strategy,
      reason: self.reason,
      files: self.files.clone(),
      verdict,
      page: page.to_string(),
      roots: self.roots.get(page).cloned().unwrap_or_default(),
      pages: self
        .pages
        .iter()
        .map(|url| PageReport { url: url.clone(), verdict: verdicts.get(url.as_str()).copied() })
        .collect(),
      reload_all: self.reload_all,
      settling: self.settling,
      timestamp: 0,
      broken_files,
      check,
      render,
      fresh_text: None,
    }
  }
}

/// How a check token travels: 16 hex digits.
pub fn token_text(token: u64) -> String {
  format!("{token:016x}")
}

/// The token a check request carries, if it is one.
pub fn parse_token(text: &str) -> Option<u64> {
  (text.len() == 16).then(|| u64::from_str_radix(text, 16).ok()).flatten()
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn messages_serialize_as_event_and_data_for_one_tab() {
    let check = TabMessage {
      tab: 3,
      message: Message::Check(CheckPayload { token: token_text(255), settling: false }),
    };
    let json = serde_json::to_value(&check).unwrap();
    assert_eq!(
      json,
      serde_json::json!({
        "tab": 3, "event": CHECK_EVENT, "data": { "token": "00000000000000ff", "settling": false }
      })
    );
    assert_eq!(parse_token("00000000000000ff"), Some(255));
    assert_eq!(parse_token("ff"), None);
    assert_eq!(parse_token("zzzzzzzzzzzzzzzz"), None);
  }

  #[test]
  fn an_update_carries_the_tabs_verdict_and_the_pages_checked_so_far() {
    let template = UpdateTemplate {
      decision: 4,
      strategy: Strategy::Reload,
      reason: Reason::ServerOnly,
      files: FilesByClass { server_only: vec!["src/about-data.js".into()], ..Default::default() },
      pages: vec!["/".into(), "/about".into()],
      reload_all: false,
      settling: false,
      roots: BTreeMap::from([(
        "/about".to_string(),
        vec![RootReach {
          root: "src/routes/about.js".into(),
          file: "src/about-data.js".into(),
          chain: vec![],
        }],
      )]),
      broken_files: vec!["src/broken.js".into()],
    };
    let tab = TabUpdate {
      page: Some("/about"),
      verdict: Verdict::Changed,
      check: None,
      render: Some(9),
      page_unknown: false,
    };
    let update = template.update(tab.clone(), &[(Arc::from("/"), Verdict::Unchanged)]);
    assert!(update.broken_files.is_empty(), "a known page is told apart by the decision");
    assert_eq!(update.roots.len(), 1, "this page's roots");
    assert!(template.update(TabUpdate { page: Some("/"), ..tab.clone() }, &[]).roots.is_empty());
    let unknown = template.update(TabUpdate { page_unknown: true, ..tab.clone() }, &[]);
    assert_eq!(unknown.broken_files, ["src/broken.js"]);
    let unchanged =
      template.update(TabUpdate { page_unknown: true, verdict: Verdict::Unchanged, ..tab }, &[]);
    assert!(unchanged.broken_files.is_empty());
    let json =
      serde_json::to_value(TabMessage { tab: 1, message: Message::Update(Box::new(update)) })
        .unwrap();
    assert_eq!(json["event"], UPDATE_EVENT);
    assert_eq!(json["data"]["verdict"], "changed");
    assert_eq!(json["data"]["page"], "/about");
    assert!(json["data"].get("decision").is_none(), "the shim needs no join");
    assert_eq!(json["data"]["strategy"], "reload", "what every update of the decision says");
    assert_eq!(json["data"]["files"]["serverOnly"], serde_json::json!(["src/about-data.js"]));
    assert_eq!(
      json["data"]["pages"],
      serde_json::json!([{ "url": "/", "verdict": "unchanged" }, { "url": "/about" }]),
      "/about not checked yet"
    );
    assert!(json["data"].get("check").is_none());
    assert_eq!(json["data"]["render"], 9);
  }
}
