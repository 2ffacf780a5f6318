//! `InPlaceReplay`: a burst's last in-place update, sent again once the burst settled.
//!
//! A framework that updates the page in place for a server-only change
//! (React Router's hot data revalidation) can end a burst of edits stale:
//! each edit starts a revalidation that interrupts the one before, and now
//! and then the page keeps the data of an edit before the last while the
//! server already renders the last (seen in 1 of 4 ten-edit bursts, and in 3
//! of 6 without this plugin). The plugin stands aside for such edits, so it
//! owes the tab its last state: once a burst of in-place updates of a file
//! has been quiet for the settle window, the framework's last update of it is
//! sent once more (the shim gives it new timestamps). The framework then does
//! what it does for one save, on a server that has stopped changing. A lone
//! save (nothing before it within the window) is not replayed. The same holds
//! for a framework whose in-place protocol is a custom event the tabs answer
//! by re-fetching their page (`@vitejs/plugin-rsc`'s `rsc:update`): its last
//! event is broadcast again, if tabs answered it (the engine asks
//! `refetch.rs`).
//!
//! Whether an update follows another goes by when the edits were made (their
//! write time when plausible, `change_at.rs`), as the batcher's stream does: a
//! busy dev server hears a burst late and in pieces. The settle window is a
//! quiet period, so it goes by when the updates arrived.

use crate::held_payloads::{ChannelId, PayloadId};

/// Files whose last in-place update is remembered; the oldest is forgotten past it.
const MAX_FILES: usize = 1024;

#[derive(Debug, Clone, PartialEq)]
struct Entry {
  channel: ChannelId,
  file: Box<str>,
  /// When the update reached the core, and when its edit was made.
  arrived: f64,
  edited: f64,
  payload: PayloadId,
  /// A custom event (replayed only if tabs answered it): when it was first sent.
  custom_sent_at: Option<f64>,
  /// Another in-place update of the file came within the settle window before.
  burst: bool,
}

/// A payload whose burst settled, or that needs no replay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settled {
  pub channel: ChannelId,
  pub payload: PayloadId,
  /// It ends a burst: send it again. A custom event first sent at
  /// `custom_sent_at` only if tabs answered it.
  pub replay: bool,
  pub custom_sent_at: Option<f64>,
}

#[derive(Debug)]
pub struct InPlaceReplay {
  settle_ms: f64,
  entries: Vec<Entry>,
}

impl InPlaceReplay {
  /// `settle_ms`: the longest gap between two changes of one burst.
  pub fn new(settle_ms: f64) -> Self {
    InPlaceReplay { settle_ms, entries: Vec::new() }
  }

  /// Another plugin carried a change of `file`, made at `edited`, to the
  /// browser of `channel` with `payload`, seen at `now`. Returns the payload
  /// it replaces, which needs no replay now.
  pub fn updated(
    &mut self,
    channel: ChannelId,
    file: &str,
    payload: PayloadId,
    custom_sent_at: Option<f64>,
    edited: f64,
    now: f64,
  ) -> Option<Settled> {
    let last = self.entries.iter().position(|e| e.channel == channel && &*e.file == file);
    let last = last.map(|i| self.entries.remove(i));
    let burst =
      last.as_ref().is_some_and(|last| last.burst || edited - last.edited <= self.settle_ms);
    let replaced = last.map(|last| last.settled(false));
    let dropped = (self.entries.len() >= MAX_FILES).then(|| self.entries.remove(0).settled(false));
    self.entries.push(Entry {
      channel,
      file: file.into(),
      arrived: now,
      edited,
      payload,
      custom_sent_at,
      burst,
    });
    replaced.or(dropped)
  }

  /// The files whose burst has been quiet for the settle window at `now`.
  pub fn expire(&mut self, now: f64) -> Vec<Settled> {
    let settle_ms = self.settle_ms;
    let mut settled = Vec::new();
    self.entries.retain(|entry| {
      let due = entry.arrived + settle_ms <= now;
      if due {
        settled.push(entry.settled(entry.burst));
      }
      !due
    });
    settled
  }

  pub fn next_deadline(&self) -> Option<f64> {
    self.entries.iter().map(|e| e.arrived + self.settle_ms).reduce(f64::min)
  }

  /// The channel's dev server left: its pending replays are dropped.
  pub fn drop_channel(&mut self, channel: ChannelId) -> Vec<Settled> {
    let (gone, kept) = self.entries.drain(..).partition(|e| e.channel == channel);
    self.entries = kept;
    gone.into_iter().map(|e: Entry| e.settled(false)).collect()
  }

  pub fn clear(&mut self) {
    self.entries.clear();
  }
}

impl Entry {
  fn settled(&self, replay: bool) -> Settled {
    Settled {
      channel: self.channel,
      payload: self.payload,
      replay,
      custom_sent_at: self.custom_sent_at,
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  const SETTLE_MS: f64 = 530.0;
  const ABOUT: &str = "/app/data/about.js";

  fn replayed(settled: &[Settled]) -> Vec<PayloadId> {
    settled.iter().filter(|s| s.replay).map(|s| s.payload).collect()
  }

  /// An update of `file` with payload `n`, edited and seen at `now`.
  fn update(replay: &mut InPlaceReplay, file: &str, n: PayloadId, now: f64) -> Option<Settled> {
    replay.updated(1, file, n, None, now, now)
  }

  #[test]
  fn a_lone_save_is_not_replayed() {
    let mut replay = InPlaceReplay::new(SETTLE_MS);
    update(&mut replay, ABOUT, 1, 0.0);
    let settled = replay.expire(SETTLE_MS * 3.0);
    assert_eq!(settled.len(), 1, "released");
    assert!(replayed(&settled).is_empty());
  }

  #[test]
  fn a_burst_gets_its_last_update_once_after_it_settled() {
    let mut replay = InPlaceReplay::new(SETTLE_MS);
    let mut now = 0.0;
    for n in 1..=5 {
      let replaced = update(&mut replay, ABOUT, n, now);
      assert_eq!(replaced.map(|r| (r.payload, r.replay)), (n > 1).then(|| (n - 1, false)));
      now += 30.0;
    }
    assert!(replay.expire(now).is_empty(), "not while the burst goes on");
    assert_eq!(replay.next_deadline(), Some(120.0 + SETTLE_MS));
    assert_eq!(replayed(&replay.expire(120.0 + SETTLE_MS)), [5]);
    assert!(replay.expire(SETTLE_MS * 10.0).is_empty(), "once");
    assert_eq!(replay.next_deadline(), None);
  }

  #[test]
  fn saves_further_apart_than_the_settle_window_are_lone_saves_and_files_are_apart() {
    let mut replay = InPlaceReplay::new(SETTLE_MS);
    update(&mut replay, ABOUT, 1, 0.0);
    let settled = replay.expire(SETTLE_MS + 1.0);
    assert!(replayed(&settled).is_empty());
    update(&mut replay, ABOUT, 2, SETTLE_MS + 1.0);
    update(&mut replay, "/app/data/home.js", 3, SETTLE_MS + 1.0);
    assert!(replayed(&replay.expire(SETTLE_MS * 4.0)).is_empty());
  }

  #[test]
  fn a_burst_goes_by_when_its_edits_were_made() {
    let mut replay = InPlaceReplay::new(SETTLE_MS);
    // Written 30 ms apart, heard 900 ms apart by a busy server.
    replay.updated(1, ABOUT, 1, None, 0.0, 100.0);
    replay.updated(1, ABOUT, 2, None, 30.0, 1000.0);
    assert_eq!(replayed(&replay.expire(1000.0 + SETTLE_MS)), [2]);
    // Written 900 ms apart, heard 30 ms apart: not a burst.
    replay.updated(1, ABOUT, 3, None, 2000.0, 3000.0);
    replay.updated(1, ABOUT, 4, None, 2900.0, 3030.0);
    assert!(replayed(&replay.expire(3030.0 + SETTLE_MS)).is_empty());
  }

  #[test]
  fn a_custom_event_carries_when_it_was_sent_and_channels_are_apart() {
    let mut replay = InPlaceReplay::new(SETTLE_MS);
    replay.updated(1, ABOUT, 1, Some(5.0), 0.0, 10.0);
    replay.updated(2, ABOUT, 2, Some(6.0), 0.0, 10.0);
    replay.updated(1, ABOUT, 3, Some(45.0), 40.0, 50.0);
    let settled = replay.expire(50.0 + SETTLE_MS);
    let one: Vec<_> =
      settled.iter().map(|s| (s.channel, s.payload, s.replay, s.custom_sent_at)).collect();
    assert_eq!(one, [(2, 2, false, Some(6.0)), (1, 3, true, Some(45.0))]);
  }

  #[test]
  fn a_channel_that_leaves_drops_its_replays() {
    let mut replay = InPlaceReplay::new(SETTLE_MS);
    update(&mut replay, ABOUT, 1, 0.0);
    update(&mut replay, ABOUT, 2, 10.0);
    let gone = replay.drop_channel(1);
    assert_eq!(gone.iter().map(|s| (s.payload, s.replay)).collect::<Vec<_>>(), [(2, false)]);
    assert!(replay.expire(SETTLE_MS * 3.0).is_empty());
  }
}
