//! Which pages and tabs a server-only change may have made stale: the
//! candidates whose output is then checked.
//!
//! A page may be affected when the static-import closure of its roots
//! contains a changed module. Dynamic imports are not followed: the ones a
//! render took were requested during that render and are roots themselves.
//! Instead of computing every page's closure, the walk goes *up* from the
//! changed modules over static importer edges (visiting only what can reach
//! them) and looks each reached module up in the root → pages index. Breadth
//! first, so the first time a root is reached is through a shortest importer
//! chain: that chain explains, for logs and for frameworks that revalidate
//! per loader, which of the page's roots reach the change.
//!
//! Safety rules: a tab we know too little about (no url, or a page with no
//! resolved roots) is always a candidate: a stale tab is worse than an extra
//! check. Likewise, a change in an environment where no page has recorded
//! roots (its fetches are not tied to page requests, e.g. a worker) makes
//! every tab a candidate: no page can be said not to depend on it.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::environment_graph::{EnvironmentGraph, ModuleIx};
use crate::importer_walk::{static_reach, Reach, NO_PARENT};
use crate::mirror::ModuleGraphMirror;
use crate::page_roots::{PageRoots, RootIndex};
use crate::tabs::{TabId, Tabs};
use crate::visited::VisitedSet;

/// Most explanations put in one decision.
pub const MAX_EXPLANATIONS: usize = 64;
/// Explanations collected before the sort and dedup keep `MAX_EXPLANATIONS`.
const EXPLANATIONS_COLLECTED: usize = MAX_EXPLANATIONS * 2;

/// Why `page` is affected: the shortest static importer chain from a changed
/// module of `file` to `root`, one of the page's roots (ids, changed module
/// first, `root` last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
  pub file: String,
  pub page: String,
  pub root: String,
  pub chain: Vec<String>,
}

/// Changed server-only modules of one file in one environment.
pub struct ChangedModules<'a> {
  /// Root-relative file, for explanations.
  pub file: &'a str,
  pub env: &'a str,
  pub modules: &'a [ModuleIx],
  /// Their static reach, kept from the change's walk (`importer_walk`) while
  /// the graph's edges are unchanged: read instead of walking again.
  pub reach: Option<&'a Reach>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AffectedPages {
  /// Pages whose roots reach a change, sorted.
  pub pages: Vec<String>,
  /// Tabs showing one of them, or a page we know too little about; sorted.
  pub tabs: Vec<TabId>,
  /// Sorted by (file, page, root); at most `MAX_EXPLANATIONS`.
  pub explanations: Vec<Explanation>,
}

/// Buffers reused across walks.
#[derive(Default)]
pub struct AffectedScratch {
  visited: VisitedSet,
  /// A walk's static reach (module, position of its parent in it).
  queue: Vec<(ModuleIx, u32)>,
}

/// Pages and tabs the given changed server modules may have made stale.
pub fn affected_pages(
  mirror: &ModuleGraphMirror,
  roots: &PageRoots,
  tabs: &Tabs,
  changes: &[ChangedModules],
  scratch: &mut AffectedScratch,
) -> AffectedPages {
  let mut affected: FxHashSet<Arc<str>> = FxHashSet::default();
  let mut explanations = Vec::new();
  let mut blind = false;
  // Once there are enough explanations, the files left are walked together, one walk per
  // environment: a burst of 50 files costs about one walk, not 50.
  let mut unexplained: BTreeMap<&str, Vec<ModuleIx>> = BTreeMap::new();
  for change in changes {
    if mirror.environment(change.env).is_none() {
      continue;
    }
    if roots.index(change.env).is_none() {
      blind |= !change.modules.is_empty();
      continue;
    }
    if explanations.len() >= EXPLANATIONS_COLLECTED {
      unexplained.entry(change.env).or_default().extend_from_slice(change.modules);
      continue;
    }
    let (Some(g), Some(index)) = (mirror.environment(change.env), roots.index(change.env)) else {
      continue;
    };
    walk_to_roots(g, change, index, scratch, &mut affected, &mut explanations);
  }
  for (env, modules) in &unexplained {
    let (Some(g), Some(index)) = (mirror.environment(env), roots.index(env)) else { continue };
    let change = ChangedModules { file: "", env, modules, reach: None };
    walk_to_roots(g, &change, index, scratch, &mut affected, &mut explanations);
  }
  let mut affected_tabs: Vec<TabId> = tabs
    .pages()
    .filter(|(_, page)| match page {
      _ if blind => true,
      None => true,
      Some(url) => match roots.has_resolved_roots(url) {
        None | Some(false) => true,
        Some(true) => affected.contains(*url),
      },
    })
    .map(|(id, _)| id)
    .collect();
  affected_tabs.sort_unstable();
  let mut pages: Vec<String> = affected.iter().map(|p| p.to_string()).collect();
  pages.sort_unstable();
  // One file changed in several environments may reach a root twice: keep
  // the shortest chain.
  explanations.sort_by(|a: &Explanation, b: &Explanation| {
    (&a.file, &a.page, &a.root, a.chain.len()).cmp(&(&b.file, &b.page, &b.root, b.chain.len()))
  });
  explanations.dedup_by(|b, a| a.file == b.file && a.page == b.page && a.root == b.root);
  explanations.truncate(MAX_EXPLANATIONS);
  AffectedPages { pages, tabs: affected_tabs, explanations }
}

/// The pages whose roots one file's changed modules reach over static
/// importer edges, with an explanation per (page, root) while they last.
fn walk_to_roots(
  g: &EnvironmentGraph,
  change: &ChangedModules,
  index: &RootIndex,
  scratch: &mut AffectedScratch,
  affected: &mut FxHashSet<Arc<str>>,
  explanations: &mut Vec<Explanation>,
) {
  let reach = match change.reach {
    Some(reach) => reach,
    None => {
      static_reach(g, change.modules, &mut scratch.visited, &mut scratch.queue);
      &scratch.queue
    }
  };
  for (pos, &(m, _)) in reach.iter().enumerate() {
    let Some(pages) = index.get(&m) else { continue };
    for page in pages {
      affected.insert(page.clone());
      if explanations.len() < EXPLANATIONS_COLLECTED {
        explanations.push(Explanation {
          file: change.file.to_string(),
          page: page.to_string(),
          root: g.node(m).id.to_string(),
          chain: chain_to(g, reach, pos),
        });
      }
    }
  }
}

/// Ids from the changed module to `reach[pos]`.
fn chain_to(g: &EnvironmentGraph, reach: &Reach, mut pos: usize) -> Vec<String> {
  let mut chain = Vec::new();
  loop {
    let (m, parent) = reach[pos];
    chain.push(g.node(m).id.to_string());
    if parent == NO_PARENT {
      break;
    }
    pos = parent as usize;
  }
  chain.reverse();
  chain
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::module_record::{Consumer, Import, ModuleRecord};
  use crate::page_roots::FetchedModule;

  fn mirror(edges: &[(&str, &[(&str, bool)])]) -> ModuleGraphMirror {
    let mut m = ModuleGraphMirror::new();
    m.set_environment("ssr", Consumer::Server);
    for (id, imports) in edges {
      let imports = imports.iter().map(|(i, d)| Import::new(*i, *d)).collect();
      m.update_module("ssr", &ModuleRecord::js(*id, imports));
    }
    m
  }

  struct Fixture {
    mirror: ModuleGraphMirror,
    roots: PageRoots,
    tabs: Tabs,
  }

  impl Fixture {
    fn new(edges: &[(&str, &[(&str, bool)])]) -> Self {
      Fixture { mirror: mirror(edges), roots: PageRoots::new(8, 8), tabs: Tabs::new(8) }
    }
    fn record(&mut self, url: &str, roots: &[&str]) {
      let fetched: Vec<FetchedModule> = roots.iter().map(|id| FetchedModule::entry(*id)).collect();
      self.roots.record(&self.mirror, url, "ssr", &fetched);
    }
    fn affected(&self, changed: &str) -> AffectedPages {
      let ix = self.mirror.environment("ssr").unwrap().get_by_id(changed).unwrap();
      let changes = [ChangedModules { file: changed, env: "ssr", modules: &[ix], reach: None }];
      affected_pages(
        &self.mirror,
        &self.roots,
        &self.tabs,
        &changes,
        &mut AffectedScratch::default(),
      )
    }
  }

  fn shop() -> Fixture {
    Fixture::new(&[
      ("/home.tsx", &[("/layout.tsx", false)]),
      ("/cart.tsx", &[("/layout.tsx", false), ("/db.ts", false)]),
      ("/layout.tsx", &[("/lazy.ts", true)]),
      ("/db.ts", &[]),
      ("/lazy.ts", &[("/db.ts", false)]),
    ])
  }

  #[test]
  fn page_whose_static_closure_contains_the_change_is_affected() {
    let mut f = shop();
    f.record("/home", &["/home.tsx"]);
    f.record("/cart", &["/cart.tsx"]);
    let home = f.tabs.open(Some("/home"), None);
    let cart = f.tabs.open(Some("http://localhost:5173/cart#summary"), None);
    let a = f.affected("/db.ts");
    assert_eq!(a.pages, ["/cart"]);
    assert_eq!(a.tabs, [cart]);
    assert!(!a.tabs.contains(&home), "dynamic edge /layout -> /lazy is not followed");
  }

  #[test]
  fn dynamic_import_taken_by_the_render_is_a_root_itself() {
    let mut f = shop();
    f.record("/home", &["/home.tsx", "/lazy.ts"]);
    assert_eq!(f.affected("/db.ts").pages, ["/home"]);
  }

  #[test]
  fn every_root_reaching_the_change_is_explained_by_its_shortest_chain() {
    let mut f = Fixture::new(&[
      ("/entry.tsx", &[("/page.tsx", false)]),
      ("/page.tsx", &[("/a.ts", false), ("/db.ts", false)]),
      ("/a.ts", &[("/b.ts", false)]),
      ("/b.ts", &[("/db.ts", false)]),
      ("/db.ts", &[]),
      ("/loader.ts", &[("/b.ts", false)]),
    ]);
    f.record("/", &["/entry.tsx", "/loader.ts"]);
    let a = f.affected("/db.ts");
    let explained: Vec<(&str, Vec<&str>)> =
      a.explanations.iter().map(|e| (&*e.root, e.chain.iter().map(|s| &**s).collect())).collect();
    assert_eq!(
      explained,
      [
        ("/entry.tsx", vec!["/db.ts", "/page.tsx", "/entry.tsx"]),
        ("/loader.ts", vec!["/db.ts", "/b.ts", "/loader.ts"]),
      ]
    );
    assert!(a.explanations.iter().all(|e| e.page == "/" && e.chain.last() == Some(&e.root)));
  }

  #[test]
  fn a_burst_past_the_explanations_still_finds_every_page() {
    let names: Vec<(String, String)> =
      (0..300).map(|i| (format!("/route{i}.js"), format!("/data{i}.js"))).collect();
    let edges: Vec<(&str, Vec<(&str, bool)>)> = names
      .iter()
      .flat_map(|(route, data)| {
        [(route.as_str(), vec![(data.as_str(), false)]), (data.as_str(), vec![])]
      })
      .collect();
    let edges: Vec<(&str, &[(&str, bool)])> =
      edges.iter().map(|(id, imports)| (*id, imports.as_slice())).collect();
    let mut f = Fixture::new(&edges);
    f.roots = PageRoots::new(1024, 8);
    for (i, (route, _)) in names.iter().enumerate() {
      f.record(&format!("/p{i}"), &[route]);
    }
    let g = f.mirror.environment("ssr").unwrap();
    let modules: Vec<[ModuleIx; 1]> =
      names.iter().map(|(_, data)| [g.get_by_id(data).unwrap()]).collect();
    let changes: Vec<ChangedModules> = names
      .iter()
      .zip(&modules)
      .map(|((_, data), m)| ChangedModules { file: data, env: "ssr", modules: m, reach: None })
      .collect();
    let a = affected_pages(&f.mirror, &f.roots, &f.tabs, &changes, &mut AffectedScratch::default());
    assert_eq!(a.pages.len(), 300, "the files walked together reach their pages too");
    assert_eq!(a.explanations.len(), MAX_EXPLANATIONS);
  }

  #[test]
  fn tab_without_url_or_without_recorded_roots_is_affected() {
    let mut f = shop();
    f.record("/home", &["/home.tsx"]);
    f.record("/ghost", &["/not-a-module.ts"]);
    let unknown = f.tabs.open(None, None);
    let unrecorded = f.tabs.open(Some("/about"), None);
    let ghost = f.tabs.open(Some("/ghost"), None);
    let home = f.tabs.open(Some("/home"), None);
    let a = f.affected("/db.ts");
    assert_eq!(a.tabs, [unknown, unrecorded, ghost]);
    assert!(!a.tabs.contains(&home));
  }

  #[test]
  fn a_change_in_an_environment_no_page_recorded_roots_in_affects_every_tab() {
    let mut f = shop();
    f.mirror.set_environment("worker", Consumer::Server);
    f.mirror.update_module("worker", &ModuleRecord::js("/db.ts", vec![]));
    f.record("/cart", &["/cart.tsx"]);
    let tab = f.tabs.open(Some("/cart"), None);
    let db = f.mirror.environment("worker").unwrap().get_by_id("/db.ts").unwrap();
    let changes = [ChangedModules { file: "db.ts", env: "worker", modules: &[db], reach: None }];
    let a = affected_pages(&f.mirror, &f.roots, &f.tabs, &changes, &mut AffectedScratch::default());
    assert_eq!(a.tabs, [tab]);
  }

  #[test]
  fn a_page_without_roots_after_its_environment_was_dropped_is_affected() {
    let mut f = shop();
    f.record("/cart", &["/cart.tsx"]);
    f.roots.drop_environment("ssr");
    let t = f.tabs.open(Some("/cart"), None);
    let a = f.affected("/db.ts");
    assert!(a.pages.is_empty());
    assert_eq!(a.tabs, [t], "page without roots: affected to be safe");
  }
}
