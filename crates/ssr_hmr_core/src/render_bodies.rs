//! `RenderBodies`: the HTML bytes of recent renders, by render stamp.
//!
//! A tab on `'auto'` whose page has no framework part patches its live DOM
//! with what changed between the render it shows (its *base*) and the fresh
//! render its check fetched: a three-way update. The tab has the fresh HTML
//! (its check's answer) but not its base any more (the live DOM is what
//! client code made of it), so the server keeps what it sent.
//!
//! Bounded: a body over `MAX_BODY_BYTES` is never kept (its tab reloads), at
//! most `MAX_TOTAL_BYTES` are kept in all, bodies still streaming included,
//! and at most `MAX_BODIES` bodies; past a bound the least recently used
//! (sent, or asked for) finished body goes first. A streaming body that finds
//! no room is dropped.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::renders::{RenderId, MAX_RENDERS, MAX_RENDERS_IN_FLIGHT};

/// Largest body kept.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Bytes kept in all, streaming and finished bodies together.
pub const MAX_TOTAL_BYTES: usize = 16 << 20;
/// Finished bodies kept: no more than the renders remembered.
pub const MAX_BODIES: usize = MAX_RENDERS;

#[derive(Default)]
pub struct RenderBodies {
  /// Bodies still streaming, at most `MAX_RENDERS_IN_FLIGHT`.
  streaming: FxHashMap<RenderId, Vec<u8>>,
  /// Finished bodies and the tick of their last use.
  kept: FxHashMap<RenderId, (Box<[u8]>, u64)>,
  /// Finished bodies by last use, least recent first.
  by_use: BTreeMap<u64, RenderId>,
  tick: u64,
  /// Bytes in `streaming` and `kept`.
  bytes: usize,
}

impl RenderBodies {
  /// Render `id` began: its body is kept as it streams, if there is room.
  pub fn begin(&mut self, id: RenderId) {
    if self.streaming.len() < MAX_RENDERS_IN_FLIGHT {
      self.streaming.insert(id, Vec::new());
    }
  }

  /// The next bytes of render `id`'s body. A body that grows past
  /// `MAX_BODY_BYTES`, or finds no room once every finished body is gone, is
  /// dropped.
  pub fn write(&mut self, id: RenderId, bytes: &[u8]) {
    let Some(len) = self.streaming.get(&id).map(Vec::len) else { return };
    if len + bytes.len() > MAX_BODY_BYTES || !self.make_room(bytes.len()) {
      self.drop_streaming(id);
      return;
    }
    if let Some(body) = self.streaming.get_mut(&id) {
      body.extend_from_slice(bytes);
      self.bytes += bytes.len();
    }
  }

  /// Render `id` ended; only a `complete` body is kept.
  pub fn end(&mut self, id: RenderId, complete: bool) {
    let Some(body) = self.streaming.remove(&id) else { return };
    if !complete {
      self.bytes -= body.len();
      return;
    }
    if self.kept.len() == MAX_BODIES {
      self.evict_least_recent();
    }
    let tick = self.next_tick();
    self.by_use.insert(tick, id);
    if let Some((old, old_tick)) = self.kept.insert(id, (body.into_boxed_slice(), tick)) {
      // A stamp is handed out once; after it wraps, the newer render wins.
      self.bytes -= old.len();
      self.by_use.remove(&old_tick);
    }
  }

  /// Render `id`'s whole body, if kept; it becomes the most recently used.
  pub fn get(&mut self, id: RenderId) -> Option<&[u8]> {
    let tick = self.next_tick();
    let (body, used) = self.kept.get_mut(&id)?;
    self.by_use.remove(used);
    *used = tick;
    self.by_use.insert(tick, id);
    Some(body)
  }

  /// Bytes kept, streaming bodies included.
  pub fn bytes(&self) -> usize {
    self.bytes
  }

  pub fn count(&self) -> usize {
    self.kept.len()
  }

  pub fn clear(&mut self) {
    *self = RenderBodies { tick: self.tick, ..RenderBodies::default() };
  }

  fn next_tick(&mut self) -> u64 {
    self.tick += 1;
    self.tick
  }

  /// Evicts finished bodies, least recent first, until `more` bytes fit.
  fn make_room(&mut self, more: usize) -> bool {
    while self.bytes + more > MAX_TOTAL_BYTES {
      if !self.evict_least_recent() {
        return false;
      }
    }
    true
  }

  fn evict_least_recent(&mut self) -> bool {
    let Some((_, id)) = self.by_use.pop_first() else { return false };
    if let Some((body, _)) = self.kept.remove(&id) {
      self.bytes -= body.len();
    }
    true
  }

  fn drop_streaming(&mut self, id: RenderId) {
    if let Some(body) = self.streaming.remove(&id) {
      self.bytes -= body.len();
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn keep(bodies: &mut RenderBodies, id: RenderId, body: &[u8]) {
    bodies.begin(id);
    bodies.write(id, body);
    bodies.end(id, true);
  }

  #[test]
  fn a_complete_body_is_kept_whole_and_an_aborted_one_is_not() {
    let mut bodies = RenderBodies::default();
    bodies.begin(1);
    bodies.write(1, b"<p>");
    bodies.write(1, b"hi</p>");
    bodies.end(1, true);
    bodies.begin(2);
    bodies.write(2, b"<p>");
    bodies.end(2, false);
    assert_eq!(bodies.get(1), Some(&b"<p>hi</p>"[..]));
    assert_eq!(bodies.get(2), None);
    assert_eq!(bodies.get(3), None, "never rendered");
    assert_eq!(bodies.bytes(), 9);
  }

  #[test]
  fn a_body_over_the_cap_is_never_kept() {
    let mut bodies = RenderBodies::default();
    bodies.begin(1);
    bodies.write(1, &vec![b'x'; MAX_BODY_BYTES]);
    bodies.write(1, b"y");
    bodies.end(1, true);
    assert_eq!(bodies.get(1), None);
    assert_eq!(bodies.bytes(), 0);
    keep(&mut bodies, 2, &vec![b'x'; MAX_BODY_BYTES]);
    assert_eq!(bodies.get(2).map(<[u8]>::len), Some(MAX_BODY_BYTES), "exactly the cap is kept");
  }

  #[test]
  fn past_the_total_the_least_recently_used_go_first() {
    let mut bodies = RenderBodies::default();
    let per = MAX_TOTAL_BYTES / 16;
    for id in 1..=16 {
      keep(&mut bodies, id, &vec![b'x'; per]);
    }
    assert_eq!(bodies.bytes(), MAX_TOTAL_BYTES);
    // Asking for render 1 makes it the most recent: render 2 goes first.
    assert!(bodies.get(1).is_some());
    keep(&mut bodies, 17, &vec![b'x'; per]);
    assert!(bodies.get(2).is_none());
    assert!(bodies.get(1).is_some());
    assert!(bodies.get(17).is_some());
    assert!(bodies.bytes() <= MAX_TOTAL_BYTES);
  }

  #[test]
  fn streaming_bodies_count_and_one_that_finds_no_room_is_dropped() {
    let mut bodies = RenderBodies::default();
    let per = MAX_BODY_BYTES;
    let streams = MAX_TOTAL_BYTES / per;
    for id in 1..=streams as RenderId {
      bodies.begin(id);
      bodies.write(id, &vec![b'x'; per]);
    }
    let last = streams as RenderId + 1;
    bodies.begin(last);
    bodies.write(last, b"x");
    assert!(bodies.bytes() <= MAX_TOTAL_BYTES);
    for id in 1..=last {
      bodies.end(id, true);
    }
    assert_eq!(bodies.get(last), None, "no room, nothing finished to evict");
    assert!(bodies.get(1).is_some());
  }

  #[test]
  fn at_most_max_bodies_are_kept() {
    let mut bodies = RenderBodies::default();
    for id in 1..=(MAX_BODIES + 1) as RenderId {
      keep(&mut bodies, id, b"x");
    }
    assert_eq!(bodies.count(), MAX_BODIES);
    assert!(bodies.get(1).is_none());
    assert!(bodies.get(2).is_some());
  }

  #[test]
  fn at_most_max_renders_in_flight_stream_at_once() {
    let mut bodies = RenderBodies::default();
    for id in 1..=(MAX_RENDERS_IN_FLIGHT + 1) as RenderId {
      bodies.begin(id);
    }
    let past = (MAX_RENDERS_IN_FLIGHT + 1) as RenderId;
    bodies.write(past, b"x");
    bodies.end(past, true);
    assert!(bodies.get(past).is_none());
  }
}
