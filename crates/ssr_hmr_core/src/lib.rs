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
mod visited;

pub use classify::ChangeClass;
pub use decision::{Action, Decision, Explanation, FilesByClass, Strategy};
pub use engine::{Engine, EngineOptions, EngineStats, ServerChange};
pub use environment_graph::{GraphSnapshot, ModuleSnapshot};
pub use module_key::MAX_ID_BYTES;
pub use module_record::{Consumer, Import, ModuleKind, ModuleRecord};
pub use pages::TabId;
