//! The words a module graph and the indexes built over it share: a module's
//! index and the weight of an import edge. Kept apart so that an index built
//! from the graph does not depend on the graph that holds it.

use petgraph::stable_graph::NodeIndex;

/// A module of one environment's graph. Nodes are never removed, so an index
/// stays valid for the environment's whole life.
pub type ModuleIx = NodeIndex<u32>;

/// Import edge weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportEdge {
  pub dynamic: bool,
}
