//! `Verification`: a candidate tab refreshes only if its page now renders
//! differently from what the tab shows.
//!
//! The module analysis gives the candidates; it cannot give the answer. A
//! static route table puts every route in every page's closure, a page reads
//! a `watch`ed file with `fs`, a module memoizes what another module exported.
//! So each candidate tab that shows a render the server fingerprinted is sent
//! an `ssr-hmr:check` with a fresh token; it fetches its own URL (its cookies,
//! its query) with the token in a header; the server fingerprints that render
//! as it streams, and when it ends this compares it with the fingerprint of the
//! render the tab shows: the tab's `ssr-hmr:update` then carries `changed` or
//! `unchanged`. A check that does not come back within `CHECK_TIMEOUT_MS`
//! counts as changed. A tab checked again before its last check came back
//! answers the new check only.
//!
//! A check render that differs from the tab's render is judged outside what
//! differs between renders anyway (`output_masks.rs`): when its page has no
//! mask yet, the same tab is checked once more (a new token, the same
//! decision and deadline) and the two check renders teach the mask; the
//! verdict then compares the tab's render with the second.
//!
//! Each decision is logged once, when all its checks are answered: the
//! `Outcome` says which pages were refreshed and which were left alone.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use crate::contract::CHECK_TIMEOUT_MS;
use crate::decision::{Action, FilesByClass, Strategy};
use crate::messages::{
  token_text, CheckPayload, Message, TabMessage, TabUpdate, UpdateTemplate, Verdict,
};
use crate::output_masks::Judgement;
use crate::renders::RenderId;
use crate::tabs::TabId;

pub type CheckToken = u64;
pub type DecisionId = u32;

/// Decisions waiting for checks; past it the oldest is logged as it stands.
pub const MAX_PENDING_DECISIONS: usize = 64;

/// What a decision's log line needs besides its verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionSummary {
  pub action: Action,
  pub files: FilesByClass,
  pub invalidated_count: std::collections::BTreeMap<String, usize>,
  pub reload_all: bool,
  /// Tabs shown a compile error instead.
  pub error_tabs: usize,
}

/// A decision whose checks are all answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
  /// The decision's id.
  pub id: DecisionId,
  #[serde(flatten)]
  pub summary: DecisionSummary,
  /// Pages (sorted) whose tabs were refreshed, and how many tabs.
  pub refreshed: Vec<String>,
  pub refreshed_tabs: usize,
  /// The refreshed tabs by what each did: its page's strategy (a page picks
  /// one with `<meta name="ssr-hmr">`, which only its tab knows), or the
  /// configured one.
  pub refreshed_by: BTreeMap<Strategy, Refreshed>,
  /// Pages (sorted) whose output had not changed, and how many tabs.
  pub unchanged: Vec<String>,
  pub unchanged_tabs: usize,
}

/// The tabs of a decision refreshed one way, and their pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refreshed {
  /// Sorted.
  pub pages: BTreeSet<String>,
  pub tabs: usize,
}

/// What the end of a check render leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckEnd {
  Verdict(Resolution),
  /// The same tab is checked once more, to learn its page's mask.
  Recheck(TabMessage),
}

/// A check answered (or given up on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
  pub tab: TabId,
  pub verdict: Verdict,
  /// The render that answered it.
  pub render: Option<RenderId>,
  /// The tab's `ssr-hmr:update`.
  pub message: TabMessage,
}

/// A tab to check: the page it shows and the fingerprint of its render.
#[derive(Debug, Clone, Copy)]
pub struct CheckedTab<'a> {
  pub tab: TabId,
  pub page: &'a str,
  pub shown: u64,
  /// The render the tab shows.
  pub shown_render: RenderId,
  /// What the page depends on is not known (no recorded roots).
  pub page_unknown: bool,
  /// How the tab refreshes if its page changed.
  pub strategy: Strategy,
}

struct PendingCheck {
  tab: TabId,
  page: Arc<str>,
  /// Fingerprint of the render the tab shows, and the render.
  shown: u64,
  shown_render: RenderId,
  /// The first check render, when this check was asked to learn a mask.
  learning_from: Option<RenderId>,
  decision: DecisionId,
  deadline_ms: f64,
  render: Option<RenderId>,
  page_unknown: bool,
  strategy: Strategy,
}

struct PendingDecision {
  id: DecisionId,
  template: Arc<UpdateTemplate>,
  summary: DecisionSummary,
  remaining: usize,
  /// A page's verdict: changed as soon as one of its tabs' is (tabs of one
  /// page may differ by their cookies).
  verdicts: Vec<(Arc<str>, Verdict)>,
  refreshed: BTreeSet<String>,
  refreshed_tabs: usize,
  refreshed_by: BTreeMap<Strategy, Refreshed>,
  unchanged: BTreeSet<String>,
  unchanged_tabs: usize,
}

impl PendingDecision {
  /// A tab of `page` (empty: a tab that never said) got `verdict`; it
  /// refreshes with `strategy` unless it is unchanged.
  fn note(&mut self, page: &str, verdict: Verdict, strategy: Strategy) {
    let (pages, count) = if verdict == Verdict::Unchanged {
      (&mut self.unchanged, &mut self.unchanged_tabs)
    } else {
      let by = self.refreshed_by.entry(strategy).or_default();
      by.tabs += 1;
      if !page.is_empty() {
        by.pages.insert(page.to_string());
      }
      (&mut self.refreshed, &mut self.refreshed_tabs)
    };
    *count += 1;
    if !page.is_empty() {
      pages.insert(page.to_string());
    }
    match self.verdicts.iter_mut().find(|(url, _)| &**url == page) {
      Some((_, known)) if verdict != Verdict::Unchanged => *known = verdict,
      Some(_) => {}
      None => self.verdicts.push((Arc::from(page), verdict)),
    }
  }

  fn outcome(self) -> Outcome {
    let unchanged = self.unchanged.difference(&self.refreshed).cloned().collect();
    Outcome {
      id: self.id,
      summary: self.summary,
      refreshed: self.refreshed.into_iter().collect(),
      refreshed_tabs: self.refreshed_tabs,
      refreshed_by: self.refreshed_by,
      unchanged,
      unchanged_tabs: self.unchanged_tabs,
    }
  }
}

pub struct Verification {
  random: RandomState,
  issued: u64,
  checks: FxHashMap<CheckToken, PendingCheck>,
  by_tab: FxHashMap<TabId, CheckToken>,
  by_render: FxHashMap<RenderId, CheckToken>,
  next_decision: DecisionId,
  decisions: FxHashMap<DecisionId, PendingDecision>,
  completed: Vec<Outcome>,
}

impl Default for Verification {
  fn default() -> Self {
    Verification {
      random: RandomState::new(),
      issued: 0,
      checks: FxHashMap::default(),
      by_tab: FxHashMap::default(),
      by_render: FxHashMap::default(),
      next_decision: 1,
      decisions: FxHashMap::default(),
      completed: Vec::new(),
    }
  }
}

impl Verification {
  /// A decision goes out: `unverified` tabs (with their pages) are refreshed
  /// at once, `checks` more will be started for it.
  /// The id the next decision will have.
  pub fn next_id(&self) -> DecisionId {
    self.next_decision
  }

  pub fn register(
    &mut self,
    template: Arc<UpdateTemplate>,
    summary: DecisionSummary,
    unverified: &[(Option<&str>, Strategy)],
    checks: usize,
  ) -> DecisionId {
    let id = self.next_decision;
    self.next_decision = self.next_decision.wrapping_add(1).max(1);
    let mut decision = PendingDecision {
      id,
      template,
      summary,
      remaining: checks,
      verdicts: Vec::new(),
      refreshed: BTreeSet::new(),
      refreshed_tabs: 0,
      refreshed_by: BTreeMap::new(),
      unchanged: BTreeSet::new(),
      unchanged_tabs: 0,
    };
    for &(page, strategy) in unverified {
      decision.note(page.unwrap_or_default(), Verdict::Unverified, strategy);
    }
    if checks == 0 {
      self.completed.push(decision.outcome());
      return id;
    }
    if self.decisions.len() == MAX_PENDING_DECISIONS {
      if let Some(&oldest) = self.decisions.keys().min() {
        self.finish_decision(oldest);
      }
    }
    self.decisions.insert(id, decision);
    id
  }

  /// Starts a check of `tab` (showing `page`, fingerprinted `shown`) for
  /// `decision`. A check the tab had not answered yet no longer counts.
  pub fn start(&mut self, decision: DecisionId, tab: CheckedTab, now_ms: f64) -> TabMessage {
    let CheckedTab { tab, page, shown, shown_render, page_unknown, strategy } = tab;
    self.forget_check_of(tab);
    self.issued += 1;
    let token = self.random.hash_one(self.issued);
    let deadline_ms = if now_ms.is_finite() { now_ms + CHECK_TIMEOUT_MS } else { f64::MAX };
    self.checks.insert(
      token,
      PendingCheck {
        tab,
        page: Arc::from(page),
        shown,
        shown_render,
        learning_from: None,
        decision,
        deadline_ms,
        render: None,
        page_unknown,
        strategy,
      },
    );
    self.by_tab.insert(tab, token);
    let settling = self.decisions.get(&decision).is_some_and(|d| d.template.settling);
    TabMessage { tab, message: Message::Check(CheckPayload { token: token_text(token), settling }) }
  }

  /// A request carrying `token` began rendering as `render`.
  pub fn begin_render(&mut self, token: CheckToken, render: RenderId) {
    if let Some(check) = self.checks.get_mut(&token) {
      if check.render.is_none() {
        check.render = Some(render);
        self.by_render.insert(render, token);
      }
    }
  }

  /// Render `render` of `page` ended with `fingerprint` (none: aborted or
  /// not fingerprinted). If it answered a check, the tab's verdict, or a
  /// second check of the tab. `judge(shown_render, first_check_render)` says
  /// what a differing render means (`OutputMasks::judge`).
  pub fn end_render(
    &mut self,
    render: RenderId,
    page: &str,
    fingerprint: Option<u64>,
    judge: impl FnOnce(RenderId, Option<RenderId>) -> Judgement,
  ) -> Option<CheckEnd> {
    let token = self.by_render.remove(&render)?;
    let check = self.checks.remove(&token)?;
    self.by_tab.remove(&check.tab);
    let verdict = match fingerprint {
      Some(f) if *check.page == *page && f == check.shown => Verdict::Unchanged,
      Some(_) if *check.page == *page => match judge(check.shown_render, check.learning_from) {
        Judgement::Same => Verdict::Unchanged,
        Judgement::Different => Verdict::Changed,
        Judgement::Learn if check.learning_from.is_none() => {
          return Some(CheckEnd::Recheck(self.recheck(check, render)));
        }
        Judgement::Learn => Verdict::Changed,
      },
      _ => Verdict::Unverified,
    };
    self.resolve(token, check, verdict, Some(render)).map(CheckEnd::Verdict)
  }

  /// Checks `check`'s tab once more for the same decision, by its deadline:
  /// `first` is the check render to learn from.
  fn recheck(&mut self, check: PendingCheck, first: RenderId) -> TabMessage {
    self.issued += 1;
    let token = self.random.hash_one(self.issued);
    let tab = check.tab;
    self.checks.insert(token, PendingCheck { learning_from: Some(first), render: None, ..check });
    self.by_tab.insert(tab, token);
    // The first check already waited for the burst to settle.
    TabMessage {
      tab,
      message: Message::Check(CheckPayload { token: token_text(token), settling: false }),
    }
  }

  /// Checks past their deadline: their tabs refresh unverified.
  pub fn expire(&mut self, now_ms: f64) -> Vec<Resolution> {
    let mut expired: Vec<CheckToken> =
      self.checks.iter().filter(|(_, c)| c.deadline_ms <= now_ms).map(|(&t, _)| t).collect();
    expired.sort_unstable();
    let mut resolutions = Vec::new();
    for token in expired {
      let Some(check) = self.checks.remove(&token) else { continue };
      self.by_tab.remove(&check.tab);
      if let Some(render) = check.render {
        self.by_render.remove(&render);
      }
      resolutions.extend(self.resolve(token, check, Verdict::Unverified, None));
    }
    resolutions
  }

  /// The tab closed: its check will not be answered.
  pub fn close_tab(&mut self, tab: TabId) {
    self.forget_check_of(tab);
  }

  /// The tab's pending check, if any, no longer counts for its decision.
  fn forget_check_of(&mut self, tab: TabId) {
    let Some(check) = self.by_tab.remove(&tab).and_then(|token| self.checks.remove(&token)) else {
      return;
    };
    if let Some(render) = check.render {
      self.by_render.remove(&render);
    }
    self.settle(check.decision);
  }

  pub fn next_deadline(&self) -> Option<f64> {
    self.checks.values().map(|c| c.deadline_ms).min_by(f64::total_cmp)
  }

  /// Decisions whose checks are all answered since the last call.
  pub fn take_outcomes(&mut self) -> Vec<Outcome> {
    std::mem::take(&mut self.completed)
  }

  pub fn pending_checks(&self) -> usize {
    self.checks.len()
  }

  pub fn clear(&mut self) {
    self.checks.clear();
    self.by_tab.clear();
    self.by_render.clear();
    for id in self.decisions.keys().copied().collect::<Vec<_>>() {
      self.finish_decision(id);
    }
  }

  fn resolve(
    &mut self,
    token: CheckToken,
    check: PendingCheck,
    verdict: Verdict,
    render: Option<RenderId>,
  ) -> Option<Resolution> {
    let decision = self.decisions.get_mut(&check.decision)?;
    decision.note(&check.page, verdict, check.strategy);
    let tab = TabUpdate {
      page: Some(&check.page),
      verdict,
      check: Some(token_text(token)),
      render,
      page_unknown: check.page_unknown,
    };
    let update = decision.template.update(tab, &decision.verdicts);
    let message = TabMessage { tab: check.tab, message: Message::Update(Box::new(update)) };
    self.settle(check.decision);
    Some(Resolution { tab: check.tab, verdict, render, message })
  }

  /// One check of `decision` is over (answered, or no longer counted).
  fn settle(&mut self, decision: DecisionId) {
    let Some(pending) = self.decisions.get_mut(&decision) else { return };
    pending.remaining = pending.remaining.saturating_sub(1);
    if pending.remaining == 0 {
      self.finish_decision(decision);
    }
  }

  fn finish_decision(&mut self, decision: DecisionId) {
    if let Some(pending) = self.decisions.remove(&decision) {
      self.completed.push(pending.outcome());
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::decision::Strategy;
  use crate::messages::{Reason, UpdatePayload};

  fn checked(tab: TabId, page: &str, shown: u64) -> CheckedTab<'_> {
    CheckedTab {
      tab,
      page,
      shown,
      shown_render: 1,
      page_unknown: false,
      strategy: Strategy::Reload,
    }
  }

  /// Ends a render; a differing one is judged different.
  fn end(
    v: &mut Verification,
    render: RenderId,
    page: &str,
    fingerprint: Option<u64>,
  ) -> Option<Resolution> {
    match v.end_render(render, page, fingerprint, |_, _| Judgement::Different)? {
      CheckEnd::Verdict(resolution) => Some(resolution),
      CheckEnd::Recheck(_) => panic!("a second check"),
    }
  }

  fn template() -> Arc<UpdateTemplate> {
    Arc::new(UpdateTemplate {
      decision: 1,
      strategy: Strategy::Reload,
      reason: Reason::ServerOnly,
      files: FilesByClass::default(),
      pages: vec!["/a".into(), "/b".into()],
      reload_all: false,
      settling: false,
      roots: Default::default(),
      broken_files: vec![],
    })
  }

  fn summary() -> DecisionSummary {
    DecisionSummary {
      action: Action::Reload,
      files: FilesByClass::default(),
      invalidated_count: Default::default(),
      reload_all: false,
      error_tabs: 0,
    }
  }

  fn token_of(message: &TabMessage) -> CheckToken {
    match &message.message {
      Message::Check(check) => crate::messages::parse_token(&check.token).unwrap(),
      Message::Update(_) => panic!("not a check"),
    }
  }

  fn update_of(resolution: &Resolution) -> &UpdatePayload {
    match &resolution.message.message {
      Message::Update(update) => update,
      Message::Check(_) => panic!("not an update"),
    }
  }

  #[test]
  fn the_verdict_compares_the_check_render_with_the_render_the_tab_shows() {
    let mut v = Verification::default();
    let d = v.register(template(), summary(), &[], 2);
    let a = token_of(&v.start(d, checked(1, "/a", 111), 0.0));
    let b = token_of(&v.start(d, checked(2, "/b", 222), 0.0));
    assert_ne!(a, b);
    v.begin_render(a, 10);
    v.begin_render(b, 11);
    let same = end(&mut v, 10, "/a", Some(111)).unwrap();
    assert_eq!((same.tab, same.verdict), (1, Verdict::Unchanged));
    assert_eq!(update_of(&same).check.as_deref(), Some(token_text(a).as_str()));
    assert!(v.take_outcomes().is_empty(), "one check still out");
    let changed = end(&mut v, 11, "/b", Some(999)).unwrap();
    assert_eq!(changed.verdict, Verdict::Changed);
    let checked_pages = update_of(&changed).pages.iter().filter(|p| p.verdict.is_some()).count();
    assert_eq!(checked_pages, 2, "both pages checked");
    let outcome = v.take_outcomes().pop().unwrap();
    assert_eq!(
      (outcome.refreshed, outcome.unchanged),
      (vec!["/b".to_string()], vec!["/a".to_string()])
    );
  }

  #[test]
  fn renders_that_answer_no_check_or_another_page_are_not_verdicts_of_it() {
    let mut v = Verification::default();
    let d = v.register(template(), summary(), &[], 1);
    let token = token_of(&v.start(d, checked(1, "/a", 111), 0.0));
    assert!(end(&mut v, 5, "/a", Some(111)).is_none(), "an ordinary render");
    v.begin_render(token, 6);
    v.begin_render(token, 7);
    assert!(end(&mut v, 7, "/a", Some(111)).is_none(), "only the first render answers");
    assert_eq!(end(&mut v, 6, "/b", Some(111)).unwrap().verdict, Verdict::Unverified);
  }

  #[test]
  fn a_check_that_does_not_come_back_refreshes_its_tab_unverified() {
    let mut v = Verification::default();
    let d = v.register(template(), summary(), &[(Some("/x"), Strategy::Reload)], 1);
    v.start(d, checked(1, "/a", 111), 100.0);
    assert_eq!(v.next_deadline(), Some(100.0 + CHECK_TIMEOUT_MS));
    assert!(v.expire(100.0 + CHECK_TIMEOUT_MS - 1.0).is_empty());
    let expired = v.expire(100.0 + CHECK_TIMEOUT_MS);
    assert_eq!(expired[0].verdict, Verdict::Unverified);
    let outcome = v.take_outcomes().pop().unwrap();
    assert_eq!(
      (outcome.refreshed_tabs, outcome.refreshed),
      (2, vec!["/a".to_string(), "/x".to_string()])
    );
  }

  #[test]
  fn the_outcome_groups_refreshed_tabs_by_what_each_does() {
    let mut v = Verification::default();
    let unverified = [(Some("/x"), Strategy::Reload), (None, Strategy::Reload)];
    let d = v.register(template(), summary(), &unverified, 2);
    let morph = CheckedTab { strategy: Strategy::Morph, ..checked(1, "/a", 111) };
    let morphed = token_of(&v.start(d, morph, 0.0));
    let unchanged = token_of(&v.start(d, checked(2, "/b", 222), 0.0));
    v.begin_render(morphed, 10);
    v.begin_render(unchanged, 11);
    end(&mut v, 10, "/a", Some(999));
    end(&mut v, 11, "/b", Some(222));
    let outcome = v.take_outcomes().pop().unwrap();
    let by: Vec<(Strategy, Vec<&str>, usize)> = outcome
      .refreshed_by
      .iter()
      .map(|(s, r)| (*s, r.pages.iter().map(String::as_str).collect(), r.tabs))
      .collect();
    assert_eq!(by, [(Strategy::Reload, vec!["/x"], 2), (Strategy::Morph, vec!["/a"], 1)]);
    assert_eq!(outcome.refreshed_tabs, 3, "an unchanged tab does nothing");
  }

  #[test]
  fn a_newer_check_of_the_same_tab_replaces_the_older_one() {
    let mut v = Verification::default();
    let first = v.register(template(), summary(), &[], 1);
    let old = token_of(&v.start(first, checked(1, "/a", 111), 0.0));
    assert_eq!(v.take_outcomes().len(), 0);
    let second = v.register(template(), summary(), &[], 1);
    let new = token_of(&v.start(second, checked(1, "/a", 111), 0.0));
    assert_eq!(v.take_outcomes().len(), 1, "the first decision has nothing left to wait for");
    v.begin_render(old, 1);
    assert!(end(&mut v, 1, "/a", Some(111)).is_none());
    v.begin_render(new, 2);
    assert!(end(&mut v, 2, "/a", Some(111)).is_some());
    assert_eq!(v.pending_checks(), 0);
  }

  #[test]
  fn a_decision_without_checks_is_over_at_once_and_a_closed_tab_settles_its_check() {
    let mut v = Verification::default();
    v.register(template(), summary(), &[(Some("/a"), Strategy::Reload)], 0);
    assert_eq!(v.take_outcomes()[0].refreshed, ["/a"]);
    let d = v.register(template(), summary(), &[], 1);
    v.start(d, checked(4, "/b", 1), 0.0);
    v.close_tab(4);
    let outcome = v.take_outcomes().pop().unwrap();
    assert_eq!((outcome.refreshed_tabs, outcome.unchanged_tabs), (0, 0));
  }

  #[test]
  fn a_page_without_a_mask_is_checked_once_more_for_the_same_decision() {
    let mut v = Verification::default();
    let d = v.register(template(), summary(), &[], 1);
    let first = token_of(&v.start(d, checked(1, "/a", 111), 0.0));
    v.begin_render(first, 10);
    let recheck = match v.end_render(10, "/a", Some(222), |shown, from| {
      assert_eq!((shown, from), (1, None));
      Judgement::Learn
    }) {
      Some(CheckEnd::Recheck(message)) => message,
      other => panic!("expected a second check, got {other:?}"),
    };
    assert_eq!(recheck.tab, 1);
    let second = token_of(&recheck);
    assert_ne!(first, second);
    assert!(v.take_outcomes().is_empty(), "the decision waits for the second check");
    assert_eq!(v.next_deadline(), Some(CHECK_TIMEOUT_MS), "the first check's deadline");
    v.begin_render(second, 11);
    let Some(CheckEnd::Verdict(resolution)) = v.end_render(11, "/a", Some(333), |_, from| {
      assert_eq!(from, Some(10), "learns from the first check render");
      Judgement::Same
    }) else {
      panic!("expected a verdict")
    };
    assert_eq!((resolution.verdict, resolution.render), (Verdict::Unchanged, Some(11)));
    assert_eq!(v.take_outcomes().pop().unwrap().unchanged, ["/a"]);
  }

  #[test]
  fn a_second_check_never_asks_for_a_third() {
    let mut v = Verification::default();
    let d = v.register(template(), summary(), &[], 1);
    let first = token_of(&v.start(d, checked(1, "/a", 111), 0.0));
    v.begin_render(first, 10);
    let Some(CheckEnd::Recheck(message)) = v.end_render(10, "/a", Some(2), |_, _| Judgement::Learn)
    else {
      panic!("expected a second check")
    };
    v.begin_render(token_of(&message), 11);
    let Some(CheckEnd::Verdict(resolution)) =
      v.end_render(11, "/a", Some(3), |_, _| Judgement::Learn)
    else {
      panic!("expected a verdict")
    };
    assert_eq!(resolution.verdict, Verdict::Changed);
  }
}
