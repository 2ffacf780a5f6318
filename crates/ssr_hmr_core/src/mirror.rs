//! `ModuleGraphMirror`: every environment's module graph.
//!
//! The file index is kept per environment (`EnvironmentGraph::modules_of_file`),
//! so "which modules of this file, in which environments" is one hash lookup
//! per environment; Vite apps have a handful of environments, and per-env
//! indexes make `drop_environment` O(1) instead of a scan of a global index.

use std::collections::BTreeMap;

use crate::environment_graph::{EnvironmentGraph, GraphSnapshot, ModuleIx};
use crate::module_key::file_key;
use crate::module_record::{Consumer, ModuleRecord};

/// Environment name Vite gives the browser environment; the only unknown
/// name that is assumed to be a client when first seen.
pub const CLIENT_ENVIRONMENT: &str = "client";

#[derive(Default)]
pub struct ModuleGraphMirror {
  /// BTreeMap: deterministic iteration order for decisions and snapshots.
  environments: BTreeMap<String, EnvironmentGraph>,
}

impl ModuleGraphMirror {
  pub fn new() -> Self {
    Self::default()
  }

  /// Declares an environment. Re-declaring with another consumer keeps the
  /// graph and only changes the consumer.
  pub fn set_environment(&mut self, name: &str, consumer: Consumer) {
    self
      .environments
      .entry(name.to_string())
      .and_modify(|g| g.consumer = consumer)
      .or_insert_with(|| EnvironmentGraph::new(consumer));
  }

  /// Unknown environments are created lazily: `client` as a client, any
  /// other name as a server (custom environments are nearly always server
  /// runtimes; the shim declares every environment up front anyway).
  pub fn update_module(&mut self, env: &str, record: &ModuleRecord) {
    if !self.environments.contains_key(env) {
      let consumer = if env == CLIENT_ENVIRONMENT { Consumer::Client } else { Consumer::Server };
      self.set_environment(env, consumer);
    }
    if let Some(g) = self.environments.get_mut(env) {
      g.update_module(record);
    }
  }

  pub fn delete_file(&mut self, file: &str) {
    let key = file_key(file);
    for g in self.environments.values_mut() {
      g.delete_file(&key);
    }
  }

  pub fn drop_environment(&mut self, env: &str) -> bool {
    self.environments.remove(env).is_some()
  }

  pub fn reset(&mut self) {
    self.environments.clear();
  }

  pub fn environment(&self, env: &str) -> Option<&EnvironmentGraph> {
    self.environments.get(env)
  }

  pub fn environments(&self) -> impl Iterator<Item = (&str, &EnvironmentGraph)> {
    self.environments.iter().map(|(k, v)| (k.as_str(), v))
  }

  pub fn client_environments(&self) -> impl Iterator<Item = &EnvironmentGraph> {
    self.environments.values().filter(|g| g.consumer == Consumer::Client)
  }

  /// Modules of `file` (any spelling) in every environment that has some.
  pub fn modules_of_file<'a>(
    &'a self,
    file: &'a str,
  ) -> impl Iterator<Item = (&'a str, &'a EnvironmentGraph, &'a [ModuleIx])> + 'a {
    let key = file_key(file).into_owned();
    self.environments.iter().filter_map(move |(name, g)| {
      let mods = g.modules_of_file(&key);
      (!mods.is_empty()).then_some((name.as_str(), g, mods))
    })
  }

  pub fn snapshot(&self, env: &str) -> Option<GraphSnapshot> {
    self.environments.get(env).map(|g| g.snapshot(env))
  }

  pub fn environment_count(&self) -> usize {
    self.environments.len()
  }

  pub fn module_count(&self) -> usize {
    self.environments.values().map(|g| g.module_count()).sum()
  }

  pub fn edge_count(&self) -> usize {
    self.environments.values().map(|g| g.edge_count()).sum()
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::module_record::Import;

  #[test]
  fn unknown_environment_named_client_is_a_client() {
    let mut m = ModuleGraphMirror::new();
    m.update_module("client", &ModuleRecord::js("/a.ts", vec![]));
    m.update_module("edge", &ModuleRecord::js("/a.ts", vec![]));
    assert_eq!(m.environment("client").unwrap().consumer, Consumer::Client);
    assert_eq!(m.environment("edge").unwrap().consumer, Consumer::Server);
  }

  #[test]
  fn file_index_finds_modules_in_every_environment() {
    let mut m = ModuleGraphMirror::new();
    m.set_environment("client", Consumer::Client);
    m.set_environment("ssr", Consumer::Server);
    m.update_module("client", &ModuleRecord::js("/a.ts?v=1", vec![]));
    m.update_module("ssr", &ModuleRecord::js("/a.ts", vec![]));
    let envs: Vec<&str> = m.modules_of_file("/a.ts").map(|(e, _, _)| e).collect();
    assert_eq!(envs, vec!["client", "ssr"]);
  }

  #[test]
  fn delete_file_applies_to_every_environment() {
    let mut m = ModuleGraphMirror::new();
    for env in ["client", "ssr"] {
      m.update_module(env, &ModuleRecord::js("/a.ts", vec![Import::new("/b.ts", false)]));
    }
    m.delete_file("/a.ts");
    assert_eq!(m.edge_count(), 0);
    assert_eq!(m.module_count(), 4);
  }

  #[test]
  fn drop_environment_forgets_its_graph() {
    let mut m = ModuleGraphMirror::new();
    m.update_module("ssr", &ModuleRecord::js("/a.ts", vec![]));
    assert!(m.drop_environment("ssr"));
    assert!(m.snapshot("ssr").is_none());
    assert!(!m.drop_environment("ssr"));
  }
}
