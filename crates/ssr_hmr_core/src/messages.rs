//! What the browser is sent: the `ssr-hmr:check` a candidate tab answers by
//! fetching its own page, and the `ssr-hmr:update` that tells a tab the
//! verdict and how to refresh. Built here, so the shim only delivers them.
//!
//! Every path in a payload is root-relative: the browser never learns the
//! machine's paths.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::decision::{Decision, FilesByClass, Strategy};
use crate::module_key::root_relative;
use crate::renders::RenderId;
use crate::tabs::TabId;

pub const CHECK_EVENT: &str = "ssr-hmr:check";
pub const UPDATE_EVENT: &str = "ssr-hmr:update";

/// What the server found when it rendered a tab's page again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// What made the page stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
  /// Modules only server code runs changed.
  ServerOnly,
  /// Only files matching the `watch` option changed.
  Watched,
  /// The tab was reloading while a refresh of its page went out.
  Missed,
}

/// A root of a page's render that reaches a changed module: the render's
/// entry, or a module it took with `import()` (a route, a loader).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RootReach {
  pub root: String,
  /// The changed file.
  pub file: String,
  /// Importer chain from the changed module up to `root`.
  pub chain: Vec<String>,
}

/// What the `ssr-hmr:update` of every tab of one decision says alike. The
/// shim joins it with each tab's `UpdatePayload` into the data
/// `SsrHmrUpdatePayload` in `index.d.ts` types (and adds `timestamp`), so a
/// decision reaching many tabs crosses the boundary once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedUpdate {
  pub decision: u32,
  pub strategy: Strategy,
  pub reason: Reason,
  pub files: FilesByClass,
  /// The pages the change may affect.
  pub pages: Vec<String>,
  pub reload_all: bool,
  pub settling: bool,
}

/// One tab's part of its `ssr-hmr:update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePayload {
  /// The decision whose `SharedUpdate` completes this update.
  pub decision: u32,
  /// This tab's verdict.
  pub verdict: Verdict,
  /// This tab's page.
  pub page: String,
  /// This page's render roots that reach a changed module (loader-level
  /// detail for frameworks).
  pub roots: Vec<RootReach>,
  /// The verdicts of the decision's pages checked so far.
  #[serde(skip_serializing_if = "BTreeMap::is_empty")]
  pub verdicts: BTreeMap<String, Verdict>,
  /// The check this update answers (for the runtime, which holds its response).
  #[serde(skip_serializing_if = "Option::is_none")]
  pub check: Option<String>,
  /// The stamp of the render that answered the check.
  #[serde(skip_serializing_if = "Option::is_none")]
  pub render: Option<RenderId>,
  /// Server files that do not compile right now, for a tab whose page is not
  /// known (so not told apart as an error tab): its page renders differently
  /// while they are broken, so it shows their error instead of refreshing.
  #[serde(skip_serializing_if = "Vec::is_empty")]
  pub broken_files: Vec<String>,
  /// For a `changed` verdict: the texts of the fresh render the tab's render
  /// does not have (`fresh_text.rs`), which a tab updated in place must show
  /// afterwards; absent when they cannot be told.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub fresh_text: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckPayload {
  /// Sent back in the `x-ssr-hmr-check` header of the tab's request.
  pub token: String,
  /// Edits are still arriving: the tab may wait for the burst to settle
  /// before fetching, and answer only the last check.
  pub settling: bool,
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

/// What makes the updates of one decision: the part they share, and what
/// each tab's adds its page's from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateTemplate {
  pub shared: SharedUpdate,
  /// Each page's roots that reach a changed module.
  pub roots: BTreeMap<String, Vec<RootReach>>,
  /// Root-relative files whose last compile check failed.
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
      shared: SharedUpdate {
        decision: id,
        strategy,
        reason,
        files: decision.files.clone(),
        pages: decision.pages.clone(),
        reload_all: decision.reload_all,
        settling: decision.settling,
      },
      roots,
      broken_files: decision.broken_files.clone(),
    })
  }

  /// The update of one tab.
  pub fn update(&self, tab: TabUpdate, verdicts_so_far: &[(Arc<str>, Verdict)]) -> UpdatePayload {
    let TabUpdate { page, verdict, check, render, page_unknown } = tab;
    let broken_files = if page_unknown && verdict != Verdict::Unchanged {
      self.broken_files.clone()
    } else {
      Vec::new()
    };
    let page = page.unwrap_or_default();
    UpdatePayload {
      decision: self.shared.decision,
      verdict,
      page: page.to_string(),
      roots: self.roots.get(page).cloned().unwrap_or_default(),
      verdicts: verdicts_so_far.iter().map(|(url, v)| (url.to_string(), *v)).collect(),
      check,
      render,
      broken_files,
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
      shared: SharedUpdate {
        decision: 4,
        strategy: Strategy::Reload,
        reason: Reason::ServerOnly,
        files: FilesByClass { server_only: vec!["src/about-data.js".into()], ..Default::default() },
        pages: vec!["/".into(), "/about".into()],
        reload_all: false,
        settling: false,
      },
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
    assert_eq!(json["data"]["decision"], 4, "its shared part is the decision's");
    assert_eq!(
      json["data"]["verdicts"],
      serde_json::json!({ "/": "unchanged" }),
      "/about not checked yet"
    );
    assert!(json["data"].get("check").is_none());
    assert_eq!(json["data"]["render"], 9);
  }
}
