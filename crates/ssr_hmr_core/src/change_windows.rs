//! `ChangeWindows`: what other plugins (and Vite) send to the browser while
//! the plugin handles a change, judged by what it does, not by who sent it.
//!
//! The shim reads every payload sent on a dev server's browser channel and
//! asks `intercept` what to do with it:
//!
//! - A bare `full-reload` (every tab, no page) sent for a server-only change
//!   is a framework's copy of Vite's docs recipe (Vike's, Astro's, an app's
//!   own): it reloads every tab once per file and lands tabs on error pages.
//!   The plugin's targeted decision replaces it: dropped (unless
//!   `frameworkReloads: 'keep'`). One sent before the file is classified is
//!   held until it is (or until its window closes: not server-only then).
//! - A JS `update` of a client module that, on the server, imports a
//!   server-only file being changed can only be a framework carrying that
//!   change to the browser itself (React Router): the plugin stands aside for
//!   that file (`in_place.rs` tells), and keeps the update for a replay
//!   (`in_place_replay.rs`).
//! - A custom event broadcast while a server-only file is being changed may be
//!   a framework's own in-place protocol (`@vitejs/plugin-rsc`'s `rsc:update`):
//!   when it was sent is noted for `refetch.rs`, and the event is kept for a
//!   replay.
//! - Vite's error broadcast during a change (plugin-rsc's hook sends one for a
//!   file that does not compile): every tab shows it already.
//!
//! A change is "in progress" (its window is open) from the watcher's event
//! for its file until every environment's hooks ran: the shim's listener goes
//! first on Vite's watcher, so the window is open before any other plugin's
//! code runs for the change. A change Vite hands to the hooks without a
//! watcher event opens at the client environment's hook. In a burst Vite
//! handles several changes of one file at once, so a window counts its open
//! changes and closes with the last. A window whose hooks never reach ours (a
//! config file restarts the server; a hook before ours threw) closes
//! `MAX_CHANGE_MS` after its watcher event or client hook. Each dev server
//! has its own channel, so windows are per channel; a file's class, known
//! from any server's hooks, settles every channel's window of it.

use crate::classify::ChangeClass;
use crate::held_payloads::{ChannelId, HeldPayloads, PayloadAction, PayloadEffect, PayloadId};

/// Longest a change stays in progress since its watcher event or client hook
/// when the hooks never reach ours.
pub const MAX_CHANGE_MS: f64 = 500.0;

/// Most windows open at once (a checkout of thousands of files); past it a
/// change gets no window and other plugins' payloads for it pass.
pub const MAX_WINDOWS: usize = 4096;

/// What was sent on a browser channel, as far as the rules care.
#[derive(Debug, Clone, Copy)]
pub enum Sent<'a> {
  /// Vite's `error` payload.
  Error,
  /// A `custom` event with a name.
  Custom,
  /// A client `update`, with the urls it names (`path`, `acceptedPath`).
  Update { urls: &'a [String] },
  /// A `full-reload`: `every_page` when it names no page (or `*`).
  FullReload { every_page: bool, triggered_by: Option<&'a str> },
}

/// What the shim does with a payload it was about to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interception {
  /// Sent as it is.
  Pass,
  /// Sent as it is, and kept under this id (the core may have it replayed).
  PassAndKeep(PayloadId),
  /// Not sent now: kept under this id until its change is classified.
  Hold(PayloadId),
  /// Not sent: the plugin's decision replaces it.
  Drop,
}

/// What a window learned by the time it closed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedWindow {
  pub channel: ChannelId,
  pub file: Box<str>,
  /// A server environment classified the file server-only.
  pub server_only: bool,
  /// Another plugin broadcast Vite's error payload meanwhile.
  pub error_shown: bool,
  /// The client update that carried the change to the browser, if one did.
  pub in_place_update: Option<PayloadId>,
  /// The last custom event broadcast meanwhile: when, and the payload.
  pub framework_event: Option<(f64, PayloadId)>,
  /// When the file's last change was made (`ChangeAt::edited_ms`), if a
  /// server environment's hook reported it.
  pub edited_ms: Option<f64>,
}

#[derive(Debug)]
struct Window {
  channel: ChannelId,
  file: Box<str>,
  /// Watcher events and client hooks of the file whose hooks are not done yet.
  open: u32,
  /// Of those, opened by a watcher event whose client hook has not run yet.
  announced: u32,
  /// Unknown until a server environment that runs the file classified it.
  server_only: Option<bool>,
  /// Full-reloads held until the class is known.
  held: Vec<PayloadId>,
  in_place_update: Option<PayloadId>,
  framework_event: Option<(f64, PayloadId)>,
  error_shown: bool,
  edited_ms: Option<f64>,
  /// The safety close.
  deadline: f64,
}

/// Every open change window, in the order they opened.
#[derive(Debug, Default)]
pub struct ChangeWindows {
  /// Other plugins' bare full-reloads are sent as they are (`frameworkReloads: 'keep'`).
  keep_framework_reloads: bool,
  windows: Vec<Window>,
  /// Full-reloads of other plugins dropped since the last `take_replaced`.
  replaced: u32,
}

impl ChangeWindows {
  pub fn new(keep_framework_reloads: bool) -> Self {
    ChangeWindows { keep_framework_reloads, ..Default::default() }
  }

  /// The watcher reported `file` (first among its listeners).
  pub fn watcher_event(&mut self, channel: ChannelId, file: &str, now: f64) {
    if let Some(window) = self.open(channel, file, now) {
      window.announced += 1;
    }
  }

  /// The client environment's hooks for `file` run: its change began at the
  /// watcher's event, or begins now. Either way it may last another
  /// `MAX_CHANGE_MS`.
  pub fn hook_began(&mut self, channel: ChannelId, file: &str, now: f64) {
    match self.find(channel, file).map(|i| &mut self.windows[i]) {
      Some(window) if window.announced > 0 => {
        window.announced -= 1;
        window.deadline = now + MAX_CHANGE_MS;
      }
      _ => {
        self.open(channel, file, now);
      }
    }
  }

  fn open(&mut self, channel: ChannelId, file: &str, now: f64) -> Option<&mut Window> {
    let i = match self.find(channel, file) {
      Some(i) => i,
      None if self.windows.len() >= MAX_WINDOWS => return None,
      None => {
        self.windows.push(Window {
          channel,
          file: file.into(),
          open: 0,
          announced: 0,
          server_only: None,
          held: Vec::new(),
          in_place_update: None,
          framework_event: None,
          error_shown: false,
          edited_ms: None,
          deadline: now,
        });
        self.windows.len() - 1
      }
    };
    let window = &mut self.windows[i];
    window.open += 1;
    window.deadline = now + MAX_CHANGE_MS;
    Some(window)
  }

  fn find(&self, channel: ChannelId, file: &str) -> Option<usize> {
    self.windows.iter().position(|w| w.channel == channel && &*w.file == file)
  }

  /// A server environment classified `file`, whose last change was made at
  /// `edited_ms`. An environment that does not run the file (`Unknown`: Astro
  /// 7's `astro` environment, hooked before `ssr`) says nothing about it: its
  /// held reloads wait for one that does, or for the close.
  pub fn classified(
    &mut self,
    file: &str,
    class: ChangeClass,
    edited_ms: f64,
    payloads: &mut HeldPayloads,
    out: &mut Vec<PayloadEffect>,
  ) {
    for window in self.windows.iter_mut().filter(|w| &*w.file == file) {
      window.edited_ms = Some(edited_ms);
      if class == ChangeClass::Unknown {
        continue;
      }
      window.server_only =
        Some(window.server_only == Some(true) || class == ChangeClass::ServerOnly);
      settle_held(window, &mut self.replaced, payloads, out);
    }
  }

  /// The last environment's hook for `file` ran, and the hooks after ours:
  /// the window closes with its last open change.
  pub fn hooks_ended(
    &mut self,
    channel: ChannelId,
    file: &str,
    payloads: &mut HeldPayloads,
    out: &mut Vec<PayloadEffect>,
  ) -> Option<ClosedWindow> {
    let i = self.find(channel, file)?;
    let window = &mut self.windows[i];
    window.open = window.open.saturating_sub(1);
    (window.open == 0).then(|| self.close(i, payloads, out))
  }

  /// Windows whose hooks never reached ours, closed at their deadline.
  pub fn expire(
    &mut self,
    now: f64,
    payloads: &mut HeldPayloads,
    out: &mut Vec<PayloadEffect>,
  ) -> Vec<ClosedWindow> {
    let mut closed = Vec::new();
    while let Some(i) = self.windows.iter().position(|w| w.deadline <= now) {
      closed.push(self.close(i, payloads, out));
    }
    closed
  }

  fn close(
    &mut self,
    i: usize,
    payloads: &mut HeldPayloads,
    out: &mut Vec<PayloadEffect>,
  ) -> ClosedWindow {
    let mut window = self.windows.remove(i);
    let server_only = *window.server_only.get_or_insert(false);
    settle_held(&mut window, &mut self.replaced, payloads, out);
    ClosedWindow {
      channel: window.channel,
      file: window.file,
      server_only,
      error_shown: window.error_shown,
      in_place_update: window.in_place_update,
      framework_event: window.framework_event,
      edited_ms: window.edited_ms,
    }
  }

  /// What to do with a payload about to be sent on `channel`. `carries`
  /// tells whether a client update carries a file's change (`in_place.rs`).
  pub fn intercept(
    &mut self,
    channel: ChannelId,
    sent: Sent,
    now: f64,
    payloads: &mut HeldPayloads,
    out: &mut Vec<PayloadEffect>,
    carries: &mut dyn FnMut(&str) -> bool,
  ) -> Interception {
    let mut mine = self.windows.iter_mut().filter(|w| w.channel == channel).peekable();
    if mine.peek().is_none() {
      return Interception::Pass;
    }
    match sent {
      Sent::Error => {
        mine.for_each(|w| w.error_shown = true);
        Interception::Pass
      }
      Sent::Custom => {
        let mut kept = None;
        for window in mine.filter(|w| w.server_only != Some(false)) {
          let id = keep(&mut kept, payloads);
          if let Some((_, old)) = window.framework_event.replace((now, id)) {
            out.push(payloads.release(channel, old, PayloadAction::Drop));
          }
        }
        kept.map_or(Interception::Pass, Interception::PassAndKeep)
      }
      Sent::Update { .. } => {
        let mut kept = None;
        for window in mine.filter(|w| w.server_only != Some(false) && w.in_place_update.is_none()) {
          if carries(&window.file) {
            window.in_place_update = Some(keep(&mut kept, payloads));
          }
        }
        kept.map_or(Interception::Pass, Interception::PassAndKeep)
      }
      Sent::FullReload { every_page, triggered_by } => {
        if !every_page || self.keep_framework_reloads {
          return Interception::Pass;
        }
        let mut targets: Vec<&mut Window> = match triggered_by {
          Some(file) => mine.filter(|w| &*w.file == file).collect(),
          None => mine.collect(),
        };
        if targets.is_empty() || targets.iter().any(|w| w.server_only == Some(false)) {
          return Interception::Pass;
        }
        if targets.iter().all(|w| w.server_only == Some(true)) {
          self.replaced += 1;
          return Interception::Drop;
        }
        // Not classified yet (a hook that runs before the plugin's): decided once it is.
        let id = payloads.hand_out();
        targets
          .iter_mut()
          .find(|w| w.server_only.is_none())
          .expect("one unclassified")
          .held
          .push(id);
        Interception::Hold(id)
      }
    }
  }

  /// Some change is in progress: a decision now could miss what other plugins send.
  pub fn busy(&self) -> bool {
    !self.windows.is_empty()
  }

  /// The earliest safety close.
  pub fn next_deadline(&self) -> Option<f64> {
    self.windows.iter().map(|w| w.deadline).reduce(f64::min)
  }

  /// Full-reloads of other plugins dropped since the last call.
  pub fn take_replaced(&mut self) -> u32 {
    std::mem::take(&mut self.replaced)
  }

  /// The channel's dev server left: its windows close without effects on
  /// the browser, and the payloads they kept are forgotten.
  pub fn drop_channel(
    &mut self,
    channel: ChannelId,
    payloads: &mut HeldPayloads,
    out: &mut Vec<PayloadEffect>,
  ) {
    for window in self.windows.iter().filter(|w| w.channel == channel) {
      let ids = window.held.iter().chain(&window.in_place_update);
      for &id in ids.chain(window.framework_event.as_ref().map(|(_, id)| id)) {
        out.push(payloads.release(channel, id, PayloadAction::Drop));
      }
    }
    self.windows.retain(|w| w.channel != channel);
  }

  pub fn clear(&mut self) {
    self.windows.clear();
    self.replaced = 0;
  }
}

/// The payload id of this send: handed out for its first window, retained for each other.
fn keep(kept: &mut Option<PayloadId>, payloads: &mut HeldPayloads) -> PayloadId {
  match *kept {
    Some(id) => {
      payloads.retain(id);
      id
    }
    None => *kept.insert(payloads.hand_out()),
  }
}

/// Held full-reloads of a change whose class is known: dropped if server-only, else sent.
fn settle_held(
  window: &mut Window,
  replaced: &mut u32,
  payloads: &mut HeldPayloads,
  out: &mut Vec<PayloadEffect>,
) {
  let Some(server_only) = window.server_only else { return };
  let action = if server_only { PayloadAction::Drop } else { PayloadAction::Send };
  for id in window.held.drain(..) {
    if server_only {
      *replaced += 1;
    }
    out.push(payloads.release(window.channel, id, action));
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  const FILE: &str = "/app/src/data.js";
  const OTHER: &str = "/app/src/other.js";

  #[derive(Default)]
  struct Channel {
    windows: ChangeWindows,
    payloads: HeldPayloads,
    out: Vec<PayloadEffect>,
  }

  impl Channel {
    fn send(&mut self, sent: Sent, now: f64) -> Interception {
      self.windows.intercept(1, sent, now, &mut self.payloads, &mut self.out, &mut |_| false)
    }
    fn send_update(&mut self, now: f64, carried: &[&str]) -> Interception {
      let mut carries = |file: &str| carried.contains(&file);
      let urls = ["/src/routes/about.jsx".to_string()];
      let sent = Sent::Update { urls: &urls };
      self.windows.intercept(1, sent, now, &mut self.payloads, &mut self.out, &mut carries)
    }
    fn classified(&mut self, file: &str, class: ChangeClass) {
      self.windows.classified(file, class, 0.0, &mut self.payloads, &mut self.out);
    }
    fn end(&mut self, file: &str) -> Option<ClosedWindow> {
      self.windows.hooks_ended(1, file, &mut self.payloads, &mut self.out)
    }
    fn expire(&mut self, now: f64) -> Vec<ClosedWindow> {
      self.windows.expire(now, &mut self.payloads, &mut self.out)
    }
    fn actions(&mut self) -> Vec<(PayloadId, PayloadAction)> {
      self.out.drain(..).map(|e| (e.payload, e.action)).collect()
    }
  }

  const RELOAD: Sent = Sent::FullReload { every_page: true, triggered_by: None };

  #[test]
  fn a_window_opens_at_the_watcher_event_and_closes_after_the_last_hooks() {
    let mut c = Channel::default();
    assert!(!c.windows.busy());
    assert_eq!(c.send(RELOAD, 0.0), Interception::Pass, "nothing in progress");
    c.windows.watcher_event(1, FILE, 0.0);
    assert!(c.windows.busy());
    c.windows.hook_began(1, FILE, 10.0);
    assert_eq!(c.windows.next_deadline(), Some(10.0 + MAX_CHANGE_MS), "the client hook re-arms it");
    c.classified(FILE, ChangeClass::ServerOnly);
    assert_eq!(c.send(RELOAD, 12.0), Interception::Drop, "a bare reload for a server-only file");
    let closed = c.end(FILE).expect("closed with its last change");
    assert!(closed.server_only);
    assert!(!c.windows.busy());
    assert_eq!(c.windows.take_replaced(), 1);
    assert_eq!(c.windows.take_replaced(), 0);
  }

  #[test]
  fn a_change_without_a_watcher_event_opens_at_the_client_hook() {
    let mut c = Channel::default();
    c.windows.hook_began(1, FILE, 5.0);
    assert!(c.windows.busy());
    assert!(c.end(FILE).is_some());
  }

  #[test]
  fn a_burst_of_one_file_keeps_its_window_open_until_the_last_change_is_done() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    c.windows.hook_began(1, FILE, 1.0);
    c.windows.watcher_event(1, FILE, 2.0); // the next save, while the first one's hook awaits
    c.windows.hook_began(1, FILE, 3.0);
    assert!(c.end(FILE).is_none(), "one change still in progress");
    assert!(c.windows.busy());
    assert!(c.end(FILE).is_some());
    assert!(c.end(FILE).is_none(), "nothing left to close");
  }

  #[test]
  fn a_reload_before_the_class_is_known_is_held_then_dropped_or_sent() {
    for (class, action) in
      [(ChangeClass::ServerOnly, PayloadAction::Drop), (ChangeClass::Shared, PayloadAction::Send)]
    {
      let mut c = Channel::default();
      c.windows.watcher_event(1, FILE, 0.0);
      let Interception::Hold(id) = c.send(RELOAD, 1.0) else { panic!("held") };
      assert!(c.actions().is_empty());
      c.classified(FILE, class);
      assert_eq!(c.actions(), [(id, action)]);
      assert!(c.payloads.is_empty(), "the shim forgets it");
    }
  }

  #[test]
  fn an_environment_that_does_not_run_the_file_decides_nothing() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    let Interception::Hold(id) = c.send(RELOAD, 1.0) else { panic!("held") };
    c.classified(FILE, ChangeClass::Unknown);
    assert!(c.actions().is_empty(), "still held");
    c.classified(FILE, ChangeClass::ServerOnly);
    assert_eq!(c.actions(), [(id, PayloadAction::Drop)]);
  }

  #[test]
  fn a_window_closed_unclassified_sends_what_it_held() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    let Interception::Hold(id) = c.send(RELOAD, 1.0) else { panic!("held") };
    let closed = c.end(FILE).unwrap();
    assert!(!closed.server_only);
    assert_eq!(c.actions(), [(id, PayloadAction::Send)]);
  }

  #[test]
  fn server_only_in_one_environment_stays_server_only() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    c.classified(FILE, ChangeClass::Shared);
    assert_eq!(
      c.send(RELOAD, 1.0),
      Interception::Pass,
      "a shared file: the reload is the client's"
    );
    c.classified(FILE, ChangeClass::ServerOnly);
    assert_eq!(c.send(RELOAD, 2.0), Interception::Drop, "server-only where it is server-only");
    c.classified(FILE, ChangeClass::Shared);
    assert_eq!(c.send(RELOAD, 3.0), Interception::Drop, "and it stays so");
  }

  #[test]
  fn a_reload_naming_a_page_or_kept_by_the_options_passes() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    c.classified(FILE, ChangeClass::ServerOnly);
    let to_page = Sent::FullReload { every_page: false, triggered_by: None };
    assert_eq!(c.send(to_page, 1.0), Interception::Pass);
    c.windows.keep_framework_reloads = true;
    let kept = c.windows.intercept(1, RELOAD, 1.0, &mut c.payloads, &mut c.out, &mut |_| false);
    assert_eq!(kept, Interception::Pass, "frameworkReloads: 'keep'");
  }

  #[test]
  fn triggered_by_names_the_window() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    c.windows.watcher_event(1, OTHER, 0.0);
    c.classified(FILE, ChangeClass::ServerOnly);
    c.classified(OTHER, ChangeClass::Shared);
    assert_eq!(c.send(RELOAD, 1.0), Interception::Pass, "one of the files in progress is shared");
    let for_file = Sent::FullReload { every_page: true, triggered_by: Some(FILE) };
    assert_eq!(c.send(for_file, 1.0), Interception::Drop);
    let for_other = Sent::FullReload { every_page: true, triggered_by: Some(OTHER) };
    assert_eq!(c.send(for_other, 1.0), Interception::Pass);
    let unknown = Sent::FullReload { every_page: true, triggered_by: Some("/app/nope.js") };
    assert_eq!(c.send(unknown, 1.0), Interception::Pass, "a file not in progress");
  }

  #[test]
  fn windows_are_per_channel_and_classes_reach_every_channel() {
    let mut c = Channel::default();
    c.windows.watcher_event(2, FILE, 0.0);
    assert_eq!(c.send(RELOAD, 1.0), Interception::Pass, "channel 1 has nothing in progress");
    c.classified(FILE, ChangeClass::ServerOnly);
    let dropped = c.windows.intercept(2, RELOAD, 1.0, &mut c.payloads, &mut c.out, &mut |_| false);
    assert_eq!(dropped, Interception::Drop);
  }

  #[test]
  fn a_window_whose_hooks_never_run_closes_at_its_deadline() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 100.0);
    let Interception::Hold(id) = c.send(RELOAD, 101.0) else { panic!("held") };
    assert!(c.expire(100.0 + MAX_CHANGE_MS - 1.0).is_empty());
    let closed = c.expire(100.0 + MAX_CHANGE_MS);
    assert_eq!(closed.len(), 1);
    assert!(!closed[0].server_only);
    assert_eq!(c.actions(), [(id, PayloadAction::Send)]);
    assert_eq!(c.windows.next_deadline(), None);
  }

  #[test]
  fn an_update_carrying_the_change_is_kept_once_per_window() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    c.windows.watcher_event(1, OTHER, 0.0);
    assert_eq!(c.send_update(1.0, &[]), Interception::Pass, "carries nothing");
    let Interception::PassAndKeep(id) = c.send_update(2.0, &[FILE]) else { panic!("kept") };
    assert_eq!(
      c.send_update(3.0, &[FILE]),
      Interception::Pass,
      "the first update in place is kept"
    );
    c.classified(FILE, ChangeClass::ServerOnly);
    let closed = c.end(FILE).unwrap();
    assert_eq!(closed.in_place_update, Some(id));
    assert!(c.end(OTHER).unwrap().in_place_update.is_none());
  }

  #[test]
  fn a_custom_event_is_noted_for_windows_that_may_be_server_only() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    c.windows.watcher_event(1, OTHER, 0.0);
    c.classified(OTHER, ChangeClass::ClientOnly);
    let Interception::PassAndKeep(first) = c.send(Sent::Custom, 5.0) else { panic!("kept") };
    let Interception::PassAndKeep(last) = c.send(Sent::Custom, 7.0) else { panic!("kept") };
    assert_eq!(
      c.actions(),
      [(first, PayloadAction::Drop)],
      "the earlier event is dropped for the later"
    );
    c.classified(FILE, ChangeClass::ServerOnly);
    assert_eq!(c.end(FILE).unwrap().framework_event, Some((7.0, last)));
    assert_eq!(c.end(OTHER).unwrap().framework_event, None);
  }

  #[test]
  fn an_error_broadcast_is_noted_for_every_window_of_the_channel() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    assert_eq!(c.send(Sent::Error, 1.0), Interception::Pass);
    assert!(c.end(FILE).unwrap().error_shown);
  }

  #[test]
  fn a_channel_that_leaves_forgets_its_windows() {
    let mut c = Channel::default();
    c.windows.watcher_event(1, FILE, 0.0);
    let Interception::Hold(id) = c.send(RELOAD, 1.0) else { panic!("held") };
    c.windows.drop_channel(1, &mut c.payloads, &mut c.out);
    assert!(!c.windows.busy());
    assert_eq!(c.actions(), [(id, PayloadAction::Drop)]);
    assert!(c.payloads.is_empty());
  }
}
