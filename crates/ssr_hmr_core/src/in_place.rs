//! Whether a client HMR update another plugin sent carries a server-only
//! change to the browser.
//!
//! Vite itself never sends the browser an update for a file only the server
//! runs. A framework can: React Router walks the changed module's server
//! importers up to the first module the client also runs (the route module)
//! and reloads that one on the client, whose runtime then revalidates its
//! loaders in place. So an update of a client module whose file, on the
//! server, imports the changed file (directly or not) is that framework
//! updating the page itself: the plugin stands aside for the file. An update
//! of anything else says nothing about it: a shared file changing at the
//! same time, or the browser's own variant of the changed file (`style.css`
//! hot-updated while the server's `style.css?raw` is what changed).

use crate::importer_walk::{transitive_importers, WalkScratch};
use crate::mirror::ModuleGraphMirror;
use crate::module_key::file_key;
use crate::module_record::Consumer;

/// Whether one of the client modules `client_urls` (as a client update
/// names them: `path`, `acceptedPath`) is, on the server, a transitive
/// importer of `file` in another file.
pub fn client_update_carries(
  mirror: &ModuleGraphMirror,
  file: &str,
  client_urls: &[String],
  scratch: &mut WalkScratch,
) -> bool {
  let key = file_key(file);
  let mut updated_files: Vec<&str> = client_urls
    .iter()
    .filter_map(|url| {
      let url = url.split_once('?').map_or(url.as_str(), |(path, _)| path);
      mirror.client_environments().find_map(|g| g.get_by_url(url).map(|ix| &*g.node(ix).file))
    })
    .collect();
  updated_files.retain(|updated| **updated != *key);
  if updated_files.is_empty() {
    return false;
  }
  for (_, g, changed) in mirror.modules_of_file(&key) {
    if g.consumer != Consumer::Server {
      continue;
    }
    let reached = transitive_importers(g, changed, scratch);
    if reached.iter().any(|&m| updated_files.contains(&&*g.node(m).file)) {
      return true;
    }
  }
  false
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::module_record::{Import, ModuleRecord};

  /// Server: entry → route → loader-data; client: route (its client half).
  fn app() -> ModuleGraphMirror {
    let mut m = ModuleGraphMirror::new();
    m.set_environment("client", Consumer::Client);
    m.set_environment("ssr", Consumer::Server);
    let js = |id: &str, imports: &[&str]| {
      let mut r = ModuleRecord::js(id, imports.iter().map(|i| Import::new(*i, false)).collect());
      r.url = id.trim_start_matches("/app").to_string();
      r
    };
    m.update_module("ssr", &js("/app/entry.js", &["/app/routes/about.jsx"]));
    m.update_module("ssr", &js("/app/routes/about.jsx", &["/app/data/about.js"]));
    m.update_module("ssr", &js("/app/data/about.js", &[]));
    m.update_module("ssr", &js("/app/data/home.js", &[]));
    m.update_module("client", &js("/app/routes/about.jsx", &[]));
    m.update_module("client", &js("/app/components/label.jsx", &[]));
    m
  }

  #[test]
  fn an_update_of_a_client_module_that_imports_the_change_on_the_server_carries_it() {
    let m = app();
    let mut scratch = WalkScratch::default();
    let urls = |u: &[&str]| u.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(client_update_carries(
      &m,
      "/app/data/about.js",
      &urls(&["/routes/about.jsx?t=17"]),
      &mut scratch
    ));
    assert!(
      !client_update_carries(&m, "/app/data/home.js", &urls(&["/routes/about.jsx"]), &mut scratch),
      "does not import it"
    );
    assert!(
      !client_update_carries(
        &m,
        "/app/data/about.js",
        &urls(&["/components/label.jsx"]),
        &mut scratch
      ),
      "another file's update"
    );
    assert!(!client_update_carries(
      &m,
      "/app/data/about.js",
      &urls(&["/unknown.js"]),
      &mut scratch
    ));
    assert!(
      !client_update_carries(
        &m,
        "/app/routes/about.jsx",
        &urls(&["/routes/about.jsx"]),
        &mut scratch
      ),
      "the browser's own copy of the changed file"
    );
  }
}
