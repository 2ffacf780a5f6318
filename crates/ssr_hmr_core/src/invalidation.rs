//! Which server modules must be invalidated after a change of a file a
//! server environment runs (server-only or shared).
//!
//! Unless we keep Vite's update, the plugin returns `[]` from that
//! environment's `hotUpdate` hook, so Vite sends nothing to its module
//! runner; any module we do not invalidate ourselves stays stale in the
//! runner's evaluated-module cache.
//!
//! * If Vite's own propagation (`propagateUpdate`) would find HMR boundaries
//!   on every path, the runner's update is correct and cheap: we keep it
//!   (`keep_vite_update = true`) and invalidate nothing ourselves.
//! * Otherwise (a dead end: Vite would do a full program reload of the
//!   server), we invalidate the changed modules plus *all* their transitive
//!   importers over static and dynamic edges, ignoring boundaries, so barrel
//!   files re-exporting the module and `import()` chains never keep serving
//!   stale exports, while untouched modules stay cached.
//!
//! Propagation mirrors Vite: an unanalyzed node stops a path (not a dead end),
//! a self-accepting node is a boundary, an importer that lists the module in
//! its accepted deps is a boundary, a module without importers is a dead end,
//! and so is a non-CSS module imported only by CSS. Vite's DFS with a shared
//! traversed-set computes plain reachability of a dead end, so a BFS with a
//! visited set gives the same answer and terminates on cycles.

use crate::environment_graph::{EnvironmentGraph, ModuleIx};
use crate::importer_walk::{walk_up, StaticReach, WalkScratch};
use crate::module_record::ModuleKind;
use crate::visited::VisitedSet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvalidationSet {
  /// Vite's runner update handles the change; `modules` is empty.
  pub keep_vite_update: bool,
  /// Changed modules first, then importers in BFS order.
  pub modules: Vec<ModuleIx>,
}

/// Buffers reused across calls.
#[derive(Debug, Default)]
pub struct InvalidationScratch {
  visited: VisitedSet,
  /// The dead-end search's stack.
  queue: Vec<ModuleIx>,
  pub walk: WalkScratch,
}

impl InvalidationSet {
  /// The set for a change of `changed`; when it walked the importers, also
  /// the static reach of `seeds` (the changed modules the browser lacks),
  /// which the decision reads the affected pages off.
  pub fn compute(
    g: &EnvironmentGraph,
    changed: &[ModuleIx],
    seeds: &[ModuleIx],
    scratch: &mut InvalidationScratch,
  ) -> (InvalidationSet, Option<StaticReach>) {
    if !has_dead_end(g, changed, scratch) {
      return (InvalidationSet { keep_vite_update: true, modules: Vec::new() }, None);
    }
    let (modules, reach) = walk_up(g, changed, seeds, &mut scratch.walk);
    let reach = (!seeds.is_empty()).then_some(reach);
    (InvalidationSet { keep_vite_update: false, modules }, reach)
  }
}

/// Would Vite's `propagateUpdate` hit a dead end from any changed module?
///
/// Depth-first, as Vite walks: a path straight up to a module nothing imports
/// (the entry) ends the search after a handful of nodes, where a breadth-first
/// walk would first visit most of a hub's importers.
pub fn has_dead_end(
  g: &EnvironmentGraph,
  changed: &[ModuleIx],
  s: &mut InvalidationScratch,
) -> bool {
  s.visited.clear(g.index_bound());
  s.queue.clear();
  for &c in changed.iter().rev() {
    if s.visited.insert(c.index()) {
      s.queue.push(c);
    }
  }
  while let Some(m) = s.queue.pop() {
    let node = g.node(m);
    if !node.analyzed || node.self_accepting {
      continue;
    }
    if !g.has_importers(m) {
      return true;
    }
    if node.kind != ModuleKind::Css
      && g.importers(m).all(|(i, _)| g.node(i).kind == ModuleKind::Css)
    {
      return true;
    }
    for (importer, _) in g.importers(m) {
      if g.node(importer).accepted_deps.contains(&m) {
        continue;
      }
      if s.visited.insert(importer.index()) {
        s.queue.push(importer);
      }
    }
  }
  false
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::module_record::{Consumer, Import, ModuleRecord};

  struct G(EnvironmentGraph);

  impl G {
    fn new() -> Self {
      G(EnvironmentGraph::new(Consumer::Server))
    }
    fn add(&mut self, id: &str, imports: &[(&str, bool)]) -> &mut Self {
      let imports = imports.iter().map(|(i, d)| Import::new(*i, *d)).collect();
      self.0.update_module(&ModuleRecord::js(id, imports));
      self
    }
    fn add_rec(&mut self, rec: ModuleRecord) -> &mut Self {
      self.0.update_module(&rec);
      self
    }
    fn run(&self, changed: &str) -> (bool, Vec<String>) {
      let ix = self.0.get_by_id(changed).unwrap();
      let (set, _) =
        InvalidationSet::compute(&self.0, &[ix], &[], &mut InvalidationScratch::default());
      let mut ids: Vec<String> =
        set.modules.iter().map(|&m| self.0.node(m).id.to_string()).collect();
      ids.sort();
      (set.keep_vite_update, ids)
    }
  }

  fn accepting(id: &str, imports: &[&str], accepts: &[&str]) -> ModuleRecord {
    let mut r = ModuleRecord::js(id, imports.iter().map(|i| Import::new(*i, false)).collect());
    r.accepted_deps = accepts.iter().map(|s| s.to_string()).collect();
    r
  }

  #[test]
  fn dead_end_invalidates_changed_module_and_all_importers() {
    let mut g = G::new();
    g.add("/entry.ts", &[("/page.ts", false)])
      .add("/page.ts", &[("/barrel.ts", false)])
      .add("/barrel.ts", &[("/db.ts", false)])
      .add("/db.ts", &[]);
    let (keep, ids) = g.run("/db.ts");
    assert!(!keep);
    assert_eq!(ids, ["/barrel.ts", "/db.ts", "/entry.ts", "/page.ts"]);
  }

  #[test]
  fn self_accepting_module_is_a_boundary_and_keeps_vite_update() {
    let mut g = G::new();
    let mut r = ModuleRecord::js("/db.ts", vec![]);
    r.self_accepting = true;
    g.add("/entry.ts", &[("/db.ts", false)]).add_rec(r);
    assert_eq!(g.run("/db.ts"), (true, vec![]));
  }

  #[test]
  fn importer_accepting_the_dep_is_a_boundary() {
    let mut g = G::new();
    g.add("/entry.ts", &[("/page.ts", false)])
      .add_rec(accepting("/page.ts", &["/db.ts"], &["/db.ts"]))
      .add("/db.ts", &[]);
    assert_eq!(g.run("/db.ts"), (true, vec![]));
  }

  #[test]
  fn one_path_without_boundary_is_enough_for_a_dead_end() {
    let mut g = G::new();
    g.add_rec(accepting("/a.ts", &["/db.ts"], &["/db.ts"]))
      .add("/b.ts", &[("/db.ts", false)])
      .add("/db.ts", &[]);
    let (keep, ids) = g.run("/db.ts");
    assert!(!keep);
    assert_eq!(ids, ["/a.ts", "/b.ts", "/db.ts"], "boundaries are still invalidated");
  }

  #[test]
  fn unanalyzed_changed_module_is_not_a_dead_end() {
    // Only analyzed modules have outgoing edges, so the one unanalyzed
    // node propagation can meet is a changed module that was never run.
    let mut g = G::new();
    g.add("/x.ts", &[("/lazy.ts", false)]);
    assert_eq!(g.run("/lazy.ts"), (true, vec![]));
  }

  #[test]
  fn dynamic_import_chains_are_invalidated() {
    let mut g = G::new();
    g.add("/entry.ts", &[("/route.ts", true)])
      .add("/route.ts", &[("/db.ts", false)])
      .add("/db.ts", &[]);
    let (keep, ids) = g.run("/db.ts");
    assert!(!keep);
    assert_eq!(ids, ["/db.ts", "/entry.ts", "/route.ts"]);
  }

  #[test]
  fn cycles_terminate() {
    let mut g = G::new();
    g.add("/a.ts", &[("/b.ts", false)]).add("/b.ts", &[("/a.ts", false), ("/b.ts", false)]);
    // Every module has an importer, no boundary: Vite finds no dead end.
    assert_eq!(g.run("/a.ts"), (true, vec![]));
    g.add("/entry.ts", &[("/a.ts", false)]);
    let (keep, ids) = g.run("/b.ts");
    assert!(!keep);
    assert_eq!(ids, ["/a.ts", "/b.ts", "/entry.ts"]);
  }

  #[test]
  fn module_imported_only_by_css_is_a_dead_end() {
    let mut g = G::new();
    let mut css = ModuleRecord::js("/a.css", vec![Import::new("/tw.config.ts", false)]);
    css.kind = ModuleKind::Css;
    css.self_accepting = true;
    g.add_rec(css).add("/tw.config.ts", &[]);
    let (keep, ids) = g.run("/tw.config.ts");
    assert!(!keep);
    assert_eq!(ids, ["/a.css", "/tw.config.ts"]);
  }
}
