//! The TypeScript of the contract, generated from the Rust types the core
//! serializes (ts-rs reads their serde attributes), into the package's
//! `types/contract.d.ts`, which `index.d.ts` re-exports. This test fails when
//! the committed file drifts from the types; `npm run gen:types`
//! (`SSR_HMR_WRITE_TYPES=1`) rewrites it.

use std::path::Path;

use ts_rs::{Config, TS};

use crate::contract::{BatchDefaults, BrowserContract, Contract, Events, Strategy};
use crate::decision::FilesByClass;
use crate::messages::{
  CheckPayload, PageMessage, PageReport, Reason, RefreshPath, RefreshedMessage, RootReach,
  UpdatePayload, Verdict,
};

const HEADER: &str = "\
// Generated from the core's Rust types (crates/ssr_hmr_core: messages.rs, contract.rs, decision.rs)
// by `npm run gen:types`; `cargo test` fails when this file drifts from them. Do not edit.
";

/// Every declaration, each exported, in the order a reader meets them.
fn contract_d_ts() -> String {
  let cfg = Config::new();
  let decls = [
    (UpdatePayload::docs(), UpdatePayload::decl(&cfg)),
    (Strategy::docs(), Strategy::decl(&cfg)),
    (Reason::docs(), Reason::decl(&cfg)),
    (FilesByClass::docs(), FilesByClass::decl(&cfg)),
    (Verdict::docs(), Verdict::decl(&cfg)),
    (RootReach::docs(), RootReach::decl(&cfg)),
    (PageReport::docs(), PageReport::decl(&cfg)),
    (CheckPayload::docs(), CheckPayload::decl(&cfg)),
    (PageMessage::docs(), PageMessage::decl(&cfg)),
    (RefreshedMessage::docs(), RefreshedMessage::decl(&cfg)),
    (RefreshPath::docs(), RefreshPath::decl(&cfg)),
    (Contract::docs(), Contract::decl(&cfg)),
    (BrowserContract::docs(), BrowserContract::decl(&cfg)),
    (Events::docs(), Events::decl(&cfg)),
    (BatchDefaults::docs(), BatchDefaults::decl(&cfg)),
  ];
  let mut text = String::from(HEADER);
  for (docs, decl) in decls {
    text.push('\n');
    text.push_str(&docs.unwrap_or_default());
    text.push_str("export ");
    text.push_str(&decl);
    text.push('\n');
  }
  text
}

#[test]
fn the_committed_typescript_is_generated_from_the_types() {
  let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../types/contract.d.ts");
  let generated = contract_d_ts();
  if std::env::var_os("SSR_HMR_WRITE_TYPES").is_some() {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &generated).unwrap();
    return;
  }
  let committed = std::fs::read_to_string(&path).unwrap_or_default();
  assert!(
    committed == generated,
    "types/contract.d.ts drifted from the Rust types: run `npm run gen:types` and commit it"
  );
}
