//! The contract between the dev server and the browser runtime, written
//! once: the names of the events and headers both sides use, the defaults
//! and limits both sides count on, and the values derived from them. The
//! payloads' types are in `messages.rs` (their TypeScript is generated from
//! them into `types/contract.d.ts`).
//!
//! The binding exposes `CONTRACT` to the shim (`contract()`), which injects
//! its `browser` part into the runtime when the dev server serves it, as Vite
//! injects its client's constants: no name or time is written twice.
//!
//! A leaf module: everything else may read it, it reads nothing.

use serde::{Deserialize, Serialize};

/// How a tab is refreshed after a server-only change: the app's `refresh`
/// option, which a page overrides with `<meta name="ssr-hmr" content="…">`
/// (its tab reports it with `PAGE_EVENT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "RefreshStrategy"))]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
  #[default]
  Reload,
  Morph,
  Event,
  /// In place through the page's framework where the tab finds one, else a
  /// reload (the tab decides: only it knows its page's framework).
  Auto,
}

/// Every `Strategy`, as the browser and the app's options name them.
pub const STRATEGIES: [&str; 4] = ["reload", "morph", "event", "auto"];

/// The tab reports which page and render it shows: `{ url, render?, strategy? }`.
pub const PAGE_EVENT: &str = "ssr-hmr:page";
/// The server asks a tab to fetch its own page: `{ token, settling }`.
pub const CHECK_EVENT: &str = "ssr-hmr:check";
/// The verdict and how to refresh: the whole `SsrHmrUpdatePayload`.
pub const UPDATE_EVENT: &str = "ssr-hmr:update";
/// The compile error of a server module, for the tabs whose page uses it.
pub const ERROR_EVENT: &str = "ssr-hmr:error";
/// A tab on `'auto'` says which way it refreshed: `{ page, path, framework? }`.
pub const REFRESHED_EVENT: &str = "ssr-hmr:refreshed";

/// The request header a tab's own fetch of its page carries: a check token,
/// or `REFRESH_FETCH` for the fetch before a refresh.
pub const PAGE_FETCH_HEADER: &str = "x-ssr-hmr-page-fetch";
/// `PAGE_FETCH_HEADER`'s value on a fetch that answers no check (it still says the
/// request is the runtime's, so a failing render is told to that tab only).
pub const REFRESH_FETCH: &str = "refresh";
/// The `Server-Timing` entry that carries a render's stamp: `ssr-hmr;desc="12"`.
pub const SERVER_TIMING_NAME: &str = "ssr-hmr";
/// Where, under the app's `base`, a tab fetches the HTML of a render it was
/// served (`<base>@id/__ssr-hmr/render/<stamp>`): the base of its three-way
/// patch. Under Vite's `/@id/`, which no app route uses.
pub const RENDER_PATH: &str = "@id/__ssr-hmr/render/";

/// Query parameters that never change what a module is: Vite's `?t=` and
/// `?import` on urls in client code, `?v=` of optimized dependencies,
/// `?direct`, `?used`, `?inline`. Module keys are made without them
/// (`module_key.rs`), and the shim's graph mirror compares import urls
/// without them.
pub const IGNORABLE_QUERY_PARAMS: [&str; 6] = ["v", "t", "import", "direct", "used", "inline"];

/// The tab id of a socket past the core's tab cap: not tracked.
pub const NO_TAB: u32 = 0;

/// A burst's trailing quiet period, by default.
pub const DEFAULT_QUIET_MS: f64 = 30.0;
/// Longest a burst may delay its decision, by default.
pub const DEFAULT_MAX_WAIT_MS: f64 = 300.0;
/// Largest `batch.quietMs` / `batch.maxWaitMs` an app may set.
pub const MAX_BATCH_MS: f64 = 10_000.0;
/// Room for a busy machine (a compilation, a slow flush) between two
/// updates of one burst.
pub const BUSY_MARGIN_MS: f64 = 200.0;

/// Longest a check may take before its tab is refreshed unverified.
pub const CHECK_TIMEOUT_MS: f64 = 10_000.0;
/// How much longer the runtime keeps a check's response for its verdict than
/// the server waits for the check: the verdict of a check that timed out
/// still finds its response.
pub const VERDICT_MARGIN_MS: f64 = 5_000.0;
/// How long the runtime keeps a check's response waiting for its verdict.
pub const VERDICT_TIMEOUT_MS: f64 = CHECK_TIMEOUT_MS + VERDICT_MARGIN_MS;
// Checked when the crate compiles: the runtime never gives up on a verdict the server still sends.
const _: () = assert!(VERDICT_TIMEOUT_MS > CHECK_TIMEOUT_MS);

/// The longest gap between two updates of one burst, as the browser runtime
/// and the in-place replay wait for it: the batch's stream gap plus room for
/// a busy machine.
pub fn settle_ms(quiet_ms: f64, max_wait_ms: f64) -> f64 {
  quiet_ms + max_wait_ms + BUSY_MARGIN_MS
}

/// The events between the dev server and the runtime, by what they carry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrEvents"))]
pub struct Events {
  pub page: &'static str,
  pub check: &'static str,
  pub update: &'static str,
  pub error: &'static str,
  pub refreshed: &'static str,
}

/// What the browser runtime is given when it is served (with the app's
/// options: `refresh`, `settleMs`, `overlay`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrBrowserContract"))]
#[serde(rename_all = "camelCase")]
pub struct BrowserContract {
  pub events: Events,
  #[cfg_attr(test, ts(type = "RefreshStrategy[]"))]
  pub strategies: [&'static str; 4],
  pub page_fetch_header: &'static str,
  pub refresh_fetch: &'static str,
  pub server_timing_name: &'static str,
  pub render_path: &'static str,
  pub verdict_timeout_ms: f64,
}

/// The `batch` option's defaults and limit, in ms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrBatchDefaults"))]
#[serde(rename_all = "camelCase")]
pub struct BatchDefaults {
  pub quiet_ms: f64,
  pub max_wait_ms: f64,
  /// Largest value of either.
  pub max_ms: f64,
}

/// Everything above, as the shim reads it (`contract()` of the binding).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SsrHmrContract"))]
#[serde(rename_all = "camelCase")]
pub struct Contract {
  pub browser: BrowserContract,
  pub ignorable_query_params: [&'static str; 6],
  pub no_tab: u32,
  pub batch: BatchDefaults,
  pub check_timeout_ms: f64,
}

pub const EVENTS: Events = Events {
  page: PAGE_EVENT,
  check: CHECK_EVENT,
  update: UPDATE_EVENT,
  error: ERROR_EVENT,
  refreshed: REFRESHED_EVENT,
};

pub const CONTRACT: Contract = Contract {
  browser: BrowserContract {
    events: EVENTS,
    strategies: STRATEGIES,
    page_fetch_header: PAGE_FETCH_HEADER,
    refresh_fetch: REFRESH_FETCH,
    server_timing_name: SERVER_TIMING_NAME,
    render_path: RENDER_PATH,
    verdict_timeout_ms: VERDICT_TIMEOUT_MS,
  },
  ignorable_query_params: IGNORABLE_QUERY_PARAMS,
  no_tab: NO_TAB,
  batch: BatchDefaults {
    quiet_ms: DEFAULT_QUIET_MS,
    max_wait_ms: DEFAULT_MAX_WAIT_MS,
    max_ms: MAX_BATCH_MS,
  },
  check_timeout_ms: CHECK_TIMEOUT_MS,
};

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn the_runtime_keeps_a_checks_response_longer_than_the_server_waits_for_the_check() {
    assert_eq!(CONTRACT.browser.verdict_timeout_ms, 15_000.0);
    assert_eq!(CONTRACT.check_timeout_ms, 10_000.0);
  }

  #[test]
  fn the_default_settle_window_covers_a_burst_and_a_busy_machine() {
    assert_eq!(settle_ms(DEFAULT_QUIET_MS, DEFAULT_MAX_WAIT_MS), 530.0);
  }

  #[test]
  fn the_strategies_are_named_as_they_serialize() {
    let named = [Strategy::Reload, Strategy::Morph, Strategy::Event, Strategy::Auto]
      .map(|s| serde_json::to_value(s).unwrap().as_str().unwrap().to_owned());
    assert_eq!(named, STRATEGIES);
  }

  #[test]
  fn the_contract_serializes_as_the_shim_reads_it() {
    let json = serde_json::to_value(CONTRACT).unwrap();
    assert_eq!(json["browser"]["events"]["update"], "ssr-hmr:update");
    assert_eq!(json["browser"]["pageFetchHeader"], "x-ssr-hmr-page-fetch");
    assert_eq!(json["batch"]["quietMs"], 30.0);
    assert_eq!(json["noTab"], 0);
  }
}
