//! Who is affected by an edit of one file: the browser, the server, or both.
//!
//! Decided per server environment S by comparing variant sets (see
//! `module_key`): the variants under which S runs the file (its analyzed
//! modules of the file) and the variants under which any client environment
//! runs it. When every server variant is also a client variant, Vite's own
//! client HMR reaches the browser and the change is `Shared`; otherwise the
//! browser would get nothing (`ServerOnly`). Unanalyzed nodes are import
//! targets never transformed: nothing runs them, so they count for nobody.

use serde::{Deserialize, Serialize};

use crate::environment_graph::{EnvironmentGraph, ModuleIx};
use crate::mirror::ModuleGraphMirror;
use crate::module_key::{file_key, Variant};
use crate::module_record::Consumer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeClass {
  ClientOnly,
  Shared,
  ServerOnly,
  Unknown,
}

impl ChangeClass {
  /// How much browser work the class implies; used to merge the classes a
  /// file gets from several server environments or several edits.
  fn rank(self) -> u8 {
    match self {
      ChangeClass::Unknown => 0,
      ChangeClass::ClientOnly => 1,
      ChangeClass::Shared => 2,
      ChangeClass::ServerOnly => 3,
    }
  }

  /// ServerOnly if either says so, else Shared, else ClientOnly, else Unknown.
  pub fn merge(self, other: ChangeClass) -> ChangeClass {
    if other.rank() > self.rank() {
      other
    } else {
      self
    }
  }
}

/// Small set of `Variant`s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VariantSet(u8);

impl VariantSet {
  fn bit(v: Variant) -> u8 {
    match v {
      Variant::Code => 1,
      Variant::StringExport => 2,
    }
  }
  pub fn insert(&mut self, v: Variant) {
    self.0 |= Self::bit(v);
  }
  pub fn contains(self, v: Variant) -> bool {
    self.0 & Self::bit(v) != 0
  }
  pub fn is_empty(self) -> bool {
    self.0 == 0
  }
  pub fn is_subset(self, other: VariantSet) -> bool {
    self.0 & !other.0 == 0
  }
}

/// Variants under which `g` runs the given modules.
pub fn analyzed_variants(g: &EnvironmentGraph, mods: &[ModuleIx]) -> VariantSet {
  let mut set = VariantSet::default();
  for &m in mods {
    let node = g.node(m);
    if node.analyzed {
      set.insert(node.variant);
    }
  }
  set
}

/// Variants under which any client environment runs `file`.
pub fn client_variants(mirror: &ModuleGraphMirror, file: &str) -> VariantSet {
  let key = file_key(file);
  let mut set = VariantSet::default();
  for g in mirror.client_environments() {
    set.0 |= analyzed_variants(g, g.modules_of_file(&key)).0;
  }
  set
}

/// Class of an edit of `file` for server environment `server_env`.
/// When S does not run the file: `ClientOnly` if a client does, else `Unknown`.
pub fn classify_change(mirror: &ModuleGraphMirror, server_env: &str, file: &str) -> ChangeClass {
  let key = file_key(file);
  let client = client_variants(mirror, &key);
  let server = match mirror.environment(server_env) {
    Some(g) if g.consumer == Consumer::Server => analyzed_variants(g, g.modules_of_file(&key)),
    _ => VariantSet::default(),
  };
  classify_variants(server, client)
}

pub fn classify_variants(server: VariantSet, client: VariantSet) -> ChangeClass {
  if server.is_empty() {
    if client.is_empty() {
      ChangeClass::Unknown
    } else {
      ChangeClass::ClientOnly
    }
  } else if server.is_subset(client) {
    ChangeClass::Shared
  } else {
    ChangeClass::ServerOnly
  }
}

/// Class of `file` over all server environments (merged with `merge`).
pub fn classify_overall(mirror: &ModuleGraphMirror, file: &str) -> ChangeClass {
  let key = file_key(file);
  let client = client_variants(mirror, &key);
  let mut class = classify_variants(VariantSet::default(), client);
  for (_, g) in mirror.environments() {
    if g.consumer == Consumer::Server {
      let server = analyzed_variants(g, g.modules_of_file(&key));
      class = class.merge(classify_variants(server, client));
    }
  }
  class
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::module_record::{Import, ModuleRecord};

  fn mirror() -> ModuleGraphMirror {
    let mut m = ModuleGraphMirror::new();
    m.set_environment("client", Consumer::Client);
    m.set_environment("ssr", Consumer::Server);
    m
  }

  fn add(m: &mut ModuleGraphMirror, env: &str, id: &str, imports: &[&str]) {
    let imports = imports.iter().map(|i| Import::new(*i, false)).collect();
    m.update_module(env, &ModuleRecord::js(id, imports));
  }

  /// Several Vite dev servers of one project in one process (vinxi) share one mirror, a later
  /// server's environments named `<name>@<n>`: the client graph that makes a file shared may
  /// be another server's.
  #[test]
  fn client_graph_of_another_server_makes_a_file_shared() {
    let mut m = mirror();
    m.set_environment("client@2", Consumer::Client);
    m.set_environment("ssr@2", Consumer::Server);
    add(&mut m, "ssr", "/app/shared.tsx", &[]);
    add(&mut m, "ssr", "/app/data.js", &[]);
    add(&mut m, "client@2", "/app/shared.tsx", &[]);
    assert_eq!(classify_change(&m, "ssr", "/app/shared.tsx"), ChangeClass::Shared);
    assert_eq!(classify_change(&m, "ssr", "/app/data.js"), ChangeClass::ServerOnly);
    // The client server's own server environment never ran either file.
    assert_eq!(classify_change(&m, "ssr@2", "/app/shared.tsx"), ChangeClass::ClientOnly);
    assert_eq!(classify_change(&m, "ssr@2", "/app/data.js"), ChangeClass::Unknown);
  }

  #[test]
  fn file_only_in_server_graph_is_server_only() {
    let mut m = mirror();
    add(&mut m, "ssr", "/app/db.ts", &[]);
    assert_eq!(classify_change(&m, "ssr", "/app/db.ts"), ChangeClass::ServerOnly);
  }

  #[test]
  fn file_in_both_graphs_is_shared_despite_client_query() {
    let mut m = mirror();
    add(&mut m, "ssr", "/app/util.ts", &[]);
    add(&mut m, "client", "/app/util.ts?v=abc", &[]);
    assert_eq!(classify_change(&m, "ssr", "/app/util.ts"), ChangeClass::Shared);
  }

  #[test]
  fn raw_css_import_in_server_code_is_server_only() {
    let mut m = mirror();
    add(&mut m, "ssr", "/app/a.css?raw", &[]);
    add(&mut m, "client", "/app/a.css", &[]);
    add(&mut m, "client", "/app/a.css?direct", &[]);
    assert_eq!(classify_change(&m, "ssr", "/app/a.css"), ChangeClass::ServerOnly);
  }

  #[test]
  fn raw_import_in_both_graphs_is_shared() {
    let mut m = mirror();
    add(&mut m, "ssr", "/app/a.md?raw", &[]);
    add(&mut m, "client", "/app/a.md?raw&import", &[]);
    assert_eq!(classify_change(&m, "ssr", "/app/a.md"), ChangeClass::Shared);
  }

  #[test]
  fn unanalyzed_client_node_does_not_make_a_file_shared() {
    let mut m = mirror();
    add(&mut m, "ssr", "/app/server.ts", &[]);
    // The client graph knows the id only as an import target.
    add(&mut m, "client", "/app/entry.ts", &["/app/server.ts"]);
    assert_eq!(classify_change(&m, "ssr", "/app/server.ts"), ChangeClass::ServerOnly);
  }

  #[test]
  fn file_the_server_does_not_run_is_client_only_or_unknown() {
    let mut m = mirror();
    add(&mut m, "client", "/app/button.ts", &[]);
    add(&mut m, "ssr", "/app/page.ts", &["/app/button.ts"]);
    assert_eq!(classify_change(&m, "ssr", "/app/button.ts"), ChangeClass::ClientOnly);
    assert_eq!(classify_change(&m, "ssr", "/app/nothing.ts"), ChangeClass::Unknown);
  }

  #[test]
  fn vue_style_sub_request_belongs_to_its_file() {
    let mut m = mirror();
    add(&mut m, "ssr", "/app/C.vue", &[]);
    add(&mut m, "client", "/app/C.vue", &[]);
    add(&mut m, "ssr", "/app/C.vue?vue&type=style&index=0&lang.css", &[]);
    assert_eq!(classify_change(&m, "ssr", "/app/C.vue"), ChangeClass::Shared);
  }

  #[test]
  fn virtual_modules_match_by_id() {
    let mut m = mirror();
    add(&mut m, "ssr", "\0virtual:routes", &[]);
    assert_eq!(classify_change(&m, "ssr", "\0virtual:routes"), ChangeClass::ServerOnly);
    add(&mut m, "client", "\0virtual:routes", &[]);
    assert_eq!(classify_change(&m, "ssr", "\0virtual:routes"), ChangeClass::Shared);
  }

  #[test]
  fn windows_spelling_of_the_changed_file_still_matches() {
    let mut m = mirror();
    add(&mut m, "ssr", "C:/app/db.ts", &[]);
    assert_eq!(classify_change(&m, "ssr", "C:\\app\\db.ts"), ChangeClass::ServerOnly);
  }

  #[test]
  fn overall_class_is_server_only_if_any_server_env_says_so() {
    let mut m = mirror();
    m.set_environment("edge", Consumer::Server);
    add(&mut m, "client", "/app/x.ts", &[]);
    add(&mut m, "ssr", "/app/x.ts", &[]);
    add(&mut m, "edge", "/app/x.ts?raw", &[]);
    assert_eq!(classify_overall(&m, "/app/x.ts"), ChangeClass::ServerOnly);
    assert_eq!(classify_change(&m, "ssr", "/app/x.ts"), ChangeClass::Shared);
  }

  #[test]
  fn merge_prefers_server_only_then_shared_then_client_only() {
    use ChangeClass::*;
    assert_eq!(Unknown.merge(ClientOnly), ClientOnly);
    assert_eq!(ClientOnly.merge(Shared), Shared);
    assert_eq!(ServerOnly.merge(Shared), ServerOnly);
    assert_eq!(Shared.merge(Unknown), Shared);
  }
}
