//! The core's modules depend on each other one way (ARCHITECTURE.md): a
//! module's `use crate::…` items, outside its tests, never lead back to it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// module → the modules its non-test code imports.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
  let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
  let mut graph = BTreeMap::new();
  for entry in fs::read_dir(src).expect("src/") {
    let path = entry.expect("entry").path();
    if path.extension().is_none_or(|e| e != "rs") {
      continue;
    }
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = fs::read_to_string(&path).expect("source");
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let used = code
      .lines()
      .map(str::trim_start)
      .filter(|line| line.starts_with("use crate::") || line.starts_with("pub use crate::"))
      .filter_map(|line| line.split("crate::").nth(1))
      .map(|rest| rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or(""))
      .filter(|module| !module.is_empty() && *module != name)
      .map(str::to_owned)
      .collect();
    graph.insert(name, used);
  }
  graph
}

/// A path that leads from `from` back to `from`, if any.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
  let mut stack = vec![vec![from.to_string()]];
  let mut seen = BTreeSet::new();
  while let Some(path) = stack.pop() {
    for next in graph.get(path.last().unwrap()).into_iter().flatten() {
      let mut longer = path.clone();
      longer.push(next.clone());
      if next == from {
        return Some(longer);
      }
      if seen.insert(next.clone()) {
        stack.push(longer);
      }
    }
  }
  None
}

#[test]
fn no_module_of_the_core_depends_on_itself_through_others() {
  let graph = dependencies();
  assert!(graph.len() > 10, "read the crate's modules: {:?}", graph.keys());
  assert!(graph["engine"].contains("batcher"), "reads `use crate::` lines");
  let cycles: Vec<String> =
    graph.keys().filter_map(|m| cycle_through(&graph, m)).map(|c| c.join(" → ")).collect();
  assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}
