//! Walks up importer edges from changed modules.
//!
//! A server-only change needs two sets of importers: every transitive
//! importer over static and dynamic edges (what to invalidate,
//! [`crate::invalidation`]), and the static ones with the shortest importer
//! chain to each (which pages' roots the change reaches, [`crate::affected`]).
//! The second lies inside the first, so [`walk_up`] finds both in one
//! breadth-first walk that reads each edge once. The decision then reads the
//! page roots off the kept [`StaticReach`] instead of walking again, while
//! the graph's edges are still the ones it was walked on.

use crate::environment_graph::{EnvironmentGraph, ModuleIx};
use crate::visited::VisitedSet;

/// Parent position of a walk's starting module.
pub const NO_PARENT: u32 = u32::MAX;

/// Modules reached over static importer edges, breadth-first: each with the
/// position of the previous module of its importer chain (`NO_PARENT` for a
/// starting one).
pub type Reach = [(ModuleIx, u32)];

/// A static reach kept from the walk of a change, for its decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticReach {
  /// The graph's edge generation when it was walked.
  generation: u64,
  nodes: Vec<(ModuleIx, u32)>,
}

impl StaticReach {
  /// The reach of `seeds`, if it was walked from them and `g`'s edges did
  /// not change since.
  pub fn current(&self, g: &EnvironmentGraph, seeds: &[ModuleIx]) -> Option<&Reach> {
    let mut walked: Vec<ModuleIx> =
      self.nodes.iter().take_while(|&&(_, parent)| parent == NO_PARENT).map(|&(m, _)| m).collect();
    let mut asked = seeds.to_vec();
    walked.sort_unstable();
    asked.sort_unstable();
    asked.dedup();
    (self.generation == g.edges_generation() && walked == asked).then_some(self.nodes.as_slice())
  }

  pub fn len(&self) -> usize {
    self.nodes.len()
  }

  pub fn is_empty(&self) -> bool {
    self.nodes.is_empty()
  }
}

/// Buffers reused across walks.
#[derive(Debug, Default)]
pub struct WalkScratch {
  all: VisitedSet,
  reached: VisitedSet,
}

/// `changed` and all its transitive importers (changed modules first), and
/// the static reach of `seeds` (some of `changed`).
pub fn walk_up(
  g: &EnvironmentGraph,
  changed: &[ModuleIx],
  seeds: &[ModuleIx],
  scratch: &mut WalkScratch,
) -> (Vec<ModuleIx>, StaticReach) {
  let WalkScratch { all, reached } = scratch;
  all.clear(g.index_bound());
  reached.clear(g.index_bound());
  let mut every = Vec::with_capacity(changed.len() * 4);
  for &m in changed {
    if all.insert(m.index()) {
      every.push(m);
    }
  }
  let mut nodes = Vec::with_capacity(seeds.len() * 4);
  for &m in seeds {
    if reached.insert(m.index()) {
      nodes.push((m, NO_PARENT));
      if all.insert(m.index()) {
        every.push(m);
      }
    }
  }
  // The static part first; a reached module's dynamic importers wait for the rest.
  let mut head = 0;
  while head < nodes.len() {
    let (m, _) = nodes[head];
    for (importer, edge) in g.importers(m) {
      if !edge.dynamic && reached.insert(importer.index()) {
        nodes.push((importer, head as u32));
      }
      if all.insert(importer.index()) {
        every.push(importer);
      }
    }
    head += 1;
  }
  // Then every edge, from what the static part did not expand.
  let mut head = 0;
  while head < every.len() {
    let m = every[head];
    head += 1;
    if reached.contains(m.index()) {
      continue;
    }
    for (importer, _) in g.importers(m) {
      if all.insert(importer.index()) {
        every.push(importer);
      }
    }
  }
  (every, StaticReach { generation: g.edges_generation(), nodes })
}

/// `changed` plus every transitive importer over static and dynamic edges.
pub fn transitive_importers(
  g: &EnvironmentGraph,
  changed: &[ModuleIx],
  scratch: &mut WalkScratch,
) -> Vec<ModuleIx> {
  walk_up(g, changed, &[], scratch).0
}

/// The static reach of `seeds`, into `nodes` (cleared first).
pub fn static_reach(
  g: &EnvironmentGraph,
  seeds: &[ModuleIx],
  visited: &mut VisitedSet,
  nodes: &mut Vec<(ModuleIx, u32)>,
) {
  visited.clear(g.index_bound());
  nodes.clear();
  for &m in seeds {
    if visited.insert(m.index()) {
      nodes.push((m, NO_PARENT));
    }
  }
  let mut head = 0;
  while head < nodes.len() {
    let (m, _) = nodes[head];
    for (importer, edge) in g.importers(m) {
      if !edge.dynamic && visited.insert(importer.index()) {
        nodes.push((importer, head as u32));
      }
    }
    head += 1;
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::module_record::{Consumer, Import, ModuleRecord};

  fn graph(edges: &[(&str, &[(&str, bool)])]) -> EnvironmentGraph {
    let mut g = EnvironmentGraph::new(Consumer::Server);
    for (id, imports) in edges {
      let imports = imports.iter().map(|(to, dynamic)| Import::new(*to, *dynamic)).collect();
      g.update_module(&ModuleRecord::js(*id, imports));
    }
    g
  }

  fn ids(g: &EnvironmentGraph, modules: impl IntoIterator<Item = ModuleIx>) -> Vec<String> {
    let mut ids: Vec<String> = modules.into_iter().map(|m| g.node(m).id.to_string()).collect();
    ids.sort();
    ids
  }

  /// entry -(dynamic)-> page -> loader -> db; other -> db; lazy -(dynamic)-> db.
  fn app() -> EnvironmentGraph {
    graph(&[
      ("/entry.ts", &[("/page.ts", true)]),
      ("/page.ts", &[("/loader.ts", false)]),
      ("/loader.ts", &[("/db.ts", false)]),
      ("/other.ts", &[("/db.ts", false)]),
      ("/lazy.ts", &[("/db.ts", true)]),
      ("/db.ts", &[]),
    ])
  }

  #[test]
  fn one_walk_gives_every_importer_and_the_static_reach_with_its_chains() {
    let g = app();
    let db = g.get_by_id("/db.ts").unwrap();
    let (every, reach) = walk_up(&g, &[db], &[db], &mut WalkScratch::default());
    assert_eq!(every[0], db, "the changed module first");
    assert_eq!(
      ids(&g, every.iter().copied()),
      ["/db.ts", "/entry.ts", "/lazy.ts", "/loader.ts", "/other.ts", "/page.ts"]
    );
    let nodes = reach.current(&g, &[db]).unwrap();
    assert_eq!(
      ids(&g, nodes.iter().map(|&(m, _)| m)),
      ["/db.ts", "/loader.ts", "/other.ts", "/page.ts"]
    );
    // page.ts's chain: page ← loader ← db.
    let page = nodes.iter().position(|&(m, _)| &*g.node(m).id == "/page.ts").unwrap();
    let loader = nodes[page].1 as usize;
    assert_eq!(&*g.node(nodes[loader].0).id, "/loader.ts");
    assert_eq!(nodes[nodes[loader].1 as usize], (db, NO_PARENT));
  }

  #[test]
  fn the_walk_agrees_with_separate_walks() {
    let g = app();
    let loader = g.get_by_id("/loader.ts").unwrap();
    let db = g.get_by_id("/db.ts").unwrap();
    let mut scratch = WalkScratch::default();
    // The browser runs loader.ts too: only db.ts seeds the static reach.
    let (every, reach) = walk_up(&g, &[loader, db], &[db], &mut scratch);
    assert_eq!(ids(&g, every), ids(&g, transitive_importers(&g, &[loader, db], &mut scratch)));
    let mut alone = Vec::new();
    static_reach(&g, &[db], &mut VisitedSet::default(), &mut alone);
    assert_eq!(reach.current(&g, &[db]).unwrap(), alone.as_slice());
    assert!(reach.current(&g, &[loader, db]).is_none(), "walked from other modules");
  }

  #[test]
  fn a_reach_is_not_reused_once_an_edge_changed() {
    let mut g = app();
    let db = g.get_by_id("/db.ts").unwrap();
    let (_, reach) = walk_up(&g, &[db], &[db], &mut WalkScratch::default());
    g.update_module(&ModuleRecord::js("/other.ts", vec![Import::new("/db.ts", false)]));
    assert!(reach.current(&g, &[db]).is_some(), "same imports: same edges");
    g.update_module(&ModuleRecord::js("/other.ts", vec![]));
    assert!(reach.current(&g, &[db]).is_none());
  }
}
