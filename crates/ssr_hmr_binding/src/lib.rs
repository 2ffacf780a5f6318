//! napi-rs binding of `ssr_hmr_core`.
//!
//! This crate converts types and nothing else: every rule lives in the core, so it can be
//! unit- and property-tested without Node. Calls are bulk-shaped (one per Vite hook, not one
//! per module) because crossing the boundary costs far more than the work behind it, and large
//! results cross as one JSON string, which is cheaper than building JS objects field by field.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use ssr_hmr_core::{
  ChangeAt, ChangeClass, Consumer, Engine, EngineOptions, FetchedModule, Import, Interception,
  ModuleIx, ModuleKind, ModuleRecord, Sent, Strategy,
};

#[napi(string_enum = "lowercase")]
pub enum EnvironmentConsumer {
  Client,
  Server,
}

#[napi(string_enum = "lowercase")]
pub enum RefreshStrategy {
  Reload,
  Morph,
  Event,
  Auto,
}

impl From<RefreshStrategy> for Strategy {
  fn from(strategy: RefreshStrategy) -> Self {
    match strategy {
      RefreshStrategy::Reload => Strategy::Reload,
      RefreshStrategy::Morph => Strategy::Morph,
      RefreshStrategy::Event => Strategy::Event,
      RefreshStrategy::Auto => Strategy::Auto,
    }
  }
}

/// The contract between the dev server and the browser runtime (`contract.rs`): event and
/// header names, defaults and limits.
#[napi]
pub fn contract() -> Result<serde_json::Value> {
  serde_json::to_value(ssr_hmr_core::CONTRACT)
    .map_err(|error| Error::from_reason(error.to_string()))
}

/// The longest gap between two updates of one burst with these batch options.
#[napi]
pub fn settle_ms(quiet_ms: f64, max_wait_ms: f64) -> f64 {
  ssr_hmr_core::contract::settle_ms(quiet_ms, max_wait_ms)
}

#[napi(object)]
pub struct CoreOptions {
  /// Project root; paths in decisions are made relative to it.
  pub root: String,
  /// Trailing quiet period of a burst, in ms.
  pub quiet_ms: f64,
  /// Longest a burst may delay its decision, in ms.
  pub max_wait_ms: f64,
  pub refresh: RefreshStrategy,
  pub max_tabs: Option<u32>,
  pub max_pages: Option<u32>,
  pub max_roots_per_page: Option<u32>,
  /// Decisions carry their importer chains out (for a debug log); off by default.
  pub explain: Option<bool>,
  /// Other plugins' bare full-reloads for server-only changes are sent as they are.
  pub keep_framework_reloads: Option<bool>,
  /// The longest gap between two in-place updates of one burst, in ms.
  pub replay_settle_ms: Option<f64>,
}

/// What to do with a payload about to be sent on a browser channel: `send` it or not, and
/// keep it under the id `keep` (the core's effects say later what becomes of it).
#[napi(object)]
pub struct InterceptResult {
  pub send: bool,
  pub keep: Option<u32>,
}

#[napi(object)]
pub struct ModuleImport {
  pub id: String,
  pub dynamic: bool,
}

/// One analyzed module, as Vite's `EnvironmentModuleNode` describes it after import analysis.
#[napi(object)]
pub struct AnalyzedModule {
  pub id: String,
  pub url: String,
  pub file: Option<String>,
  /// Vite's `mod.type`: `js`, `css` or `asset`.
  #[napi(js_name = "type")]
  pub kind: String,
  pub self_accepting: bool,
  pub accepted_deps: Vec<String>,
  pub imports: Vec<ModuleImport>,
}

/// A module a page's render requested, and the module that imported it (none for an entry).
#[napi(object)]
pub struct RenderFetch {
  pub id: String,
  pub importer: Option<String>,
}

#[napi(object)]
pub struct ServerChangeResult {
  /// `client-only`, `shared`, `server-only` or `unknown`.
  pub class: String,
  /// The modules to invalidate in Vite's graph and in the module runner, by the index
  /// `updateModule` returned for each: an edit of a popular module invalidates thousands, and
  /// one typed array crosses the boundary with no string made or parsed.
  pub invalidate: Uint32Array,
  /// Vite's own HMR update reaches an accepting boundary: let it through.
  pub keep_vite_update: bool,
}

#[napi]
pub struct SsrHmrCore {
  engine: Engine,
  /// Fault injection for the tests (the `testing` feature): the next change panics inside the
  /// native code.
  #[cfg(feature = "testing")]
  panic_on_next_change: bool,
}

#[napi]
impl SsrHmrCore {
  #[napi(constructor)]
  pub fn new(options: CoreOptions) -> Self {
    let defaults = EngineOptions::default();
    let engine = Engine::new(EngineOptions {
      root: options.root,
      quiet_ms: options.quiet_ms,
      max_wait_ms: options.max_wait_ms,
      refresh: options.refresh.into(),
      max_tabs: options.max_tabs.map_or(defaults.max_tabs, |n| n as usize),
      max_pages: options.max_pages.map_or(defaults.max_pages, |n| n as usize),
      max_roots_per_page: options
        .max_roots_per_page
        .map_or(defaults.max_roots_per_page, |n| n as usize),
      explain: options.explain.unwrap_or(false),
      keep_framework_reloads: options.keep_framework_reloads.unwrap_or(false),
      replay_settle_ms: options.replay_settle_ms.unwrap_or(defaults.replay_settle_ms),
    });
    Self {
      engine,
      #[cfg(feature = "testing")]
      panic_on_next_change: false,
    }
  }

  #[napi(catch_unwind)]
  pub fn set_environment(&mut self, name: String, consumer: EnvironmentConsumer) {
    let consumer = match consumer {
      EnvironmentConsumer::Client => Consumer::Client,
      EnvironmentConsumer::Server => Consumer::Server,
    };
    self.engine.set_environment(&name, consumer);
  }

  /// The environment runs its modules outside Vite's process (a worker, workerd).
  #[napi(catch_unwind)]
  pub fn set_out_of_process(&mut self, name: String) {
    self.engine.set_out_of_process(&name);
  }

  /// The environment requested a module from Vite (`fetchModule`).
  #[napi(catch_unwind)]
  pub fn note_fetch(&mut self, environment: String, now_ms: f64) {
    self.engine.note_fetch(&environment, now_ms);
  }

  /// Returns the module's index in its environment (`null` for an id too long to mirror).
  #[napi(catch_unwind)]
  pub fn update_module(&mut self, environment: String, module: AnalyzedModule) -> Option<u32> {
    let kind = match module.kind.as_str() {
      "css" => ModuleKind::Css,
      "asset" => ModuleKind::Asset,
      _ => ModuleKind::Js,
    };
    self
      .engine
      .update_module(
        &environment,
        ModuleRecord {
          id: module.id,
          url: module.url,
          file: module.file,
          kind,
          self_accepting: module.self_accepting,
          accepted_deps: module.accepted_deps,
          imports: module
            .imports
            .into_iter()
            .map(|import| Import { id: import.id, dynamic: import.dynamic })
            .collect(),
        },
      )
      .map(|ix| ix.index() as u32)
  }

  #[napi(catch_unwind)]
  pub fn delete_file(&mut self, file: String) {
    self.engine.delete_file(&file);
  }

  #[napi(catch_unwind)]
  pub fn drop_environment(&mut self, name: String) {
    self.engine.drop_environment(&name);
  }

  #[napi(catch_unwind)]
  pub fn reset(&mut self) {
    self.engine.reset();
  }

  /// `writtenMs`: when the file was last written, on the clock of `nowMs`, if known.
  #[napi(catch_unwind)]
  pub fn on_server_change(
    &mut self,
    environment: String,
    file: String,
    now_ms: f64,
    written_ms: Option<f64>,
  ) -> Result<ServerChangeResult> {
    #[cfg(feature = "testing")]
    if std::mem::take(&mut self.panic_on_next_change) {
      panic!("fault injected by a test");
    }
    let change =
      self.engine.on_server_change(&environment, &file, ChangeAt::new(now_ms, written_ms));
    let invalidate: Vec<u32> = change.invalidate.iter().map(|m| m.index() as u32).collect();
    Ok(ServerChangeResult {
      class: change_class_name(change.class).to_owned(),
      invalidate: Uint32Array::new(invalidate),
      keep_vite_update: change.keep_vite_update,
    })
  }

  /// The id of the module at `index` in `environment`, if there is one.
  #[napi(catch_unwind)]
  pub fn module_id(&self, environment: String, index: u32) -> Option<String> {
    self.engine.module_id(&environment, ModuleIx::new(index as usize)).map(str::to_owned)
  }

  /// The shim compiled a changed server module; `failed` says whether it threw.
  #[napi(catch_unwind)]
  pub fn set_compile_error(&mut self, file: String, failed: bool) {
    self.engine.set_compile_error(&file, failed);
  }

  /// Whether another plugin's client update of `clientUrls`, sent while this file's change
  /// was handled, carries that change to the browser.
  #[napi(catch_unwind)]
  pub fn client_update_carries(&mut self, file: String, client_urls: Vec<String>) -> bool {
    self.engine.client_update_carries(&file, &client_urls)
  }

  /// Another plugin updated the browser in place for this file's change.
  #[napi(catch_unwind)]
  pub fn on_updated_in_place(&mut self, file: String) {
    self.engine.on_updated_in_place(&file);
  }

  /// Another plugin broadcast a custom event to the browser at `atMs` while this file's
  /// server-only change was handled.
  #[napi(catch_unwind)]
  pub fn on_framework_event(&mut self, file: String, at_ms: f64) {
    self.engine.on_framework_event(&file, at_ms);
  }

  /// A request from within the page `page` (not a document load, not a check) was answered
  /// with `status` and `contentType` at `atMs`. Returns whether it re-fetched the page's own
  /// output.
  #[napi(catch_unwind)]
  pub fn on_page_refetch(
    &mut self,
    page: String,
    status: u16,
    content_type: String,
    at_ms: f64,
  ) -> bool {
    self.engine.on_page_refetch(&page, status, &content_type, at_ms)
  }

  /// Another plugin broadcast Vite's error payload while this file's change was handled.
  #[napi(catch_unwind)]
  pub fn on_framework_error(&mut self, file: String) {
    self.engine.on_framework_error(&file);
  }

  /// Whether a page re-fetched its own output at or after `atMs`.
  #[napi(catch_unwind)]
  pub fn page_refetched_since(&self, at_ms: f64) -> bool {
    self.engine.page_refetched_since(at_ms)
  }

  /// `writtenMs` as for `onServerChange`.
  #[napi(catch_unwind)]
  pub fn on_watched_change(&mut self, file: String, now_ms: f64, written_ms: Option<f64>) {
    self.engine.on_watched_change(&file, ChangeAt::new(now_ms, written_ms));
  }

  /// `render`: the stamp of the tab's server render, if it had one. Returns the tab id, or 0
  /// past the tab cap (the tab is not tracked; every refresh reaches it).
  #[napi(catch_unwind)]
  pub fn open_tab(&mut self, url: Option<String>, render: Option<u32>, now_ms: f64) -> u32 {
    self.engine.open_tab(url.as_deref(), render, now_ms)
  }

  /// The tab moved to `url` on the client, or (with `render`) now shows that render of it.
  #[napi(catch_unwind)]
  pub fn navigate_tab(&mut self, tab: u32, url: String, render: Option<u32>) {
    self.engine.navigate_tab(tab, &url, render);
  }

  /// The tab's page picks `strategy` with `<meta name="ssr-hmr">` (`null`: it picks none).
  #[napi(catch_unwind)]
  pub fn set_tab_strategy(&mut self, tab: u32, strategy: Option<RefreshStrategy>) {
    self.engine.set_tab_strategy(tab, strategy.map(Strategy::from));
  }

  #[napi(catch_unwind)]
  pub fn close_tab(&mut self, tab: u32) {
    self.engine.close_tab(tab);
  }

  #[napi(catch_unwind)]
  pub fn record_page_roots(&mut self, url: String, environment: String, fetched: Vec<RenderFetch>) {
    let fetched: Vec<FetchedModule> = fetched
      .into_iter()
      .map(|module| FetchedModule { id: module.id, importer: module.importer })
      .collect();
    self.engine.record_page_roots(&url, &environment, &fetched);
  }

  /// An HTML response is sending its headers; returns its render stamp. `page_fetch` is the
  /// request's `x-ssr-hmr-page-fetch` header (a check token, or `refresh`).
  #[napi(catch_unwind)]
  pub fn begin_render(
    &mut self,
    url: String,
    status: u32,
    location: Option<String>,
    page_fetch: Option<String>,
  ) -> u32 {
    let status = u16::try_from(status).unwrap_or(u16::MAX);
    self.engine.begin_render(&url, status, location.as_deref(), page_fetch.as_deref())
  }

  /// The next bytes of a render's body (a `Buffer`, read in place).
  #[napi(catch_unwind)]
  pub fn write_render(&mut self, render: u32, chunk: &[u8]) {
    self.engine.write_render(render, chunk);
  }

  /// The HTML of render `render` while the core keeps it (the base of a tab's three-way
  /// patch), else `null`.
  #[napi(catch_unwind)]
  pub fn render_html(&mut self, render: u32) -> Option<Buffer> {
    self.engine.render_html(render).map(|html| Buffer::from(html.to_vec()))
  }

  /// A render ended; its effects (a check's verdict) as a JSON string, `null` when none.
  /// `wallClockMs`: `Date.now()`, the updates' `timestamp`.
  #[napi(catch_unwind)]
  pub fn end_render(
    &mut self,
    render: u32,
    complete: bool,
    wall_clock_ms: f64,
  ) -> Result<Option<String>> {
    effects_json(self.engine.end_render(render, complete), wall_clock_ms)
  }

  /// When the shim should call `poll`, as a clock value in ms; `null` when nothing waits.
  #[napi(catch_unwind)]
  pub fn next_deadline(&self) -> Option<f64> {
    self.engine.next_deadline()
  }

  /// The shim read `file` with `version` (its modification time, change time and size;
  /// `null`: gone): it is told to read it again after the watcher's throttle window.
  #[napi(catch_unwind)]
  pub fn note_file_read(&mut self, file: String, version: Option<String>, now_ms: f64) {
    self.engine.note_file_read(&file, version, now_ms);
  }

  /// A change of `file` reached the hooks.
  #[napi(catch_unwind)]
  pub fn note_file_reported(&mut self, file: String) {
    self.engine.note_file_reported(&file);
  }

  /// The shim reported `file` to Vite again: it was written since it was read.
  #[napi(catch_unwind)]
  pub fn note_write_reported_again(&mut self, file: String, now_ms: f64) {
    self.engine.note_write_reported_again(&file, now_ms);
  }

  /// A write may still be reported: a file waits to be read again, or one reported again has
  /// not reached the hooks yet.
  #[napi(catch_unwind)]
  pub fn late_writes_pending(&mut self, now_ms: f64) -> bool {
    self.engine.late_writes_pending(now_ms)
  }

  /// What is due now (a decision, timed-out checks) as a JSON string, `null` when nothing.
  /// `wallClockMs` as for `endRender`.
  #[napi(catch_unwind)]
  pub fn poll(&mut self, now_ms: f64, wall_clock_ms: f64) -> Result<Option<String>> {
    effects_json(self.engine.poll(now_ms), wall_clock_ms)
  }

  /// Whether `poll(nowMs)` would take a decision (the shim compiles its files first).
  #[napi(catch_unwind)]
  pub fn decision_due(&self, now_ms: f64) -> bool {
    self.engine.decision_due(now_ms)
  }

  /// Some change is in progress: its window is open, or some server's hooks have not run.
  #[napi(catch_unwind)]
  pub fn busy(&self) -> bool {
    self.engine.busy()
  }

  /// A decision is pending or a check waits for its answer.
  #[napi(catch_unwind)]
  pub fn deciding(&self) -> bool {
    self.engine.deciding()
  }

  /// What calls that act at once decided (held payloads to send or drop), as a JSON string.
  #[napi(catch_unwind)]
  pub fn take_effects(&mut self, wall_clock_ms: f64) -> Result<Option<String>> {
    effects_json(self.engine.take_effects(), wall_clock_ms)
  }

  /// The watcher reported `file` to the dev server of `channel`: its change window opens.
  #[napi(catch_unwind)]
  pub fn window_watcher_event(&mut self, channel: u32, file: String, now_ms: f64) {
    self.engine.window_watcher_event(channel, &file, now_ms);
  }

  /// The client environment's hooks for `file` run on the dev server of `channel`.
  #[napi(catch_unwind)]
  pub fn window_hook_began(&mut self, channel: u32, file: String, now_ms: f64) {
    self.engine.window_hook_began(channel, &file, now_ms);
  }

  /// The hooks for `file` are done on the dev server of `channel`; effects as for `poll`.
  #[napi(catch_unwind)]
  pub fn window_hooks_ended(
    &mut self,
    channel: u32,
    file: String,
    now_ms: f64,
    wall_clock_ms: f64,
  ) -> Result<Option<String>> {
    effects_json(self.engine.window_hooks_ended(channel, &file, now_ms), wall_clock_ms)
  }

  /// A payload about to be sent on `channel`: `kind` is its `type` (`error`, `custom`,
  /// `update`, `full-reload`); `urls` an update's `path`s and `acceptedPath`s; `everyPage` a
  /// full-reload's lack of a page; `triggeredBy` its file.
  #[napi(catch_unwind)]
  pub fn intercept(
    &mut self,
    channel: u32,
    kind: String,
    urls: Option<Vec<String>>,
    every_page: bool,
    triggered_by: Option<String>,
    now_ms: f64,
  ) -> InterceptResult {
    let urls = urls.unwrap_or_default();
    let sent = match kind.as_str() {
      "error" => Sent::Error,
      "custom" => Sent::Custom,
      "update" => Sent::Update { urls: &urls },
      "full-reload" => Sent::FullReload { every_page, triggered_by: triggered_by.as_deref() },
      _ => return InterceptResult { send: true, keep: None },
    };
    match self.engine.intercept(channel, sent, now_ms) {
      Interception::Pass => InterceptResult { send: true, keep: None },
      Interception::PassAndKeep(id) => InterceptResult { send: true, keep: Some(id) },
      Interception::Hold(id) => InterceptResult { send: false, keep: Some(id) },
      Interception::Drop => InterceptResult { send: false, keep: None },
    }
  }

  /// The hooks of the dev server `server` ran for `file`; `servers`: the project's servers.
  #[napi(catch_unwind)]
  pub fn server_hooks_ran(&mut self, server: u32, file: String, servers: Vec<u32>, now_ms: f64) {
    self.engine.server_hooks_ran(server, &file, &servers, now_ms);
  }

  /// When the last decision went out, `unreported` sockets had not said which page they
  /// show, and `untracked` ones were past the tab cap: returns those of `untracked` that get
  /// the decision's update now.
  #[napi(catch_unwind)]
  pub fn sockets_missed_decision(
    &mut self,
    unreported: Vec<u32>,
    untracked: Vec<u32>,
    now_ms: f64,
  ) -> Vec<u32> {
    self.engine.sockets_missed_decision(&unreported, &untracked, now_ms)
  }

  /// `socket` reported its page: whether it gets the update it missed.
  #[napi(catch_unwind)]
  pub fn socket_reported(&mut self, socket: u32, url: String, has_render: bool) -> bool {
    self.engine.socket_reported(socket, &url, has_render)
  }

  #[napi(catch_unwind)]
  pub fn socket_closed(&mut self, socket: u32) {
    self.engine.socket_closed(socket);
  }

  /// The dev server of `channel` left; effects as for `poll`.
  #[napi(catch_unwind)]
  pub fn drop_channel(&mut self, channel: u32, wall_clock_ms: f64) -> Result<Option<String>> {
    effects_json(self.engine.drop_channel(channel), wall_clock_ms)
  }

  /// One environment's mirrored graph as a JSON string, `null` for an unknown environment.
  #[napi(catch_unwind)]
  pub fn snapshot(&self, environment: String) -> Result<Option<String>> {
    self.engine.snapshot(&environment).map(|snapshot| to_json(&snapshot)).transpose()
  }

  #[napi(catch_unwind)]
  pub fn stats(&self) -> Result<String> {
    to_json(&self.engine.stats())
  }
}

/// Test-only hooks, in builds with the `testing` feature (`npm test` builds them); release
/// binaries have none. A block of its own: napi registers every method of an `impl` block.
#[cfg(feature = "testing")]
#[napi]
impl SsrHmrCore {
  /// Makes the next `onServerChange` panic, to prove the shim survives it.
  #[napi(js_name = "__injectPanicOnNextChange")]
  pub fn inject_panic_on_next_change(&mut self) {
    self.panic_on_next_change = true;
  }
}

fn change_class_name(class: ChangeClass) -> &'static str {
  match class {
    ChangeClass::ClientOnly => "client-only",
    ChangeClass::Shared => "shared",
    ChangeClass::ServerOnly => "server-only",
    ChangeClass::Unknown => "unknown",
  }
}

fn effects_json(mut effects: ssr_hmr_core::Effects, wall_clock_ms: f64) -> Result<Option<String>> {
  if effects.is_empty() {
    return Ok(None);
  }
  effects.stamp(wall_clock_ms as u64);
  to_json(&effects).map(Some)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
  serde_json::to_string(value).map_err(|error| Error::from_reason(error.to_string()))
}
