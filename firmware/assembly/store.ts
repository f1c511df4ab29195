// The device's persisted state: configuration, counters and the bounded buffer of unsent samples,
// one static block written through host.persist and read back at boot. Oldest samples are
// dropped first when the buffer is full, and counted.
import { persist, restore } from "./host";
import { MAX_FIELDS } from "./aggregate";

export const MAGIC: u32 = 0x43494731; // "CIG1"
/** Samples the buffer keeps (several hours at the shortest intervals; 40 × 88 bytes). */
export const RING = 40;
export const MAX_REFS = 12;
const SAMPLE_BYTES = 8 + MAX_FIELDS * 8;

// Offsets in the block.
const O_MAGIC = 0;
const O_PROFILE = 4;
const O_INTERVAL = 8;
const O_DROPPED = 12;
const O_LAST_ERROR = 16;
const O_BOOTS = 20;
const O_NEXT_TX = 24; // f64, clock seconds
const O_HEAD = 32;
const O_COUNT = 36;
const O_LAST_STATUS = 40;
const O_THRESHOLDS = 48; // MAX_REFS × (low f64, high f64)
const O_ALARM_STATE = O_THRESHOLDS + MAX_REFS * 16; // MAX_REFS × u8
const O_AIR_MINUTE = O_ALARM_STATE + MAX_REFS + 4; // u32: minute of the newest airtime bucket
const O_AIRTIME = O_AIR_MINUTE + 4; // AIR_BUCKETS × u32 ms of time on air per clock minute
/** 61 one-minute buckets: the trailing hour whatever the second within the current minute. */
export const AIR_BUCKETS = 61;
const O_RING = O_AIRTIME + AIR_BUCKETS * 4;
export const STATE_BYTES = O_RING + RING * SAMPLE_BYTES;

export const state = memory.data(STATE_BYTES);
let dirty = false;

// @ts-ignore: decorator
@inline function u(o: i32): u32 {
  return load<u32>(state + <usize>o);
}
// @ts-ignore: decorator
@inline function setU(o: i32, v: u32): void {
  store<u32>(state + <usize>o, v);
  dirty = true;
}

export function profileCode(): i32 { return <i32>u(O_PROFILE); }
export function interval(): i32 { return <i32>u(O_INTERVAL); }
export function setInterval(v: i32): void { setU(O_INTERVAL, <u32>v); }
export function dropped(): u32 { return u(O_DROPPED); }
export function countDropped(n: i32): void { setU(O_DROPPED, u(O_DROPPED) + <u32>n); }
export function lastError(): i32 { return <i32>u(O_LAST_ERROR); }
export function setLastError(code: i32): void { setU(O_LAST_ERROR, <u32>code); }
export function boots(): u32 { return u(O_BOOTS); }
export function lastStatus(): u32 { return u(O_LAST_STATUS); }
export function setLastStatus(t: u32): void { setU(O_LAST_STATUS, t); }
export function nextTx(): f64 { return load<f64>(state + O_NEXT_TX); }
export function setNextTx(t: f64): void { store<f64>(state + O_NEXT_TX, t); dirty = true; }

export function thresholdLow(ref: i32): f64 { return load<f64>(state + <usize>(O_THRESHOLDS + ref * 16)); }
export function thresholdHigh(ref: i32): f64 { return load<f64>(state + <usize>(O_THRESHOLDS + ref * 16 + 8)); }
export function setThreshold(ref: i32, low: f64, high: f64): void {
  store<f64>(state + <usize>(O_THRESHOLDS + ref * 16), low);
  store<f64>(state + <usize>(O_THRESHOLDS + ref * 16 + 8), high);
  setAlarmState(ref, 0);
}
export function alarmState(ref: i32): i32 { return load<u8>(state + <usize>(O_ALARM_STATE + ref)); }
export function setAlarmState(ref: i32, s: i32): void { store<u8>(state + <usize>(O_ALARM_STATE + ref), <u8>s); dirty = true; }

/**
 * Loads the persisted block; a block of another profile, another layout or an RTC that went back
 * (its samples' ages unknowable) starts fresh, counting the samples it loses. Returns true when
 * the previous state was kept.
 */
export function loadState(profile: i32, defaultInterval: i32, now: u32): bool {
  const n = restore(state, STATE_BYTES);
  let kept = n == STATE_BYTES && u(O_MAGIC) == MAGIC && <i32>u(O_PROFILE) == profile;
  if (kept && count() > 0 && sampleTime(count() - 1) > now) {
    const lost = count();
    setU(O_COUNT, 0);
    countDropped(lost);
  }
  if (!kept) {
    memory.fill(state, 0, STATE_BYTES);
    setU(O_MAGIC, MAGIC);
    setU(O_PROFILE, <u32>profile);
    setU(O_INTERVAL, <u32>defaultInterval);
    for (let r = 0; r < MAX_REFS; r++) setThreshold(r, NaN, NaN);
  }
  setU(O_BOOTS, u(O_BOOTS) + 1);
  if (nextTx() > <f64>now + 3600.0) setNextTx(<f64>now); // an RTC reset must not silence the radio
  return kept;
}

/** Writes the block if anything changed since the last save. */
export function save(): void {
  if (!dirty) return;
  persist(state, STATE_BYTES);
  dirty = false;
}

/** Forgets the buckets older than the last hour as the clock moves to `minute`. */
function rollAirtime(minute: u32): void {
  const newest = u(O_AIR_MINUTE);
  if (minute <= newest) return;
  const steps = minute - newest;
  for (let k: u32 = 1; k <= steps && k <= <u32>AIR_BUCKETS; k++) store<u32>(state + <usize>(O_AIRTIME + <i32>((newest + k) % AIR_BUCKETS) * 4), 0);
  setU(O_AIR_MINUTE, minute);
}

/** Milliseconds on air in the buckets covering the last hour (and up to a minute more). */
export function airtimeLastHour(now: u32): u32 {
  rollAirtime(now / 60);
  let sum: u32 = 0;
  for (let k = 0; k < AIR_BUCKETS; k++) sum += load<u32>(state + <usize>(O_AIRTIME + k * 4));
  return sum;
}

export function addAirtime(now: u32, ms: u32): void {
  rollAirtime(now / 60);
  const at = state + <usize>(O_AIRTIME + <i32>((now / 60) % AIR_BUCKETS) * 4);
  store<u32>(at, load<u32>(at) + ms);
  dirty = true;
}

export function count(): i32 { return <i32>u(O_COUNT); }

// @ts-ignore: decorator
@inline function slot(k: i32): usize {
  return state + <usize>(O_RING + ((<i32>u(O_HEAD) + k) % RING) * SAMPLE_BYTES);
}

/** Clock time (end of its averaging window) of the k-th buffered sample, oldest first. */
export function sampleTime(k: i32): u32 { return load<u32>(slot(k)); }
export function sampleValue(k: i32, field: i32): f64 { return load<f64>(slot(k) + 8 + (<usize>field << 3)); }

/** Appends a sample (values from `from`, `n` f64s); a full buffer drops its oldest sample first. */
export function push(time: u32, from: usize, n: i32): void {
  if (count() == RING) dropOldest(1);
  const at = slot(count());
  store<u32>(at, time);
  for (let i = 0; i < MAX_FIELDS; i++) store<f64>(at + 8 + (<usize>i << 3), i < n ? load<f64>(from + (<usize>i << 3)) : NaN);
  setU(O_COUNT, u(O_COUNT) + 1);
}

/** Removes the `k` oldest samples after they were sent. */
export function shift(k: i32): void {
  setU(O_HEAD, <u32>((<i32>u(O_HEAD) + k) % RING));
  setU(O_COUNT, u(O_COUNT) - <u32>k);
}

/** Removes the `k` oldest samples unsent, and counts them. */
export function dropOldest(k: i32): void {
  shift(k);
  countDropped(k);
}
