//! One environment's module graph: a `StableDiGraph` (nodes are never removed,
//! as in Vite, so `NodeIndex` values stay valid for the environment's whole
//! life) plus id / url / file indexes.
//!
//! Edges point from importer to imported module; walks up importer edges read
//! them from an [`ImporterIndex`] built on demand. Ids are interned as
//! `Arc<str>` shared between the node and the indexes, and a module whose
//! file equals its id shares that allocation too.

use std::sync::{Arc, OnceLock};

use petgraph::stable_graph::StableDiGraph;
use petgraph::visit::{EdgeRef, NodeIndexable};
use petgraph::Direction;
use rustc_hash::FxHashMap;
use serde::Serialize;

pub use crate::import_edge::{ImportEdge, ModuleIx};
use crate::importer_index::ImporterIndex;
use crate::module_key::{self, normalize_path, truncate, Variant, MAX_ID_BYTES};
use crate::module_record::{Consumer, Import, ModuleKind, ModuleRecord};

#[derive(Debug, Clone)]
pub struct ModuleNode {
  pub id: Arc<str>,
  /// Empty until the module is analyzed (import targets only carry ids).
  pub url: Arc<str>,
  /// File-index key: the record's file, else derived from the id.
  pub file: Arc<str>,
  pub variant: Variant,
  pub kind: ModuleKind,
  /// Seen by `update_module` at least once. Unanalyzed nodes stop Vite's
  /// update propagation and never make a file "shared".
  pub analyzed: bool,
  pub self_accepting: bool,
  pub accepted_deps: Box<[ModuleIx]>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ModuleSnapshot {
  pub id: String,
  pub url: String,
  pub file: Option<String>,
  pub analyzed: bool,
  pub self_accepting: bool,
  pub imports: Vec<Import>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct GraphSnapshot {
  pub environment: String,
  pub modules: Vec<ModuleSnapshot>,
}

pub struct EnvironmentGraph {
  pub consumer: Consumer,
  graph: StableDiGraph<ModuleNode, ImportEdge, u32>,
  by_id: FxHashMap<Arc<str>, ModuleIx>,
  by_url: FxHashMap<Arc<str>, ModuleIx>,
  by_file: FxHashMap<Arc<str>, Vec<ModuleIx>>,
  /// Reused by `update_module` so replacing imports does not allocate.
  scratch_targets: Vec<(ModuleIx, bool, bool)>,
  /// The importer edges as walks read them; dropped whenever an edge changes.
  importer_index: OnceLock<ImporterIndex>,
  /// Counts edge changes: a walk's result is current while it is unchanged.
  edges_generation: u64,
}

impl EnvironmentGraph {
  pub fn new(consumer: Consumer) -> Self {
    EnvironmentGraph {
      consumer,
      graph: StableDiGraph::default(),
      by_id: FxHashMap::default(),
      by_url: FxHashMap::default(),
      by_file: FxHashMap::default(),
      scratch_targets: Vec::new(),
      importer_index: OnceLock::new(),
      edges_generation: 0,
    }
  }

  pub fn module_count(&self) -> usize {
    self.graph.node_count()
  }

  pub fn edge_count(&self) -> usize {
    self.graph.edge_count()
  }

  pub fn node(&self, ix: ModuleIx) -> &ModuleNode {
    &self.graph[ix]
  }

  pub fn get_by_id(&self, id: &str) -> Option<ModuleIx> {
    self.by_id.get(id).copied()
  }

  pub fn get_by_url(&self, url: &str) -> Option<ModuleIx> {
    self.by_url.get(url).copied()
  }

  /// Modules whose file key is `file` (already normalized by `file_key`).
  pub fn modules_of_file(&self, file: &str) -> &[ModuleIx] {
    self.by_file.get(file).map_or(&[], Vec::as_slice)
  }

  /// Importers of `ix`, with the import edge's kind.
  pub fn importers(&self, ix: ModuleIx) -> impl Iterator<Item = (ModuleIx, ImportEdge)> + '_ {
    self.importer_index().importers(ix)
  }

  fn importer_index(&self) -> &ImporterIndex {
    self.importer_index.get_or_init(|| ImporterIndex::build(&self.graph))
  }

  /// An edge was added, removed or changed kind.
  fn edges_changed(&mut self) {
    self.importer_index.take();
    self.edges_generation += 1;
  }

  pub fn edges_generation(&self) -> u64 {
    self.edges_generation
  }

  /// Modules `ix` imports statically.
  pub fn static_imports(&self, ix: ModuleIx) -> impl Iterator<Item = ModuleIx> + '_ {
    self
      .graph
      .edges_directed(ix, Direction::Outgoing)
      .filter(|e| !e.weight().dynamic)
      .map(|e| e.target())
  }

  pub fn has_importers(&self, ix: ModuleIx) -> bool {
    self.importer_index().has_importers(ix)
  }

  /// Upper bound (exclusive) of node indexes, to size visited bitsets.
  pub fn index_bound(&self) -> usize {
    NodeIndexable::node_bound(&self.graph)
  }

  fn intern_file(&self, file: &str, id: &Arc<str>) -> Arc<str> {
    if &**id == file {
      return id.clone();
    }
    match self.by_file.get_key_value(file) {
      Some((k, _)) => k.clone(),
      None => Arc::from(file),
    }
  }

  /// Node for `id`, created unanalyzed if absent (Vite creates import
  /// targets before transforming them). `None` for over-long ids.
  pub fn ensure(&mut self, id: &str) -> Option<ModuleIx> {
    if let Some(&ix) = self.by_id.get(id) {
      return Some(ix);
    }
    if id.len() > MAX_ID_BYTES {
      return None;
    }
    let id: Arc<str> = Arc::from(id);
    let key = module_key::module_key(&id);
    let file = self.intern_file(&key.file, &id);
    let variant = key.variant;
    let ix = self.graph.add_node(ModuleNode {
      id: id.clone(),
      url: Arc::from(""),
      file: file.clone(),
      variant,
      kind: ModuleKind::Js,
      analyzed: false,
      self_accepting: false,
      accepted_deps: Box::new([]),
    });
    self.by_id.insert(id, ix);
    self.by_file.entry(file).or_default().push(ix);
    Some(ix)
  }

  /// Adds or replaces a module: marks it analyzed and makes its outgoing
  /// edges exactly `record.imports` (static wins when a target is imported
  /// both ways). Over-long ids are ignored.
  pub fn update_module(&mut self, record: &ModuleRecord) {
    let Some(ix) = self.ensure(&record.id) else {
      return;
    };
    self.set_url(ix, truncate(&record.url, MAX_ID_BYTES));
    if let Some(file) = &record.file {
      let file = normalize_path(truncate(file, MAX_ID_BYTES));
      self.set_file(ix, &file);
    }
    let accepted: Box<[ModuleIx]> =
      record.accepted_deps.iter().filter_map(|d| self.ensure(d)).collect();
    {
      let node = &mut self.graph[ix];
      node.kind = record.kind;
      node.analyzed = true;
      node.self_accepting = record.self_accepting;
      node.accepted_deps = accepted;
    }
    self.replace_imports(ix, &record.imports);
  }

  fn set_url(&mut self, ix: ModuleIx, url: &str) {
    if &*self.graph[ix].url == url {
      return;
    }
    let old = std::mem::replace(&mut self.graph[ix].url, Arc::from(url));
    if self.by_url.get(&old) == Some(&ix) {
      self.by_url.remove(&old);
    }
    if !url.is_empty() {
      let url = if url == &*self.graph[ix].id {
        self.graph[ix].id.clone()
      } else {
        self.graph[ix].url.clone()
      };
      self.graph[ix].url = url.clone();
      self.by_url.insert(url, ix);
    }
  }

  fn set_file(&mut self, ix: ModuleIx, file: &str) {
    if &*self.graph[ix].file == file {
      return;
    }
    let old = self.graph[ix].file.clone();
    if let Some(list) = self.by_file.get_mut(&old) {
      list.retain(|&m| m != ix);
      if list.is_empty() {
        self.by_file.remove(&old);
      }
    }
    let id = self.graph[ix].id.clone();
    let file = self.intern_file(file, &id);
    self.graph[ix].file = file.clone();
    self.by_file.entry(file).or_default().push(ix);
  }

  fn replace_imports(&mut self, ix: ModuleIx, imports: &[Import]) {
    // A sorted Vec beats a hash map for the handful of imports a module has.
    let mut targets = std::mem::take(&mut self.scratch_targets);
    targets.clear();
    targets
      .extend(imports.iter().filter_map(|i| self.ensure(&i.id).map(|t| (t, i.dynamic, false))));
    // Static first per target, so after dedup a target imported both ways
    // keeps `dynamic = false`.
    targets.sort_unstable_by_key(|&(t, dynamic, _)| (t, dynamic));
    targets.dedup_by_key(|&mut (t, _, _)| t);
    // Keep edges still present (updating their kind), drop the rest; the
    // third field marks targets that already have an edge.
    let mut walker = self.graph.neighbors_directed(ix, Direction::Outgoing).detach();
    while let Some((edge, target)) = walker.next(&self.graph) {
      match targets.binary_search_by_key(&target, |&(t, _, _)| t) {
        Ok(pos) if !targets[pos].2 => {
          targets[pos].2 = true;
          if self.graph[edge].dynamic != targets[pos].1 {
            self.graph[edge].dynamic = targets[pos].1;
            self.edges_changed();
          }
        }
        _ => {
          self.graph.remove_edge(edge);
          self.edges_changed();
        }
      }
    }
    for &(target, dynamic, linked) in &targets {
      if !linked {
        self.graph.add_edge(ix, target, ImportEdge { dynamic });
        self.edges_changed();
      }
    }
    targets.clear();
    self.scratch_targets = targets;
  }

  /// Vite's `onFileDelete`: the file's modules stop importing anything but
  /// stay in the graph.
  pub fn delete_file(&mut self, file: &str) {
    let Some(mods) = self.by_file.get(file) else {
      return;
    };
    for &ix in mods {
      let mut walker = self.graph.neighbors_directed(ix, Direction::Outgoing).detach();
      while let Some((edge, _)) = walker.next(&self.graph) {
        self.graph.remove_edge(edge);
        self.importer_index.take();
        self.edges_generation += 1;
      }
    }
  }

  /// Resolves a page root: by id, then url, then file.
  pub fn resolve_root(&self, root: &str, out: &mut Vec<ModuleIx>) -> bool {
    if let Some(ix) = self.get_by_id(root).or_else(|| self.get_by_url(root)) {
      out.push(ix);
      return true;
    }
    let mods = self.modules_of_file(&module_key::file_key(root));
    out.extend_from_slice(mods);
    !mods.is_empty()
  }

  pub fn snapshot(&self, environment: &str) -> GraphSnapshot {
    let mut modules: Vec<ModuleSnapshot> = self
      .graph
      .node_indices()
      .map(|ix| {
        let node = &self.graph[ix];
        let mut imports: Vec<Import> = self
          .graph
          .edges_directed(ix, Direction::Outgoing)
          .map(|e| Import::new(&*self.graph[e.target()].id, e.weight().dynamic))
          .collect();
        imports.sort();
        ModuleSnapshot {
          id: node.id.to_string(),
          url: node.url.to_string(),
          file: Some(node.file.to_string()),
          analyzed: node.analyzed,
          self_accepting: node.self_accepting,
          imports,
        }
      })
      .collect();
    modules.sort_by(|a, b| a.id.cmp(&b.id));
    GraphSnapshot { environment: environment.to_string(), modules }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn ids(g: &EnvironmentGraph, env: &str) -> Vec<(String, Vec<Import>)> {
    g.snapshot(env).modules.into_iter().map(|m| (m.id, m.imports)).collect()
  }

  #[test]
  fn import_targets_are_created_unanalyzed() {
    let mut g = EnvironmentGraph::new(Consumer::Server);
    g.update_module(&ModuleRecord::js("/a.ts", vec![Import::new("/b.ts", false)]));
    let b = g.get_by_id("/b.ts").unwrap();
    assert!(!g.node(b).analyzed);
    assert!(g.node(g.get_by_id("/a.ts").unwrap()).analyzed);
  }

  #[test]
  fn replacing_imports_prunes_edges_that_are_gone() {
    let mut g = EnvironmentGraph::new(Consumer::Server);
    g.update_module(&ModuleRecord::js(
      "/a.ts",
      vec![Import::new("/b.ts", false), Import::new("/c.ts", true)],
    ));
    g.update_module(&ModuleRecord::js(
      "/a.ts",
      vec![Import::new("/c.ts", false), Import::new("/d.ts", true)],
    ));
    assert_eq!(
      ids(&g, "ssr")[0],
      ("/a.ts".to_string(), vec![Import::new("/c.ts", false), Import::new("/d.ts", true)])
    );
    assert_eq!(g.edge_count(), 2);
  }

  #[test]
  fn static_import_wins_over_dynamic_import_of_same_target() {
    let mut g = EnvironmentGraph::new(Consumer::Server);
    g.update_module(&ModuleRecord::js(
      "/a.ts",
      vec![Import::new("/b.ts", true), Import::new("/b.ts", false)],
    ));
    assert_eq!(g.edge_count(), 1);
    let a = g.get_by_id("/a.ts").unwrap();
    let b = g.get_by_id("/b.ts").unwrap();
    assert_eq!(g.importers(b).collect::<Vec<_>>(), vec![(a, ImportEdge { dynamic: false })]);
  }

  #[test]
  fn delete_file_drops_outgoing_edges_but_keeps_nodes() {
    let mut g = EnvironmentGraph::new(Consumer::Server);
    g.update_module(&ModuleRecord::js("/a.ts", vec![Import::new("/b.ts", false)]));
    g.update_module(&ModuleRecord::js("/b.ts", vec![Import::new("/c.ts", false)]));
    g.delete_file("/b.ts");
    assert_eq!(g.module_count(), 3);
    assert_eq!(g.edge_count(), 1, "a -> b stays, b -> c is gone");
  }

  #[test]
  fn query_variants_share_the_file_index_entry() {
    let mut g = EnvironmentGraph::new(Consumer::Client);
    g.update_module(&ModuleRecord::js("/a.css?raw", vec![]));
    g.update_module(&ModuleRecord::js("/a.css?direct", vec![]));
    assert_eq!(g.modules_of_file("/a.css").len(), 2);
  }

  #[test]
  fn record_file_overrides_derived_file() {
    let mut g = EnvironmentGraph::new(Consumer::Server);
    g.update_module(&ModuleRecord::js("/x.ts", vec![Import::new("\0virtual:y", false)]));
    let mut rec = ModuleRecord::js("\0virtual:y", vec![]);
    rec.file = Some("C:\\src\\y.ts".into());
    g.update_module(&rec);
    assert_eq!(g.modules_of_file("C:/src/y.ts").len(), 1);
    assert!(g.modules_of_file("\0virtual:y").is_empty());
  }

  #[test]
  fn over_long_ids_are_ignored() {
    let mut g = EnvironmentGraph::new(Consumer::Server);
    let long = "x".repeat(MAX_ID_BYTES + 1);
    g.update_module(&ModuleRecord::js(&long, vec![]));
    g.update_module(&ModuleRecord::js("/a.ts", vec![Import::new(&long, false)]));
    assert_eq!(g.module_count(), 1);
  }

  #[test]
  fn roots_resolve_by_id_then_url_then_file() {
    let mut g = EnvironmentGraph::new(Consumer::Server);
    let mut rec = ModuleRecord::js("/root/src/page.tsx", vec![]);
    rec.url = "/src/page.tsx".into();
    g.update_module(&rec);
    let page = g.get_by_id("/root/src/page.tsx").unwrap();
    for root in ["/root/src/page.tsx", "/src/page.tsx", "/root/src/page.tsx?v=1"] {
      let mut out = vec![];
      assert!(g.resolve_root(root, &mut out), "{root}");
      assert_eq!(out, vec![page]);
    }
    assert!(!g.resolve_root("/nope", &mut vec![]));
  }
}
