//! `HeldPayloads`: the ids of payloads the shim keeps for the core.
//!
//! The rules about what other plugins send to the browser live in the core
//! (`change_windows`, `in_place_replay`), but the payloads themselves are
//! JavaScript objects a framework built: the shim keeps each one in a map
//! under an id the core hands out, and the core's effects name the ids to
//! send, to send again, or to drop. One payload can be kept for several
//! reasons at once (a custom event sent while two files were in progress):
//! it is counted, and the shim forgets it with its last reference.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// One dev server's browser channel, by the number the shim gave it.
pub type ChannelId = u32;

/// A payload the shim keeps, by the id the core gave it.
pub type PayloadId = u32;

/// What the shim does with a payload it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PayloadAction {
  /// Sent as it is (a held full-reload whose file is not server-only).
  Send,
  /// Sent again, with new timestamps for an `update` (a burst's last
  /// in-place update, once the burst settled).
  Replay,
  /// Not sent (a replaced full-reload, an in-place update that needs no replay).
  Drop,
}

/// One payload effect for the shim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayloadEffect {
  /// The browser channel (one per dev server) it is sent on.
  pub channel: ChannelId,
  pub payload: PayloadId,
  pub action: PayloadAction,
  /// No reason to keep it is left: the shim forgets it.
  pub forget: bool,
}

#[derive(Debug, Default)]
pub struct HeldPayloads {
  next: PayloadId,
  references: FxHashMap<PayloadId, u32>,
}

impl HeldPayloads {
  /// A new id, referenced once.
  pub fn hand_out(&mut self) -> PayloadId {
    self.next = self.next.wrapping_add(1);
    self.references.insert(self.next, 1);
    self.next
  }

  /// One more reason to keep `id`.
  pub fn retain(&mut self, id: PayloadId) {
    *self.references.entry(id).or_insert(0) += 1;
  }

  /// One reason less to keep `id`: the effect that says what to do with it.
  pub fn release(
    &mut self,
    channel: ChannelId,
    id: PayloadId,
    action: PayloadAction,
  ) -> PayloadEffect {
    let left = self.references.get_mut(&id).map(|count| {
      *count = count.saturating_sub(1);
      *count
    });
    if left == Some(0) {
      self.references.remove(&id);
    }
    PayloadEffect { channel, payload: id, action, forget: left.is_none_or(|left| left == 0) }
  }

  /// Payloads the shim keeps now.
  pub fn len(&self) -> usize {
    self.references.len()
  }

  pub fn is_empty(&self) -> bool {
    self.references.is_empty()
  }

  pub fn clear(&mut self) {
    self.references.clear();
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_payload_is_forgotten_with_its_last_reference() {
    let mut held = HeldPayloads::default();
    let a = held.hand_out();
    let b = held.hand_out();
    assert_ne!(a, b);
    held.retain(a);
    assert!(!held.release(1, a, PayloadAction::Drop).forget, "still kept by another window");
    assert!(held.release(1, a, PayloadAction::Replay).forget);
    assert!(held.release(1, b, PayloadAction::Send).forget);
    assert!(held.is_empty());
  }
}
