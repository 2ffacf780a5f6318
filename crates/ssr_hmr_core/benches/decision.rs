//! criterion benches: one decision and one import replacement at 1k, 10k and
//! 100k modules. Tail latency is in `latency.rs`, memory in `memory.rs`.

mod support;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use ssr_hmr_core::Import;
use std::time::Duration;
use support::{engine_with, generate, Rng};

fn benches(c: &mut Criterion) {
  let mut group = c.benchmark_group("core");
  group
    .sample_size(30)
    .warm_up_time(Duration::from_millis(300))
    .measurement_time(Duration::from_secs(2));
  for n in [1_000, 10_000, 100_000] {
    let app = generate(n, 42);
    let mut engine = engine_with(&app, true);
    let mut rng = Rng::new(1);
    let mut t = 0.0;
    group.bench_function(BenchmarkId::new("decision_loader_edit", n), |b| {
      b.iter(|| {
        let file = app.file(app.loaders[rng.below(app.loaders.len())]);
        t += 1000.0;
        let change = engine.on_server_change("ssr", file, t);
        (change, engine.flush(t + 500.0))
      })
    });
    group.bench_function(BenchmarkId::new("update_module_replace_imports", n), |b| {
      b.iter_batched(
        || {
          let mut rec = app.server[app.utils[rng.below(app.utils.len())]].clone();
          if rng.below(2) == 0 {
            rec.imports.pop();
            rec.imports.push(Import::new(app.file(app.utils[rng.below(app.utils.len())]), false));
          }
          rec
        },
        |rec| engine.update_module("ssr", rec),
        BatchSize::SmallInput,
      )
    });
  }
  group.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
