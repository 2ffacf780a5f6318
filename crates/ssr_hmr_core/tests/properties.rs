//! Property tests: random operation sequences run against the engine and a
//! naive reference model (plain HashMaps, BFS and a literal port of Vite's
//! recursive `propagateUpdate`) that must agree on classification,
//! invalidation sets, affected pages/tabs, explanations and graph contents.
//!
//! Default case counts keep `cargo test` fast. The core fuzzing run is the
//! ignored `fuzz_*` tests (20,000 cases each, bounded, in `npm test`):
//! `cargo test -p ssr_hmr_core --release --test properties -- --include-ignored`.
//! `PROPTEST_CASES` overrides every count, for a longer run.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use proptest::prelude::*;
use ssr_hmr_core::module_key::root_relative;
use ssr_hmr_core::{
  Action, ChangeClass, Consumer, Decision, Engine, EngineOptions, FetchedModule, HtmlFingerprint,
  Import, ModuleKind, ModuleRecord, TabId, MAX_ID_BYTES,
};

// ---------------------------------------------------------------- inputs

const ENVS: &[&str] = &["client", "ssr", "edge", "client2", "worker"];

fn long_id() -> String {
  format!("/{}", "x".repeat(MAX_ID_BYTES + 10))
}

/// Ids whose (file, variant) the reference derives naively: path before
/// `?`, `\` as `/`, variant from a `raw` or `url` query param.
fn id_pool() -> Vec<String> {
  let mut ids = vec![];
  for f in ["/a.ts", "/b.ts", "/c.css", "/d.ts", "/e.tsx", "/f.ts", "C:/w/g.ts"] {
    ids.push(f.to_string());
    for q in ["?v=1", "?raw", "?inline", "?import", "?t=9&used"] {
      ids.push(format!("{f}{q}"));
    }
  }
  ids.push("\0virtual:v".into());
  ids.push("".into());
  ids.push(long_id());
  ids
}

fn files_pool() -> Vec<String> {
  vec![
    "/a.ts".into(),
    "/b.ts".into(),
    "/c.css".into(),
    "/d.ts".into(),
    "/e.tsx".into(),
    "/f.ts".into(),
    "C:\\w\\g.ts".into(),
    "\0virtual:v".into(),
    "".into(),
    "/nope.ts".into(),
    long_id(),
  ]
}

#[derive(Debug, Clone)]
enum Op {
  SetEnv(usize, bool),
  Update {
    env: usize,
    id: usize,
    imports: Vec<(usize, bool)>,
    self_accepting: bool,
    accepts: Vec<usize>,
    css: bool,
  },
  DeleteFile(usize),
  DropEnv(usize),
  ServerChange(usize, usize),
  Watched(usize),
  OpenTab(Option<usize>),
  Navigate(usize, usize),
  CloseTab(usize),
  Roots(usize, usize, Vec<RootRef>),
  CompileError(usize, bool),
  Flush,
  Reset,
}

#[derive(Debug, Clone)]
enum RootRef {
  Id(usize),
  Url(usize),
  File(usize),
  Unknown,
}

const URLS: &[&str] = &["/", "/cart", "/cart#x", "http://h:1/about?q", "/about?q", ""];

fn op_strategy() -> impl Strategy<Value = Op> {
  let n_ids = id_pool().len();
  let n_files = files_pool().len();
  let n_env = ENVS.len();
  // Mostly plain ids of a few files, so graphs get connected and changes
  // hit modules; sometimes any id of the pool (queries, virtual, huge).
  let id = move || {
    prop_oneof![
      6 => (0..4usize).prop_map(|f| f * 6),
      3 => (0..4usize, 1..6usize).prop_map(|(f, q)| f * 6 + q),
      1 => 0..n_ids,
    ]
  };
  let env = || {
    prop_oneof![
      3 => Just(0usize),
      4 => Just(1usize),
      1 => 2..ENVS.len(),
    ]
  };
  let file = move || {
    prop_oneof![
      4 => 0..4usize,
      1 => 0..n_files,
    ]
  };
  let root = prop_oneof![
    id().prop_map(RootRef::Id),
    id().prop_map(RootRef::Url),
    file().prop_map(RootRef::File),
    Just(RootRef::Unknown),
  ];
  prop_oneof![
    1 => (0..n_env, any::<bool>()).prop_map(|(e, c)| Op::SetEnv(e, c)),
    2 => (file(), prop::bool::weighted(0.6)).prop_map(|(f, failed)| Op::CompileError(f, failed)),
    20 => (
      env(),
      id(),
      prop::collection::vec((id(), prop::bool::weighted(0.2)), 0..5),
      prop::bool::weighted(0.15),
      prop::collection::vec(id(), 0..2),
      prop::bool::weighted(0.1),
    )
      .prop_map(|(env, id, imports, self_accepting, accepts, css)| Op::Update {
        env,
        id,
        imports,
        self_accepting,
        accepts,
        css
      }),
    1 => file().prop_map(Op::DeleteFile),
    1 => (0..n_env).prop_map(Op::DropEnv),
    6 => (env(), file()).prop_map(|(e, f)| Op::ServerChange(e, f)),
    1 => (0..n_files).prop_map(Op::Watched),
    2 => prop::option::of(0..URLS.len()).prop_map(Op::OpenTab),
    1 => (0..8usize, 0..URLS.len()).prop_map(|(t, u)| Op::Navigate(t, u)),
    1 => (0..8usize).prop_map(Op::CloseTab),
    4 => (0..URLS.len(), env(), prop::collection::vec(root, 0..4))
      .prop_map(|(u, e, r)| Op::Roots(u, e, r)),
    3 => Just(Op::Flush),
    1 => Just(Op::Reset),
  ]
}

// ------------------------------------------------------- reference model

fn ref_file(id: &str) -> String {
  let path = id.split('?').next().unwrap_or("");
  path.replace('\\', "/")
}

fn ref_string_export(id: &str) -> bool {
  id.split_once('?').is_some_and(|(_, q)| {
    let params: Vec<&str> = q.split('&').map(|p| p.split('=').next().unwrap()).collect();
    params.iter().any(|p| *p == "raw" || *p == "url")
      || (params.contains(&"inline")
        && !params.iter().any(|p| *p == "worker" || *p == "sharedworker"))
  })
}

/// Url the generated records carry; empty for `&used` ids, to exercise
/// modules without a url.
fn ref_url(id: &str) -> String {
  if id.contains("&used") {
    String::new()
  } else {
    format!("/@u{id}")
  }
}

fn ref_page(url: &str) -> String {
  let u = url.split('#').next().unwrap();
  let u = u.strip_prefix("http://h:1").unwrap_or(u);
  if u.is_empty() {
    "/".into()
  } else {
    u.into()
  }
}

#[derive(Debug, Clone, Default)]
struct RNode {
  analyzed: bool,
  self_accepting: bool,
  css: bool,
  accepts: HashSet<String>,
  imports: BTreeMap<String, bool>, // target -> dynamic
}

#[derive(Debug, Clone)]
struct REnv {
  client: bool,
  nodes: BTreeMap<String, RNode>,
}

impl REnv {
  fn ensure(&mut self, id: &str) {
    self.nodes.entry(id.to_string()).or_default();
  }
  fn importers(&self, id: &str) -> Vec<(String, bool)> {
    self.nodes.iter().filter_map(|(k, n)| n.imports.get(id).map(|d| (k.clone(), *d))).collect()
  }
  fn of_file(&self, file: &str) -> Vec<String> {
    self.nodes.keys().filter(|id| ref_file(id) == file).cloned().collect()
  }
}

/// Literal port of Vite's recursive `propagateUpdate` (dead-end part).
fn vite_propagate(env: &REnv, id: &str, traversed: &mut HashSet<String>, chain: &[String]) -> bool {
  if !traversed.insert(id.to_string()) {
    return false;
  }
  let node = &env.nodes[id];
  if !node.analyzed {
    return false;
  }
  if node.self_accepting {
    return false;
  }
  let importers = env.importers(id);
  if importers.is_empty() {
    return true;
  }
  if !node.css && importers.iter().all(|(i, _)| env.nodes[i].css) {
    return true;
  }
  for (importer, _) in importers {
    if env.nodes[&importer].accepts.contains(id) {
      continue;
    }
    let mut sub = chain.to_vec();
    sub.push(importer.clone());
    if !chain.contains(&importer) && vite_propagate(env, &importer, traversed, &sub) {
      return true;
    }
  }
  false
}

#[derive(Default)]
struct RPending {
  class: Option<ChangeClass>,
  watched: bool,
  server_only: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Default)]
struct Reference {
  envs: BTreeMap<String, REnv>,
  tabs: BTreeMap<TabId, Option<String>>,
  /// page -> env -> resolved root ids
  pages: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
  /// (page, env) -> roots that named no module when recorded; they resolve
  /// when a module they name (id, url, or file) is analyzed later.
  unresolved: BTreeMap<(String, String), BTreeSet<String>>,
  pending: BTreeMap<String, RPending>,
  invalidated: BTreeMap<String, BTreeSet<String>>,
  /// File keys that failed their last compilation.
  broken: BTreeSet<String>,
}

fn rank(c: ChangeClass) -> u8 {
  match c {
    ChangeClass::Unknown => 0,
    ChangeClass::ClientOnly => 1,
    ChangeClass::Shared => 2,
    ChangeClass::ServerOnly => 3,
  }
}

impl Reference {
  fn env_mut(&mut self, name: &str) -> &mut REnv {
    self
      .envs
      .entry(name.to_string())
      .or_insert_with(|| REnv { client: name == "client", nodes: BTreeMap::new() })
  }

  fn update(&mut self, env: &str, rec: &ModuleRecord) {
    // The environment exists even when the record itself is rejected.
    let e = self.env_mut(env);
    if rec.id.len() > MAX_ID_BYTES {
      return;
    }
    e.ensure(&rec.id);
    let mut accepts = HashSet::new();
    for a in &rec.accepted_deps {
      if a.len() <= MAX_ID_BYTES {
        e.ensure(a);
        accepts.insert(a.clone());
      }
    }
    let mut imports = BTreeMap::new();
    for i in &rec.imports {
      if i.id.len() <= MAX_ID_BYTES {
        e.ensure(&i.id);
        let d = imports.entry(i.id.clone()).or_insert(true);
        *d &= i.dynamic;
      }
    }
    let n = e.nodes.get_mut(&rec.id).unwrap();
    n.analyzed = true;
    n.self_accepting = rec.self_accepting;
    n.css = rec.kind == ModuleKind::Css;
    n.accepts = accepts;
    n.imports = imports;
  }

  fn variants(&self, env: &REnv, file: &str) -> (bool, bool) {
    let mut v = (false, false);
    for id in env.of_file(file) {
      if env.nodes[&id].analyzed {
        if ref_string_export(&id) {
          v.1 = true;
        } else {
          v.0 = true;
        }
      }
    }
    v
  }

  fn classify(&self, env: &str, file: &str) -> ChangeClass {
    let mut client = (false, false);
    for e in self.envs.values().filter(|e| e.client) {
      let v = self.variants(e, file);
      client.0 |= v.0;
      client.1 |= v.1;
    }
    let server = match self.envs.get(env) {
      Some(e) if !e.client => self.variants(e, file),
      _ => (false, false),
    };
    if !server.0 && !server.1 {
      if client.0 || client.1 {
        ChangeClass::ClientOnly
      } else {
        ChangeClass::Unknown
      }
    } else if (!server.0 || client.0) && (!server.1 || client.1) {
      ChangeClass::Shared
    } else {
      ChangeClass::ServerOnly
    }
  }

  fn server_change(&mut self, env: &str, file: &str) -> (ChangeClass, bool, BTreeSet<String>) {
    if file.len() > MAX_ID_BYTES {
      return (ChangeClass::Unknown, true, BTreeSet::new());
    }
    let key = ref_file(file);
    let class = self.classify(env, &key);
    let mut keep = true;
    let mut inv = BTreeSet::new();
    let mut server_only = BTreeSet::new();
    if matches!(class, ChangeClass::ServerOnly | ChangeClass::Shared) {
      let e = &self.envs[env];
      let changed = e.of_file(&key);
      let mut traversed = HashSet::new();
      let dead =
        changed.iter().any(|c| vite_propagate(e, c, &mut traversed, std::slice::from_ref(c)));
      if dead {
        keep = false;
        let mut q: VecDeque<String> = changed.iter().cloned().collect();
        inv = changed.iter().cloned().collect();
        while let Some(m) = q.pop_front() {
          for (i, _) in e.importers(&m) {
            if inv.insert(i.clone()) {
              q.push_back(i);
            }
          }
        }
      }
      let mut client = (false, false);
      for ce in self.envs.values().filter(|e| e.client) {
        let v = self.variants(ce, &key);
        client.0 |= v.0;
        client.1 |= v.1;
      }
      for id in changed.into_iter().filter(|_| class == ChangeClass::ServerOnly) {
        let covered = if ref_string_export(&id) { client.1 } else { client.0 };
        if !covered {
          server_only.insert(id);
        }
      }
    }
    let p = self.pending.entry(key).or_default();
    p.class = Some(match p.class {
      Some(old) if rank(old) >= rank(class) => old,
      _ => class,
    });
    if !server_only.is_empty() {
      p.server_only.entry(env.to_string()).or_default().extend(server_only);
    }
    if !inv.is_empty() {
      self.invalidated.entry(env.to_string()).or_default().extend(inv.iter().cloned());
    }
    (class, keep, inv)
  }

  /// A broken file compiles again: a server-only change of its modules.
  fn fixed(&mut self, key: &str) {
    let mut client = (false, false);
    for ce in self.envs.values().filter(|e| e.client) {
      let v = self.variants(ce, key);
      client.0 |= v.0;
      client.1 |= v.1;
    }
    let mut server_only: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, e) in self.envs.iter().filter(|(_, e)| !e.client) {
      let ids: BTreeSet<String> = e
        .of_file(key)
        .into_iter()
        .filter(|id| !(if ref_string_export(id) { client.1 } else { client.0 }))
        .collect();
      if !e.of_file(key).is_empty() {
        server_only.insert(name.clone(), ids);
      }
    }
    let p = self.pending.entry(key.to_string()).or_default();
    p.class = Some(ChangeClass::ServerOnly);
    for (env, ids) in server_only {
      p.server_only.entry(env).or_default().extend(ids);
    }
  }

  fn resolve(&self, env: &str, root: &str) -> Vec<String> {
    let Some(e) = self.envs.get(env) else { return vec![] };
    if e.nodes.contains_key(root) {
      return vec![root.to_string()];
    }
    if let Some((id, _)) =
      e.nodes.iter().find(|(id, n)| n.analyzed && !root.is_empty() && ref_url(id) == root)
    {
      return vec![id.clone()];
    }
    e.of_file(&ref_file(root))
  }

  fn resolve_late(&mut self, env: &str, id: &str) {
    if id.len() > MAX_ID_BYTES {
      return;
    }
    for ((page, e), roots) in self.unresolved.iter_mut() {
      if e != env {
        continue;
      }
      let before = roots.len();
      let url = ref_url(id);
      roots.retain(|root| {
        !(root == id || (!url.is_empty() && *root == url) || ref_file(root) == ref_file(id))
      });
      if roots.len() != before {
        self.pages.get_mut(page).unwrap().get_mut(env).unwrap().insert(id.to_string());
      }
    }
  }

  fn static_closure(e: &REnv, roots: &BTreeSet<String>) -> HashSet<String> {
    let mut seen: HashSet<String> =
      roots.iter().filter(|r| e.nodes.contains_key(*r)).cloned().collect();
    let mut q: VecDeque<String> = seen.iter().cloned().collect();
    while let Some(m) = q.pop_front() {
      for (t, dynamic) in &e.nodes[&m].imports {
        if !dynamic && seen.insert(t.clone()) {
          q.push_back(t.clone());
        }
      }
    }
    seen
  }

  /// (action is refresh, reload_all, pages, tabs, files by class)
  fn flush(&mut self) -> Option<RefDecision> {
    if self.pending.is_empty() {
      return None;
    }
    let pending = std::mem::take(&mut self.pending);
    let invalidated = std::mem::take(&mut self.invalidated);
    let mut d = RefDecision::default();
    let mut changed: Vec<(String, String)> = vec![]; // (env, id)
    for (file, p) in &pending {
      let shown = root_relative("", file);
      if p.watched {
        d.watched.insert(shown.clone());
        d.refresh = true;
        d.reload_all = true;
      }
      match p.class {
        Some(ChangeClass::ServerOnly) => {
          d.refresh = true;
          d.server_only.insert(shown);
          for (env, ids) in &p.server_only {
            if let Some(e) = self.envs.get(env) {
              for id in ids {
                if e.nodes.contains_key(id) {
                  changed.push((env.clone(), id.clone()));
                }
              }
            }
          }
        }
        Some(ChangeClass::Shared) => {
          d.shared.insert(shown);
        }
        Some(ChangeClass::ClientOnly) => {
          d.client_only.insert(shown);
        }
        _ => {}
      }
    }
    d.invalidated = invalidated.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    if !d.refresh {
      return Some(d);
    }
    let mut affected = BTreeSet::new();
    for (page, envs) in &self.pages {
      for (env, roots) in envs {
        let Some(e) = self.envs.get(env) else { continue };
        let closure = Self::static_closure(e, roots);
        if changed.iter().any(|(ce, id)| ce == env && closure.contains(id)) {
          affected.insert(page.clone());
        }
      }
    }
    if d.reload_all {
      d.tabs = self.tabs.keys().copied().collect();
      let mut all: BTreeSet<String> = self.pages.keys().cloned().collect();
      all.extend(self.tabs.values().flatten().cloned());
      d.pages = all;
    } else {
      // A change in an environment where no page has resolved roots affects every tab.
      let blind = changed.iter().any(|(ce, _)| {
        !self.pages.values().any(|envs| envs.get(ce).is_some_and(|roots| !roots.is_empty()))
      });
      d.tabs = self
        .tabs
        .iter()
        .filter(|(_, url)| match url {
          _ if blind => true,
          None => true,
          Some(u) => match self.pages.get(u) {
            None => true,
            Some(envs) => envs.values().all(|r| r.is_empty()) || affected.contains(u),
          },
        })
        .map(|(t, _)| *t)
        .collect();
      d.pages = affected;
    }
    // Tabs on a known page whose closure holds a module of a broken file are
    // shown the error instead of refreshing.
    let mut broken_pages = BTreeSet::new();
    for (page, envs) in &self.pages {
      for (env, roots) in envs {
        let Some(e) = self.envs.get(env).filter(|e| !e.client) else { continue };
        let closure = Self::static_closure(e, roots);
        if self.broken.iter().any(|file| e.of_file(file).iter().any(|id| closure.contains(id))) {
          broken_pages.insert(page.clone());
        }
      }
    }
    let (error_tabs, tabs): (Vec<TabId>, Vec<TabId>) = d.tabs.iter().partition(|t| {
      self.tabs.get(t).and_then(|u| u.as_ref()).is_some_and(|u| broken_pages.contains(u))
    });
    d.tabs = tabs;
    d.error_tabs = error_tabs;
    Some(d)
  }
}

#[derive(Debug, Default, PartialEq)]
struct RefDecision {
  refresh: bool,
  reload_all: bool,
  server_only: BTreeSet<String>,
  shared: BTreeSet<String>,
  client_only: BTreeSet<String>,
  watched: BTreeSet<String>,
  invalidated: BTreeMap<String, BTreeSet<String>>,
  pages: BTreeSet<String>,
  tabs: Vec<TabId>,
  error_tabs: Vec<TabId>,
}

fn to_ref(engine: &Engine, d: &Decision) -> RefDecision {
  let set = |v: &Vec<String>| v.iter().cloned().collect::<BTreeSet<_>>();
  RefDecision {
    refresh: d.action != Action::Passthrough,
    reload_all: d.reload_all,
    server_only: set(&d.files.server_only),
    shared: set(&d.files.shared),
    client_only: set(&d.files.client_only),
    watched: set(&d.files.watched),
    invalidated: d
      .invalidated
      .iter()
      .map(|(k, v)| {
        (k.clone(), v.iter().map(|&m| engine.module_id(k, m).unwrap().to_string()).collect())
      })
      .collect(),
    pages: set(&d.pages),
    tabs: d.tabs.clone(),
    error_tabs: d.error_tabs.clone(),
  }
}

/// Each explanation must be a static importer chain from a changed
/// server-only module of the file to the root it names, a root of the page.
fn check_explanations(r: &Reference, d: &Decision) {
  for ex in &d.explanations {
    assert!(d.pages.contains(&ex.page), "explained page not affected: {ex:?}");
    assert!(!ex.chain.is_empty());
    let ok_env = r.envs.iter().any(|(name, e)| {
      let rooted = ex.chain.last() == Some(&ex.root)
        && r
          .pages
          .get(&ex.page)
          .and_then(|p| p.get(name))
          .is_some_and(|roots| roots.contains(&ex.root));
      let linked = ex
        .chain
        .windows(2)
        .all(|w| e.nodes.get(&w[1]).and_then(|n| n.imports.get(&w[0])) == Some(&false));
      let from_file = root_relative("", &ref_file(&ex.chain[0])) == ex.file;
      rooted && linked && from_file
    });
    assert!(ok_env, "explanation is not a static chain to a root: {ex:?}");
  }
  let mut sorted = d.explanations.clone();
  sorted.sort_by(|a, b| (&a.file, &a.page, &a.root).cmp(&(&b.file, &b.page, &b.root)));
  assert_eq!(sorted, d.explanations, "explanations sorted by (file, page, root)");
  let key = |e: &ssr_hmr_core::Explanation| (e.file.clone(), e.page.clone(), e.root.clone());
  assert!(sorted.windows(2).all(|w| key(&w[0]) != key(&w[1])), "one explanation per root");
}

fn record(
  ids: &[String],
  id: usize,
  imports: &[(usize, bool)],
  sa: bool,
  acc: &[usize],
  css: bool,
) -> ModuleRecord {
  let mut r = ModuleRecord::js(
    ids[id].clone(),
    imports.iter().map(|&(i, d)| Import::new(ids[i].clone(), d)).collect(),
  );
  r.url = ref_url(&ids[id]);
  r.self_accepting = sa;
  r.accepted_deps = acc.iter().map(|&i| ids[i].clone()).collect();
  r.kind = if css { ModuleKind::Css } else { ModuleKind::Js };
  r
}

fn run(ops: Vec<Op>) {
  let ids = id_pool();
  let files = files_pool();
  let mut engine = Engine::new(EngineOptions { root: String::new(), ..Default::default() });
  let mut r = Reference::default();
  let mut tabs: Vec<TabId> = vec![];
  let mut now = 0.0;
  for op in ops {
    now += 1.0;
    match op {
      Op::SetEnv(e, client) => {
        let c = if client { Consumer::Client } else { Consumer::Server };
        engine.set_environment(ENVS[e], c);
        r.env_mut(ENVS[e]).client = client;
      }
      Op::Update { env, id, imports, self_accepting, accepts, css } => {
        let rec = record(&ids, id, &imports, self_accepting, &accepts, css);
        r.update(ENVS[env], &rec);
        r.resolve_late(ENVS[env], &rec.id);
        engine.update_module(ENVS[env], rec);
      }
      Op::DeleteFile(f) => {
        engine.delete_file(&files[f]);
        let key = ref_file(&files[f]);
        r.broken.remove(&key);
        for e in r.envs.values_mut() {
          for id in e.of_file(&key) {
            e.nodes.get_mut(&id).unwrap().imports.clear();
          }
        }
      }
      Op::DropEnv(e) => {
        engine.drop_environment(ENVS[e]);
        r.envs.remove(ENVS[e]);
        r.invalidated.remove(ENVS[e]);
        for p in r.pages.values_mut() {
          p.remove(ENVS[e]);
        }
        r.unresolved.retain(|(_, env), _| env != ENVS[e]);
      }
      Op::ServerChange(e, f) => {
        let got = engine.on_server_change(ENVS[e], &files[f], now);
        let (class, keep, inv) = r.server_change(ENVS[e], &files[f]);
        assert_eq!(got.class, class, "class of {:?} in {}", files[f], ENVS[e]);
        assert_eq!(got.keep_vite_update, keep, "keep_vite_update of {:?} in {}", files[f], ENVS[e]);
        let got_inv: BTreeSet<String> = got
          .invalidate
          .iter()
          .map(|&m| engine.module_id(ENVS[e], m).unwrap().to_string())
          .collect();
        assert_eq!(got_inv.len(), got.invalidate.len(), "no duplicate ids");
        assert_eq!(got_inv, inv, "invalidation set of {:?} in {}", files[f], ENVS[e]);
      }
      Op::Watched(f) => {
        engine.on_watched_change(&files[f], now);
        if files[f].len() <= MAX_ID_BYTES {
          r.pending.entry(ref_file(&files[f])).or_default().watched = true;
        }
      }
      Op::OpenTab(u) => {
        let t = engine.open_tab(u.map(|u| URLS[u]), None, now);
        assert!(!r.tabs.contains_key(&t));
        r.tabs.insert(t, u.map(|u| ref_page(URLS[u])));
        tabs.push(t);
      }
      Op::Navigate(t, u) => {
        let Some(&t) = tabs.get(t) else { continue };
        engine.navigate_tab(t, URLS[u], None);
        if let Some(url) = r.tabs.get_mut(&t) {
          *url = Some(ref_page(URLS[u]));
        }
      }
      Op::CloseTab(t) => {
        let Some(&t) = tabs.get(t) else { continue };
        engine.close_tab(t);
        r.tabs.remove(&t);
      }
      Op::Roots(u, e, roots) => {
        let roots: Vec<String> = roots
          .iter()
          .map(|root| match root {
            RootRef::Id(i) => ids[*i].clone(),
            RootRef::Url(i) => ref_url(&ids[*i]),
            RootRef::File(f) => files[*f].clone(),
            RootRef::Unknown => "/unknown-root".into(),
          })
          .collect();
        let page = ref_page(URLS[u]);
        let resolved: BTreeSet<String> = roots
          .iter()
          .filter(|root| root.len() <= MAX_ID_BYTES)
          .flat_map(|root| r.resolve(ENVS[e], root))
          .collect();
        let unresolved: BTreeSet<String> = roots
          .iter()
          .filter(|root| root.len() <= MAX_ID_BYTES && r.resolve(ENVS[e], root).is_empty())
          .cloned()
          .collect();
        r.unresolved.insert((page.clone(), ENVS[e].to_string()), unresolved);
        r.pages.entry(page).or_default().insert(ENVS[e].to_string(), resolved);
        let fetched: Vec<FetchedModule> = roots.into_iter().map(FetchedModule::entry).collect();
        engine.record_page_roots(URLS[u], ENVS[e], &fetched);
      }
      Op::CompileError(f, failed) => {
        engine.set_compile_error(&files[f], failed);
        if files[f].len() <= MAX_ID_BYTES {
          let key = ref_file(&files[f]);
          if failed {
            r.broken.insert(key);
          } else if r.broken.remove(&key) {
            r.fixed(&key);
          }
        }
      }
      Op::Flush => {
        now += 1e6;
        let got = engine.flush(now);
        let want = r.flush();
        match (got, want) {
          (None, None) => {}
          (Some(d), Some(w)) => {
            assert_eq!(to_ref(&engine, &d), w, "decision");
            let broken: BTreeSet<String> = r.broken.iter().map(|f| root_relative("", f)).collect();
            assert_eq!(
              d.broken_files.iter().cloned().collect::<BTreeSet<_>>(),
              broken,
              "broken files"
            );
            assert!(d.tabs.windows(2).all(|w| w[0] < w[1]), "tabs sorted, deduped");
            assert!(d.pages.windows(2).all(|w| w[0] < w[1]), "pages sorted, deduped");
            check_explanations(&r, &d);
          }
          (got, want) => panic!("flush mismatch: engine {got:?} vs reference {want:?}"),
        }
      }
      Op::Reset => {
        engine.reset();
        r.envs.clear();
        r.pages.clear();
        r.unresolved.clear();
        r.pending.clear();
        r.invalidated.clear();
        r.broken.clear();
      }
    }
    // Graph contents agree after every operation.
    let stats = engine.stats();
    assert_eq!(stats.environments, r.envs.len());
    assert_eq!(stats.modules, r.envs.values().map(|e| e.nodes.len()).sum::<usize>());
    assert_eq!(
      stats.edges,
      r.envs.values().flat_map(|e| e.nodes.values()).map(|n| n.imports.len()).sum::<usize>()
    );
  }
  for (name, e) in &r.envs {
    let snap = engine.snapshot(name).unwrap();
    let want: Vec<(String, bool, Vec<Import>)> = e
      .nodes
      .iter()
      .map(|(id, n)| {
        (
          id.clone(),
          n.analyzed,
          n.imports.iter().map(|(t, d)| Import::new(t.clone(), *d)).collect(),
        )
      })
      .collect();
    let got: Vec<(String, bool, Vec<Import>)> =
      snap.modules.into_iter().map(|m| (m.id, m.analyzed, m.imports)).collect();
    assert_eq!(got, want, "snapshot of {name}");
  }
}

proptest! {
  #![proptest_config(ProptestConfig {
    // PROPTEST_CASES overrides this default (see module docs).
    cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
    ..ProptestConfig::default()
  })]

  #[test]
  fn engine_agrees_with_reference_model(ops in prop::collection::vec(op_strategy(), 1..120)) {
    run(ops);
  }

  #[test]
  fn arbitrary_strings_never_panic(
    strings in prop::collection::vec(
      prop_oneof![
        ".*",
        Just(String::new()),
        Just("\0".to_string()),
        Just("?raw&url=&&#".to_string()),
        Just("c:\\a\\b?v=1".to_string()),
        (0usize..3).prop_map(|k| "é".repeat(MAX_ID_BYTES / 2 + k)),
      ],
      1..12,
    ),
    picks in prop::collection::vec((0usize..64, 0usize..64, 0usize..64, 0u8..13), 1..60),
  ) {
    let mut e = Engine::new(EngineOptions { max_tabs: 3, max_pages: 2, max_roots_per_page: 2, ..Default::default() });
    let s = |i: usize| strings[i % strings.len()].as_str();
    let mut now = 0.0;
    for (a, b, c, op) in picks {
      now += 7.0;
      match op {
        0 => e.set_environment(s(a), if b % 2 == 0 { Consumer::Client } else { Consumer::Server }),
        1 | 2 => { let _ = e.update_module(s(a), ModuleRecord {
          id: s(b).into(), url: s(c).into(), file: (a % 3 == 0).then(|| s(c).to_string()),
          kind: ModuleKind::Js, self_accepting: c % 5 == 0,
          accepted_deps: vec![s(c).into()],
          imports: vec![Import::new(s(a), false), Import::new(s(b), true), Import::new(s(c), false)],
        }); }
        3 => e.delete_file(s(a)),
        4 => e.drop_environment(s(a)),
        5 => { let _ = e.on_server_change(s(a), s(b), now); }
        6 => e.on_watched_change(s(a), if b % 4 == 0 { f64::NAN } else { now }),
        7 => { let t = e.open_tab((b % 3 != 0).then(|| s(a)), Some(c as u32), now); e.navigate_tab(t.wrapping_add(c as u32 % 3), s(b), Some(a as u32)); }
        8 => e.close_tab(a as u32),
        9 => e.record_page_roots(s(a), s(b), &[
          FetchedModule::entry(s(c)),
          FetchedModule { id: s(a).into(), importer: Some(s(c).into()) },
          FetchedModule { id: s(b).into(), importer: Some(s(a).into()) },
        ]),
        10 => { let _ = e.poll(if a % 5 == 0 { f64::NAN } else { now + 1e4 }); }
        11 => {
          let r = e.begin_render(s(a), c as u16, (b % 2 == 0).then(|| s(b)), Some(s(c)));
          e.write_render(r.wrapping_add(b as u32 % 2), s(b).as_bytes());
          let _ = e.end_render(r.wrapping_sub(c as u32 % 2), a % 3 != 0);
        }
        _ => { let _ = e.snapshot(s(a)); e.reset(); }
      }
      let st = e.stats();
      prop_assert!(st.tabs <= 3 && st.pages <= 2 && st.pending_checks <= 3);
      if let Some(d) = e.next_deadline() { prop_assert!(d.is_finite()); }
    }
  }
}

// ------------------------------------------------------ html fingerprints

/// HTML-ish text from pieces that exercise every tokenizer state.
fn html_strategy() -> impl Strategy<Value = String> {
  let piece = prop_oneof![
    Just("<div class='a'>".to_string()),
    Just("</div>".to_string()),
    Just("<p>".to_string()),
    Just("<!-- <b> -->".to_string()),
    Just("<script>if (a</b) x('</div>')</script>".to_string()),
    Just("<time data-ssr-hmr-volatile>".to_string()),
    Just("</time>".to_string()),
    Just("<img src=x nonce=\"n\" />".to_string()),
    Just("a < b".to_string()),
    Just("<".to_string()),
    Just("\"".to_string()),
    "[a-z ]{0,6}",
  ];
  prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

fn fingerprint_in_chunks(html: &str, cuts: &[usize]) -> Option<u64> {
  let bytes = html.as_bytes();
  let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
  cuts.sort_unstable();
  let mut f = HtmlFingerprint::new(200, None);
  let mut start = 0;
  for cut in cuts {
    f.write(&bytes[start..cut]);
    start = cut;
  }
  f.write(&bytes[start..]);
  f.finish()
}

proptest! {
  #[test]
  fn a_fingerprint_does_not_depend_on_how_the_body_is_chunked(
    html in html_strategy(),
    cuts in prop::collection::vec(0usize..512, 0..8),
  ) {
    prop_assert_eq!(fingerprint_in_chunks(&html, &cuts), fingerprint_in_chunks(&html, &[]));
  }

  #[test]
  fn an_addition_is_never_ignored_unless_the_page_cannot_be_fingerprinted(html in html_strategy(), tail in "[a-z]{1,4}") {
    // Whatever came before (an open tag, a comment, a script, a volatile
    // element), what the document goes on with counts, or the fingerprint
    // says it cannot tell: a stale tab is never the outcome.
    let a = fingerprint_in_chunks(&format!("{html}{tail}"), &[]);
    let b = fingerprint_in_chunks(&format!("{html}{tail}!"), &[]);
    prop_assert!(a.is_none() || b.is_none() || a != b, "{html:?} + {tail:?}");
  }
}

/// The core fuzzing run: the same properties with many more cases. Ignored by
/// plain `cargo test`; `npm test` runs it in release mode (seconds).
fn fuzz_config() -> ProptestConfig {
  ProptestConfig {
    cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000),
    ..ProptestConfig::default()
  }
}

proptest! {
  #![proptest_config(fuzz_config())]

  #[test]
  #[ignore = "the long fuzz run: npm test runs it in release mode"]
  fn fuzz_engine_agrees_with_reference_model(ops in prop::collection::vec(op_strategy(), 1..120)) {
    run(ops);
  }
}
