//! The one value the shim acts on after a batch of changes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::batcher::PendingBatch;
use crate::classify::ChangeClass;
use crate::environment_graph::ModuleIx;
use crate::mirror::ModuleGraphMirror;
use crate::module_key::root_relative;
use crate::pages::{ChangedModules, PageTargeting, TabId};

/// How the browser is refreshed after a server-only change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
  #[default]
  Reload,
  Morph,
  Event,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
  /// Vite's own HMR covers the batch; the shim does nothing.
  Passthrough,
  Reload,
  Morph,
  Event,
}

impl From<Strategy> for Action {
  fn from(s: Strategy) -> Self {
    match s {
      Strategy::Reload => Action::Reload,
      Strategy::Morph => Action::Morph,
      Strategy::Event => Action::Event,
    }
  }
}

/// Root-relative paths (`/` separators), sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilesByClass {
  pub server_only: Vec<String>,
  pub shared: Vec<String>,
  pub client_only: Vec<String>,
  pub watched: Vec<String>,
}

/// Why `page` is affected: the shortest static importer chain from a
/// changed module of `file` to one of the page's roots (ids, changed module
/// first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
  pub file: String,
  pub page: String,
  pub chain: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
  pub action: Action,
  /// The affected set is unknown (watched file, overflowing batch): every
  /// tab is listed and should be refreshed.
  pub reload_all: bool,
  pub files: FilesByClass,
  /// env → ids invalidated in that environment's runner, sorted.
  pub invalidated: BTreeMap<String, Vec<String>>,
  pub pages: Vec<String>,
  pub tabs: Vec<TabId>,
  pub explanations: Vec<Explanation>,
}

/// Builds the decision for a due batch against the current graphs.
pub fn build_decision(
  batch: PendingBatch,
  root: &str,
  refresh: Strategy,
  mirror: &ModuleGraphMirror,
  pages: &mut PageTargeting,
) -> Decision {
  let mut files = FilesByClass::default();
  let mut needs_refresh = batch.overflowed;
  let mut reload_all = batch.overflowed;
  // (display file, env, modules) of server-only changes still in the graph.
  let mut changed: Vec<(String, &str, Vec<ModuleIx>)> = Vec::new();
  for (file, pending) in &batch.files {
    let display = root_relative(root, file);
    if pending.watched {
      files.watched.push(display.clone());
      needs_refresh = true;
      reload_all = true;
    }
    match pending.class {
      ChangeClass::ServerOnly => {
        needs_refresh = true;
        for (env, ids) in &pending.server_only_modules {
          let Some((env, g)) = mirror.environments().find(|(e, _)| e == env) else {
            continue;
          };
          let mods: Vec<ModuleIx> = ids.iter().filter_map(|id| g.get_by_id(id)).collect();
          if !mods.is_empty() {
            changed.push((display.clone(), env, mods));
          }
        }
        files.server_only.push(display);
      }
      ChangeClass::Shared => files.shared.push(display),
      ChangeClass::ClientOnly => files.client_only.push(display),
      ChangeClass::Unknown => {}
    }
  }
  for list in
    [&mut files.server_only, &mut files.shared, &mut files.client_only, &mut files.watched]
  {
    list.sort_unstable();
    list.dedup();
  }
  let invalidated = batch
    .invalidated
    .into_iter()
    .filter(|(_, ids)| !ids.is_empty())
    .map(|(env, ids)| (env, ids.into_iter().collect()))
    .collect();
  if !needs_refresh {
    return Decision {
      action: Action::Passthrough,
      reload_all: false,
      files,
      invalidated,
      pages: Vec::new(),
      tabs: Vec::new(),
      explanations: Vec::new(),
    };
  }
  let changes: Vec<ChangedModules> =
    changed.iter().map(|(file, env, modules)| ChangedModules { file, env, modules }).collect();
  let affected = pages.affected(mirror, &changes);
  let (page_list, tabs) = if reload_all {
    (pages.all_pages(), pages.all_tabs())
  } else {
    (affected.pages, affected.tabs)
  };
  Decision {
    action: refresh.into(),
    reload_all,
    files,
    invalidated,
    pages: page_list,
    tabs,
    explanations: affected.explanations,
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn decision_serializes_in_camel_case_with_lowercase_enums() {
    let d = Decision {
      action: Action::Passthrough,
      reload_all: false,
      files: FilesByClass { server_only: vec!["src/db.ts".into()], ..Default::default() },
      invalidated: BTreeMap::from([("ssr".to_string(), vec!["/r/src/db.ts".to_string()])]),
      pages: vec!["/".into()],
      tabs: vec![1],
      explanations: vec![],
    };
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["action"], "passthrough");
    assert_eq!(json["reloadAll"], false);
    assert_eq!(json["files"]["serverOnly"][0], "src/db.ts");
    assert_eq!(json["files"]["clientOnly"].as_array().unwrap().len(), 0);
    assert_eq!(json["invalidated"]["ssr"][0], "/r/src/db.ts");
    assert_eq!(serde_json::to_value(ChangeClass::ServerOnly).unwrap(), "server-only");
    assert_eq!(serde_json::to_value(Strategy::Morph).unwrap(), "morph");
  }
}
