// On-device aggregation over one reporting interval, one accumulator per measurement field.
// Static memory only: the histogram and the accumulators are reset, never reallocated.

/** Aggregation codes (firmware/src/behaviour.ts AGG). */
export const AGG_MEAN = 0;
export const AGG_LAST = 1;
export const AGG_DELTA = 2;
export const AGG_PERIOD = 3;
export const AGG_MAX = 4;
export const AGG_LAEQ = 5;
export const AGG_LAMAX = 6;
export const AGG_LAMIN = 7;
export const AGG_LA10 = 8;
export const AGG_LA90 = 9;
export const AGG_FILL = 10;

export const MAX_FIELDS = 10;

// Per field: sum, count, min, max, last, counter at the interval's start, energy sum.
const sum = memory.data(MAX_FIELDS * 8);
const count = memory.data(MAX_FIELDS * 4);
const lo = memory.data(MAX_FIELDS * 8);
const hi = memory.data(MAX_FIELDS * 8);
const last = memory.data(MAX_FIELDS * 8);
const counterStart = memory.data(MAX_FIELDS * 8);
const energy = memory.data(MAX_FIELDS * 8);

/** Noise levels 20.0 … 140.0 dB in 0.1 dB bins (the profile's resolution), counts of 1 s levels. */
export const HIST_MIN: f64 = 20.0;
export const HIST_BINS = 1201;
const histogram = memory.data(HIST_BINS * 4);
let histogramCount: u32 = 0;

const LN10: f64 = 2.302585092994046;

// @ts-ignore: decorator
@inline function f(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function setF(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** Starts a new interval; counters keep their last reading as the new start. */
export function resetAll(n: i32): void {
  for (let i = 0; i < n; i++) {
    setF(sum, i, 0);
    store<i32>(count + (<usize>i << 2), 0);
    setF(lo, i, Infinity);
    setF(hi, i, -Infinity);
    setF(energy, i, 0);
    setF(counterStart, i, f(last, i));
  }
  memory.fill(histogram, 0, HIST_BINS * 4);
  histogramCount = 0;
}

/** Forgets every reading (boot): no counter start either. */
export function clearAll(n: i32): void {
  for (let i = 0; i < n; i++) setF(last, i, NaN);
  resetAll(n);
}

/** Adds one reading of field `i`. NaN readings are ignored. */
export function add(i: i32, v: f64): void {
  if (isNaN(v)) return;
  setF(sum, i, f(sum, i) + v);
  store<i32>(count + (<usize>i << 2), load<i32>(count + (<usize>i << 2)) + 1);
  if (v < f(lo, i)) setF(lo, i, v);
  if (v > f(hi, i)) setF(hi, i, v);
  if (isNaN(f(counterStart, i))) setF(counterStart, i, v);
  setF(last, i, v);
}

/** Adds a 1 s sound level of field `i`: its energy and the interval's histogram. */
export function addLevel(i: i32, level: f64): void {
  if (isNaN(level)) return;
  add(i, level);
  setF(energy, i, f(energy, i) + Math.exp((level / 10.0) * LN10));
  let bin = <i32>Math.round((level - HIST_MIN) * 10.0);
  if (bin < 0) bin = 0;
  if (bin >= HIST_BINS) bin = HIST_BINS - 1;
  const at = histogram + (<usize>bin << 2);
  store<u32>(at, load<u32>(at) + 1);
  histogramCount++;
}

export function lastOf(i: i32): f64 {
  return f(last, i);
}

export function countOf(i: i32): i32 {
  return load<i32>(count + (<usize>i << 2));
}

/**
 * The level exceeded `percent` % of the time: walking the histogram down from the loudest bin,
 * the first level where at least ⌈N · percent / 100⌉ seconds are at or above it.
 */
export function exceeded(percent: u32): f64 {
  if (histogramCount == 0) return NaN;
  const needed = (histogramCount * percent + 99) / 100;
  let seen: u32 = 0;
  for (let bin = HIST_BINS - 1; bin >= 0; bin--) {
    seen += load<u32>(histogram + (<usize>bin << 2));
    if (seen >= needed) return (<f64>bin + HIST_MIN * 10.0) / 10.0;
  }
  return HIST_MIN;
}

/** The value of field `i` over the interval for aggregation `kind`; NaN when nothing was read. */
export function result(i: i32, kind: i32, periodSeconds: i32, soundField: i32): f64 {
  const n = countOf(kind >= AGG_LAEQ && kind <= AGG_LA90 ? soundField : i);
  if (kind == AGG_PERIOD) return <f64>periodSeconds;
  if (n == 0) return NaN;
  switch (kind) {
    case AGG_MEAN:
      return f(sum, i) / <f64>n;
    case AGG_DELTA: {
      const d = f(last, i) - f(counterStart, i);
      return d < 0 ? f(last, i) : d; // a counter that wrapped or restarted counts from zero
    }
    case AGG_MAX:
      return f(hi, i);
    case AGG_LAEQ:
      return (10.0 * Math.log(f(energy, soundField) / <f64>n)) / LN10;
    case AGG_LAMAX:
      return f(hi, soundField);
    case AGG_LAMIN:
      return f(lo, soundField);
    case AGG_LA10:
      return exceeded(10);
    case AGG_LA90:
      return exceeded(90);
    default:
      return f(last, i); // LAST, FILL (the fill is computed as the reading)
  }
}
