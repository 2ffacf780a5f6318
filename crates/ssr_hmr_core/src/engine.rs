//! `Engine`: the single owner of all state; glue between the mirror, the
//! classifier, invalidation, page roots, tabs, renders, verification and the
//! batcher.

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::affected::AffectedScratch;
use crate::batcher::ChangeBatcher;
use crate::change_at::ChangeAt;
use crate::channels::Channels;
use crate::classify::{classify_change, client_variants, ChangeClass};
use crate::contract::{DEFAULT_MAX_WAIT_MS, DEFAULT_QUIET_MS};
use crate::decision::{build_decision, Action, Decision, DecisionInputs, Strategy};
use crate::environment_graph::{GraphSnapshot, ModuleIx};
use crate::fresh_text::fresh_text;
use crate::held_payloads::PayloadEffect;
use crate::html_fingerprint::TextRun;
use crate::in_place::client_update_carries;
use crate::invalidation::{InvalidationScratch, InvalidationSet};
use crate::late_writes::{LateWrites, WriteRecheck};
use crate::messages::{
  parse_token, Message, TabMessage, TabUpdate, UpdatePayload, UpdateTemplate, Verdict,
};
use crate::mirror::ModuleGraphMirror;
use crate::module_key::{file_key, normalize_url, MAX_ID_BYTES};
use crate::module_record::{Consumer, ModuleRecord};
use crate::output_masks::{Judgement, OutputMasks};
use crate::page_roots::{FetchedModule, PageRoots};
use crate::pickup::Pickup;
use crate::refetch::{Refetches, REFETCH_WAIT_MS};
use crate::render_bodies::RenderBodies;
use crate::render_epochs::RenderEpochs;
use crate::renders::{RenderId, Renders};
use crate::tabs::{TabId, Tabs, NO_TAB};
use crate::verification::{CheckEnd, CheckedTab, DecisionSummary, Outcome, Verification};
use crate::waiting_sockets::SocketId;

/// Engine configuration. Caps bound memory whatever the browser or the app
/// does; past a cap the oldest/least recently used entry is dropped, which
/// at worst makes a tab count as "unknown" (always refreshed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EngineOptions {
  /// Vite's `config.root`; decisions list files relative to it.
  pub root: String,
  /// Trailing quiet period of a batch (default 30 ms).
  pub quiet_ms: f64,
  /// Longest a batch waits after its first change (default 300 ms).
  pub max_wait_ms: f64,
  pub refresh: Strategy,
  /// Open tabs tracked (default 1024); past it a tab is not tracked (it gets
  /// `NO_TAB`) and, while it is open, every refresh goes to every tab.
  pub max_tabs: usize,
  /// Pages with recorded roots (default 1024); least recently used evicted.
  pub max_pages: usize,
  /// Roots kept per page and environment (default 4096); extra are dropped.
  pub max_roots_per_page: usize,
  /// Decisions leave `poll` with their explanations (importer chains for a
  /// debug log). Off, they are used inside only (each tab's update names its
  /// page's roots) and a hub edit's decision stays small.
  pub explain: bool,
  /// Another plugin's bare full-reload for a server-only change is sent as
  /// it is (`frameworkReloads: 'keep'`), not replaced by the decision.
  pub keep_framework_reloads: bool,
  /// The longest gap between two in-place updates of one burst
  /// (`in_place_replay`; the shim's `quietMs + maxWaitMs + 200`).
  pub replay_settle_ms: f64,
}

impl Default for EngineOptions {
  fn default() -> Self {
    EngineOptions {
      root: String::new(),
      quiet_ms: DEFAULT_QUIET_MS,
      max_wait_ms: DEFAULT_MAX_WAIT_MS,
      refresh: Strategy::Reload,
      max_tabs: 1024,
      max_pages: 1024,
      max_roots_per_page: 4096,
      explain: true,
      keep_framework_reloads: false,
      replay_settle_ms: 530.0,
    }
  }
}

/// Answer to one server environment's `hotUpdate` for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerChange {
  pub class: ChangeClass,
  /// Modules to invalidate in this environment's runner (the indexes
  /// `update_module` returned): set for shared and server-only files, empty
  /// when Vite's own update is kept.
  pub invalidate: Vec<ModuleIx>,
  /// Let Vite's update through for this environment.
  pub keep_vite_update: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineStats {
  pub environments: usize,
  pub modules: usize,
  pub edges: usize,
  pub tabs: usize,
  pub pages: usize,
  /// Distinct files waiting for the next decision.
  pub pending: usize,
  pub renders: usize,
  pub pending_checks: usize,
}

/// What the shim must carry out, from `poll` or `end_render`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Effects {
  /// The decision taken now, if a batch was due.
  pub decision: Option<Decision>,
  /// What a socket that has not said which page it shows gets once it does,
  /// if its page is among the decision's pages (or `reloadAll`).
  pub unreported: Option<UpdatePayload>,
  /// Messages to single tabs: checks and updates.
  pub messages: Vec<TabMessage>,
  /// Decisions whose checks are all answered: one log line each.
  pub outcomes: Vec<Outcome>,
  /// Payloads the shim keeps for the core: send, send again, or drop them.
  pub payloads: Vec<PayloadEffect>,
  /// Sockets that did not say which page they show in time: a full reload each.
  pub reload_sockets: Vec<SocketId>,
  /// With a decision: the full-reloads of other plugins it replaced.
  pub replaced: u32,
  /// Files to read again: reported to Vite if their version changed.
  pub recheck_writes: Vec<WriteRecheck>,
}

impl Effects {
  pub fn is_empty(&self) -> bool {
    self.decision.is_none()
      && self.messages.is_empty()
      && self.outcomes.is_empty()
      && self.payloads.is_empty()
      && self.reload_sockets.is_empty()
      && self.recheck_writes.is_empty()
  }

  /// Dates every update with the shim's wall clock as it goes out (the
  /// engine's clock is monotonic and its own).
  pub fn stamp(&mut self, wall_clock_ms: u64) {
    let updates = self.messages.iter_mut().filter_map(|m| match &mut m.message {
      Message::Update(update) => Some(&mut **update),
      Message::Check(_) => None,
    });
    for update in updates.chain(self.unreported.as_mut()) {
      update.timestamp = wall_clock_ms;
    }
  }
}

/// Most files remembered as failing to compile; past it new failures are
/// not remembered, so those tabs refresh into the error page instead.
pub const MAX_BROKEN_FILES: usize = 1024;

pub struct Engine {
  options: EngineOptions,
  pub(crate) mirror: ModuleGraphMirror,
  tabs: Tabs,
  roots: PageRoots,
  renders: Renders,
  /// The HTML of recent renders, for a tab's three-way patch.
  bodies: RenderBodies,
  /// What differs between renders of a page anyway, per page.
  masks: OutputMasks,
  verification: Verification,
  batcher: ChangeBatcher,
  pickup: Pickup,
  pub(crate) scratch: InvalidationScratch,
  affected_scratch: AffectedScratch,
  /// File keys whose last compilation (by the shim) failed.
  broken: FxHashSet<String>,
  refetches: Refetches,
  epochs: RenderEpochs,
  /// The browser channels' windows and replays, the sockets waiting to report.
  pub(crate) channels: Channels,
  /// Files to read again for a write their watcher dropped.
  late_writes: LateWrites,
}

impl Engine {
  pub fn new(options: EngineOptions) -> Self {
    Engine {
      mirror: ModuleGraphMirror::new(),
      tabs: Tabs::new(options.max_tabs),
      roots: PageRoots::new(options.max_pages, options.max_roots_per_page),
      renders: Renders::default(),
      bodies: RenderBodies::default(),
      masks: OutputMasks::default(),
      verification: Verification::default(),
      batcher: ChangeBatcher::new(options.quiet_ms, options.max_wait_ms),
      pickup: Pickup::default(),
      scratch: InvalidationScratch::default(),
      affected_scratch: AffectedScratch::default(),
      broken: FxHashSet::default(),
      refetches: Refetches::default(),
      epochs: RenderEpochs::default(),
      channels: Channels::new(options.replay_settle_ms, options.keep_framework_reloads),
      late_writes: LateWrites::default(),
      options,
    }
  }

  pub fn options(&self) -> &EngineOptions {
    &self.options
  }

  pub fn mirror(&self) -> &ModuleGraphMirror {
    &self.mirror
  }

  pub fn set_environment(&mut self, name: &str, consumer: Consumer) {
    self.mirror.set_environment(name, consumer);
  }

  /// Server environment `name` runs its modules outside Vite's process: a
  /// decision waits for it to pick an edit up (see `pickup`).
  pub fn set_out_of_process(&mut self, name: &str) {
    self.pickup.set_out_of_process(name);
  }

  /// Environment `env` requested a module from Vite.
  pub fn note_fetch(&mut self, env: &str, now_ms: f64) {
    self.pickup.note_fetch(env, now_ms);
  }

  /// Unknown environments are created: `client` as a client, others as
  /// servers (see `ModuleGraphMirror::update_module`). Returns the module's
  /// index in its environment (what `ServerChange::invalidate` names), none
  /// for an id too long to mirror.
  pub fn update_module(&mut self, env: &str, module: ModuleRecord) -> Option<ModuleIx> {
    self.mirror.update_module(env, &module);
    let ix = self.mirror.environment(env).and_then(|g| g.get_by_id(&module.id))?;
    if self.roots.has_unresolved(env) {
      self.roots.on_module_analyzed(&self.mirror, env, ix);
    }
    Some(ix)
  }

  /// The id of module `ix` of `env`.
  pub fn module_id(&self, env: &str, ix: ModuleIx) -> Option<&str> {
    let g = self.mirror.environment(env)?;
    (ix.index() < g.index_bound()).then(|| &*g.node(ix).id)
  }

  pub fn delete_file(&mut self, file: &str) {
    self.mirror.delete_file(file);
    self.broken.remove(&*file_key(file));
  }

  /// The shim compiled a changed server module: remember whether it failed,
  /// so tabs depending on it see the error rather than an error page. A
  /// file that compiles again is a change of its own for the next decision:
  /// the tabs shown its error must refresh, even if the decision that brought
  /// the fix had decided on the file's old result.
  pub fn set_compile_error(&mut self, file: &str, failed: bool) {
    if file.len() > MAX_ID_BYTES {
      return;
    }
    let key = file_key(file);
    if failed {
      if self.broken.len() < MAX_BROKEN_FILES {
        self.broken.insert(key.into_owned());
      }
    } else if self.broken.remove(&*key) {
      self.queue_fixed(&key);
    }
  }

  /// Queues a file that compiles again as a server-only change of its modules.
  fn queue_fixed(&mut self, key: &str) {
    let client = client_variants(&self.mirror, key);
    let server_modules: Vec<(String, Vec<String>)> = self
      .mirror
      .modules_of_file(key)
      .filter(|(_, g, _)| g.consumer == Consumer::Server)
      .map(|(env, g, modules)| {
        let ids = modules
          .iter()
          .filter(|&&m| !client.contains(g.node(m).variant))
          .map(|&m| g.node(m).id.to_string())
          .collect();
        (env.to_string(), ids)
      })
      .collect();
    let batch = self.batcher.record(f64::NAN);
    batch.epoch = self.epochs.advance();
    if let Some(pending) = batch.file_mut(key) {
      pending.class = pending.class.merge(ChangeClass::ServerOnly);
      for (env, ids) in server_modules {
        let pending_ids = pending.server_only_modules.entry(env).or_default();
        pending_ids.extend(ids);
        pending_ids.sort_unstable();
        pending_ids.dedup();
      }
    }
  }

  pub fn drop_environment(&mut self, env: &str) {
    self.mirror.drop_environment(env);
    self.roots.drop_environment(env);
    // Its module indexes name nothing now.
    self.batcher.forget_environment(env);
  }

  /// Forgets graphs, pages, renders and pending changes; open tabs stay
  /// registered because their ids live in the browsers.
  pub fn reset(&mut self) {
    self.mirror.reset();
    self.roots.reset();
    self.renders.clear();
    self.bodies.clear();
    self.masks.clear();
    self.verification.clear();
    self.verification.take_outcomes();
    self.batcher.clear();
    self.broken.clear();
    self.channels.clear();
    self.late_writes.clear();
  }

  /// Classifies an edit for server environment `env`, computes what to
  /// invalidate there, and queues the file for the next decision. `at`: when
  /// the hook ran (`now_ms`), and when the file was written if known; batching
  /// goes by the edit's time (`ChangeAt::edited_ms`).
  pub fn on_server_change(
    &mut self,
    env: &str,
    file: &str,
    at: impl Into<ChangeAt>,
  ) -> ServerChange {
    let at = at.into();
    if file.len() > MAX_ID_BYTES {
      return ServerChange {
        class: ChangeClass::Unknown,
        invalidate: Vec::new(),
        keep_vite_update: true,
      };
    }
    let key = file_key(file);
    let class = classify_change(&self.mirror, env, &key);
    let mut invalidate = Vec::new();
    let mut keep_vite_update = true;
    let mut server_only_ids = Vec::new();
    let mut reach = None;
    // Whenever this environment runs the file (shared or server-only), it
    // would do its own HMR propagation: a dead end there means a full
    // program reload of the server unless we invalidate precisely.
    if matches!(class, ChangeClass::ServerOnly | ChangeClass::Shared) {
      if let Some(g) = self.mirror.environment(env) {
        let changed: &[ModuleIx] = g.modules_of_file(&key);
        // Only variants the browser lacks make pages stale.
        let server_only: Vec<ModuleIx> = if class == ChangeClass::ServerOnly {
          let client = client_variants(&self.mirror, &key);
          changed.iter().copied().filter(|&m| !client.contains(g.node(m).variant)).collect()
        } else {
          Vec::new()
        };
        let (set, walked) = InvalidationSet::compute(g, changed, &server_only, &mut self.scratch);
        keep_vite_update = set.keep_vite_update;
        invalidate = set.modules;
        reach = walked;
        server_only_ids = server_only.iter().map(|&m| g.node(m).id.to_string()).collect();
      }
    }
    if matches!(class, ChangeClass::ServerOnly | ChangeClass::Shared) {
      // The runtime is told now, whenever the file was written.
      self.pickup.note_change(env, at.arrived_ms, self.epochs.current());
    }
    if class == ChangeClass::ServerOnly && keep_vite_update {
      // Vite's runner update is kept: the runner re-imports on its own time.
      self.pickup.note_applied_later(self.epochs.current());
    }
    let batch = self.batcher.record(at);
    if class == ChangeClass::ServerOnly {
      batch.epoch = self.epochs.advance();
    }
    if let Some(pending) = batch.file_mut(&key) {
      pending.class = pending.class.merge(class);
      if !server_only_ids.is_empty() {
        let ids = pending.server_only_modules.entry(env.to_string()).or_default();
        ids.extend(server_only_ids);
        ids.sort_unstable();
        ids.dedup();
      }
    }
    if let Some(reach) = reach {
      batch.keep_reach(&key, env, reach);
    }
    // Every browser channel's window of the file settles the reloads it holds.
    let c = &mut self.channels;
    c.windows.classified(file, class, at.edited_ms(), &mut c.payloads, &mut c.outbox);
    if !invalidate.is_empty() {
      batch.invalidated.entry(env.to_string()).or_default().extend(invalidate.iter().copied());
    }
    ServerChange { class, invalidate, keep_vite_update }
  }

  /// Another plugin sent the browser a client update of `client_urls` while
  /// `file`'s change was handled: whether it carries that change (see
  /// `in_place`).
  pub fn client_update_carries(&mut self, file: &str, client_urls: &[String]) -> bool {
    file.len() <= MAX_ID_BYTES
      && client_update_carries(&self.mirror, file, client_urls, &mut self.scratch.walk)
  }

  /// Another plugin updated the browser in place for `file`'s change: the
  /// framework refreshes what depends on it, so no tab is refreshed for it.
  pub fn on_updated_in_place(&mut self, file: &str) {
    if file.len() > MAX_ID_BYTES {
      return;
    }
    if let Some(pending) = self.batcher.pending_file_mut(&file_key(file)) {
      pending.updated_in_place = true;
    }
  }

  /// Another plugin broadcast a custom event to the browser at `at` while
  /// `file`'s server-only change was handled. If the tabs answer it by
  /// re-fetching their page, the framework updates them in place
  /// (`refetch.rs`): the decision waits a moment for those re-fetches.
  pub fn on_framework_event(&mut self, file: &str, at: f64) {
    if file.len() > MAX_ID_BYTES || !at.is_finite() {
      return;
    }
    if let Some(pending) = self.batcher.pending_file_mut(&file_key(file)) {
      pending.framework_event_at = Some(pending.framework_event_at.map_or(at, |last| last.max(at)));
    }
  }

  /// Another plugin broadcast Vite's error payload to every tab while
  /// `file`'s change was handled: a compile error of it is shown already.
  pub fn on_framework_error(&mut self, file: &str) {
    if file.len() > MAX_ID_BYTES {
      return;
    }
    if let Some(pending) = self.batcher.pending_file_mut(&file_key(file)) {
      pending.framework_error = true;
    }
  }

  /// A request from within the page `page` (not a document load, not a
  /// check) was answered with `status` and `content_type` at `at`. Returns
  /// whether it is a re-fetch of the page's own output.
  pub fn on_page_refetch(&mut self, page: &str, status: u16, content_type: &str, at: f64) -> bool {
    page.len() <= MAX_ID_BYTES && self.refetches.record(page, status, content_type, at)
  }

  /// Whether a tab answered a framework's custom event sent at `at` by
  /// re-fetching its page: the event is that framework's in-place protocol.
  pub fn page_refetched_since(&self, at: f64) -> bool {
    self.refetches.any_since(at)
  }

  /// Until when the pending batch waits for tabs to answer a framework's
  /// custom event: not past the moment every open tab re-fetched its page.
  fn refetch_deadline(&self) -> Option<f64> {
    let at = self.batcher.pending_batch().framework_event_at()?;
    let mut pages = self.tabs.pages().filter_map(|(_, page)| page).peekable();
    let answered = pages.peek().is_some() && pages.all(|page| self.refetches.since(page, at));
    (!answered).then_some(at + REFETCH_WAIT_MS)
  }

  /// A `watch` glob matched `file`: every tab is a candidate.
  pub fn on_watched_change(&mut self, file: &str, at: impl Into<ChangeAt>) {
    let at = at.into();
    if file.len() > MAX_ID_BYTES {
      return;
    }
    let key = file_key(file);
    let batch = self.batcher.record(at);
    batch.epoch = self.epochs.advance();
    if let Some(pending) = batch.file_mut(&key) {
      pending.watched = true;
    }
  }

  /// An HTML response for `url` is sending its headers. Returns the stamp to
  /// put in its `Server-Timing`. `page_fetch` is the `x-ssr-hmr-page-fetch`
  /// header of a tab's request for its own page (a check token, or `refresh`).
  pub fn begin_render(
    &mut self,
    url: &str,
    status: u16,
    location: Option<&str>,
    page_fetch: Option<&str>,
  ) -> RenderId {
    let epoch = self.pickup.render_epoch(self.epochs.current());
    let token = page_fetch.and_then(parse_token);
    // A check render keeps its text: what its tab must show if updated in place.
    let render = self.renders.begin(url, epoch, status, location, token.is_some());
    self.bodies.begin(render);
    if let Some(token) = token {
      self.verification.begin_render(token, render);
    }
    render
  }

  /// The next bytes of render `render`'s body.
  pub fn write_render(&mut self, render: RenderId, bytes: &[u8]) {
    self.renders.write(render, bytes);
    self.bodies.write(render, bytes);
  }

  /// Render `render`'s HTML, while it is kept (`render_bodies.rs`): the base
  /// of a tab's three-way patch.
  pub fn render_html(&mut self, render: RenderId) -> Option<&[u8]> {
    self.bodies.get(render)
  }

  /// Render `render` ended (`complete`: its whole body was sent). If it
  /// answered a check, the tab's verdict goes out.
  pub fn end_render(&mut self, render: RenderId, complete: bool) -> Effects {
    let mut effects = Effects::default();
    self.bodies.end(render, complete);
    let Some(finished) = self.renders.end(render, complete) else { return effects };
    let (page, fingerprint) = (finished.page.clone(), finished.fingerprint);
    let (renders, masks) = (&self.renders, &mut self.masks);
    let judge = |shown: RenderId, first: Option<RenderId>| match renders.get(render) {
      Some(check) => {
        masks.judge(&page, renders.get(shown), check, first.and_then(|f| renders.get(f)))
      }
      None => Judgement::Different,
    };
    let end = self.verification.end_render(render, &page, fingerprint, judge);
    let fresh_runs = self.renders.take_text_runs(render);
    match end {
      Some(CheckEnd::Verdict(mut resolution)) => {
        if resolution.verdict == Verdict::Unchanged {
          // The same output as the tab's: the check render is what it shows.
          self.tabs.set_shown(resolution.tab, render);
        }
        if let (Verdict::Changed, Message::Update(update)) =
          (resolution.verdict, &mut resolution.message.message)
        {
          update.fresh_text = self.fresh_text_for(resolution.tab, &page, render, fresh_runs);
        }
        effects.messages.push(resolution.message);
      }
      Some(CheckEnd::Recheck(message)) => effects.messages.push(message),
      None => {}
    }
    effects.outcomes = self.verification.take_outcomes();
    effects
  }

  /// What tab `tab` must show once updated in place to `check`'s render
  /// (`fresh_text.rs`); `None` when the render it shows is forgotten.
  fn fresh_text_for(
    &self,
    tab: TabId,
    page: &str,
    check: RenderId,
    runs: Option<Box<[TextRun]>>,
  ) -> Option<Vec<String>> {
    let shown = self.renders.get(self.tabs.shown(tab)?)?.segments.clone()?;
    let fresh = self.renders.get(check)?.segments.clone()?;
    let masked = self.masks.masked(page, fresh.hashes.len());
    Some(fresh_text(&shown, &fresh, &runs?, masked))
  }

  /// A tab reports the page it shows and, for a server-rendered document,
  /// the stamp of its render. A tab can miss a refresh: it was reloading,
  /// or had no socket yet, when the decision went out. If a refresh of its
  /// page was decided after its render, it is queued for the next decision.
  pub fn open_tab(&mut self, url: Option<&str>, render: Option<RenderId>, now_ms: f64) -> TabId {
    let shown = render.filter(|&r| url.is_some_and(|url| self.is_render_of(r, url)));
    let tab = self.tabs.open(url, shown);
    let Some(page) = url.map(normalize_url) else { return tab };
    self.roots.touch(&page);
    // The render's epoch; a stamp issued but since forgotten is older than
    // anything remembered.
    let epoch = render.and_then(|r| match self.renders.get(r) {
      Some(known) => Some(known.epoch),
      None if self.renders.was_issued(r) => Some(0),
      None => None,
    });
    if let Some(epoch) = epoch {
      let resolved = self.roots.has_resolved_roots(&page) == Some(true);
      if tab != NO_TAB && self.epochs.refreshed_since(&page, resolved, epoch) {
        self.batcher.record(now_ms).stale_tabs.push(tab);
      }
    }
    tab
  }

  /// The tab's page picks `strategy` over the configured one (`None`: it
  /// picks none), as its tab reports with each page report.
  pub fn set_tab_strategy(&mut self, tab: TabId, strategy: Option<Strategy>) {
    self.tabs.set_strategy(tab, strategy);
  }

  /// The tab moved to `url` on the client, or (with `render`) now shows that
  /// render of it, after a morph.
  pub fn navigate_tab(&mut self, tab: TabId, url: &str, render: Option<RenderId>) {
    let shown = render.filter(|&r| self.is_render_of(r, url));
    self.tabs.navigate(tab, url, shown);
    self.roots.touch(url);
  }

  fn is_render_of(&self, render: RenderId, url: &str) -> bool {
    self.renders.get(render).is_some_and(|r| *r.page == *normalize_url(url))
  }

  pub fn close_tab(&mut self, tab: TabId) {
    self.tabs.close(tab);
    self.verification.close_tab(tab);
  }

  /// Replaces the roots `url`'s render requested in `env`.
  pub fn record_page_roots(&mut self, url: &str, env: &str, fetched: &[FetchedModule]) {
    self.roots.record(&self.mirror, url, env, fetched);
  }

  /// When `poll` should be called next: the one timer the shim arms. A
  /// batch is due (every runtime outside Vite's process picked it up, and no
  /// change is in progress), a check times out, or one of the channels'
  /// timers (`channel_events`) is due.
  pub fn next_deadline(&self) -> Option<f64> {
    let batch = if self.busy() { None } else { self.decision_deadline() };
    [
      batch,
      self.verification.next_deadline(),
      self.channel_deadline(),
      self.late_writes.next_deadline(),
    ]
    .into_iter()
    .flatten()
    .reduce(f64::min)
  }

  /// When the pending batch is due, in progress or not.
  fn decision_deadline(&self) -> Option<f64> {
    self.batcher.next_deadline().map(|due| {
      let due = self.refetch_deadline().map_or(due, |r| due.max(r));
      self.pickup.deadline().map_or(due, |p| due.max(p))
    })
  }

  /// Whether `poll(now_ms)` would take a decision: the shim compiles the
  /// batch's server-only files first.
  pub fn decision_due(&self, now_ms: f64) -> bool {
    !self.busy() && self.decision_deadline().is_some_and(|due| due <= now_ms)
  }

  /// A decision is pending or a check waits for its answer.
  pub fn deciding(&self) -> bool {
    self.batcher.next_deadline().is_some() || self.verification.next_deadline().is_some()
  }

  /// Everything due at `now_ms`: the channels' timers, the pending batch's
  /// decision (its checks and updates) if it was due before them (a window
  /// they close leaves the decision to the next poll, after its compile
  /// check), and the updates of checks that timed out.
  pub fn poll(&mut self, now_ms: f64) -> Effects {
    let mut effects = Effects::default();
    let decide = self.decision_due(now_ms);
    self.expire_channel_timers(now_ms, &mut effects);
    for expired in self.verification.expire(now_ms) {
      effects.messages.push(expired.message);
    }
    if let Some(mut decision) = if decide { self.flush(now_ms) } else { None } {
      decision.id = self.dispatch(&decision, now_ms, &mut effects);
      effects.replaced = self.channels.windows.take_replaced();
      if !self.options.explain {
        decision.explanations = Vec::new();
      }
      effects.decision = Some(decision);
    }
    effects.outcomes = self.verification.take_outcomes();
    self.take_channel_effects(&mut effects);
    effects.recheck_writes = self.late_writes.due(now_ms);
    effects
  }

  /// The shim read `file` at `now_ms` (it was reported, or compiled) with
  /// `version` (`None`: it is gone): it is read again once the watcher's
  /// throttle window is over (`late_writes.rs`).
  pub fn note_file_read(&mut self, file: &str, version: Option<String>, now_ms: f64) {
    self.late_writes.note(file, version, now_ms);
  }

  /// A change of `file` reached the hooks.
  pub fn note_file_reported(&mut self, file: &str) {
    self.late_writes.reached_hooks(file);
  }

  /// The shim reported `file` to Vite again: it had been written since it was
  /// read.
  pub fn note_write_reported_again(&mut self, file: &str, now_ms: f64) {
    self.late_writes.reported_again(file, now_ms);
  }

  /// A write may still be reported (`late_writes.rs`).
  pub fn late_writes_pending(&mut self, now_ms: f64) -> bool {
    self.late_writes.pending(now_ms)
  }

  /// The decision for the pending batch, if it is due at `now_ms`. `poll`
  /// sends it out; this only decides.
  pub fn flush(&mut self, now_ms: f64) -> Option<Decision> {
    // Not before every runtime picked the batch up (a NaN clock never is).
    let picked_up =
      self.pickup.deadline().is_none_or(|at| now_ms.partial_cmp(&at).is_some_and(|o| o.is_ge()));
    if !picked_up {
      return None;
    }
    // Nor before the tabs answered a framework's event, or had the time to.
    if self.refetch_deadline().is_some_and(|at| now_ms.partial_cmp(&at).is_none_or(|o| o.is_lt())) {
      return None;
    }
    let batch = self.batcher.take_due(now_ms)?;
    self.pickup.clear();
    let epoch = batch.epoch;
    let inputs = DecisionInputs {
      root: &self.options.root,
      refresh: self.options.refresh,
      mirror: &self.mirror,
      roots: &self.roots,
      tabs: &self.tabs,
      broken: &self.broken,
      refetches: &self.refetches,
    };
    let decision = build_decision(batch, &inputs, &mut self.affected_scratch);
    if decision.action != Action::Passthrough && epoch > 0 {
      let tab_pages = decision.tabs.iter().filter_map(|&tab| self.tabs.page(tab));
      let pages = decision.pages.iter().map(String::as_str).chain(tab_pages);
      // A server-only edit makes every tab of a page with unknown roots a candidate.
      let unresolved = !decision.files.server_only.is_empty();
      self.epochs.record_refresh(epoch, decision.reload_all, unresolved, pages);
    }
    Some(decision)
  }

  /// Sends a decision out: a check to each candidate tab that shows a
  /// fingerprinted render of its page, an unverified update to the others.
  /// Returns the decision's id.
  fn dispatch(&mut self, decision: &Decision, now_ms: f64, effects: &mut Effects) -> u32 {
    let summary = DecisionSummary {
      action: decision.action,
      files: decision.files.clone(),
      invalidated_count: decision.invalidated_count.clone(),
      reload_all: decision.reload_all,
      error_tabs: decision.error_tabs.len(),
    };
    let id = self.verification.next_id();
    let tab_pages = decision.tabs.iter().filter_map(|&tab| self.tabs.page(tab)).collect();
    let template =
      UpdateTemplate::new(decision, id, self.options.refresh, &self.options.root, &tab_pages);
    if decision.action == Action::Passthrough {
      return self.verification.register(template, summary, &[], 0);
    }
    let mut checks = Vec::new();
    let mut unverified = Vec::new();
    for &tab in &decision.tabs {
      let page = self.tabs.page(tab);
      let page_unknown = page.is_none_or(|page| self.roots.has_resolved_roots(page) != Some(true));
      let shown = page.zip(self.tabs.shown(tab)).and_then(|(page, render)| {
        self
          .renders
          .fingerprint_of(render, page)
          .map(|fingerprint| (page.to_string(), fingerprint, render))
      });
      match shown {
        Some((page, shown, render)) => checks.push((tab, page, shown, render, page_unknown)),
        None => unverified.push((tab, page, page_unknown)),
      }
    }
    // What each tab does if it refreshes: its page's pick, or the configured strategy.
    let strategy = |tab| self.tabs.strategy(tab).unwrap_or(self.options.refresh);
    let unverified_pages: Vec<(Option<&str>, Strategy)> =
      unverified.iter().map(|&(tab, page, _)| (page, strategy(tab))).collect();
    let registered =
      self.verification.register(template.clone(), summary, &unverified_pages, checks.len());
    debug_assert_eq!(registered, id);
    for &(tab, page, page_unknown) in &unverified {
      let update = template.update(TabUpdate::unverified(page, page_unknown), &[]);
      effects.messages.push(TabMessage { tab, message: Message::Update(Box::new(update)) });
    }
    for (tab, page, shown, shown_render, page_unknown) in checks {
      let strategy = self.tabs.strategy(tab).unwrap_or(self.options.refresh);
      let checked = CheckedTab { tab, page: &page, shown, shown_render, page_unknown, strategy };
      effects.messages.push(self.verification.start(id, checked, now_ms));
    }
    effects.unreported = Some(template.update(TabUpdate::unverified(None, true), &[]));
    self.channels.last_reach = Some((decision.pages.clone(), decision.reload_all));
    id
  }

  pub fn snapshot(&self, env: &str) -> Option<GraphSnapshot> {
    self.mirror.snapshot(env)
  }

  pub fn stats(&self) -> EngineStats {
    EngineStats {
      environments: self.mirror.environment_count(),
      modules: self.mirror.module_count(),
      edges: self.mirror.edge_count(),
      tabs: self.tabs.count(),
      pages: self.roots.page_count(),
      pending: self.batcher.pending_files(),
      renders: self.renders.count(),
      pending_checks: self.verification.pending_checks(),
    }
  }
}

/// The binding may keep the engine behind a mutex shared across threads.
#[allow(dead_code)]
fn engine_is_send_and_sync() {
  fn check<T: Send + Sync>() {}
  check::<Engine>();
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::decision::Action;
  use crate::module_record::Import;

  fn engine() -> Engine {
    let mut e = Engine::new(EngineOptions { root: "/app".into(), ..Default::default() });
    e.set_environment("client", Consumer::Client);
    e.set_environment("ssr", Consumer::Server);
    e
  }

  fn entries(ids: &[&str]) -> Vec<FetchedModule> {
    ids.iter().map(|id| FetchedModule::entry(*id)).collect()
  }

  /// A finished render of `url` with `body`: its stamp.
  fn render(e: &mut Engine, url: &str, body: &str) -> RenderId {
    let r = e.begin_render(url, 200, None, None);
    e.write_render(r, body.as_bytes());
    e.end_render(r, true);
    r
  }

  fn add(e: &mut Engine, env: &str, id: &str, imports: &[&str]) {
    let imports = imports.iter().map(|i| Import::new(*i, false)).collect();
    e.update_module(env, ModuleRecord::js(id, imports));
  }

  /// page -> db, where page accepts db's updates (an HMR boundary: Vite's update is kept).
  fn accepting_page() -> Engine {
    let mut e = engine();
    let mut page = ModuleRecord::js("/app/page.tsx", vec![Import::new("/app/db.ts", false)]);
    page.accepted_deps = vec!["/app/db.ts".into()];
    e.update_module("ssr", page);
    add(&mut e, "ssr", "/app/db.ts", &[]);
    e
  }

  /// entry-server -> page -> loader -> db ; client: page, button.
  fn app() -> Engine {
    let mut e = engine();
    add(&mut e, "ssr", "/app/entry-server.ts", &["/app/page.tsx"]);
    add(&mut e, "ssr", "/app/page.tsx", &["/app/loader.ts", "/app/button.tsx"]);
    add(&mut e, "ssr", "/app/loader.ts", &["/app/db.ts"]);
    add(&mut e, "ssr", "/app/db.ts", &[]);
    add(&mut e, "ssr", "/app/button.tsx", &[]);
    add(&mut e, "client", "/app/page.tsx", &["/app/button.tsx"]);
    add(&mut e, "client", "/app/button.tsx?v=1", &[]);
    e
  }

  #[test]
  fn a_served_render_and_a_check_render_keep_their_html_for_a_patch() {
    let mut e = engine();
    let served = e.begin_render("/about", 200, None, None);
    e.write_render(served, b"<p>old</p>");
    e.end_render(served, true);
    let aborted = e.begin_render("/about", 200, None, None);
    e.write_render(aborted, b"<p>");
    e.end_render(aborted, false);
    let check = e.begin_render("/about", 200, None, Some("refresh"));
    e.write_render(check, b"<p>new</p>");
    e.end_render(check, true);
    assert_eq!(e.render_html(served), Some(&b"<p>old</p>"[..]));
    assert_eq!(e.render_html(check), Some(&b"<p>new</p>"[..]));
    assert_eq!(e.render_html(aborted), None);
    assert_eq!(e.render_html(check + 1), None, "a stamp never issued");
  }

  #[test]
  fn server_only_edit_refreshes_the_tabs_rendering_it() {
    let mut e = app();
    e.record_page_roots("/", "ssr", &entries(&["/app/entry-server.ts", "/app/page.tsx"]));
    e.record_page_roots("/other", "ssr", &entries(&["/app/button.tsx"]));
    let home = e.open_tab(Some("/"), None, 0.0);
    let other = e.open_tab(Some("/other"), None, 0.0);
    let change = e.on_server_change("ssr", "/app/db.ts", 1000.0);
    assert_eq!(change.class, ChangeClass::ServerOnly);
    assert!(!change.keep_vite_update, "entry-server has no importer: dead end");
    assert_eq!(change.invalidate.len(), 4);
    assert_eq!(e.next_deadline(), Some(1000.0), "a lone edit is decided at once");
    assert_eq!(e.flush(999.0), None);
    let d = e.flush(1000.0).unwrap();
    assert_eq!(d.action, Action::Reload);
    assert!(!d.reload_all);
    assert_eq!(d.files.server_only, ["db.ts"]);
    assert_eq!(d.pages, ["/"]);
    assert_eq!(d.tabs, [home]);
    assert!(!d.tabs.contains(&other));
    assert_eq!(d.invalidated["ssr"].len(), 4);
    let chains: Vec<&[String]> = d.explanations.iter().map(|x| x.chain.as_slice()).collect();
    assert_eq!(
      chains,
      [
        &["/app/db.ts", "/app/loader.ts", "/app/page.tsx", "/app/entry-server.ts"][..],
        &["/app/db.ts", "/app/loader.ts", "/app/page.tsx"][..],
      ],
      "one chain per root of the page that reaches the change"
    );
    assert_eq!(e.flush(2000.0), None, "batch consumed");
  }

  /// Several Vite dev servers of one project (vinxi) in one engine, a later server's
  /// environments named `<name>@<n>`: each server hears the same write and reports it from its
  /// own environments before the decision (the shim waits for them): one decision, every
  /// server's modules invalidated, the tab reached whichever server it is connected to.
  #[test]
  fn one_edit_heard_by_several_servers_is_one_decision() {
    let mut e = app();
    e.set_environment("client@2", Consumer::Client);
    e.set_environment("ssr@2", Consumer::Server);
    add(&mut e, "ssr@2", "/app/server-fn.ts", &["/app/db.ts"]);
    add(&mut e, "ssr@2", "/app/db.ts", &[]);
    add(&mut e, "client@2", "/app/page.tsx", &["/app/button.tsx"]);
    e.record_page_roots("/", "ssr", &entries(&["/app/entry-server.ts", "/app/page.tsx"]));
    let home = e.open_tab(Some("/"), None, 0.0);
    assert_eq!(e.on_server_change("ssr", "/app/db.ts", 1000.0).class, ChangeClass::ServerOnly);
    assert_eq!(e.on_server_change("ssr@2", "/app/db.ts", 1001.0).class, ChangeClass::ServerOnly);
    let d = e.flush(1001.0).unwrap();
    assert_eq!(d.files.server_only, ["db.ts"]);
    assert_eq!(d.tabs, [home]);
    assert_eq!(d.invalidated["ssr"].len(), 4);
    assert_eq!(d.invalidated["ssr@2"].len(), 2);
    assert_eq!(e.next_deadline(), None, "nothing left for a second decision");
    // A component only the other server's client graph has is shared.
    add(&mut e, "ssr", "/app/label.tsx", &[]);
    add(&mut e, "client@2", "/app/label.tsx", &[]);
    assert_eq!(e.on_server_change("ssr", "/app/label.tsx", 5000.0).class, ChangeClass::Shared);
  }

  #[test]
  fn an_importer_added_before_the_decision_is_not_missed_by_the_kept_walk() {
    let mut e = app();
    e.record_page_roots("/", "ssr", &entries(&["/app/page.tsx"]));
    e.record_page_roots("/other", "ssr", &entries(&["/app/other.tsx"]));
    add(&mut e, "ssr", "/app/other.tsx", &[]);
    e.on_server_change("ssr", "/app/db.ts", 1000.0);
    // Between the change's walk and its decision, /other's root starts importing the loader.
    add(&mut e, "ssr", "/app/other.tsx", &["/app/loader.ts"]);
    let d = e.flush(1000.0).unwrap();
    assert_eq!(d.pages, ["/", "/other"]);
    // Unchanged edges: the kept walk gives what a new walk gives.
    e.on_server_change("ssr", "/app/db.ts", 5000.0);
    add(&mut e, "ssr", "/app/other.tsx", &["/app/loader.ts"]);
    assert_eq!(e.flush(5000.0).unwrap().pages, ["/", "/other"]);
  }

  #[test]
  fn without_explain_a_decision_leaves_its_chains_inside_and_each_update_still_names_its_roots() {
    let mut e =
      Engine::new(EngineOptions { root: "/app".into(), explain: false, ..Default::default() });
    e.set_environment("client", Consumer::Client);
    e.set_environment("ssr", Consumer::Server);
    add(&mut e, "ssr", "/app/entry-server.ts", &["/app/page.tsx"]);
    add(&mut e, "ssr", "/app/page.tsx", &["/app/db.ts"]);
    add(&mut e, "ssr", "/app/db.ts", &[]);
    e.record_page_roots("/", "ssr", &entries(&["/app/page.tsx"]));
    e.record_page_roots("/no-tab", "ssr", &entries(&["/app/page.tsx"]));
    let tab = e.open_tab(Some("/"), None, 0.0);
    e.on_server_change("ssr", "/app/db.ts", 1000.0);
    let effects = e.poll(1000.0);
    let d = effects.decision.unwrap();
    assert_eq!(d.pages, ["/", "/no-tab"]);
    assert!(d.explanations.is_empty(), "the chains stay inside");
    let [TabMessage { tab: to, message: Message::Update(update) }] = effects.messages.as_slice()
    else {
      panic!("one unverified update: {:?}", effects.messages)
    };
    assert_eq!(*to, tab);
    let reached: Vec<(&str, &[String])> =
      update.roots.iter().map(|r| (r.root.as_str(), r.chain.as_slice())).collect();
    assert_eq!(reached, [("page.tsx", &["db.ts".to_string(), "page.tsx".to_string()][..])]);
  }

  /// entry -> {a, b}; a -> a-data; b -> b-data; one tab per page.
  fn two_pages() -> (Engine, TabId, TabId) {
    let mut e = engine();
    add(&mut e, "ssr", "/app/entry.ts", &[]);
    add(&mut e, "ssr", "/app/a.ts", &["/app/a-data.ts"]);
    add(&mut e, "ssr", "/app/b.ts", &["/app/b-data.ts"]);
    add(&mut e, "ssr", "/app/a-data.ts", &[]);
    add(&mut e, "ssr", "/app/b-data.ts", &[]);
    e.record_page_roots("/a", "ssr", &entries(&["/app/entry.ts", "/app/a.ts"]));
    e.record_page_roots("/b", "ssr", &entries(&["/app/entry.ts", "/app/b.ts"]));
    let a = e.open_tab(Some("/a"), None, 0.0);
    let b = e.open_tab(Some("/b"), None, 0.0);
    (e, a, b)
  }

  #[test]
  fn tabs_whose_page_depends_on_a_broken_module_get_the_error_and_the_others_refresh() {
    let (mut e, a, b) = two_pages();
    e.on_server_change("ssr", "/app/b-data.ts", 0.0);
    e.set_compile_error("/app/b-data.ts", true);
    e.on_server_change("ssr", "/app/a-data.ts", 1.0);
    let d = e.flush(1000.0).unwrap();
    assert_eq!(d.tabs, [a], "the page that compiles refreshes");
    assert_eq!(d.error_tabs, [b], "the broken page shows the error");
    assert_eq!(d.broken_files, ["b-data.ts"]);
  }

  #[test]
  fn a_broken_module_keeps_its_pages_on_the_error_until_it_is_fixed() {
    let (mut e, _a, b) = two_pages();
    e.set_compile_error("/app/b-data.ts", true);
    e.on_server_change("ssr", "/app/b.ts", 0.0);
    let d = e.flush(1000.0).unwrap();
    assert_eq!((d.tabs.as_slice(), d.error_tabs.as_slice()), (&[][..], &[b][..]));
    e.set_compile_error("/app/b-data.ts?t=1", false);
    e.on_server_change("ssr", "/app/b-data.ts", 2000.0);
    let d = e.flush(3000.0).unwrap();
    assert_eq!(d.tabs, [b], "fixed: the page refreshes");
    assert!(d.error_tabs.is_empty() && d.broken_files.is_empty());
  }

  #[test]
  fn a_file_that_compiles_again_refreshes_the_tabs_shown_its_error() {
    let (mut e, a, b) = two_pages();
    e.set_compile_error("/app/b-data.ts", true);
    e.on_server_change("ssr", "/app/b-data.ts", 0.0);
    assert_eq!(e.flush(0.0).unwrap().error_tabs, [b]);
    // A batch decided while the fix's compilation had not run yet…
    e.on_server_change("ssr", "/app/a-data.ts", 5000.0);
    assert_eq!(e.flush(5000.0).unwrap().tabs, [a]);
    // …and the check says it compiles now: its tabs refresh.
    e.set_compile_error("/app/b-data.ts", false);
    let d = e.flush(e.next_deadline().unwrap()).unwrap();
    assert_eq!(
      (d.tabs.as_slice(), d.files.server_only.as_slice()),
      (&[b][..], &["b-data.ts".to_string()][..])
    );
    e.set_compile_error("/app/b-data.ts", false);
    assert_eq!(e.next_deadline(), None, "compiling again and again changes nothing");
  }

  #[test]
  fn a_tab_of_unknown_page_refreshes_even_while_a_module_is_broken() {
    let (mut e, _a, _b) = two_pages();
    let unknown = e.open_tab(None, None, 0.0);
    e.set_compile_error("/app/a-data.ts", true);
    e.on_server_change("ssr", "/app/a-data.ts", 0.0);
    let d = e.flush(1000.0).unwrap();
    assert!(d.tabs.contains(&unknown));
    assert!(!d.error_tabs.contains(&unknown));
  }

  #[test]
  fn a_tab_of_unknown_page_is_told_which_files_do_not_compile_unless_its_output_is_unchanged() {
    let (mut e, _a, _b) = two_pages();
    let shown = render(&mut e, "/unknown", "<p>old</p>");
    let unknown = e.open_tab(Some("/unknown"), Some(shown), 0.0);
    let never_said = e.open_tab(None, None, 0.0);
    e.set_compile_error("/app/a-data.ts", true);
    e.on_server_change("ssr", "/app/a-data.ts", 0.0);
    let decided = e.poll(1000.0);
    let broken_of = |effects: &Effects, tab: TabId| {
      effects.messages.iter().find_map(|m| match &m.message {
        Message::Update(u) if m.tab == tab => Some(u.broken_files.clone()),
        _ => None,
      })
    };
    assert_eq!(broken_of(&decided, never_said), Some(vec!["a-data.ts".to_string()]));
    let token = checks(&decided).into_iter().find(|(tab, _)| *tab == unknown).unwrap().1;
    let first = answer(&mut e, "/unknown", &token, "<p>new</p>");
    let again = checks(&first).pop().unwrap().1;
    let changed = answer(&mut e, "/unknown", &again, "<p>new</p>");
    assert_eq!(
      broken_of(&changed, unknown),
      Some(vec!["a-data.ts".to_string()]),
      "shows the error, not a 500"
    );
  }

  #[test]
  fn deleting_a_broken_file_forgets_its_error() {
    let (mut e, _a, _b) = two_pages();
    e.set_compile_error("/app/a-data.ts", true);
    e.delete_file("/app/a-data.ts");
    e.on_server_change("ssr", "/app/a-data.ts", 0.0);
    assert!(e.flush(1000.0).unwrap().broken_files.is_empty());
  }

  #[test]
  fn a_tab_that_missed_a_refresh_of_its_page_is_refreshed_when_it_reports() {
    let (mut e, a, _b) = two_pages();
    let rendered = render(&mut e, "/a", "<p>a</p>");
    e.on_server_change("ssr", "/app/a-data.ts", 0.0);
    assert_eq!(e.flush(100.0).unwrap().tabs, [a]);
    // The tab was already reloading into a document rendered before the change.
    e.close_tab(a);
    let reloaded = e.open_tab(Some("/a"), Some(rendered), 200.0);
    let d = e.flush(1000.0).expect("the stale tab is refreshed");
    assert_eq!(d.tabs, [reloaded]);
    assert_eq!(d.action, Action::Reload);
    assert!(d.files.server_only.is_empty());
    assert_eq!(e.flush(2000.0), None);
  }

  #[test]
  fn a_tab_rendered_after_the_refresh_or_on_another_page_is_not_refreshed_again() {
    let (mut e, a, _b) = two_pages();
    let before = render(&mut e, "/b", "<p>b</p>");
    e.on_server_change("ssr", "/app/a-data.ts", 0.0);
    e.flush(100.0).unwrap();
    e.close_tab(a);
    let after = render(&mut e, "/a", "<p>a</p>");
    e.open_tab(Some("/a"), Some(after), 200.0);
    e.open_tab(Some("/b"), Some(before), 200.0);
    e.open_tab(Some("/a"), None, 200.0);
    e.open_tab(Some("/a"), Some(u32::MAX), 200.0);
    assert_eq!(e.flush(1000.0), None, "a stamp never issued is not trusted either way");
  }

  #[test]
  fn a_stale_tab_alone_refreshes_no_other_tab() {
    let (mut e, _a, _b) = two_pages();
    let unknown = e.open_tab(None, None, 0.0);
    let rendered = render(&mut e, "/b", "<p>b</p>");
    e.on_server_change("ssr", "/app/b-data.ts", 0.0);
    assert!(e.flush(100.0).unwrap().tabs.contains(&unknown));
    let stale = e.open_tab(Some("/b"), Some(rendered), 200.0);
    assert_eq!(e.flush(1000.0).unwrap().tabs, [stale]);
  }

  /// A static route table: the entry imports both routes, so both pages'
  /// closures reach both data modules.
  fn static_routes() -> Engine {
    let mut e = engine();
    add(&mut e, "ssr", "/app/entry.ts", &["/app/home.ts", "/app/about.ts"]);
    add(&mut e, "ssr", "/app/home.ts", &["/app/home-data.ts"]);
    add(&mut e, "ssr", "/app/about.ts", &["/app/about-data.ts"]);
    add(&mut e, "ssr", "/app/home-data.ts", &[]);
    add(&mut e, "ssr", "/app/about-data.ts", &[]);
    e.record_page_roots("/", "ssr", &entries(&["/app/entry.ts"]));
    e.record_page_roots("/about", "ssr", &entries(&["/app/entry.ts"]));
    e
  }

  fn updates(effects: &Effects) -> Vec<(TabId, Verdict)> {
    let mut updates: Vec<(TabId, Verdict)> = effects
      .messages
      .iter()
      .filter_map(|m| match &m.message {
        Message::Update(u) => Some((m.tab, u.verdict)),
        Message::Check(_) => None,
      })
      .collect();
    updates.sort_by_key(|&(tab, _)| tab);
    updates
  }

  fn checks(effects: &Effects) -> Vec<(TabId, String)> {
    effects
      .messages
      .iter()
      .filter_map(|m| match &m.message {
        Message::Check(c) => Some((m.tab, c.token.clone())),
        Message::Update(_) => None,
      })
      .collect()
  }

  /// The tab's request for its own page, answering `token`.
  fn answer(e: &mut Engine, url: &str, token: &str, body: &str) -> Effects {
    let r = e.begin_render(url, 200, None, Some(token));
    e.write_render(r, body.as_bytes());
    e.end_render(r, true)
  }

  #[test]
  fn only_the_tab_whose_page_renders_differently_is_refreshed() {
    let mut e = static_routes();
    let home_render = render(&mut e, "/", "<h1>Home</h1>");
    let about_render = render(&mut e, "/about", "<h1>About: Ada</h1>");
    let home = e.open_tab(Some("/"), Some(home_render), 0.0);
    let about = e.open_tab(Some("/about"), Some(about_render), 0.0);
    e.on_server_change("ssr", "/app/about-data.ts", 0.0);
    let decided = e.poll(1000.0);
    assert_eq!(decided.decision.as_ref().unwrap().tabs, [home, about], "both are candidates");
    assert!(updates(&decided).is_empty(), "nothing refreshes before the checks answer");
    let sent = checks(&decided);
    assert_eq!(sent.iter().map(|(tab, _)| *tab).collect::<Vec<_>>(), [home, about]);
    let home_answer = answer(&mut e, "/", &sent[0].1, "<h1>Home</h1>");
    assert_eq!(updates(&home_answer), [(home, Verdict::Unchanged)]);
    assert!(home_answer.outcomes.is_empty(), "the decision waits for its last check");
    let first = answer(&mut e, "/about", &sent[1].1, "<h1>About: Grace</h1>");
    assert!(updates(&first).is_empty(), "no mask for /about yet: checked once more");
    let again = checks(&first);
    assert_eq!(again.iter().map(|(tab, _)| *tab).collect::<Vec<_>>(), [about]);
    let about_answer = answer(&mut e, "/about", &again[0].1, "<h1>About: Grace</h1>");
    assert_eq!(updates(&about_answer), [(about, Verdict::Changed)]);
    let outcome = &about_answer.outcomes[0];
    assert_eq!(
      (outcome.refreshed.as_slice(), outcome.unchanged.as_slice()),
      (&["/about".to_string()][..], &["/".to_string()][..])
    );
  }

  /// A page with a random value in an inline script and a timestamp attribute.
  fn volatile_page(title: &str, data: &str, n: u32) -> String {
    format!(
      "<h1>{title}</h1><p id=\"data\">{data}</p><astro-island server-render-time=\"{n}.{n}\"></astro-island>\
       <script>self.random = {}</script><p>footer</p>",
      n * 7919
    )
  }

  #[test]
  fn output_that_differs_between_unedited_renders_is_learned_and_left_out() {
    let mut e = static_routes();
    let home_render = render(&mut e, "/", &volatile_page("Home", "home v1", 1));
    let about_render = render(&mut e, "/about", &volatile_page("About", "about v1", 1));
    let home = e.open_tab(Some("/"), Some(home_render), 0.0);
    let about = e.open_tab(Some("/about"), Some(about_render), 0.0);
    e.on_server_change("ssr", "/app/about-data.ts", 0.0);
    let sent = checks(&e.poll(1000.0));
    // Each page differs from its tab's render: each tab is checked once more.
    let home_first = answer(&mut e, "/", &sent[0].1, &volatile_page("Home", "home v1", 2));
    let about_first = answer(&mut e, "/about", &sent[1].1, &volatile_page("About", "about v2", 2));
    let (home_again, about_again) = (checks(&home_first), checks(&about_first));
    assert_eq!((home_again[0].0, about_again[0].0), (home, about));
    let home_answer = answer(&mut e, "/", &home_again[0].1, &volatile_page("Home", "home v1", 3));
    assert_eq!(updates(&home_answer), [(home, Verdict::Unchanged)]);
    let about_answer =
      answer(&mut e, "/about", &about_again[0].1, &volatile_page("About", "about v2", 3));
    assert_eq!(
      updates(&about_answer),
      [(about, Verdict::Changed)],
      "the data next to them changed"
    );
    // The next edit: the masks are known, one check per tab.
    e.on_server_change("ssr", "/app/about-data.ts", 2000.0);
    let sent = checks(&e.poll(3000.0));
    let home_answer = answer(&mut e, "/", &sent[0].1, &volatile_page("Home", "home v1", 4));
    assert_eq!(updates(&home_answer), [(home, Verdict::Unchanged)]);
    let about_answer = answer(&mut e, "/about", &sent[1].1, &volatile_page("About", "about v3", 4));
    assert_eq!(updates(&about_answer), [(about, Verdict::Changed)]);
  }

  fn fresh_text_of(effects: &Effects) -> Option<Vec<String>> {
    effects.messages.iter().find_map(|m| match &m.message {
      Message::Update(u) => u.fresh_text.clone(),
      Message::Check(_) => None,
    })
  }

  #[test]
  fn a_changed_verdict_says_which_texts_the_tab_must_show_outside_the_mask() {
    let mut e = static_routes();
    let about_render = render(&mut e, "/about", &volatile_page("About", "about v1", 1));
    e.open_tab(Some("/about"), Some(about_render), 0.0);
    e.on_server_change("ssr", "/app/about-data.ts", 0.0);
    let sent = checks(&e.poll(1000.0));
    let first = answer(&mut e, "/about", &sent[0].1, &volatile_page("About", "about v2", 2));
    let again = checks(&first);
    let answer = answer(&mut e, "/about", &again[0].1, &volatile_page("About", "about v2", 3));
    // Not the random value in the script, nor the title, which did not change.
    assert_eq!(fresh_text_of(&answer), Some(vec!["about v2".to_string()]));
  }

  #[test]
  fn two_check_renders_with_an_edit_between_them_teach_nothing() {
    let mut e = static_routes();
    let home_render = render(&mut e, "/", &volatile_page("Home", "home v1", 1));
    let home = e.open_tab(Some("/"), Some(home_render), 0.0);
    e.on_server_change("ssr", "/app/about-data.ts", 0.0);
    let sent = checks(&e.poll(1000.0));
    let first = answer(&mut e, "/", &sent[0].1, &volatile_page("Home", "home v1", 2));
    let again = checks(&first);
    // Another edit is decided before the second check renders.
    e.on_server_change("ssr", "/app/about-data.ts", 1100.0);
    let next = e.poll(2100.0);
    assert!(next.decision.is_some());
    let second = answer(&mut e, "/", &again[0].1, &volatile_page("Home", "home v1", 3));
    assert!(updates(&second).is_empty(), "replaced by the newer decision's check");
    let newer = checks(&next).into_iter().find(|(tab, _)| *tab == home).unwrap().1;
    let answered = answer(&mut e, "/", &newer, &volatile_page("Home", "home v1", 4));
    assert!(updates(&answered).is_empty(), "no mask was learned: checked once more");
  }

  #[test]
  fn a_tab_showing_no_fingerprinted_render_of_its_page_is_refreshed_unverified() {
    let mut e = static_routes();
    let about_render = render(&mut e, "/about", "<h1>About</h1>");
    let never_stamped = e.open_tab(Some("/"), None, 0.0);
    let navigated = e.open_tab(Some("/about"), Some(about_render), 0.0);
    e.navigate_tab(navigated, "/", None);
    let aborted = e.begin_render("/about", 200, None, None);
    e.end_render(aborted, false);
    let aborted_tab = e.open_tab(Some("/about"), Some(aborted), 0.0);
    e.on_server_change("ssr", "/app/about-data.ts", 0.0);
    let decided = e.poll(1000.0);
    assert!(checks(&decided).is_empty());
    assert_eq!(
      updates(&decided),
      [
        (never_stamped, Verdict::Unverified),
        (navigated, Verdict::Unverified),
        (aborted_tab, Verdict::Unverified)
      ]
    );
    assert_eq!(decided.outcomes[0].refreshed_tabs, 3);
  }

  #[test]
  fn the_outcome_says_what_each_tab_does_as_its_page_picks() {
    let mut e = static_routes();
    let home = e.open_tab(Some("/"), None, 0.0);
    let about = e.open_tab(Some("/about"), None, 0.0);
    let moved = e.open_tab(Some("/about"), None, 0.0);
    // Its page picks `morph` with `<meta name="ssr-hmr">`; then it navigates to a page that
    // picks nothing.
    e.set_tab_strategy(about, Some(Strategy::Morph));
    e.set_tab_strategy(moved, Some(Strategy::Morph));
    e.set_tab_strategy(moved, None);
    e.on_server_change("ssr", "/app/about-data.ts", 0.0);
    let decided = e.poll(1000.0);
    assert_eq!(updates(&decided).len(), 3, "{home} {about} {moved}: unverified, all refresh");
    let by = &decided.outcomes[0].refreshed_by;
    let tabs = |s: Strategy| by.get(&s).map_or(0, |r| r.tabs);
    assert_eq!(
      (tabs(Strategy::Reload), tabs(Strategy::Morph)),
      (2, 1),
      "as configured, or as picked"
    );
    let json = serde_json::to_value(&decided.outcomes[0]).unwrap();
    assert_eq!(json["refreshedBy"]["morph"], serde_json::json!({ "pages": ["/about"], "tabs": 1 }));
  }

  #[test]
  fn a_check_that_never_comes_back_refreshes_its_tab_and_an_unchanged_tab_shows_the_check_render() {
    let mut e = static_routes();
    let first = render(&mut e, "/about", "<h1>About</h1>");
    let tab = e.open_tab(Some("/about"), Some(first), 0.0);
    e.on_server_change("ssr", "/app/about-data.ts", 0.0);
    let sent = checks(&e.poll(1000.0));
    let answered = answer(&mut e, "/about", &sent[0].1, "<h1>About</h1>");
    assert_eq!(updates(&answered), [(tab, Verdict::Unchanged)]);
    e.on_server_change("ssr", "/app/about-data.ts", 2000.0);
    let decided = e.poll(3000.0);
    assert_eq!(checks(&decided).len(), 1, "still verifiable: it shows the check render now");
    let deadline = e.next_deadline().unwrap();
    assert!(e.poll(deadline - 1.0).is_empty());
    assert_eq!(updates(&e.poll(deadline)), [(tab, Verdict::Unverified)]);
  }

  #[test]
  fn while_a_tab_past_max_tabs_is_open_every_tab_refreshes() {
    let mut e =
      Engine::new(EngineOptions { root: "/app".into(), max_tabs: 2, ..Default::default() });
    e.set_environment("ssr", Consumer::Server);
    add(&mut e, "ssr", "/app/entry.ts", &["/app/db.ts"]);
    add(&mut e, "ssr", "/app/db.ts", &[]);
    e.record_page_roots("/", "ssr", &entries(&["/app/entry.ts"]));
    e.record_page_roots("/other", "ssr", &entries(&[]));
    e.open_tab(Some("/"), None, 0.0);
    e.open_tab(Some("/other"), None, 0.0);
    assert_eq!(e.open_tab(Some("/third"), None, 0.0), crate::tabs::NO_TAB);
    e.on_server_change("ssr", "/app/db.ts", 0.0);
    assert!(e.flush(1000.0).unwrap().reload_all, "the untracked tab must refresh too");
    e.close_tab(crate::tabs::NO_TAB);
    e.on_server_change("ssr", "/app/db.ts", 2000.0);
    assert!(!e.flush(3000.0).unwrap().reload_all);
  }

  #[test]
  fn shared_edit_leaves_the_browser_to_vite_but_invalidates_the_server() {
    let mut e = app();
    e.open_tab(None, None, 0.0);
    let change = e.on_server_change("ssr", "/app/button.tsx", 0.0);
    assert_eq!(change.class, ChangeClass::Shared);
    assert!(!change.keep_vite_update, "server side still has a dead end");
    let mut inv: Vec<&str> =
      change.invalidate.iter().map(|&m| e.module_id("ssr", m).unwrap()).collect();
    inv.sort();
    assert_eq!(inv, ["/app/button.tsx", "/app/entry-server.ts", "/app/page.tsx"]);
    let d = e.flush(100.0).unwrap();
    assert_eq!(d.action, Action::Passthrough);
    assert_eq!(d.files.shared, ["button.tsx"]);
    assert!(d.tabs.is_empty());
    assert_eq!(d.invalidated["ssr"].len(), 3);
  }

  #[test]
  fn client_only_edit_touches_nothing_on_the_server() {
    let mut e = app();
    e.update_module("client", ModuleRecord::js("/app/client-only.ts", vec![]));
    let change = e.on_server_change("ssr", "/app/client-only.ts", 0.0);
    assert_eq!(
      change,
      ServerChange { class: ChangeClass::ClientOnly, invalidate: vec![], keep_vite_update: true }
    );
    let d = e.flush(100.0).unwrap();
    assert_eq!(d.action, Action::Passthrough);
    assert_eq!(d.files.client_only, ["client-only.ts"]);
  }

  #[test]
  fn burst_of_edits_becomes_one_decision() {
    let mut e = app();
    e.set_environment("edge", Consumer::Server);
    add(&mut e, "edge", "/app/db.ts", &[]);
    e.on_server_change("ssr", "/app/db.ts", 0.0);
    e.on_server_change("edge", "/app/db.ts", 0.0);
    e.on_server_change("ssr", "/app/button.tsx", 10.0);
    e.on_server_change("ssr", "/app/db.ts", 20.0);
    assert_eq!(e.stats().pending, 2);
    let d = e.flush(50.0).unwrap();
    assert_eq!(d.files.server_only, ["db.ts"]);
    assert_eq!(d.files.shared, ["button.tsx"]);
    assert_eq!(d.invalidated.keys().collect::<Vec<_>>(), ["edge", "ssr"]);
    assert_eq!(e.next_deadline(), None);
  }

  #[test]
  fn watched_change_lists_every_tab_with_reload_all() {
    let mut e = Engine::new(EngineOptions { refresh: Strategy::Event, ..Default::default() });
    let a = e.open_tab(Some("/a"), None, 0.0);
    let b = e.open_tab(None, None, 0.0);
    e.on_watched_change("/content/post.md", 0.0);
    let d = e.flush(1000.0).unwrap();
    assert_eq!(d.action, Action::Event);
    assert!(d.reload_all);
    assert_eq!(d.tabs, [a, b]);
    assert_eq!(d.files.watched, ["content/post.md"]);
  }

  #[test]
  fn boundary_keeps_vite_update_and_still_refreshes_browser() {
    let mut e = accepting_page();
    let change = e.on_server_change("ssr", "/app/db.ts", 0.0);
    assert_eq!(
      change,
      ServerChange { class: ChangeClass::ServerOnly, invalidate: vec![], keep_vite_update: true }
    );
    let t = e.open_tab(Some("/"), None, 0.0);
    let d = e.flush(100.0).unwrap();
    assert_eq!(d.action, Action::Reload);
    assert_eq!(d.tabs, [t]);
    assert!(d.invalidated.is_empty());
  }

  #[test]
  fn reset_and_drop_environment_forget_state() {
    let mut e = app();
    e.record_page_roots("/", "ssr", &entries(&["/app/page.tsx"]));
    e.open_tab(Some("/"), None, 0.0);
    e.on_server_change("ssr", "/app/db.ts", 0.0);
    e.drop_environment("ssr");
    assert!(e.snapshot("ssr").is_none());
    e.reset();
    let s = e.stats();
    assert_eq!((s.environments, s.modules, s.pages, s.pending, s.tabs), (0, 0, 0, 0, 1));
    assert_eq!(e.flush(1e9), None);
  }

  #[test]
  fn hostile_inputs_do_not_panic() {
    let mut e = app();
    let long = "x".repeat(MAX_ID_BYTES * 2);
    for s in ["", "?", "\0", "#", "C:\\", long.as_str()] {
      e.update_module(s, ModuleRecord::js(s, vec![Import::new(s, true)]));
      e.on_server_change(s, s, f64::NAN);
      e.on_server_change("ssr", s, f64::INFINITY);
      e.on_watched_change(s, -1.0);
      let t = e.open_tab(Some(s), None, 0.0);
      e.navigate_tab(t, s, None);
      e.navigate_tab(999_999, s, Some(1));
      e.record_page_roots(s, s, &entries(&[s]));
      e.record_page_roots(s, "ssr", &entries(&[s]));
      let r = e.begin_render(s, 0, Some(s), Some(s));
      e.write_render(r, s.as_bytes());
      e.write_render(u32::MAX, s.as_bytes());
      let _ = e.end_render(r, true);
      let _ = e.end_render(0, false);
      e.delete_file(s);
      e.drop_environment(s);
      e.close_tab(t);
      let _ = e.snapshot(s);
    }
    let _ = e.flush(f64::MAX);
    let _ = e.poll(f64::NAN);
    let _ = e.stats();
  }

  #[test]
  fn a_change_another_plugin_updated_in_place_refreshes_no_tab() {
    let (mut e, _a, b) = two_pages();
    e.on_server_change("ssr", "/app/a-data.ts", 0.0);
    e.on_updated_in_place("/app/a-data.ts");
    let d = e.flush(1000.0).unwrap();
    assert_eq!(d.action, Action::Passthrough);
    assert_eq!(d.files.updated_in_place, ["a-data.ts"]);
    assert!(d.files.server_only.is_empty() && d.tabs.is_empty());
    assert_eq!(d.invalidated_count["ssr"], 2, "the server side is still refreshed");
    e.on_server_change("ssr", "/app/a-data.ts", 2000.0);
    e.on_updated_in_place("/app/a-data.ts");
    e.on_server_change("ssr", "/app/b-data.ts", 2000.0);
    e.on_updated_in_place("/app/not-pending.ts");
    let d = e.flush(3000.0).unwrap();
    assert_eq!(
      (d.action, d.tabs.as_slice()),
      (Action::Reload, &[b][..]),
      "what the framework missed"
    );
  }

  #[test]
  fn a_tab_that_refetches_its_page_after_a_framework_event_is_updated_in_place_the_others_are_not()
  {
    let (mut e, a, b) = two_pages();
    e.on_server_change("ssr", "/app/entry.ts", 0.0);
    e.on_framework_event("/app/entry.ts", 10.0);
    assert_eq!(e.next_deadline(), Some(10.0 + REFETCH_WAIT_MS), "time for the tabs to answer");
    assert!(e.on_page_refetch("/a", 200, "text/x-component;charset=utf-8", 30.0));
    assert!(!e.on_page_refetch("/b", 200, "application/json", 30.0), "data, not its page's output");
    assert!(e.flush(100.0).is_none(), "tab b may still answer");
    let d = e.flush(10.0 + REFETCH_WAIT_MS).unwrap();
    assert_eq!(d.in_place_tabs, [a], "the framework updates it");
    assert_eq!(
      (d.action, d.tabs.as_slice()),
      (Action::Reload, &[b][..]),
      "what the framework missed"
    );
    assert_eq!(d.files.server_only, ["entry.ts"]);
    assert!(d.files.updated_in_place.is_empty());
  }

  #[test]
  fn a_change_every_tab_answered_by_refetching_is_updated_in_place_at_once() {
    let (mut e, a, b) = two_pages();
    e.on_page_refetch("/b", 200, "text/html", 5.0);
    e.on_server_change("ssr", "/app/entry.ts", 0.0);
    e.on_framework_event("/app/entry.ts", 10.0);
    e.on_page_refetch("/a", 200, "text/x-component", 30.0);
    assert_eq!(e.next_deadline(), Some(10.0 + REFETCH_WAIT_MS), "b's fetch came before the event");
    e.on_page_refetch("/b", 200, "text/x-component", 31.0);
    assert_eq!(e.next_deadline(), Some(0.0), "every tab answered");
    let d = e.flush(31.0).unwrap();
    assert_eq!(d.in_place_tabs, [a, b]);
    assert!(d.tabs.is_empty());
    assert_eq!(d.files.updated_in_place, ["entry.ts"]);
    assert!(d.files.server_only.is_empty());
    assert_eq!(d.invalidated_count["ssr"], 1, "the server side is still refreshed");
    e.on_server_change("ssr", "/app/entry.ts", 2000.0);
    let d = e.flush(2000.0).unwrap();
    assert_eq!(d.tabs, [a, b], "no event this time: the plugin's decision, old re-fetches or not");
    e.on_framework_event("/app/not-pending.ts", 2100.0);
    assert_eq!(e.next_deadline(), None);
  }

  #[test]
  fn a_compile_error_another_plugin_broadcast_is_not_shown_again() {
    let (mut e, _a, b) = two_pages();
    e.on_server_change("ssr", "/app/b-data.ts", 0.0);
    e.set_compile_error("/app/b-data.ts", true);
    e.on_framework_error("/app/b-data.ts");
    let d = e.flush(1000.0).unwrap();
    assert_eq!((d.error_tabs.as_slice(), d.errors_shown_by_framework), (&[b][..], true));
    e.on_server_change("ssr", "/app/b-data.ts", 2000.0);
    let d = e.flush(3000.0).unwrap();
    assert_eq!(
      (d.error_tabs.as_slice(), d.errors_shown_by_framework),
      (&[b][..], false),
      "nobody showed it this time"
    );
  }

  #[test]
  fn a_framework_event_nobody_answers_delays_the_decision_and_changes_nothing_else() {
    let (mut e, a, b) = two_pages();
    e.on_server_change("ssr", "/app/entry.ts", 0.0);
    e.on_framework_event("/app/entry.ts", 10.0);
    let d = e.flush(10.0 + REFETCH_WAIT_MS).unwrap();
    assert_eq!((d.tabs.as_slice(), d.in_place_tabs.len()), (&[a, b][..], 0));
  }

  #[test]
  fn a_change_a_runtime_outside_vite_must_pick_up_is_decided_once_it_stopped_fetching() {
    let mut e = app();
    e.set_environment("worker", Consumer::Server);
    e.set_out_of_process("worker");
    add(&mut e, "worker", "/app/db.ts", &[]);
    e.on_server_change("worker", "/app/db.ts", 1000.0);
    e.note_fetch("worker", 1020.0);
    let picked_up = 1020.0 + crate::pickup::PICKUP_QUIET_MS;
    assert_eq!(e.next_deadline(), Some(picked_up));
    assert_eq!(e.flush(picked_up - 1.0), None, "still re-importing");
    assert!(e.flush(picked_up).is_some());
    e.on_server_change("ssr", "/app/db.ts", 5000.0);
    assert_eq!(e.next_deadline(), Some(5000.0), "in Vite's process: no wait");
  }

  #[test]
  fn a_tab_loaded_before_a_runtime_outside_vite_picked_the_edit_up_is_refreshed_when_it_reports() {
    let mut e = app();
    e.set_environment("worker", Consumer::Server);
    e.set_out_of_process("worker");
    add(&mut e, "worker", "/app/entry-server.ts", &["/app/db.ts"]);
    add(&mut e, "worker", "/app/db.ts", &[]);
    e.record_page_roots("/", "worker", &entries(&["/app/entry-server.ts"]));
    e.on_server_change("worker", "/app/db.ts", 1000.0);
    // The worker may still run the old code: this render can be stale.
    let early = render(&mut e, "/", "<p>old</p>");
    let d = e.flush(2000.0).expect("picked up at the latest");
    assert_eq!(d.pages, ["/"]);
    // The tab reloaded into the early render and reports after the decision.
    let tab = e.open_tab(Some("/"), Some(early), 2100.0);
    assert_eq!(e.flush(3000.0).expect("refreshed again").tabs, [tab]);
    // Once decided, a render is stamped with the newest epoch again.
    let late = render(&mut e, "/", "<p>new</p>");
    e.open_tab(Some("/"), Some(late), 3100.0);
    assert_eq!(e.flush(4000.0), None);
  }

  #[test]
  fn a_tab_loaded_while_the_runner_applied_a_kept_vite_update_is_refreshed_when_it_reports() {
    let mut e = accepting_page();
    e.record_page_roots("/", "ssr", &entries(&["/app/page.tsx"]));
    assert!(e.on_server_change("ssr", "/app/db.ts", 0.0).keep_vite_update);
    // The runner may not have re-imported yet: this render can run the old code.
    let early = render(&mut e, "/", "<p>old</p>");
    let d = e.flush(100.0).unwrap();
    assert_eq!(d.pages, ["/"]);
    // The tab was between documents when the decision went out, and reports the early render.
    let tab = e.open_tab(Some("/"), Some(early), 200.0);
    assert_eq!(e.flush(1000.0).expect("refreshed again").tabs, [tab]);
    let late = render(&mut e, "/", "<p>new</p>");
    e.open_tab(Some("/"), Some(late), 1100.0);
    assert_eq!(e.flush(2000.0), None, "a render after the decision is current");
  }

  #[test]
  fn a_tab_between_documents_during_a_decision_is_refreshed_when_it_reports_even_if_its_page_roots_are_unknown(
  ) {
    // Nitro's worker: its module requests are not tied to the page, so no roots are known.
    let mut e = app();
    e.set_environment("worker", Consumer::Server);
    e.set_out_of_process("worker");
    add(&mut e, "worker", "/app/entry-server.ts", &["/app/db.ts"]);
    add(&mut e, "worker", "/app/db.ts", &[]);
    e.on_server_change("worker", "/app/db.ts", 1000.0);
    let early = render(&mut e, "/about", "<p>old</p>");
    let d = e.flush(2000.0).expect("picked up at the latest");
    assert!(d.tabs.is_empty(), "no tab was connected");
    let tab = e.open_tab(Some("/about"), Some(early), 2100.0);
    assert_eq!(e.flush(3000.0).expect("refreshed again").tabs, [tab]);
  }

  #[test]
  fn overflowing_batch_falls_back_to_reload_all() {
    let mut e = app();
    let t = e.open_tab(Some("/"), None, 0.0);
    for i in 0..=crate::batcher::MAX_PENDING_FILES {
      e.on_server_change("ssr", &format!("/app/gen/{i}.ts"), 0.0);
    }
    let d = e.flush(1e6).unwrap();
    assert!(d.reload_all);
    assert_eq!(d.action, Action::Reload);
    assert_eq!(d.tabs, [t]);
  }

  #[test]
  fn steady_stream_of_edits_is_decided_at_once_then_at_max_wait() {
    let mut e = app();
    let mut now = 0.0;
    let mut decided_at = Vec::new();
    while now <= 1000.0 {
      e.on_server_change("ssr", "/app/db.ts", now);
      if let Some(d) = e.flush(now) {
        decided_at.push((now, d.settling));
      }
      now += 20.0;
    }
    assert_eq!(&decided_at[..3], [(0.0, false), (320.0, true), (640.0, true)]);
  }

  #[test]
  fn a_burst_held_up_on_its_way_to_the_hooks_is_batched_by_when_it_was_written() {
    // Ten writes 30 ms apart; the dev server is busy after the first, and the rest reach
    // the hooks together, 400 ms later (past the stream gap of quiet + max wait, 330 ms).
    let decide = |e: &mut Engine, written: bool| {
      let mut settling = Vec::new();
      for i in 0..10 {
        let write = f64::from(i) * 30.0;
        let arrival = if i == 0 { write } else { 400.0 + write };
        e.on_server_change("ssr", "/app/db.ts", ChangeAt::new(arrival, written.then_some(write)));
        if let Some(d) = e.flush(arrival) {
          settling.push(d.settling);
        }
      }
      settling.extend(e.flush(1e6).map(|d| d.settling));
      settling
    };
    assert_eq!(
      decide(&mut app(), true),
      [false, true],
      "the first edit at once, the rest fold into it"
    );
    assert_eq!(
      decide(&mut app(), false),
      [false, false, true],
      "by arrival alone, a second lone edit: three decisions, two acted on at once"
    );
  }

  #[test]
  fn options_deserialize_with_defaults() {
    let o: EngineOptions = serde_json::from_str(r#"{"root":"/r","refresh":"morph"}"#).unwrap();
    assert_eq!(o.refresh, Strategy::Morph);
    assert_eq!(o.max_tabs, 1024);
    assert_eq!(o.quiet_ms, 30.0);
  }
}
