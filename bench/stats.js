// Small statistics and timing helpers shared by every bench section.

import { performance } from 'node:perf_hooks'

/** Nearest-rank percentile of already sorted numbers. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

/** p50 / p99 / min / max / mean of a list of samples (any unit). */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  const sum = sorted.reduce((total, value) => total + value, 0)
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  }
}

/** Milliseconds `fn` took (synchronous). */
export function timeMs(fn) {
  const started = performance.now()
  fn()
  return performance.now() - started
}

/** `numerator / denominator`, NaN when either is missing. */
export function ratio(numerator, denominator) {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return NaN
  return numerator / denominator
}

/** Deterministic PRNG (mulberry32): same seed, same graph, same edits. */
export function seededRandom(seed) {
  let state = seed >>> 0
  return function random() {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` distinct items of `items`, picked with `random`. */
export function sample(items, count, random) {
  const pool = [...items]
  const picked = []
  while (picked.length < count && pool.length) {
    const index = Math.floor(random() * pool.length)
    picked.push(pool[index])
    pool[index] = pool[pool.length - 1]
    pool.pop()
  }
  return picked
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return 'n/a'
  if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`
  if (ms < 100) return `${ms.toFixed(2)} ms`
  return `${ms.toFixed(0)} ms`
}

export function formatRatio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a'
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return 'n/a'
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
