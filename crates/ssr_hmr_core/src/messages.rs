//! What the browser is sent: the `ssr-hmr:check` a candidate tab answers by
//! fetching its own page, and the `ssr-hmr:update` that tells a tab the
//! verdict and how to refresh. Built here, so the shim only delivers them.
//!
//! Every path in a payload is root-relative: the browser never learns the
//! machine's paths.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::affected::Explanation;
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageReport {
  pub url: String,
  /// Set once this page's output was checked.
  #[serde(skip_serializing_if = "Option::is_none")]
  pub verdict: Option<Verdict>,
  pub roots: Vec<RootReach>,
}

/// The `ssr-hmr:update` data, as `SsrHmrUpdatePayload` in `index.d.ts` types
/// it (the shim adds `timestamp`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePayload {
  pub strategy: Strategy,
  pub reason: Reason,
  pub files: FilesByClass,
  /// This tab's verdict.
  pub verdict: Verdict,
  /// This tab's page.
  pub page: String,
  /// The pages the change may affect, with their verdicts so far.
  pub pages: Vec<PageReport>,
  pub reload_all: bool,
  pub settling: bool,
  /// The check this update answers (for the runtime, which holds its response).
  #[serde(skip_serializing_if = "Option::is_none")]
  pub check: Option<String>,
  /// The stamp of the render that answered the check.
  #[serde(skip_serializing_if = "Option::is_none")]
  pub render: Option<RenderId>,
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

/// What every update of one decision shares; each tab's update adds its
/// page and verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateTemplate {
  pub strategy: Strategy,
  pub reason: Reason,
  pub files: FilesByClass,
  pub pages: Vec<PageReport>,
  pub reload_all: bool,
  pub settling: bool,
}

impl UpdateTemplate {
  pub fn new(decision: &Decision, strategy: Strategy, root: &str) -> Arc<Self> {
    let files = &decision.files;
    let reason = if !files.server_only.is_empty() {
      Reason::ServerOnly
    } else if !files.watched.is_empty() {
      Reason::Watched
    } else {
      Reason::Missed
    };
    let pages = decision
      .pages
      .iter()
      .map(|url| PageReport {
        url: url.clone(),
        verdict: None,
        roots: roots_of(&decision.explanations, url, root),
      })
      .collect();
    Arc::new(UpdateTemplate {
      strategy,
      reason,
      files: decision.files.clone(),
      pages,
      reload_all: decision.reload_all,
      settling: decision.settling,
    })
  }

  /// The update for a tab showing `page`.
  pub fn update(
    &self,
    page: Option<&str>,
    verdict: Verdict,
    verdicts_so_far: &[(Arc<str>, Verdict)],
    check: Option<String>,
    render: Option<RenderId>,
  ) -> UpdatePayload {
    let pages = self
      .pages
      .iter()
      .map(|report| PageReport {
        verdict: verdicts_so_far.iter().find(|(url, _)| **url == *report.url).map(|&(_, v)| v),
        ..report.clone()
      })
      .collect();
    UpdatePayload {
      strategy: self.strategy,
      reason: self.reason,
      files: self.files.clone(),
      verdict,
      page: page.unwrap_or_default().to_string(),
      pages,
      reload_all: self.reload_all,
      settling: self.settling,
      check,
      render,
    }
  }
}

fn roots_of(explanations: &[Explanation], page: &str, root: &str) -> Vec<RootReach> {
  explanations
    .iter()
    .filter(|e| e.page == page)
    .map(|e| RootReach {
      root: root_relative(root, &e.root),
      file: e.file.clone(),
      chain: e.chain.iter().map(|id| root_relative(root, id)).collect(),
    })
    .collect()
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
      strategy: Strategy::Reload,
      reason: Reason::ServerOnly,
      files: FilesByClass { server_only: vec!["src/about-data.js".into()], ..Default::default() },
      pages: vec![
        PageReport { url: "/".into(), verdict: None, roots: vec![] },
        PageReport { url: "/about".into(), verdict: None, roots: vec![] },
      ],
      reload_all: false,
      settling: false,
    };
    let update = template.update(
      Some("/about"),
      Verdict::Changed,
      &[(Arc::from("/"), Verdict::Unchanged)],
      None,
      Some(9),
    );
    let json =
      serde_json::to_value(TabMessage { tab: 1, message: Message::Update(Box::new(update)) })
        .unwrap();
    assert_eq!(json["event"], UPDATE_EVENT);
    assert_eq!(json["data"]["verdict"], "changed");
    assert_eq!(json["data"]["page"], "/about");
    assert_eq!(json["data"]["reason"], "server-only");
    assert_eq!(json["data"]["pages"][0]["verdict"], "unchanged");
    assert!(json["data"]["pages"][1].get("verdict").is_none(), "not checked yet");
    assert!(json["data"].get("check").is_none());
    assert_eq!(json["data"]["render"], 9);
  }
}
