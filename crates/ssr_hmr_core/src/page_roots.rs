//! `PageRoots`: for each rendered page, the server modules its render
//! requested ("roots"), per environment, and the reverse index root → pages
//! that the affected-page walk looks reached modules up in.
//!
//! A render requests its entry and every `import()` it takes; on a cold
//! server it also requests every module those import statically. A fetch
//! whose importer is a root of the same render and imports it statically adds
//! nothing (the static closure of the importer has it), so it is not kept:
//! the roots left are the entry and the dynamic imports, which is also what a
//! framework means by "the route modules and loaders this page used".
//!
//! Roots naming no module yet (recorded before the shim reported the module)
//! are kept aside and resolved when the module is analyzed, so a late
//! `update_module` never leaves a page blind to that module.
//!
//! Bounded: at most `max_pages` pages (least recently recorded or visited
//! evicted) and `max_roots_per_page` roots per page and environment (extra
//! roots dropped); roots longer than `MAX_ID_BYTES` are ignored.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::environment_graph::{EnvironmentGraph, ModuleIx};
use crate::mirror::ModuleGraphMirror;
use crate::module_key::{file_key, normalize_url, MAX_ID_BYTES};

/// One module a render requested, and the module that imported it (none
/// for the render's entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedModule {
  pub id: String,
  pub importer: Option<String>,
}

impl FetchedModule {
  pub fn entry(id: impl Into<String>) -> Self {
    FetchedModule { id: id.into(), importer: None }
  }
}

#[derive(Default)]
struct EnvironmentRoots {
  resolved: Vec<ModuleIx>,
  /// Roots naming no module yet.
  unresolved: Vec<Arc<str>>,
}

struct Page {
  last_used: u64,
  roots: BTreeMap<String, EnvironmentRoots>,
}

impl Page {
  fn has_resolved_roots(&self) -> bool {
    self.roots.values().any(|r| !r.resolved.is_empty())
  }
}

/// Root module → pages whose render requested it, for one environment.
pub type RootIndex = FxHashMap<ModuleIx, Vec<Arc<str>>>;

pub struct PageRoots {
  max_pages: usize,
  max_roots_per_page: usize,
  tick: u64,
  pages: FxHashMap<Arc<str>, Page>,
  /// env → root module → pages.
  root_index: FxHashMap<String, RootIndex>,
  /// env → roots waiting for their module.
  unresolved_index: FxHashMap<String, UnresolvedRoots>,
}

impl PageRoots {
  pub fn new(max_pages: usize, max_roots_per_page: usize) -> Self {
    PageRoots {
      max_pages: max_pages.max(1),
      max_roots_per_page,
      tick: 0,
      pages: FxHashMap::default(),
      root_index: FxHashMap::default(),
      unresolved_index: FxHashMap::default(),
    }
  }

  fn page_key(&self, url: &str) -> Arc<str> {
    let url = normalize_url(url);
    match self.pages.get_key_value(url.as_str()) {
      Some((k, _)) => k.clone(),
      None => Arc::from(url),
    }
  }

  /// A tab shows `url`: its page is in use, so it is evicted last.
  pub fn touch(&mut self, url: &str) {
    self.tick += 1;
    let key = normalize_url(url);
    if let Some(p) = self.pages.get_mut(key.as_str()) {
      p.last_used = self.tick;
    }
  }

  pub fn page_count(&self) -> usize {
    self.pages.len()
  }

  /// Every recorded page, in no particular order.
  pub fn pages(&self) -> impl Iterator<Item = &Arc<str>> {
    self.pages.keys()
  }

  /// Whether `url` is a recorded page with at least one resolved root:
  /// `None` when the page was never recorded.
  pub fn has_resolved_roots(&self, url: &str) -> Option<bool> {
    self.pages.get(url).map(Page::has_resolved_roots)
  }

  /// The root → pages index of `env`, when some page recorded roots there.
  pub fn index(&self, env: &str) -> Option<&RootIndex> {
    self.root_index.get(env).filter(|index| !index.is_empty())
  }

  /// Whether `module` of `env` is one of `url`'s resolved roots.
  pub fn is_root_of(&self, url: &str, env: &str, module: ModuleIx) -> bool {
    self.pages.get(url).and_then(|p| p.roots.get(env)).is_some_and(|r| r.resolved.contains(&module))
  }

  /// Replaces the roots `url`'s render requested in `env`.
  pub fn record(
    &mut self,
    mirror: &ModuleGraphMirror,
    url: &str,
    env: &str,
    fetched: &[FetchedModule],
  ) {
    let key = self.page_key(url);
    self.remove_page_env(&key, env);
    let graph = mirror.environment(env);
    let mut roots = EnvironmentRoots::default();
    let mut kept = 0;
    for module in fetched {
      if kept == self.max_roots_per_page {
        break;
      }
      if module.id.len() > MAX_ID_BYTES {
        continue;
      }
      if graph.is_some_and(|g| is_static_import_of_a_root(g, module, fetched)) {
        continue;
      }
      kept += 1;
      let resolved = graph.is_some_and(|g| g.resolve_root(&module.id, &mut roots.resolved));
      if !resolved {
        roots.unresolved.push(Arc::from(module.id.as_str()));
      }
    }
    roots.resolved.sort_unstable();
    roots.resolved.dedup();
    roots.resolved.truncate(self.max_roots_per_page);
    roots.unresolved.sort_unstable();
    roots.unresolved.dedup();
    let index = self.root_index.entry(env.to_string()).or_default();
    for &m in &roots.resolved {
      index.entry(m).or_default().push(key.clone());
    }
    if !roots.unresolved.is_empty() {
      let index = self.unresolved_index.entry(env.to_string()).or_default();
      for root in &roots.unresolved {
        index.insert(&key, root);
      }
    }
    self.tick += 1;
    let tick = self.tick;
    let page = self
      .pages
      .entry(key.clone())
      .or_insert_with(|| Page { last_used: tick, roots: BTreeMap::new() });
    page.last_used = tick;
    page.roots.insert(env.to_string(), roots);
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

  /// Whether `env` has roots still waiting for their module.
  pub fn has_unresolved(&self, env: &str) -> bool {
    self.unresolved_index.get(env).is_some_and(|i| !i.exact.is_empty())
  }

  /// Module `ix` of `env` was analyzed: roots naming it by id, url or file
  /// now resolve to it.
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

  /// The environment's graph is gone: its module indexes mean nothing now.
  pub fn drop_environment(&mut self, env: &str) {
    self.root_index.remove(env);
    self.unresolved_index.remove(env);
    for page in self.pages.values_mut() {
      page.roots.remove(env);
    }
  }

  /// Forgets every page.
  pub fn reset(&mut self) {
    self.root_index.clear();
    self.unresolved_index.clear();
    self.pages.clear();
  }
}

/// Whether `module`'s importer is itself among the render's fetched modules
/// and imports it statically: the importer's closure already holds it.
fn is_static_import_of_a_root(
  g: &EnvironmentGraph,
  module: &FetchedModule,
  fetched: &[FetchedModule],
) -> bool {
  let Some(importer) = module.importer.as_deref() else { return false };
  if !fetched.iter().any(|other| other.id == importer) {
    return false;
  }
  let (Some(importer), Some(imported)) = (resolve(g, importer), resolve(g, &module.id)) else {
    return false;
  };
  g.static_imports(importer).any(|m| m == imported)
}

fn resolve(g: &EnvironmentGraph, id: &str) -> Option<ModuleIx> {
  g.get_by_id(id).or_else(|| g.get_by_url(id))
}

/// (page url, root string).
type PageRoot = (Arc<str>, Arc<str>);

/// Unresolved roots of one environment, findable by the strings a module
/// can match them with: the root itself (an id or url) and its file key.
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

  fn entries(ids: &[&str]) -> Vec<FetchedModule> {
    ids.iter().map(|id| FetchedModule::entry(*id)).collect()
  }

  fn roots_of(p: &PageRoots, m: &ModuleGraphMirror, url: &str) -> Vec<String> {
    let g = m.environment("ssr").unwrap();
    let mut ids: Vec<String> =
      p.pages[url].roots["ssr"].resolved.iter().map(|&ix| g.node(ix).id.to_string()).collect();
    ids.sort();
    ids
  }

  #[test]
  fn a_static_import_of_a_fetched_module_is_not_a_root_but_a_dynamic_one_is() {
    let m = mirror(&[
      ("/entry.js", &[("/routes/home.js", false), ("/routes/about.js", true)]),
      ("/routes/home.js", &[("/data.js", false)]),
      ("/routes/about.js", &[("/data.js", false)]),
      ("/data.js", &[]),
    ]);
    let mut p = PageRoots::new(8, 8);
    let cold_render = vec![
      FetchedModule::entry("/entry.js"),
      FetchedModule { id: "/routes/home.js".into(), importer: Some("/entry.js".into()) },
      FetchedModule { id: "/routes/about.js".into(), importer: Some("/entry.js".into()) },
      FetchedModule { id: "/data.js".into(), importer: Some("/routes/home.js".into()) },
    ];
    p.record(&m, "/about", "ssr", &cold_render);
    assert_eq!(roots_of(&p, &m, "/about"), ["/entry.js", "/routes/about.js"]);
    let from_elsewhere =
      [FetchedModule { id: "/data.js".into(), importer: Some("/other.js".into()) }];
    p.record(&m, "/x", "ssr", &from_elsewhere);
    assert_eq!(roots_of(&p, &m, "/x"), ["/data.js"], "its importer was not fetched by this render");
  }

  #[test]
  fn root_recorded_before_its_module_resolves_once_analyzed() {
    let mut m = mirror(&[("/db.ts", &[])]);
    let mut p = PageRoots::new(8, 8);
    p.record(&m, "/late", "ssr", &entries(&["/late.tsx?v=3"]));
    assert!(p.has_unresolved("ssr"));
    assert_eq!(p.has_resolved_roots("/late"), Some(false));
    m.update_module("ssr", &ModuleRecord::js("/late.tsx", vec![Import::new("/db.ts", false)]));
    let ix = m.environment("ssr").unwrap().get_by_id("/late.tsx").unwrap();
    p.on_module_analyzed(&m, "ssr", ix);
    assert!(!p.has_unresolved("ssr"));
    assert_eq!(p.has_resolved_roots("/late"), Some(true));
    assert!(p.is_root_of("/late", "ssr", ix));
  }

  #[test]
  fn recording_roots_again_replaces_them() {
    let m = mirror(&[("/a.js", &[]), ("/b.js", &[])]);
    let mut p = PageRoots::new(8, 8);
    p.record(&m, "/x", "ssr", &entries(&["/a.js"]));
    p.record(&m, "/x", "ssr", &entries(&["/b.js"]));
    assert_eq!(roots_of(&p, &m, "/x"), ["/b.js"]);
    let a = m.environment("ssr").unwrap().get_by_id("/a.js").unwrap();
    assert!(!p.index("ssr").unwrap().contains_key(&a));
  }

  #[test]
  fn least_recently_used_page_is_evicted_past_max_pages() {
    let m = mirror(&[("/a.js", &[])]);
    let mut p = PageRoots::new(2, 8);
    p.record(&m, "/a", "ssr", &entries(&["/a.js"]));
    p.record(&m, "/b", "ssr", &entries(&["/a.js"]));
    p.touch("/a");
    p.record(&m, "/c", "ssr", &entries(&["/a.js"]));
    let mut pages: Vec<&str> = p.pages().map(|k| &**k).collect();
    pages.sort();
    assert_eq!(pages, ["/a", "/c"]);
  }

  #[test]
  fn roots_past_max_roots_per_page_are_dropped() {
    let m = mirror(&[("/a.js", &[]), ("/b.js", &[])]);
    let mut p = PageRoots::new(8, 1);
    p.record(&m, "/x", "ssr", &entries(&["/a.js", "/b.js"]));
    assert_eq!(roots_of(&p, &m, "/x"), ["/a.js"]);
  }

  #[test]
  fn dropping_an_environment_forgets_its_roots() {
    let m = mirror(&[("/a.js", &[])]);
    let mut p = PageRoots::new(8, 8);
    p.record(&m, "/x", "ssr", &entries(&["/a.js"]));
    p.drop_environment("ssr");
    assert!(p.index("ssr").is_none());
    assert_eq!(p.has_resolved_roots("/x"), Some(false));
  }
}
