//! What the shim reports about one module after Vite analyzed it.

use serde::{Deserialize, Serialize};

/// Who consumes an environment's modules (Vite's `environment.config.consumer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Consumer {
  Client,
  Server,
}

/// Vite's `mod.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModuleKind {
  #[default]
  Js,
  Css,
  Asset,
}

/// One import of a module: the resolved id of the target.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Import {
  pub id: String,
  /// `import()` rather than a static `import`.
  pub dynamic: bool,
}

impl Import {
  pub fn new(id: impl Into<String>, dynamic: bool) -> Self {
    Import { id: id.into(), dynamic }
  }
}

/// A module of one environment after transform + import analysis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleRecord {
  pub id: String,
  pub url: String,
  /// `None` lets the engine derive it from the id (as Vite's `cleanUrl`).
  pub file: Option<String>,
  pub kind: ModuleKind,
  pub self_accepting: bool,
  /// Ids of imported modules whose updates this module accepts.
  pub accepted_deps: Vec<String>,
  pub imports: Vec<Import>,
}

impl ModuleRecord {
  /// A JS module with the given id used as url too; handy in tests.
  pub fn js(id: impl Into<String>, imports: Vec<Import>) -> Self {
    let id = id.into();
    ModuleRecord { url: id.clone(), id, imports, ..Default::default() }
  }
}
