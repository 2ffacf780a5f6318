//! Tail latency of the hot paths, which criterion's mean/median hides:
//! p50/p99 of one decision (`on_server_change` + `flush`) and mean of
//! replacing one module's imports, at 1k / 10k / 100k modules.
//!
//! `cargo bench -p ssr_hmr_core --bench latency` (set `LATENCY_ITERS` to
//! change the iteration count, default 2000).

mod support;

use std::hint::black_box;
use std::time::Instant;

use ssr_hmr_core::{Action, Import};
use support::{engine_with, generate, Rng};

fn percentile(sorted: &[f64], p: f64) -> f64 {
  sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, n: usize, mut samples: Vec<f64>) {
  samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
  let mean = samples.iter().sum::<f64>() / samples.len() as f64;
  println!(
    "{name:<34} n={n:<7} p50={:>9.2}µs  p99={:>9.2}µs  mean={:>9.2}µs  max={:>9.2}µs",
    percentile(&samples, 0.5),
    percentile(&samples, 0.99),
    mean,
    samples[samples.len() - 1]
  );
}

fn main() {
  let iters: usize =
    std::env::var("LATENCY_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
  for n in [1_000, 10_000, 100_000] {
    let app = generate(n, 42);
    let mut engine = engine_with(&app, true);
    let stats = engine.stats();
    println!(
      "-- {n} modules: {} modules / {} edges over both environments",
      stats.modules, stats.edges
    );
    let mut rng = Rng::new(7);
    let mut t = 0.0;

    // Typical server-only edit: a data loader used by a route.
    let mut samples = Vec::with_capacity(iters);
    for _ in 0..iters {
      let file = app.file(app.loaders[rng.below(app.loaders.len())]).to_string();
      t += 1000.0;
      let start = Instant::now();
      let change = engine.on_server_change("ssr", &file, t);
      let decision = engine.flush(t + 500.0);
      let elapsed = start.elapsed();
      let decision = decision.expect("batch due");
      assert_eq!(decision.action, Action::Reload);
      black_box((change, decision));
      samples.push(elapsed.as_secs_f64() * 1e6);
    }
    report("decision (loader edit)", n, samples);

    // Worst case: a server lib (db, auth) imported, transitively, by a
    // large share of the server graph.
    let mut samples = Vec::with_capacity(iters / 10);
    let mut invalidated = 0;
    for _ in 0..(iters / 10).max(10) {
      let file = app.file(app.popular_server[rng.below(app.popular_server.len())]).to_string();
      t += 1000.0;
      let start = Instant::now();
      let change = engine.on_server_change("ssr", &file, t);
      let decision = engine.flush(t + 500.0);
      samples.push(start.elapsed().as_secs_f64() * 1e6);
      invalidated = invalidated.max(change.invalidate.len());
      black_box((change, decision));
    }
    report(&format!("decision (popular server lib, ≤{invalidated} inv.)"), n, samples);

    // Replacing one module's imports: alternate between two import lists.
    let mut samples = Vec::with_capacity(iters);
    let mut records = Vec::with_capacity(iters);
    for i in 0..iters {
      let mut rec = app.server[app.utils[rng.below(app.utils.len())]].clone();
      if i % 2 == 0 {
        rec.imports.pop();
        rec.imports.push(Import::new(app.file(app.utils[rng.below(app.utils.len())]), false));
      }
      records.push(rec);
    }
    for rec in records {
      let start = Instant::now();
      engine.update_module("ssr", rec);
      samples.push(start.elapsed().as_secs_f64() * 1e6);
    }
    report("update_module (replace imports)", n, samples);
  }
}
