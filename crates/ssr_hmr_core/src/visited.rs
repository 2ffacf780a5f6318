//! Reusable visited-set for graph walks.
//!
//! Decisions walk graphs of up to ~100k nodes; clearing a fresh bitset per
//! walk would cost more than the walk itself when few nodes are reached.
//! Epoch stamps make `clear` O(1): a node is visited iff its stamp equals the
//! current epoch.

#[derive(Debug, Default)]
pub struct VisitedSet {
  stamps: Vec<u32>,
  epoch: u32,
}

impl VisitedSet {
  /// Starts a new walk over indexes `< bound`.
  pub fn clear(&mut self, bound: usize) {
    if self.stamps.len() < bound {
      self.stamps.resize(bound, 0);
    }
    self.epoch = self.epoch.wrapping_add(1);
    if self.epoch == 0 {
      // Wrapped: old stamps could alias the new epoch.
      self.stamps.iter_mut().for_each(|s| *s = 0);
      self.epoch = 1;
    }
  }

  /// Marks `i`; returns true if it was not yet visited in this walk.
  pub fn insert(&mut self, i: usize) -> bool {
    if i >= self.stamps.len() {
      self.stamps.resize(i + 1, 0);
    }
    let fresh = self.stamps[i] != self.epoch;
    self.stamps[i] = self.epoch;
    fresh
  }

  pub fn contains(&self, i: usize) -> bool {
    self.stamps.get(i).is_some_and(|&s| s == self.epoch)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn clearing_forgets_previous_walk() {
    let mut v = VisitedSet::default();
    v.clear(4);
    assert!(v.insert(2));
    assert!(!v.insert(2));
    v.clear(4);
    assert!(!v.contains(2));
    assert!(v.insert(10), "indexes past the bound grow the set");
  }

  #[test]
  fn epoch_wraparound_resets_stamps() {
    let mut v = VisitedSet::default();
    v.clear(2);
    v.insert(1);
    v.epoch = u32::MAX;
    v.stamps[0] = 1;
    v.clear(2);
    assert!(!v.contains(0));
    assert!(!v.contains(1));
  }
}
