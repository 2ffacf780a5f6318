//! The engine's side of each dev server's browser channel and sockets: the
//! change windows, the replays of in-place updates, the sockets waiting to
//! report their page, and several servers' hooks. Every deadline of these is
//! one of the engine's (`Engine::next_deadline`), and what they decide leaves
//! through `Effects` (`poll`, or `take_effects` right after a call that acts
//! at once).

use crate::change_windows::{ClosedWindow, Interception, Sent};
use crate::engine::{Effects, Engine};
use crate::held_payloads::{ChannelId, PayloadAction};
use crate::in_place::client_update_carries;
use crate::in_place_replay::Settled;
use crate::module_key::MAX_ID_BYTES;
use crate::waiting_sockets::SocketId;

impl Engine {
  /// The watcher reported `file` to the dev server of `channel`, before any
  /// other listener: its change window opens.
  pub fn window_watcher_event(&mut self, channel: ChannelId, file: &str, now_ms: f64) {
    if file.len() <= MAX_ID_BYTES {
      self.channels.windows.watcher_event(channel, file, now_ms);
    }
  }

  /// The client environment's hooks for `file` run on the dev server of `channel`.
  pub fn window_hook_began(&mut self, channel: ChannelId, file: &str, now_ms: f64) {
    if file.len() <= MAX_ID_BYTES {
      self.channels.windows.hook_began(channel, file, now_ms);
    }
  }

  /// The hooks of `channel`'s dev server for `file` are done (the last
  /// environment's, and those after ours). Returns what the window's close
  /// decided.
  pub fn window_hooks_ended(&mut self, channel: ChannelId, file: &str, now_ms: f64) -> Effects {
    let c = &mut self.channels;
    if let Some(closed) = c.windows.hooks_ended(channel, file, &mut c.payloads, &mut c.outbox) {
      self.window_closed(closed, now_ms);
    }
    self.take_effects()
  }

  /// What to do with a payload about to be sent on `channel` (see `change_windows`).
  pub fn intercept(&mut self, channel: ChannelId, sent: Sent, now_ms: f64) -> Interception {
    let (mirror, scratch) = (&self.mirror, &mut self.scratch.walk);
    let mut carries = |file: &str| match sent {
      Sent::Update { urls } => client_update_carries(mirror, file, urls, scratch),
      _ => false,
    };
    let c = &mut self.channels;
    c.windows.intercept(channel, sent, now_ms, &mut c.payloads, &mut c.outbox, &mut carries)
  }

  /// The hooks of the dev server `server` ran for `file`; `servers` are the
  /// project's servers now. A decision waits until each one's did.
  pub fn server_hooks_ran(
    &mut self,
    server: ChannelId,
    file: &str,
    servers: &[ChannelId],
    now_ms: f64,
  ) {
    if file.len() <= MAX_ID_BYTES {
      self.channels.server_hooks.ran(server, file, servers, now_ms);
    }
  }

  /// When the last decision went out, `unreported` sockets had not said
  /// which page they show: each waits for its report with what it missed.
  /// `untracked` sockets are past the tab cap (`NO_TAB`): returns those that
  /// get the decision's update now, every one if it reached every tab.
  pub fn sockets_missed_decision(
    &mut self,
    unreported: &[SocketId],
    untracked: &[SocketId],
    now_ms: f64,
  ) -> Vec<SocketId> {
    let Some((pages, reload_all)) = &self.channels.last_reach else { return Vec::new() };
    for &socket in unreported {
      self.channels.waiting.missed(socket, pages, *reload_all, now_ms);
    }
    if *reload_all {
      untracked.to_vec()
    } else {
      Vec::new()
    }
  }

  /// `socket` reported its page: whether it gets the update it missed.
  pub fn socket_reported(&mut self, socket: SocketId, url: &str, has_render: bool) -> bool {
    self.channels.waiting.reported(socket, url, has_render)
  }

  pub fn socket_closed(&mut self, socket: SocketId) {
    self.channels.waiting.forget(socket);
  }

  /// The dev server of `channel` left: its windows and replays are dropped.
  pub fn drop_channel(&mut self, channel: ChannelId) -> Effects {
    let c = &mut self.channels;
    c.windows.drop_channel(channel, &mut c.payloads, &mut c.outbox);
    for settled in c.replay.drop_channel(channel) {
      c.outbox.push(c.payloads.release(settled.channel, settled.payload, PayloadAction::Drop));
    }
    self.take_effects()
  }

  /// What calls that act at once decided (a held reload settled by a
  /// classification, a window's close).
  pub fn take_effects(&mut self) -> Effects {
    let mut effects = Effects::default();
    self.take_channel_effects(&mut effects);
    effects
  }

  pub(crate) fn take_channel_effects(&mut self, effects: &mut Effects) {
    let outbox = self.channels.outbox.drain(..);
    effects.payloads.extend(outbox.filter(|e| e.forget || e.action != PayloadAction::Drop));
  }

  /// Some change is in progress: a decision now could miss its other hooks,
  /// or what other plugins send for it.
  pub fn busy(&self) -> bool {
    self.channels.windows.busy() || self.channels.server_hooks.busy()
  }

  /// The earliest deadline of the channels' timers.
  pub(crate) fn channel_deadline(&self) -> Option<f64> {
    let c = &self.channels;
    [
      c.windows.next_deadline(),
      c.replay.next_deadline(),
      c.waiting.next_deadline(),
      c.server_hooks.next_deadline(),
    ]
    .into_iter()
    .flatten()
    .reduce(f64::min)
  }

  /// The channels' timers due at `now_ms`.
  pub(crate) fn expire_channel_timers(&mut self, now_ms: f64, effects: &mut Effects) {
    let c = &mut self.channels;
    c.server_hooks.expire(now_ms);
    effects.reload_sockets.extend(c.waiting.expire(now_ms));
    for closed in c.windows.expire(now_ms, &mut c.payloads, &mut c.outbox) {
      self.window_closed(closed, now_ms);
    }
    for settled in self.channels.replay.expire(now_ms) {
      self.settle_replay(settled);
    }
  }

  /// A window closed: what it learned goes to the pending batch, and a
  /// framework's update in place to the replay.
  fn window_closed(&mut self, closed: ClosedWindow, now_ms: f64) {
    let ClosedWindow { channel, file, server_only, .. } = closed;
    if server_only && closed.error_shown {
      self.on_framework_error(&file);
    }
    let edited = closed.edited_ms.unwrap_or(now_ms);
    let mut unused = Vec::new();
    let replaced = match (server_only, closed.in_place_update, closed.framework_event) {
      (true, Some(update), event) => {
        self.on_updated_in_place(&file);
        unused.extend(event.map(|(_, id)| id));
        self.channels.replay.updated(channel, &file, update, None, edited, now_ms)
      }
      (true, None, Some((at, event))) => {
        self.on_framework_event(&file, at);
        self.channels.replay.updated(channel, &file, event, Some(at), edited, now_ms)
      }
      (_, update, event) => {
        unused.extend(update.into_iter().chain(event.map(|(_, id)| id)));
        None
      }
    };
    let c = &mut self.channels;
    for id in unused {
      c.outbox.push(c.payloads.release(channel, id, PayloadAction::Drop));
    }
    if let Some(settled) = replaced {
      self.settle_replay(settled);
    }
  }

  /// A custom event is sent again only if it proved to be an in-place
  /// protocol: tabs re-fetched their page after it.
  fn settle_replay(&mut self, settled: Settled) {
    let replay =
      settled.replay && settled.custom_sent_at.is_none_or(|at| self.page_refetched_since(at));
    let action = if replay { PayloadAction::Replay } else { PayloadAction::Drop };
    let c = &mut self.channels;
    c.outbox.push(c.payloads.release(settled.channel, settled.payload, action));
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::change_windows::MAX_CHANGE_MS;
  use crate::engine::EngineOptions;
  use crate::held_payloads::{PayloadEffect, PayloadId};
  use crate::module_record::{Consumer, Import, ModuleRecord};
  use crate::page_roots::FetchedModule;
  use crate::server_hooks::MAX_HEARD_MS;
  use crate::waiting_sockets::REPORT_GRACE_MS;

  const SETTLE_MS: f64 = 530.0;
  const DATA: &str = "/app/data.ts";
  const ROUTE_URL: &str = "/route.tsx";

  /// ssr: route.tsx → data.ts; client: route.tsx (served at `/route.tsx`); a tab on `/`.
  fn engine() -> Engine {
    let mut e = Engine::new(EngineOptions {
      root: "/app".into(),
      replay_settle_ms: SETTLE_MS,
      ..Default::default()
    });
    e.set_environment("client", Consumer::Client);
    e.set_environment("ssr", Consumer::Server);
    e.update_module("ssr", ModuleRecord::js("/app/route.tsx", vec![Import::new(DATA, false)]));
    e.update_module("ssr", ModuleRecord::js(DATA, vec![]));
    let mut client_route = ModuleRecord::js("/app/route.tsx", vec![]);
    client_route.url = ROUTE_URL.into();
    e.update_module("client", client_route);
    e.record_page_roots("/", "ssr", &[FetchedModule::entry("/app/route.tsx")]);
    e.open_tab(Some("/"), None, 0.0);
    e
  }

  fn actions(effects: &[PayloadEffect]) -> Vec<(PayloadId, PayloadAction)> {
    effects.iter().map(|e| (e.payload, e.action)).collect()
  }

  /// One save of `DATA` at `now`: watcher event, client hook, ssr hook, the hooks' end.
  fn save(e: &mut Engine, now: f64, during: impl FnOnce(&mut Engine)) -> Effects {
    e.window_watcher_event(1, DATA, now);
    e.window_hook_began(1, DATA, now);
    e.on_server_change("ssr", DATA, now);
    during(e);
    e.window_hooks_ended(1, DATA, now)
  }

  fn update_of_route(e: &mut Engine, now: f64) -> Interception {
    let urls = [ROUTE_URL.to_string()];
    e.intercept(1, Sent::Update { urls: &urls }, now)
  }

  #[test]
  fn no_decision_while_a_change_is_in_progress() {
    let mut e = engine();
    e.window_watcher_event(1, DATA, 1000.0);
    e.on_server_change("ssr", DATA, 1000.0);
    assert!(e.busy());
    assert!(!e.decision_due(1000.0));
    assert_eq!(e.next_deadline(), Some(1000.0 + MAX_CHANGE_MS), "only the window's safety close");
    assert!(e.poll(1000.0).decision.is_none());
    e.window_hooks_ended(1, DATA, 1001.0);
    assert!(e.decision_due(1001.0));
    assert!(e.poll(1001.0).decision.is_some());
  }

  #[test]
  fn a_window_closed_by_its_deadline_leaves_the_decision_to_the_next_poll() {
    let mut e = engine();
    e.window_watcher_event(1, DATA, 1000.0);
    e.on_server_change("ssr", DATA, 1000.0);
    let at = 1000.0 + MAX_CHANGE_MS;
    assert!(e.poll(at).decision.is_none(), "the shim compiles the batch first");
    assert!(!e.busy());
    assert!(e.decision_due(at));
    assert!(e.poll(at).decision.is_some());
  }

  #[test]
  fn a_held_reload_is_dropped_once_the_file_is_server_only_and_counted_with_the_decision() {
    let mut e = engine();
    e.window_watcher_event(1, DATA, 1000.0);
    let reload = Sent::FullReload { every_page: true, triggered_by: None };
    let Interception::Hold(id) = e.intercept(1, reload, 1000.0) else { panic!("held") };
    e.on_server_change("ssr", DATA, 1000.0);
    let settled = e.take_effects();
    assert_eq!(actions(&settled.payloads), [(id, PayloadAction::Drop)]);
    assert!(settled.payloads[0].forget);
    assert_eq!(e.intercept(1, reload, 1000.0), Interception::Drop, "classified now");
    e.window_hooks_ended(1, DATA, 1001.0);
    assert_eq!(e.poll(1001.0).replaced, 2);
  }

  #[test]
  fn an_update_in_place_stands_the_plugin_aside_and_a_burst_of_them_is_replayed_once() {
    let mut e = engine();
    let mut kept = Vec::new();
    for i in 0u32..3 {
      let now = 1000.0 + 30.0 * f64::from(i);
      let closed = save(&mut e, now, |e| {
        let Interception::PassAndKeep(id) = update_of_route(e, now) else { panic!("kept") };
        kept.push(id);
      });
      if i > 0 {
        assert_eq!(actions(&closed.payloads), [(kept[i as usize - 1], PayloadAction::Drop)]);
      }
      let decision = e.poll(e.next_deadline().unwrap()).decision.expect("decided");
      assert!(decision.tabs.is_empty(), "no tab refreshed for an update in place");
      assert_eq!(decision.files.updated_in_place, ["data.ts"]);
    }
    assert_eq!(e.next_deadline(), Some(1060.0 + SETTLE_MS));
    assert!(e.poll(1060.0 + SETTLE_MS - 1.0).payloads.is_empty());
    let settled = e.poll(1060.0 + SETTLE_MS);
    assert_eq!(actions(&settled.payloads), [(kept[2], PayloadAction::Replay)]);
    assert!(settled.payloads[0].forget);
    assert_eq!(e.next_deadline(), None);
    assert!(e.channels.payloads.is_empty(), "nothing left for the shim to keep");
  }

  #[test]
  fn a_lone_update_in_place_is_not_replayed() {
    let mut e = engine();
    let mut kept = None;
    save(&mut e, 1000.0, |e| kept = Some(update_of_route(e, 1000.0)));
    let Some(Interception::PassAndKeep(id)) = kept else { panic!("kept") };
    e.poll(1000.0);
    assert_eq!(actions(&e.poll(1000.0 + SETTLE_MS).payloads), [(id, PayloadAction::Drop)]);
  }

  #[test]
  fn a_burst_s_custom_event_is_sent_again_only_if_tabs_answered_it() {
    for answered in [true, false] {
      let mut e = engine();
      let mut last = None;
      for now in [1000.0, 1030.0] {
        save(&mut e, now, |e| last = Some(e.intercept(1, Sent::Custom, now)));
        if answered {
          e.on_page_refetch("/", 200, "text/x-component", now + 5.0);
        }
      }
      let Some(Interception::PassAndKeep(id)) = last else { panic!("kept") };
      let action = if answered { PayloadAction::Replay } else { PayloadAction::Drop };
      let settled = e.poll(1030.0 + SETTLE_MS + 400.0);
      assert!(settled.payloads.contains(&PayloadEffect {
        channel: 1,
        payload: id,
        action,
        forget: true
      }));
    }
  }

  #[test]
  fn a_socket_that_missed_a_decision_gets_it_on_its_report_or_a_reload_after_the_grace() {
    let mut e = engine();
    e.on_server_change("ssr", DATA, 1000.0);
    assert!(e.poll(1000.0).decision.is_some());
    assert!(e.sockets_missed_decision(&[7, 8, 9], &[10], 1000.0).is_empty(), "not every tab");
    assert!(e.socket_reported(7, "/", false), "its page was affected");
    e.socket_closed(8);
    assert_eq!(e.next_deadline(), Some(1000.0 + REPORT_GRACE_MS));
    assert_eq!(e.poll(1000.0 + REPORT_GRACE_MS).reload_sockets, [9]);
  }

  #[test]
  fn sockets_past_the_tab_cap_get_every_decision_that_reaches_every_tab() {
    let mut e = engine();
    assert!(e.sockets_missed_decision(&[], &[3], 0.0).is_empty(), "no decision yet");
    e.on_watched_change("/app/content/post.md", 1000.0);
    let decision = e.poll(1000.0).decision.expect("decided");
    assert!(decision.reload_all);
    assert_eq!(e.sockets_missed_decision(&[1], &[3, 4], 1000.0), [3, 4]);
    assert!(e.socket_reported(1, "/anything", false), "every page was reached");
  }

  #[test]
  fn with_several_servers_a_decision_waits_for_each_one_s_hooks() {
    let mut e = engine();
    e.on_server_change("ssr", DATA, 1000.0);
    e.server_hooks_ran(1, DATA, &[1, 2], 1000.0);
    assert!(!e.decision_due(1000.0));
    e.server_hooks_ran(2, DATA, &[1, 2], 1001.0);
    assert!(e.decision_due(1001.0));
    e.on_server_change("ssr", DATA, 5000.0);
    e.server_hooks_ran(1, DATA, &[1, 2], 5000.0);
    assert_eq!(e.next_deadline(), Some(5000.0 + MAX_HEARD_MS), "the other server may not watch it");
    e.poll(5000.0 + MAX_HEARD_MS);
    assert!(e.decision_due(5000.0 + MAX_HEARD_MS));
  }

  #[test]
  fn a_server_that_leaves_drops_its_windows_and_replays() {
    let mut e = engine();
    e.window_watcher_event(1, DATA, 0.0);
    let reload = Sent::FullReload { every_page: true, triggered_by: None };
    let Interception::Hold(id) = e.intercept(1, reload, 0.0) else { panic!("held") };
    let effects = e.drop_channel(1);
    assert_eq!(actions(&effects.payloads), [(id, PayloadAction::Drop)]);
    assert!(!e.busy());
  }
}
