//! Deterministic synthetic Vite apps shared by the benches.
//!
//! Shape of an `n`-module server graph (about 4 imports per module):
//! * `entry-server.ts` imports a router that `import()`s every route (5%);
//! * routes import components, one loader and a util;
//! * components (40%) import deeper components and utils;
//! * loaders (25%) are server-only data code importing utils and deeper
//!   server libs; the last 1% of them are popular (db, auth);
//! * utils (30%) form a DAG towards higher indexes, plus ~1% back edges
//!   (cycles); 1% of utils are "popular" and imported from everywhere.
//!
//! The client graph holds the routes, components and utils (not loaders),
//! so editing a loader is a server-only change.
#![allow(dead_code)]

use ssr_hmr_core::{Consumer, Engine, EngineOptions, FetchedModule, Import, ModuleRecord};

pub const ROOT: &str = "/home/dev/app";

/// splitmix64: tiny deterministic PRNG, no dependency needed.
pub struct Rng(u64);

impl Rng {
  pub fn new(seed: u64) -> Self {
    Rng(seed)
  }
  pub fn next(&mut self) -> u64 {
    self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = self.0;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
  }
  pub fn below(&mut self, n: usize) -> usize {
    (self.next() % n.max(1) as u64) as usize
  }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layer {
  Entry,
  Router,
  Route,
  Component,
  Loader,
  Util,
}

pub struct App {
  pub server: Vec<ModuleRecord>,
  pub client: Vec<ModuleRecord>,
  pub routes: Vec<usize>,
  pub loaders: Vec<usize>,
  pub utils: Vec<usize>,
  pub popular_utils: Vec<usize>,
  /// Server-only modules imported from many loaders (db, auth).
  pub popular_server: Vec<usize>,
}

impl App {
  pub fn edge_count(&self) -> usize {
    self.server.iter().map(|m| m.imports.len()).sum()
  }
  pub fn file(&self, ix: usize) -> &str {
    &self.server[ix].id
  }
}

fn id_of(layer: Layer, k: usize) -> String {
  let dir = match layer {
    Layer::Entry => return format!("{ROOT}/src/entry-server.tsx"),
    Layer::Router => return format!("{ROOT}/src/router.ts"),
    Layer::Route => "pages",
    Layer::Component => "components",
    Layer::Loader => "server/loaders",
    Layer::Util => "lib",
  };
  format!("{ROOT}/src/{dir}/{}/m{k}.ts", k % 97)
}

pub fn generate(n: usize, seed: u64) -> App {
  let n = n.max(100);
  let routes = n * 5 / 100;
  let components = n * 40 / 100;
  let loaders = n * 25 / 100;
  let utils = n - 2 - routes - components - loaders;
  let popular = (utils / 100).max(1);
  let popular_loaders = (loaders / 100).max(1);
  let mut rng = Rng::new(seed);
  let mut layers = vec![(Layer::Entry, 0), (Layer::Router, 0)];
  layers.extend((0..routes).map(|k| (Layer::Route, k)));
  layers.extend((0..components).map(|k| (Layer::Component, k)));
  layers.extend((0..loaders).map(|k| (Layer::Loader, k)));
  layers.extend((0..utils).map(|k| (Layer::Util, k)));
  let base_route = 2;
  let base_comp = base_route + routes;
  let base_loader = base_comp + components;
  let base_util = base_loader + loaders;
  let ids: Vec<String> = layers.iter().map(|&(l, k)| id_of(l, k)).collect();
  // Popular modules are the last block of their layer and import no module
  // of that layer (think `clsx`, `db.ts`).
  let regular_utils = utils - popular;
  let regular_loaders = loaders - popular_loaders;

  // Local pick: a target near `k` scaled into the target layer, so the graph
  // has locality like real feature folders.
  let near = |rng: &mut Rng, k: usize, from: usize, count: usize| -> usize {
    let center = k * count / from.max(1);
    (center + rng.below(64)) % count.max(1)
  };
  // Within a layer, module `k` sits at level `k % depth` and only imports
  // deeper levels, which bounds import chains like real apps (a handful of
  // levels, not thousands).
  let deeper = |rng: &mut Rng, k: usize, count: usize, depth: usize| -> Option<usize> {
    let level = k % depth;
    if level + 1 >= depth {
      return None;
    }
    let target_level = level + 1 + rng.below(depth - level - 1);
    let around = (k + rng.below(64)).saturating_sub(32) / depth * depth + target_level;
    (around < count).then_some(around)
  };
  let util = |rng: &mut Rng, k: usize, from: usize| -> usize {
    if rng.below(10) < 3 {
      base_util + regular_utils + rng.below(popular)
    } else {
      base_util + near(rng, k, from, regular_utils)
    }
  };

  let mut server = Vec::with_capacity(n);
  let mut client = Vec::new();
  for (ix, &(layer, k)) in layers.iter().enumerate() {
    let mut imports: Vec<Import> = Vec::with_capacity(5);
    let mut push = |t: usize, dynamic: bool| {
      if t != ix || dynamic {
        imports.push(Import::new(ids[t].clone(), dynamic));
      }
    };
    match layer {
      Layer::Entry => push(1, false),
      Layer::Router => (0..routes).for_each(|r| push(base_route + r, true)),
      Layer::Route => {
        for _ in 0..3 {
          push(base_comp + near(&mut rng, k, routes, components), false);
        }
        push(base_loader + k * regular_loaders / routes, false);
        push(util(&mut rng, k, routes), false);
      }
      Layer::Component => {
        for _ in 0..2 {
          match deeper(&mut rng, k, components, 5) {
            Some(c) => push(base_comp + c, false),
            None => push(util(&mut rng, k, components), false),
          }
        }
        push(util(&mut rng, k, components), false);
        push(util(&mut rng, k, components), rng.below(20) == 0);
      }
      Layer::Loader if k >= regular_loaders => {
        push(util(&mut rng, k, loaders), false);
        push(util(&mut rng, k, loaders), false);
      }
      Layer::Loader => {
        for _ in 0..3 {
          push(util(&mut rng, k, loaders), false);
        }
        if let Some(l) = deeper(&mut rng, k, regular_loaders, 4) {
          push(base_loader + l, false);
        }
        if rng.below(10) < 3 {
          push(base_loader + regular_loaders + rng.below(popular_loaders), false);
        }
      }
      Layer::Util if k >= regular_utils => {}
      Layer::Util => {
        for _ in 0..4 {
          let t = match deeper(&mut rng, k, regular_utils, 6) {
            // ~1% back edges to a shallower util: import cycles.
            Some(_) | None if rng.below(100) == 0 => k.saturating_sub(1 + rng.below(8)),
            Some(t) => t,
            None => regular_utils + rng.below(popular),
          };
          push(base_util + t, false);
        }
      }
    }
    imports.sort();
    imports.dedup_by(|a, b| a.id == b.id);
    let rec = ModuleRecord {
      id: ids[ix].clone(),
      url: ids[ix].trim_start_matches(ROOT).to_string(),
      file: Some(ids[ix].clone()),
      imports,
      ..Default::default()
    };
    if layer != Layer::Loader && layer != Layer::Entry {
      let mut c = rec.clone();
      c.imports.retain(|i| !i.id.contains("/server/"));
      client.push(c);
    }
    server.push(rec);
  }
  App {
    server,
    client,
    routes: (base_route..base_comp).collect(),
    loaders: (base_loader..base_loader + regular_loaders).collect(),
    utils: (base_util..n).collect(),
    popular_utils: (base_util + regular_utils..n).collect(),
    popular_server: (base_loader + regular_loaders..base_util).collect(),
  }
}

/// Engine loaded with `app`, its pages recorded (one per route, up to the
/// page cap) and a few tabs open.
pub fn engine_with(app: &App, with_client: bool) -> Engine {
  let mut e = Engine::new(EngineOptions { root: ROOT.into(), ..Default::default() });
  e.set_environment("client", Consumer::Client);
  e.set_environment("ssr", Consumer::Server);
  for m in &app.server {
    e.update_module("ssr", m.clone());
  }
  if with_client {
    for m in &app.client {
      e.update_module("client", m.clone());
    }
  }
  for (p, &r) in app.routes.iter().enumerate().take(1024) {
    let url = format!("/page/{p}");
    let mut roots = vec![app.server[0].id.clone(), app.server[r].id.clone()];
    roots.extend(app.server[r].imports.iter().map(|i| i.id.clone()));
    let roots: Vec<FetchedModule> = roots.into_iter().map(FetchedModule::entry).collect();
    e.record_page_roots(&url, "ssr", &roots);
    if p < 16 {
      e.open_tab(Some(&url), None, 0.0);
    }
  }
  e
}
