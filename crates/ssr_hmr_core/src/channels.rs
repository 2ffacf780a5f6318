//! `Channels`: the state behind the dev servers' browser channels and
//! sockets, which the engine owns beside its decisions (the rules are in
//! `channel_events`).

use crate::change_windows::ChangeWindows;
use crate::held_payloads::{HeldPayloads, PayloadEffect};
use crate::in_place_replay::InPlaceReplay;
use crate::server_hooks::ServerHooks;
use crate::waiting_sockets::WaitingSockets;

#[derive(Debug)]
pub struct Channels {
  pub windows: ChangeWindows,
  pub replay: InPlaceReplay,
  pub payloads: HeldPayloads,
  pub waiting: WaitingSockets,
  pub server_hooks: ServerHooks,
  /// Payload effects decided by a call, for the next `Effects` out.
  pub outbox: Vec<PayloadEffect>,
  /// The pages of the last decision and whether it reached every tab: what
  /// a socket that had not reported its page missed.
  pub last_reach: Option<(Vec<String>, bool)>,
}

impl Channels {
  pub fn new(replay_settle_ms: f64, keep_framework_reloads: bool) -> Self {
    Channels {
      windows: ChangeWindows::new(keep_framework_reloads),
      replay: InPlaceReplay::new(replay_settle_ms),
      payloads: HeldPayloads::default(),
      waiting: WaitingSockets::default(),
      server_hooks: ServerHooks::default(),
      outbox: Vec::new(),
      last_reach: None,
    }
  }

  /// Forgets everything (the session ended): the shim drops what it keeps.
  pub fn clear(&mut self) {
    self.windows.clear();
    self.replay.clear();
    self.payloads.clear();
    self.waiting.clear();
    self.server_hooks.clear();
    self.outbox.clear();
    self.last_reach = None;
  }
}
