//! The one value the shim acts on after a batch of changes.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::affected::{
  affected_pages, AffectedPages, AffectedScratch, ChangedModules, Explanation,
};
use crate::batcher::PendingBatch;
use crate::classify::ChangeClass;
pub use crate::contract::Strategy;
use crate::environment_graph::ModuleIx;
use crate::importer_walk::Reach;
use crate::mirror::ModuleGraphMirror;
use crate::module_key::root_relative;
use crate::module_record::Consumer;
use crate::page_roots::PageRoots;
use crate::refetch::Refetches;
use crate::tabs::{TabId, Tabs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
  /// Vite's own HMR covers the batch; the shim does nothing.
  Passthrough,
  Reload,
  Morph,
  Event,
  Auto,
}

impl From<Strategy> for Action {
  fn from(s: Strategy) -> Self {
    match s {
      Strategy::Reload => Action::Reload,
      Strategy::Morph => Action::Morph,
      Strategy::Event => Action::Event,
      Strategy::Auto => Action::Auto,
    }
  }
}

/// Root-relative paths of the files in one batch (`/` separators, sorted), by what they mean
/// for the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "ChangedFiles"))]
#[serde(rename_all = "camelCase")]
pub struct FilesByClass {
  /// Only server environments have these: Vite alone would leave the page stale.
  pub server_only: Vec<String>,
  /// Both sides have these: the browser got Vite's own HMR update.
  pub shared: Vec<String>,
  pub client_only: Vec<String>,
  /// Matched the `watch` option.
  pub watched: Vec<String>,
  /// Server-only files another plugin carried to the browser itself while the change was
  /// handled (a client update of a module importing them, as React Router's hot data
  /// revalidation does, or a custom event every affected tab answered by re-fetching its page,
  /// as `@vitejs/plugin-rsc`'s `rsc:update` is): no tab is refreshed for them.
  pub updated_in_place: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
  /// Set when the decision goes out (`Engine::poll`); its `Outcome` has it too.
  #[serde(default)]
  pub id: u32,
  pub action: Action,
  /// The affected set is unknown (watched file, overflowing batch): every
  /// tab is listed and should be refreshed.
  pub reload_all: bool,
  /// The batch was cut by its maximum wait while changes kept coming: more
  /// decisions are likely to follow, and a tab may fold them into one
  /// trailing refresh. `false`: the burst is over, refresh now.
  pub settling: bool,
  pub files: FilesByClass,
  /// env → ids invalidated in that environment's runner during the batch,
  /// sorted. Not serialized: the shim already invalidated them hook by hook
  /// (`ServerChange`), and for an edit of a popular module they would make
  /// the JSON megabytes long; `invalidated_count` carries what logs need.
  #[serde(skip)]
  pub invalidated: BTreeMap<String, FxHashSet<ModuleIx>>,
  /// env → how many ids were invalidated there during the batch.
  pub invalidated_count: BTreeMap<String, usize>,
  /// Pages whose render's modules the change reaches (every page when
  /// `reload_all`).
  pub pages: Vec<String>,
  /// Candidate tabs: refreshed unless a check shows their output unchanged.
  pub tabs: Vec<TabId>,
  /// Candidate tabs the framework is updating in place (they re-fetched their
  /// page after its custom event, `refetch.rs`): neither checked nor refreshed.
  pub in_place_tabs: Vec<TabId>,
  /// Affected tabs whose page depends on a module that does not compile
  /// right now: refreshing would only render an error page, so they are
  /// shown the compile error instead, and refresh once it is fixed.
  pub error_tabs: Vec<TabId>,
  /// Root-relative files whose last compilation failed, sorted.
  pub broken_files: Vec<String>,
  /// Another plugin already broadcast the error of every broken file while
  /// it was changed: the error tabs are not shown it a second time.
  pub errors_shown_by_framework: bool,
  pub explanations: Vec<Explanation>,
}

/// What a decision is made from.
pub struct DecisionInputs<'a> {
  pub root: &'a str,
  pub refresh: Strategy,
  pub mirror: &'a ModuleGraphMirror,
  pub roots: &'a PageRoots,
  pub tabs: &'a Tabs,
  /// File keys whose last compilation failed.
  pub broken: &'a FxHashSet<String>,
  /// When each page last re-fetched its own output (`refetch.rs`).
  pub refetches: &'a Refetches,
}

/// Builds the decision for a due batch against the current graphs.
pub fn build_decision(
  batch: PendingBatch,
  inputs: &DecisionInputs,
  scratch: &mut AffectedScratch,
) -> Decision {
  let DecisionInputs { root, refresh, mirror, roots, tabs, broken, refetches } = *inputs;
  let settling = batch.settling;
  let framework_event_at = batch.framework_event_at();
  let mut files = FilesByClass::default();
  let mut needs_refresh = batch.overflowed || !batch.stale_tabs.is_empty();
  // A batch of stale tabs alone changed nothing: no other tab is affected.
  let only_stale_tabs = batch.files.is_empty() && !batch.overflowed;
  // Refused tabs cannot be targeted: while one is open, every change refreshes everyone.
  let mut reload_all = batch.overflowed || (tabs.has_untracked() && !only_stale_tabs);
  // (display file, env, modules, their static reach if still current) of
  // server-only changes still in the graph.
  let mut changed: Vec<(String, &str, Vec<ModuleIx>, Option<&Reach>)> = Vec::new();
  // Server-only files another plugin broadcast a custom event for.
  let mut batch_event_files: Vec<String> = Vec::new();
  let mut framework_errors: Vec<String> = Vec::new();
  for (file, pending) in &batch.files {
    let display = root_relative(root, file);
    if pending.framework_error {
      framework_errors.push(display.clone());
    }
    if pending.framework_event_at.is_some()
      && pending.class == ChangeClass::ServerOnly
      && !pending.updated_in_place
    {
      batch_event_files.push(display.clone());
    }
    if pending.watched {
      files.watched.push(display.clone());
      needs_refresh = true;
      reload_all = true;
    }
    match pending.class {
      ChangeClass::ServerOnly if pending.updated_in_place => files.updated_in_place.push(display),
      ChangeClass::ServerOnly => {
        needs_refresh = true;
        for (env, ids) in &pending.server_only_modules {
          let Some((env, g)) = mirror.environments().find(|(e, _)| e == env) else {
            continue;
          };
          let mods: Vec<ModuleIx> = ids.iter().filter_map(|id| g.get_by_id(id)).collect();
          if !mods.is_empty() {
            let reach = pending.static_reach.get(env).and_then(|r| r.current(g, &mods));
            changed.push((display.clone(), env, mods, reach));
          }
        }
        files.server_only.push(display);
      }
      ChangeClass::Shared => files.shared.push(display),
      ChangeClass::ClientOnly => files.client_only.push(display),
      ChangeClass::Unknown => {}
    }
  }
  for list in [
    &mut files.server_only,
    &mut files.shared,
    &mut files.client_only,
    &mut files.watched,
    &mut files.updated_in_place,
  ] {
    list.sort_unstable();
    list.dedup();
  }
  let mut invalidated = batch.invalidated;
  invalidated.retain(|_, ids| !ids.is_empty());
  let invalidated_count = invalidated.iter().map(|(env, ids)| (env.clone(), ids.len())).collect();
  let mut broken_files: Vec<String> = broken.iter().map(|file| root_relative(root, file)).collect();
  broken_files.sort_unstable();
  let errors_shown_by_framework =
    !broken_files.is_empty() && broken_files.iter().all(|file| framework_errors.contains(file));
  if !needs_refresh {
    return Decision {
      id: 0,
      action: Action::Passthrough,
      reload_all: false,
      settling,
      files,
      invalidated,
      invalidated_count,
      pages: Vec::new(),
      tabs: Vec::new(),
      in_place_tabs: Vec::new(),
      error_tabs: Vec::new(),
      broken_files,
      errors_shown_by_framework,
      explanations: Vec::new(),
    };
  }
  let changes: Vec<ChangedModules> = changed
    .iter()
    .map(|(file, env, modules, reach)| ChangedModules { file, env, modules, reach: *reach })
    .collect();
  let affected = if only_stale_tabs {
    AffectedPages::default()
  } else {
    affected_pages(mirror, roots, tabs, &changes, scratch)
  };
  let (page_list, mut candidates) = if reload_all {
    (every_page(roots, tabs), tabs.all())
  } else {
    (affected.pages, affected.tabs)
  };
  // Tabs that opened on a render older than a refresh of their page, if still open.
  candidates.extend(batch.stale_tabs.iter().filter(|&&tab| tabs.page(tab).is_some()));
  candidates.sort_unstable();
  candidates.dedup();
  let (error_tabs, candidates) = split_off_broken_pages(candidates, inputs, scratch);
  // Tabs the framework is updating in place: they re-fetched their page after its event.
  let (in_place_tabs, candidates): (Vec<TabId>, Vec<TabId>) =
    candidates.into_iter().partition(|&tab| {
      framework_event_at
        .is_some_and(|at| tabs.page(tab).is_some_and(|page| refetches.since(page, at)))
    });
  if !in_place_tabs.is_empty() && candidates.is_empty() && error_tabs.is_empty() && !reload_all {
    // Every tab it concerns is updated by the framework: its files were updated in place.
    files.server_only.retain(|file| !batch_event_files.contains(file));
    files.updated_in_place.extend(batch_event_files);
    files.updated_in_place.sort_unstable();
    files.updated_in_place.dedup();
  }
  Decision {
    id: 0,
    action: refresh.into(),
    reload_all,
    settling,
    files,
    invalidated,
    invalidated_count,
    pages: page_list,
    tabs: candidates,
    in_place_tabs,
    error_tabs,
    broken_files,
    errors_shown_by_framework,
    explanations: affected.explanations,
  }
}

/// Every page known: recorded pages and the pages tabs show, sorted.
fn every_page(roots: &PageRoots, tabs: &Tabs) -> Vec<String> {
  let mut pages: Vec<String> = roots
    .pages()
    .chain(tabs.pages().filter_map(|(_, page)| page))
    .map(|url| url.to_string())
    .collect();
  pages.sort_unstable();
  pages.dedup();
  pages
}

/// Splits `candidates` into (tabs whose known page depends on a broken
/// module, the others). A tab whose page is unknown is never an error tab:
/// whether it depends on the broken module is not known, and a refresh shows
/// the truth either way.
fn split_off_broken_pages(
  candidates: Vec<TabId>,
  inputs: &DecisionInputs,
  scratch: &mut AffectedScratch,
) -> (Vec<TabId>, Vec<TabId>) {
  let DecisionInputs { mirror, roots, tabs, broken, .. } = *inputs;
  if broken.is_empty() || candidates.is_empty() {
    return (Vec::new(), candidates);
  }
  let broken_modules: Vec<(&str, &str, &[ModuleIx])> = broken
    .iter()
    .flat_map(|file| {
      mirror
        .modules_of_file(file)
        .filter(|(_, g, _)| g.consumer == Consumer::Server)
        .map(move |(env, _, modules)| (file.as_str(), env, modules))
    })
    .collect();
  let changes: Vec<ChangedModules> = broken_modules
    .iter()
    .map(|&(file, env, modules)| ChangedModules { file, env, modules, reach: None })
    .collect();
  let broken_pages: FxHashSet<String> =
    affected_pages(mirror, roots, tabs, &changes, scratch).pages.into_iter().collect();
  candidates
    .into_iter()
    .partition(|&tab| tabs.page(tab).is_some_and(|url| broken_pages.contains(url)))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn decision_serializes_in_camel_case_with_lowercase_enums() {
    let d = Decision {
      id: 0,
      action: Action::Passthrough,
      reload_all: false,
      settling: false,
      files: FilesByClass { server_only: vec!["src/db.ts".into()], ..Default::default() },
      invalidated: BTreeMap::from([("ssr".to_string(), FxHashSet::from_iter([ModuleIx::new(0)]))]),
      invalidated_count: BTreeMap::from([("ssr".to_string(), 1)]),
      pages: vec!["/".into()],
      tabs: vec![1],
      in_place_tabs: vec![],
      error_tabs: vec![],
      broken_files: vec![],
      errors_shown_by_framework: false,
      explanations: vec![],
    };
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["action"], "passthrough");
    assert_eq!(json["reloadAll"], false);
    assert_eq!(json["files"]["serverOnly"][0], "src/db.ts");
    assert_eq!(json["files"]["clientOnly"].as_array().unwrap().len(), 0);
    assert!(json.get("invalidated").is_none(), "ids stay on the Rust side");
    assert_eq!(json["invalidatedCount"]["ssr"], 1);
    assert_eq!(json["errorTabs"].as_array().unwrap().len(), 0);
    assert_eq!(serde_json::to_value(ChangeClass::ServerOnly).unwrap(), "server-only");
    assert_eq!(serde_json::to_value(Strategy::Morph).unwrap(), "morph");
  }
}
