//! Heap held by the engine for a 100k-module / ~400k-edge server graph,
//! measured with a counting global allocator (live bytes after building,
//! minus live bytes before). `cargo bench -p ssr_hmr_core --bench memory`.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn add(delta: isize) {
  let live = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
  PEAK.fetch_max(live, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
  unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
    add(layout.size() as isize);
    unsafe { System.alloc(layout) }
  }
  unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
    add(-(layout.size() as isize));
    unsafe { System.dealloc(ptr, layout) }
  }
  unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
    add(new_size as isize - layout.size() as isize);
    unsafe { System.realloc(ptr, layout, new_size) }
  }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn mib(bytes: isize) -> f64 {
  bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
  for (n, with_client) in [(100_000, false), (100_000, true)] {
    let app = support::generate(n, 42);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let engine = support::engine_with(&app, with_client);
    let after = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    let stats = engine.stats();
    println!(
      "{} modules / {} edges ({}): live {:.1} MiB ({} bytes, {:.0} B/module), peak while building {:.1} MiB",
      stats.modules,
      stats.edges,
      if with_client { "ssr + client" } else { "ssr only" },
      mib(after - before),
      after - before,
      (after - before) as f64 / stats.modules as f64,
      mib(peak - before),
    );
    drop(engine);
  }
}
