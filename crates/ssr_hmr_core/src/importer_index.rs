//! `ImporterIndex`: one environment's importer edges laid out for walks.
//!
//! Every decision walks importer edges up from the changed modules (the
//! invalidation set, the affected pages), and a hub edit reaches half the
//! graph. Petgraph keeps a node's incoming edges as a linked list through the
//! edge array, so such a walk is a cache miss per edge. This is the same
//! edges in compressed sparse rows: each module's importers are contiguous
//! `u32`s. It is built from the graph when a walk needs it, and dropped when
//! an edge changes; the edits of a dev session rarely change imports (the
//! re-transform after a save usually keeps them), so it is rebuilt seldom.

use petgraph::stable_graph::StableDiGraph;
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};

use crate::import_edge::{ImportEdge, ModuleIx};

/// The low bit of an entry marks a dynamic import.
const DYNAMIC: u32 = 1;

#[derive(Debug, Default)]
pub struct ImporterIndex {
  /// Module `i`'s importers are `entries[offsets[i]..offsets[i + 1]]`.
  offsets: Vec<u32>,
  /// `importer index << 1 | dynamic`.
  entries: Vec<u32>,
}

impl ImporterIndex {
  pub fn build<N>(graph: &StableDiGraph<N, ImportEdge, u32>) -> Self {
    let bound = graph.node_bound();
    let mut offsets = vec![0u32; bound + 1];
    for edge in graph.edge_references() {
      offsets[edge.target().index() + 1] += 1;
    }
    for i in 0..bound {
      offsets[i + 1] += offsets[i];
    }
    let mut next: Vec<u32> = offsets[..bound].to_vec();
    let mut entries = vec![0u32; graph.edge_count()];
    for edge in graph.edge_references() {
      let slot = &mut next[edge.target().index()];
      entries[*slot as usize] =
        (edge.source().index() as u32) << 1 | u32::from(edge.weight().dynamic);
      *slot += 1;
    }
    ImporterIndex { offsets, entries }
  }

  fn slice(&self, ix: ModuleIx) -> &[u32] {
    let i = ix.index();
    match (self.offsets.get(i), self.offsets.get(i + 1)) {
      (Some(&start), Some(&end)) => &self.entries[start as usize..end as usize],
      // A module added since the build has no importers yet: adding an edge drops the index.
      _ => &[],
    }
  }

  pub fn importers(&self, ix: ModuleIx) -> impl Iterator<Item = (ModuleIx, ImportEdge)> + '_ {
    self.slice(ix).iter().map(|&entry| {
      (ModuleIx::new((entry >> 1) as usize), ImportEdge { dynamic: entry & DYNAMIC != 0 })
    })
  }

  pub fn has_importers(&self, ix: ModuleIx) -> bool {
    !self.slice(ix).is_empty()
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use petgraph::Direction;

  #[test]
  fn holds_exactly_the_graphs_incoming_edges() {
    let mut g: StableDiGraph<(), ImportEdge, u32> = StableDiGraph::default();
    let n: Vec<ModuleIx> = (0..5).map(|_| g.add_node(())).collect();
    g.add_edge(n[0], n[1], ImportEdge { dynamic: false });
    g.add_edge(n[2], n[1], ImportEdge { dynamic: true });
    g.add_edge(n[3], n[4], ImportEdge { dynamic: false });
    let gone = g.add_edge(n[4], n[1], ImportEdge { dynamic: false });
    g.remove_edge(gone);
    let index = ImporterIndex::build(&g);
    for &m in &n {
      let mut from_index: Vec<_> = index.importers(m).map(|(i, e)| (i, e.dynamic)).collect();
      let mut from_graph: Vec<_> = g
        .edges_directed(m, Direction::Incoming)
        .map(|e| (e.source(), e.weight().dynamic))
        .collect();
      from_index.sort();
      from_graph.sort();
      assert_eq!(from_index, from_graph);
      assert_eq!(index.has_importers(m), !from_graph.is_empty());
    }
    assert!(!index.has_importers(ModuleIx::new(99)), "a module added since has none yet");
  }
}
