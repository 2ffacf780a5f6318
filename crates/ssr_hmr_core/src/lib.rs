//! Decision engine of `vite-plugin-ssr-hmr`.
//!
//! Vite hot-reloads the browser only for files the browser imports. When a
//! file only the server runs changes (a data loader, a server util, a `?raw`
//! import), Vite sends nothing to the browser and the page keeps showing
//! stale server-rendered HTML. This crate mirrors every Vite environment's
//! module graph and decides, per edit:
//!
//! * who runs the file: client only, both, or server only ([`classify`]);
//! * which server modules to invalidate so the runner never serves stale
//!   exports ([`invalidation`]);
//! * which open tabs may show a page depending on it ([`affected`], from
//!   [`page_roots`] and [`tabs`]);
//! * which of those really render differently now: each candidate tab
//!   fetches its own page and the two renders' fingerprints are compared
//!   ([`renders`], [`html_fingerprint`], [`verification`]);
//! * how to merge a burst of edits into one [`Decision`] ([`batcher`]);
//! * what other plugins send to the browser while a change is in progress,
//!   and which of it to hold, drop or send again ([`change_windows`],
//!   [`in_place_replay`]); what a socket that has not reported its page gets
//!   ([`waiting_sockets`]).
//!
//! Every rule about time is one of the engine's deadlines
//! ([`Engine::next_deadline`]): the shim arms one timer and calls
//! [`Engine::poll`] when it fires.
//!
//! Everything is driven through [`Engine`]; time is injected, so the crate
//! is deterministic and has no I/O. It knows nothing about napi: the
//! `ssr_hmr_binding` crate converts types for JavaScript.
//!
//! ```
//! use ssr_hmr_core::{ChangeClass, Consumer, Engine, EngineOptions, FetchedModule, Import, Message, ModuleRecord, Verdict};
//!
//! let mut engine = Engine::new(EngineOptions { root: "/app".into(), ..Default::default() });
//! engine.set_environment("client", Consumer::Client);
//! engine.set_environment("ssr", Consumer::Server);
//! engine.update_module("ssr", ModuleRecord::js("/app/page.tsx", vec![Import::new("/app/db.ts", false)]));
//! engine.update_module("ssr", ModuleRecord::js("/app/db.ts", vec![]));
//! engine.update_module("client", ModuleRecord::js("/app/page.tsx", vec![]));
//!
//! // The page is rendered (its HTML fingerprinted as it streams), the tab reports its stamp.
//! let render = engine.begin_render("/", 200, None, None);
//! engine.write_render(render, b"<h1>Hello</h1>");
//! engine.end_render(render, true);
//! engine.record_page_roots("/", "ssr", &[FetchedModule::entry("/app/page.tsx")]);
//! let tab = engine.open_tab(Some("http://localhost:5173/#top"), Some(render), 0.0);
//!
//! let change = engine.on_server_change("ssr", "/app/db.ts", 1000.0);
//! assert_eq!(change.class, ChangeClass::ServerOnly);
//! assert!(!change.keep_vite_update); // page.tsx has no importer: Vite would reload the server
//!
//! // The tab is a candidate: it is asked to fetch its page again…
//! let effects = engine.poll(engine.next_deadline().unwrap());
//! let Message::Check(check) = &effects.messages[0].message else { panic!() };
//! // …and its request renders the same HTML: it is not refreshed.
//! let again = engine.begin_render("/", 200, None, Some(&check.token));
//! engine.write_render(again, b"<h1>Hello</h1>");
//! let answered = engine.end_render(again, true);
//! let Message::Update(update) = &answered.messages[0].message else { panic!() };
//! assert_eq!((answered.messages[0].tab, update.verdict), (tab, Verdict::Unchanged));
//! assert_eq!(answered.outcomes[0].unchanged, ["/"]);
//! ```

pub mod affected;
pub mod batcher;
pub mod change_at;
pub mod change_windows;
mod channel_events;
pub mod channels;
pub mod classify;
pub mod contract;
pub mod decision;
pub mod engine;
pub mod environment_graph;
pub mod fresh_text;
pub mod held_payloads;
pub mod html_fingerprint;
pub mod import_edge;
pub mod importer_index;
pub mod importer_walk;
pub mod in_place;
pub mod in_place_replay;
pub mod invalidation;
pub mod late_writes;
pub mod messages;
pub mod mirror;
pub mod module_key;
pub mod module_record;
pub mod output_masks;
pub mod page_roots;
pub mod pickup;
pub mod refetch;
pub mod render_bodies;
pub mod render_epochs;
pub mod renders;
pub mod server_hooks;
pub mod tabs;
#[cfg(test)]
mod typescript;
pub mod verification;
mod visited;
pub mod waiting_sockets;

pub use affected::Explanation;
pub use change_at::ChangeAt;
pub use change_windows::{Interception, Sent};
pub use classify::ChangeClass;
pub use contract::CONTRACT;
pub use decision::{Action, Decision, FilesByClass, Strategy};
pub use engine::{Effects, Engine, EngineOptions, EngineStats, ServerChange, MAX_BROKEN_FILES};
pub use environment_graph::{GraphSnapshot, ModuleIx, ModuleSnapshot};
pub use held_payloads::{ChannelId, PayloadAction, PayloadEffect, PayloadId};
pub use html_fingerprint::{HtmlFingerprint, VOLATILE_ATTRIBUTE};
pub use messages::{Message, PageReport, TabMessage, UpdatePayload, Verdict};
pub use module_key::MAX_ID_BYTES;
pub use module_record::{Consumer, Import, ModuleKind, ModuleRecord};
pub use page_roots::FetchedModule;
pub use renders::RenderId;
pub use tabs::{TabId, NO_TAB};
pub use verification::Outcome;
pub use waiting_sockets::SocketId;
