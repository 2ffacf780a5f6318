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
//! * which open tabs render a page depending on it ([`pages`]);
//! * how to merge a burst of edits into one [`Decision`] ([`batcher`]).
//!
//! Everything is driven through [`Engine`]; time is injected, so the crate
//! is deterministic and has no I/O. It knows nothing about napi: the
//! `ssr_hmr_binding` crate converts types for JavaScript.
//!
//! ```
//! use ssr_hmr_core::{Action, ChangeClass, Consumer, Engine, EngineOptions, Import, ModuleRecord};
//!
//! let mut engine = Engine::new(EngineOptions { root: "/app".into(), ..Default::default() });
//! engine.set_environment("client", Consumer::Client);
//! engine.set_environment("ssr", Consumer::Server);
//! engine.update_module("ssr", ModuleRecord::js("/app/page.tsx", vec![Import::new("/app/db.ts", false)]));
//! engine.update_module("ssr", ModuleRecord::js("/app/db.ts", vec![]));
//! engine.update_module("client", ModuleRecord::js("/app/page.tsx", vec![]));
//! engine.record_page_roots("/", "ssr", vec!["/app/page.tsx".into()]);
//! let tab = engine.open_tab(Some("http://localhost:5173/#top"), None, 0.0);
//!
//! let change = engine.on_server_change("ssr", "/app/db.ts", 1000.0);
//! assert_eq!(change.class, ChangeClass::ServerOnly);
//! assert!(!change.keep_vite_update); // page.tsx has no importer: Vite would reload the server
//!
//! assert_eq!(engine.next_deadline(), Some(1030.0));
//! let decision = engine.flush(1030.0).unwrap();
//! assert_eq!(decision.action, Action::Reload);
//! assert_eq!(decision.files.server_only, ["db.ts"]);
//! assert_eq!(decision.tabs, [tab]);
//! assert_eq!(decision.explanations[0].chain, ["/app/db.ts", "/app/page.tsx"]);
//! ```

pub mod batcher;
pub mod classify;
pub mod decision;
pub mod engine;
pub mod environment_graph;
pub mod invalidation;
pub mod mirror;
pub mod module_key;
pub mod module_record;
pub mod pages;
pub mod render_epochs;
mod visited;

pub use classify::ChangeClass;
pub use decision::{Action, Decision, Explanation, FilesByClass, Strategy};
pub use engine::{Engine, EngineOptions, EngineStats, ServerChange, MAX_BROKEN_FILES};
pub use environment_graph::{GraphSnapshot, ModuleSnapshot};
pub use module_key::MAX_ID_BYTES;
pub use module_record::{Consumer, Import, ModuleKind, ModuleRecord};
pub use pages::{TabId, NO_TAB};
