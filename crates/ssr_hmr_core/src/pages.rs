//! `PageTargeting`: open tabs, rendered pages and the server modules each
//! page's render requested ("roots"), to find the tabs a server-only change
//! makes stale.
//!
//! A page is affected when the static-import closure of its roots contains a
//! changed module. Dynamic imports are not followed: the ones a render
//! actually took were requested during that render and are roots themselves.
//! Instead of computing every page's closure, we walk *up* from the changed
//! modules over static importer edges (visiting only what can reach them)
//! and look each reached module up in a root → pages index.
//!
//! Safety rules: a tab we know too little about (no url, or a page with no
//! resolved roots) is always affected; a stale tab is worse than an extra
//! refresh. Likewise, a change in an environment where no page has recorded
//! roots (its fetches are not tied to page requests, e.g. a worker) affects
//! every tab: no page can be said not to depend on it.
//!
//! Bounded state (see `EngineOptions`): at most `max_tabs` tabs (past it a
//! tab is not tracked: it gets `NO_TAB`, and while any such tab is open every
//! refresh goes to every tab), `max_pages` pages (least recently recorded or visited
//! is evicted), `max_roots_per_page` roots per page and environment (extra
//! roots are dropped), and urls/roots longer than `MAX_ID_BYTES` are
//! truncated/ignored.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::decision::Explanation;
use crate::environment_graph::{EnvironmentGraph, ModuleIx};
use crate::mirror::ModuleGraphMirror;
use crate::module_key::{file_key, normalize_url, MAX_ID_BYTES};
use crate::visited::VisitedSet;

pub type TabId = u32;

/// What `open_tab` returns past `max_tabs`: the tab is not tracked. Evicting
/// a tracked tab instead would leave a browser whose id the shim still holds
/// but the core forgot: it would never refresh again.
pub const NO_TAB: TabId = 0;

/// Most explanations put in one decision; they are for logs only.
pub const MAX_EXPLANATIONS: usize = 64;

struct Tab {
  url: Option<Arc<str>>,
}

#[derive(Default)]
struct PageRoots {
  resolved: Vec<ModuleIx>,
  /// Roots naming no module yet; resolved when such a module is analyzed.
  unresolved: Vec<Arc<str>>,
}

struct Page {
  last_used: u64,
  roots: BTreeMap<String, PageRoots>,
}

impl Page {
  fn has_resolved_roots(&self) -> bool {
    self.roots.values().any(|r| !r.resolved.is_empty())
  }
}

/// Changed server-only modules of one file in one environment.
pub struct ChangedModules<'a> {
  /// Root-relative file, for explanations.
  pub file: &'a str,
  pub env: &'a str,
  pub modules: &'a [ModuleIx],
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AffectedPages {
  pub pages: Vec<String>,
  pub tabs: Vec<TabId>,
  pub explanations: Vec<Explanation>,
}

pub struct PageTargeting {
  max_tabs: usize,
  max_pages: usize,
  max_roots_per_page: usize,
  next_tab: TabId,
  tick: u64,
  tabs: FxHashMap<TabId, Tab>,
  /// Open tabs refused past `max_tabs` (closed with `close_tab(NO_TAB)`).
  untracked_tabs: usize,
  pages: FxHashMap<Arc<str>, Page>,
  /// env → root module → pages whose render requested it.
  root_index: FxHashMap<String, FxHashMap<ModuleIx, Vec<Arc<str>>>>,
  /// env → roots waiting for their module.
  unresolved_index: FxHashMap<String, UnresolvedRoots>,
  visited: VisitedSet,
  /// BFS queue of (module, position of its parent in the queue).
  queue: Vec<(ModuleIx, u32)>,
}

impl PageTargeting {
  pub fn new(max_tabs: usize, max_pages: usize, max_roots_per_page: usize) -> Self {
    PageTargeting {
      max_tabs: max_tabs.max(1),
      max_pages: max_pages.max(1),
      max_roots_per_page,
      next_tab: 1,
      tick: 0,
      tabs: FxHashMap::default(),
      untracked_tabs: 0,
      pages: FxHashMap::default(),
      root_index: FxHashMap::default(),
      unresolved_index: FxHashMap::default(),
      visited: VisitedSet::new(),
      queue: Vec::new(),
    }
  }

  fn bump(&mut self) -> u64 {
    self.tick += 1;
    self.tick
  }

  fn page_key(&self, url: &str) -> Arc<str> {
    let url = normalize_url(url);
    match self.pages.get_key_value(url.as_str()) {
      Some((k, _)) => k.clone(),
      None => Arc::from(url),
    }
  }

  fn touch_page(&mut self, key: &str) {
    let tick = self.bump();
    if let Some(p) = self.pages.get_mut(key) {
      p.last_used = tick;
    }
  }

  pub fn open_tab(&mut self, url: Option<&str>) -> TabId {
    if self.tabs.len() >= self.max_tabs {
      self.untracked_tabs += 1;
      return NO_TAB;
    }
    // Skip ids still in use after a (theoretical) u32 wrap-around; `NO_TAB`
    // is never handed out.
    while self.next_tab == 0 || self.tabs.contains_key(&self.next_tab) {
      self.next_tab = self.next_tab.wrapping_add(1);
    }
    let id = self.next_tab;
    self.next_tab = self.next_tab.wrapping_add(1);
    let url = url.map(|u| self.page_key(u));
    if let Some(u) = &url {
      self.touch_page(&u.clone());
    }
    self.tabs.insert(id, Tab { url });
    id
  }

  /// Tabs were refused past `max_tabs` and are still open: which tabs a
  /// change affects cannot be told, so every tab must refresh.
  pub fn has_untracked_tabs(&self) -> bool {
    self.untracked_tabs > 0
  }

  /// Unknown tab ids (`NO_TAB`, closed tabs) are ignored.
  pub fn navigate_tab(&mut self, tab: TabId, url: &str) {
    if !self.tabs.contains_key(&tab) {
      return;
    }
    let key = self.page_key(url);
    self.touch_page(&key);
    if let Some(t) = self.tabs.get_mut(&tab) {
      t.url = Some(key);
    }
  }

  pub fn close_tab(&mut self, tab: TabId) {
    if tab == NO_TAB {
      self.untracked_tabs = self.untracked_tabs.saturating_sub(1);
    } else {
      self.tabs.remove(&tab);
    }
  }

  pub fn tab_count(&self) -> usize {
    self.tabs.len()
  }

  pub fn page_count(&self) -> usize {
    self.pages.len()
  }

  /// The page a tab shows, if it said.
  pub fn tab_page(&self, tab: TabId) -> Option<&str> {
    self.tabs.get(&tab).and_then(|t| t.url.as_deref())
  }

  pub fn all_tabs(&self) -> Vec<TabId> {
    let mut tabs: Vec<TabId> = self.tabs.keys().copied().collect();
    tabs.sort_unstable();
    tabs
  }

  /// Every page we know of: recorded pages and tab urls.
  pub fn all_pages(&self) -> Vec<String> {
    let mut pages: Vec<String> = self
      .pages
      .keys()
      .chain(self.tabs.values().filter_map(|t| t.url.as_ref()))
      .map(|u| u.to_string())
      .collect();
    pages.sort_unstable();
    pages.dedup();
    pages
  }

  /// Replaces the roots `url`'s render requested in `env`.
  pub fn record_page_roots(
    &mut self,
    mirror: &ModuleGraphMirror,
    url: &str,
    env: &str,
    roots: &[String],
  ) {
    let key = self.page_key(url);
    self.remove_page_env(&key, env);
    let mut page_roots = PageRoots::default();
    let graph = mirror.environment(env);
    for root in roots.iter().take(self.max_roots_per_page) {
      if root.len() > MAX_ID_BYTES {
        continue;
      }
      let resolved = graph.is_some_and(|g| g.resolve_root(root, &mut page_roots.resolved));
      if !resolved {
        page_roots.unresolved.push(Arc::from(root.as_str()));
      }
    }
    page_roots.resolved.sort_unstable();
    page_roots.resolved.dedup();
    page_roots.resolved.truncate(self.max_roots_per_page);
    page_roots.unresolved.sort_unstable();
    page_roots.unresolved.dedup();
    let index = self.root_index.entry(env.to_string()).or_default();
    for &m in &page_roots.resolved {
      index.entry(m).or_default().push(key.clone());
    }
    if !page_roots.unresolved.is_empty() {
      let index = self.unresolved_index.entry(env.to_string()).or_default();
      for root in &page_roots.unresolved {
        index.insert(&key, root);
      }
    }
    let tick = self.bump();
    let page = self
      .pages
      .entry(key.clone())
      .or_insert_with(|| Page { last_used: tick, roots: BTreeMap::new() });
    page.last_used = tick;
    page.roots.insert(env.to_string(), page_roots);
    while self.pages.len() > self.max_pages {
      let lru = self
        .pages
        .iter()
        .filter(|(k, _)| **k != key)
        .min_by_key(|(_, p)| p.last_used)
        .map(|(k, _)| k.clone());
      match lru {
        Some(old) => self.remove_page(&old),
        None => break,
      }
    }
  }

  fn remove_page_env(&mut self, key: &Arc<str>, env: &str) {
    let Some(old) = self.pages.get_mut(key).and_then(|p| p.roots.remove(env)) else {
      return;
    };
    if let Some(index) = self.root_index.get_mut(env) {
      for m in old.resolved {
        if let Some(list) = index.get_mut(&m) {
          list.retain(|p| p != key);
          if list.is_empty() {
            index.remove(&m);
          }
        }
      }
    }
    if let Some(index) = self.unresolved_index.get_mut(env) {
      for root in &old.unresolved {
        index.remove(key, root);
      }
    }
  }

  /// Whether `env` has roots still waiting for their module.
  pub fn has_unresolved(&self, env: &str) -> bool {
    self.unresolved_index.get(env).is_some_and(|i| !i.exact.is_empty())
  }

  /// Module `ix` of `env` was analyzed: roots naming it by id, url or file
  /// (recorded before the shim reported the module) now resolve to it, so
  /// a late `update_module` never leaves a page blind to that module.
  pub fn on_module_analyzed(&mut self, mirror: &ModuleGraphMirror, env: &str, ix: ModuleIx) {
    let (Some(index), Some(g)) = (self.unresolved_index.get_mut(env), mirror.environment(env))
    else {
      return;
    };
    let node = g.node(ix);
    // Same rule as at record time: the root is the module's id, its url
    // (never the empty one: empty urls are not indexed), or (by file key)
    // one of its file's modules.
    let mut matched: Vec<PageRoot> = Vec::new();
    let url = (!node.url.is_empty()).then_some(&node.url);
    let keys =
      [(&index.exact, Some(&node.id)), (&index.exact, url), (&index.by_file, Some(&node.file))];
    for (map, k) in keys {
      if let Some(list) = k.and_then(|k| map.get(&**k)) {
        matched.extend(list.iter().cloned());
      }
    }
    if matched.is_empty() {
      return;
    }
    matched.sort_unstable();
    matched.dedup();
    for (page, root) in &matched {
      index.remove(page, root);
    }
    let roots_index = self.root_index.entry(env.to_string()).or_default();
    for (key, root) in matched {
      let Some(roots) = self.pages.get_mut(&key).and_then(|p| p.roots.get_mut(env)) else {
        continue;
      };
      roots.unresolved.retain(|r| *r != root);
      if !roots.resolved.contains(&ix) {
        roots.resolved.push(ix);
        roots_index.entry(ix).or_default().push(key);
      }
    }
  }

  fn remove_page(&mut self, key: &Arc<str>) {
    let envs: Vec<String> = match self.pages.get(key) {
      Some(p) => p.roots.keys().cloned().collect(),
      None => return,
    };
    for env in envs {
      self.remove_page_env(key, &env);
    }
    self.pages.remove(key);
  }

  /// The environment's graph is gone: its module indexes mean nothing now.
  pub fn drop_environment(&mut self, env: &str) {
    self.root_index.remove(env);
    self.unresolved_index.remove(env);
    for page in self.pages.values_mut() {
      page.roots.remove(env);
    }
  }

  /// Forgets pages and roots; tabs stay (their ids live in the browser).
  pub fn reset_pages(&mut self) {
    self.root_index.clear();
    self.unresolved_index.clear();
    self.pages.clear();
  }

  /// Pages and tabs made stale by the given changed server modules.
  pub fn affected(
    &mut self,
    mirror: &ModuleGraphMirror,
    changes: &[ChangedModules],
  ) -> AffectedPages {
    let mut affected_pages: FxHashSet<Arc<str>> = FxHashSet::default();
    let mut explanations = Vec::new();
    let mut blind = false;
    for change in changes {
      let Some(g) = mirror.environment(change.env) else { continue };
      let Some(index) = self.root_index.get(change.env).filter(|index| !index.is_empty()) else {
        blind |= !change.modules.is_empty();
        continue;
      };
      walk_to_roots(
        g,
        change,
        index,
        &mut self.visited,
        &mut self.queue,
        &mut affected_pages,
        &mut explanations,
      );
    }
    let mut tabs: Vec<TabId> = self
      .tabs
      .iter()
      .filter(|(_, t)| match &t.url {
        _ if blind => true,
        None => true,
        Some(url) => match self.pages.get(url) {
          None => true,
          Some(p) => !p.has_resolved_roots() || affected_pages.contains(url),
        },
      })
      .map(|(&id, _)| id)
      .collect();
    tabs.sort_unstable();
    let mut pages: Vec<String> = affected_pages.iter().map(|p| p.to_string()).collect();
    pages.sort_unstable();
    // One file changed in several environments may explain a page twice:
    // keep the shortest chain.
    explanations.sort_by(|a: &Explanation, b: &Explanation| {
      (&a.file, &a.page, a.chain.len()).cmp(&(&b.file, &b.page, b.chain.len()))
    });
    explanations.dedup_by(|b, a| a.file == b.file && a.page == b.page);
    AffectedPages { pages, tabs, explanations }
  }
}

/// (page url, root string).
type PageRoot = (Arc<str>, Arc<str>);

/// Unresolved roots of one environment, findable by the strings a module
/// can match them with: the root itself (an id or url) and its file key.
/// Values are (page, root).
#[derive(Default)]
struct UnresolvedRoots {
  exact: FxHashMap<Arc<str>, Vec<PageRoot>>,
  by_file: FxHashMap<Arc<str>, Vec<PageRoot>>,
}

impl UnresolvedRoots {
  fn insert(&mut self, page: &Arc<str>, root: &Arc<str>) {
    let entry = (page.clone(), root.clone());
    self.exact.entry(root.clone()).or_default().push(entry.clone());
    self.by_file.entry(Arc::from(&*file_key(root))).or_default().push(entry);
  }

  fn remove(&mut self, page: &Arc<str>, root: &Arc<str>) {
    let file = file_key(root);
    for (map, k) in [(&mut self.exact, &**root), (&mut self.by_file, &*file)] {
      if let Some(list) = map.get_mut(k) {
        list.retain(|(p, r)| !(p == page && r == root));
        if list.is_empty() {
          map.remove(k);
        }
      }
    }
  }
}

/// Reverse BFS over static importer edges from one file's changed modules.
/// BFS order means the first time a page's root is reached is through a
/// shortest chain, which becomes that page's explanation for this file.
fn walk_to_roots(
  g: &EnvironmentGraph,
  change: &ChangedModules,
  index: &FxHashMap<ModuleIx, Vec<Arc<str>>>,
  visited: &mut VisitedSet,
  queue: &mut Vec<(ModuleIx, u32)>,
  affected_pages: &mut FxHashSet<Arc<str>>,
  explanations: &mut Vec<Explanation>,
) {
  visited.clear(g.index_bound());
  queue.clear();
  for &m in change.modules {
    if visited.insert(m.index()) {
      queue.push((m, u32::MAX));
    }
  }
  let mut explained: FxHashSet<&Arc<str>> = FxHashSet::default();
  let mut head = 0;
  while head < queue.len() {
    let (m, _) = queue[head];
    if let Some(pages) = index.get(&m) {
      for page in pages {
        affected_pages.insert(page.clone());
        if explanations.len() < MAX_EXPLANATIONS && explained.insert(page) {
          explanations.push(Explanation {
            file: change.file.to_string(),
            page: page.to_string(),
            chain: chain_to(g, queue, head),
          });
        }
      }
    }
    for (importer, edge) in g.importers(m) {
      if !edge.dynamic && visited.insert(importer.index()) {
        queue.push((importer, head as u32));
      }
    }
    head += 1;
  }
}

/// Ids from the changed module to `queue[pos]`.
fn chain_to(g: &EnvironmentGraph, queue: &[(ModuleIx, u32)], mut pos: usize) -> Vec<String> {
  let mut chain = Vec::new();
  loop {
    let (m, parent) = queue[pos];
    chain.push(g.node(m).id.to_string());
    if parent == u32::MAX {
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

  fn mirror(edges: &[(&str, &[(&str, bool)])]) -> ModuleGraphMirror {
    let mut m = ModuleGraphMirror::new();
    m.set_environment("ssr", Consumer::Server);
    for (id, imports) in edges {
      let imports = imports.iter().map(|(i, d)| Import::new(*i, *d)).collect();
      m.update_module("ssr", &ModuleRecord::js(*id, imports));
    }
    m
  }

  fn affected(p: &mut PageTargeting, m: &ModuleGraphMirror, changed: &str) -> AffectedPages {
    let ix = m.environment("ssr").unwrap().get_by_id(changed).unwrap();
    p.affected(m, &[ChangedModules { file: changed, env: "ssr", modules: &[ix] }])
  }

  fn roots(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
  }

  fn shop() -> ModuleGraphMirror {
    mirror(&[
      ("/home.tsx", &[("/layout.tsx", false)]),
      ("/cart.tsx", &[("/layout.tsx", false), ("/db.ts", false)]),
      ("/layout.tsx", &[("/lazy.ts", true)]),
      ("/db.ts", &[]),
      ("/lazy.ts", &[("/db.ts", false)]),
    ])
  }

  #[test]
  fn page_whose_static_closure_contains_the_change_is_affected() {
    let m = shop();
    let mut p = PageTargeting::new(8, 8, 8);
    p.record_page_roots(&m, "/home", "ssr", &roots(&["/home.tsx"]));
    p.record_page_roots(&m, "/cart", "ssr", &roots(&["/cart.tsx"]));
    let home = p.open_tab(Some("/home"));
    let cart = p.open_tab(Some("http://localhost:5173/cart#summary"));
    let a = affected(&mut p, &m, "/db.ts");
    assert_eq!(a.pages, ["/cart"]);
    assert_eq!(a.tabs, [cart]);
    assert!(!a.tabs.contains(&home), "dynamic edge /layout -> /lazy is not followed");
  }

  #[test]
  fn dynamic_import_taken_by_the_render_is_a_root_itself() {
    let m = shop();
    let mut p = PageTargeting::new(8, 8, 8);
    p.record_page_roots(&m, "/home", "ssr", &roots(&["/home.tsx", "/lazy.ts"]));
    assert_eq!(affected(&mut p, &m, "/db.ts").pages, ["/home"]);
  }

  #[test]
  fn explanation_is_the_shortest_importer_chain() {
    let m = mirror(&[
      ("/page.tsx", &[("/a.ts", false), ("/db.ts", false)]),
      ("/a.ts", &[("/b.ts", false)]),
      ("/b.ts", &[("/db.ts", false)]),
      ("/db.ts", &[]),
    ]);
    let mut p = PageTargeting::new(8, 8, 8);
    p.record_page_roots(&m, "/", "ssr", &roots(&["/page.tsx"]));
    let a = affected(&mut p, &m, "/db.ts");
    assert_eq!(a.explanations.len(), 1);
    assert_eq!(a.explanations[0].chain, ["/db.ts", "/page.tsx"]);
    assert_eq!(a.explanations[0].page, "/");
  }

  #[test]
  fn tab_without_url_or_without_recorded_roots_is_affected() {
    let m = shop();
    let mut p = PageTargeting::new(8, 8, 8);
    p.record_page_roots(&m, "/home", "ssr", &roots(&["/home.tsx"]));
    p.record_page_roots(&m, "/ghost", "ssr", &roots(&["/not-a-module.ts"]));
    let unknown = p.open_tab(None);
    let unrecorded = p.open_tab(Some("/about"));
    let ghost = p.open_tab(Some("/ghost"));
    let home = p.open_tab(Some("/home"));
    let a = affected(&mut p, &m, "/db.ts");
    assert_eq!(a.tabs, [unknown, unrecorded, ghost]);
    assert!(!a.tabs.contains(&home));
  }

  #[test]
  fn root_recorded_before_its_module_resolves_once_analyzed() {
    let mut m = shop();
    let mut p = PageTargeting::new(8, 8, 8);
    p.record_page_roots(&m, "/late", "ssr", &roots(&["/late.tsx?v=3"]));
    let tab = p.open_tab(Some("/late"));
    assert!(p.has_unresolved("ssr"));
    m.update_module("ssr", &ModuleRecord::js("/late.tsx", vec![Import::new("/db.ts", false)]));
    let ix = m.environment("ssr").unwrap().get_by_id("/late.tsx").unwrap();
    p.on_module_analyzed(&m, "ssr", ix);
    assert!(!p.has_unresolved("ssr"));
    let a = affected(&mut p, &m, "/db.ts");
    assert_eq!(a.pages, ["/late"]);
    assert_eq!(a.tabs, [tab]);
    assert!(affected(&mut p, &m, "/home.tsx").tabs.is_empty(), "page now has resolved roots");
  }

  #[test]
  fn recording_roots_again_replaces_them() {
    let m = shop();
    let mut p = PageTargeting::new(8, 8, 8);
    p.record_page_roots(&m, "/x", "ssr", &roots(&["/cart.tsx"]));
    p.record_page_roots(&m, "/x", "ssr", &roots(&["/home.tsx"]));
    assert!(affected(&mut p, &m, "/db.ts").pages.is_empty());
  }

  #[test]
  fn a_change_in_an_environment_no_page_recorded_roots_in_affects_every_tab() {
    let mut m = shop();
    m.set_environment("worker", crate::module_record::Consumer::Server);
    m.update_module("worker", &crate::module_record::ModuleRecord::js("/db.ts", vec![]));
    let mut p = PageTargeting::new(8, 8, 8);
    p.record_page_roots(&m, "/cart", "ssr", &roots(&["/cart.tsx"]));
    let tab = p.open_tab(Some("/cart"));
    let db = m.environment("worker").unwrap().get_by_id("/db.ts").unwrap();
    let changes = [ChangedModules { file: "db.ts", env: "worker", modules: &[db] }];
    assert_eq!(p.affected(&m, &changes).tabs, [tab]);
  }

  #[test]
  fn a_tab_past_max_tabs_is_untracked_and_tracked_tabs_are_kept() {
    let mut p = PageTargeting::new(2, 8, 8);
    let a = p.open_tab(None);
    let b = p.open_tab(None);
    assert!(!p.has_untracked_tabs());
    let c = p.open_tab(Some("/c"));
    assert_eq!(c, NO_TAB);
    assert_eq!(p.all_tabs(), [a, b], "no tracked tab is evicted");
    assert!(p.has_untracked_tabs());
    p.navigate_tab(NO_TAB, "/ignored");
    assert_eq!(p.tab_count(), 2);
    p.close_tab(NO_TAB);
    assert!(!p.has_untracked_tabs());
  }

  #[test]
  fn least_recently_used_page_is_evicted_past_max_pages() {
    let m = shop();
    let mut p = PageTargeting::new(8, 2, 8);
    p.record_page_roots(&m, "/a", "ssr", &roots(&["/cart.tsx"]));
    p.record_page_roots(&m, "/b", "ssr", &roots(&["/cart.tsx"]));
    p.open_tab(Some("/a")); // touches /a
    p.record_page_roots(&m, "/c", "ssr", &roots(&["/cart.tsx"]));
    assert_eq!(p.page_count(), 2);
    assert_eq!(affected(&mut p, &m, "/db.ts").pages, ["/a", "/c"]);
  }

  #[test]
  fn roots_past_max_roots_per_page_are_dropped() {
    let m = shop();
    let mut p = PageTargeting::new(8, 8, 1);
    p.record_page_roots(&m, "/a", "ssr", &roots(&["/home.tsx", "/cart.tsx"]));
    assert!(affected(&mut p, &m, "/db.ts").pages.is_empty());
  }

  #[test]
  fn dropping_an_environment_forgets_its_roots() {
    let m = shop();
    let mut p = PageTargeting::new(8, 8, 8);
    p.record_page_roots(&m, "/cart", "ssr", &roots(&["/cart.tsx"]));
    p.drop_environment("ssr");
    let t = p.open_tab(Some("/cart"));
    let a = affected(&mut p, &m, "/db.ts");
    assert!(a.pages.is_empty());
    assert_eq!(a.tabs, [t], "page without roots: affected to be safe");
  }
}
