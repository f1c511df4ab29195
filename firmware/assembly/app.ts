// The Cigale sensor application: sampling and aggregation per profile, alarms with hysteresis,
// LoRaWAN limits (payload per data rate, 1 % duty cycle), the buffer of unsent samples, config
// commands and status reports. Every frame is written by the codecs' engine (codecs/assembly).
import { decode, encode, fitSamples, frameIn, frameOut, resultCommand, values } from "../../codecs/assembly/engine";
import * as P from "../../codecs/assembly/protocol";
import { fieldCodeCount, fieldMin, fieldScale, fieldStep, findLayout, latestVersion, layoutField, layoutFieldStart } from "../../codecs/assembly/tables";
import * as A from "./aggregate";
import * as H from "./host";
import { maxPayload, silenceAfterMs, timeOnAirMs } from "./lorawan";
import { AGG, ALARM_FLAG, ALARM_HEAD, ALARM_VALUE, PROFILE_ROWS, PROFILE_STRIDE, REF_POS } from "./profiles.generated";
import * as S from "./store";

/** Firmware version 1.0.0 as the status frame's 24-bit major.minor.patch. */
export const FIRMWARE_VERSION = 0x010000;

// Profile codes (codecs/profiles).
const ENV = 1;
const NOISE = 2;
const WASTE = 4;
const METER = 5;
const MOBILITY = 6;
const FURNITURE = 7;
const INFRA = 8;

/** Extra sensor channels beyond the measured fields (firmware/README.md). */
export const CH_SWITCH = 16; // tamper, lid or door switch: 1 = open
export const CH_TILT = 17; // furniture tilt in degrees
export const CH_SHOCK = 18; // acceleration peak in g

// Event codes (firmware/src/behaviour.ts EVENTS).
const EV_TAMPER = 0;
const EV_DOOR = 1;
const EV_TILTED = 2;
const EV_SHOCK = 3;
const EV_LID = 4;
const EV_PICKUP = 5;
const EV_FIRE = 6;
const EV_LEAK = 7;
const EV_BURST = 8;
const EV_BACKFLOW = 9;
const EV_FLOOD = 10;
const EV_FAULT = 11;
const EV_STATION = 12;

// Log codes for host.log.
export const LOG_BOOT = 1;
export const LOG_SENT = 2;
export const LOG_SEND_FAILED = 3;
export const LOG_DROPPED = 4;
export const LOG_BAD_DOWNLINK = 5;
export const LOG_ENCODE_ERROR = 6;

/** Reset causes as the status frame names them (codecs/profiles/common.ts RESET_CAUSES). */
const RESET_SOFTWARE = 3;

/** Last-error codes in the status frame. */
const ERR_ENCODE = 1;
const ERR_DOWNLINK = 2;
const ERR_STATE_LOST = 3;

let profile = 0;
let row = 0; // offset of the profile's row in PROFILE_ROWS
let nFields = 0;
let resetCause = 0;
let bootClock: u32 = 0;
let periodStart: u32 = 0;
let periodEnd: u32 = 0;
let nextSample: u32 = 0;
let closedAt: u32 = 0;
let justClosed = false;
let offerSamples = false;
let statusDue = true;
let restartAfterAck = false;
let ackCommand = 0; // pending acknowledgement: command code, 0 = none
let ackToken: f64 = NaN;
let ackResult = 0;

/** The last closed aggregate and the live readings, by measurement position. */
const closed = memory.data(A.MAX_FIELDS * 8);
const live = memory.data(A.MAX_FIELDS * 8);

// Pending alarms: ref (−1 none), value, crossed (−1 none), event (−1 none). Sent before anything else.
const MAX_ALARMS = 8;
const alarmRef = memory.data(MAX_ALARMS * 4);
const alarmValue = memory.data(MAX_ALARMS * 8);
const alarmCrossed = memory.data(MAX_ALARMS * 4);
const alarmEvent = memory.data(MAX_ALARMS * 4);
let alarmCount = 0;

// Profile event state.
let switchWas: f64 = 0;
let tiltSince: u32 = 0;
let tilted = false;
let shocked = false;
let fireLatched = false;
const tempHistory = memory.data(8 * 8); // waste: temperature of the last 5 minutes, one per minute
let tempAt = 0;
let lastFill: f64 = NaN;
let lastIndex: f64 = NaN;
let lastIndexAt: u32 = 0;
let lastZeroFlow: u32 = 0;
let leakLatched = false;
let burstLatched = false;
let lastFault: f64 = NaN;
let lastStation: f64 = NaN;

/** 1 % of an hour. */
const HOURLY_AIRTIME_MS: f64 = 36000;

// Defaults (firmware/README.md).
const BIN_DEPTH_MM: f64 = 1200;
const BIN_BLANK_MM: f64 = 150;
const BURST_L_PER_MIN: f64 = 60;

function rowValue(k: i32): i32 {
  return unchecked(PROFILE_ROWS[row + k]);
}
function aggOf(i: i32): i32 {
  return unchecked(AGG[rowValue(1) + i]);
}
function refPos(ref: i32): i32 {
  return ref < 0 || ref >= rowValue(4) ? -1 : <i32>unchecked(REF_POS[rowValue(3) + ref]);
}
function refOfPos(pos: i32): i32 {
  for (let r = 0; r < rowValue(4); r++) if (refPos(r) == pos) return r;
  return -1;
}

// @ts-ignore: decorator
@inline function getF(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function setF(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function setValue(sample: i32, field: i32, v: f64): void {
  store<f64>(values + (<usize>(sample * P.MAX_FIELDS + field) << 3), v);
}

/** Default reporting interval per profile, in seconds. */
function defaultInterval(p: i32): i32 {
  if (p == METER) return 900;
  if (p == MOBILITY) return 300;
  return 600;
}

/** How often the sensors are read, in seconds. */
function samplePeriod(): u32 {
  if (profile == NOISE || profile == INFRA) return 1;
  if (profile == WASTE) return 60;
  return 10;
}

export function init(p: i32, cause: i32): i32 {
  profile = 0;
  for (let r = 0; r < PROFILE_ROWS.length; r += PROFILE_STRIDE) if (unchecked(PROFILE_ROWS[r]) == p) { profile = p; row = r; }
  if (profile == 0) return -1;
  nFields = rowValue(2);
  resetCause = cause;
  const now = H.clock();
  bootClock = now;
  if (!S.loadState(profile, defaultInterval(profile), now)) {
    if (S.boots() > 1) S.setLastError(ERR_STATE_LOST);
    // Default alarms until a setThreshold says otherwise: a bin 80 % full, a water level of 3 m.
    if (profile == WASTE) S.setThreshold(refOfPos(0), NaN, 80);
    if (profile == INFRA) S.setThreshold(refOfPos(4), NaN, 300);
  }
  A.clearAll(nFields);
  for (let i = 0; i < A.MAX_FIELDS; i++) {
    setF(closed, i, NaN);
    setF(live, i, NaN);
  }
  alarmCount = 0;
  ackCommand = 0;
  restartAfterAck = false;
  statusDue = true; // status on boot
  // A random phase of up to a tenth of the interval, so that a fleet powered up together spreads out.
  periodStart = now;
  periodEnd = now + <u32>S.interval() + <u32>(H.random() % (S.interval() / 10 + 1));
  nextSample = now;
  S.save();
  H.log(LOG_BOOT, <i32>S.boots());
  return 0;
}

/** Called by the host once per second. */
export function tick(): void {
  const now = H.clock();
  justClosed = false;
  if (now >= nextSample) {
    nextSample = now + samplePeriod();
    sample(now);
  }
  if (now >= periodEnd) closeInterval(now);
  if (!statusDue && now - S.lastStatus() >= 86400) statusDue = true; // daily status
  transmit(now);
  S.save();
}

/** Reads every channel once and feeds the accumulators, the thresholds and the profile's events. */
function sample(now: u32): void {
  let changed = false;
  for (let i = 0; i < nFields; i++) {
    const kind = aggOf(i);
    if (kind >= A.AGG_LAEQ && kind <= A.AGG_LA90) {
      if (kind == A.AGG_LAEQ) {
        const level = H.sensor(i);
        A.addLevel(i, level);
        setF(live, i, level);
      }
      continue;
    }
    let v = H.sensor(i);
    if (kind == A.AGG_FILL) v = fillFromDistance(H.sensor(fieldPos(A.AGG_LAST, i)));
    if (kind == A.AGG_PERIOD) continue;
    if (profile == MOBILITY && !isNaN(v) && v != getF(live, i)) changed = true;
    setF(live, i, v);
    A.add(i, v);
    if (kind != A.AGG_DELTA) checkThreshold(i, v);
  }
  profileEvents(now);
  // A bike-share station reports its state when it changes, not only at the end of the interval.
  if (profile == MOBILITY && changed && now > periodStart) closeInterval(now);
}

/** The first field after `from` aggregated as `kind` (waste: the distance beside the fill). */
function fieldPos(kind: i32, from: i32): i32 {
  for (let i = from + 1; i < nFields; i++) if (aggOf(i) == kind) return i;
  return from;
}

/** Waste bin fill in %: the free height above the waste over the usable depth. */
function fillFromDistance(mm: f64): f64 {
  if (isNaN(mm)) return NaN;
  const fill = (100.0 * (BIN_DEPTH_MM - mm)) / (BIN_DEPTH_MM - BIN_BLANK_MM);
  return Math.round(fill < 0 ? 0 : fill > 100 ? 100 : fill);
}

/** Closes the interval: its aggregate becomes a buffered sample dated now (the window's end). */
function closeInterval(now: u32): void {
  const period = <i32>(now - periodStart);
  for (let i = 0; i < nFields; i++) {
    const kind = aggOf(i);
    const v = A.result(i, kind, period < 1 ? 1 : period, soundField());
    setF(closed, i, v);
    if (kind == A.AGG_DELTA || (kind >= A.AGG_LAEQ && kind <= A.AGG_LA90)) checkThreshold(i, v);
  }
  S.push(now, closed, nFields);
  A.resetAll(nFields);
  periodStart = now;
  periodEnd = now + <u32>S.interval();
  closedAt = now;
  justClosed = true;
}

function soundField(): i32 {
  for (let i = 0; i < nFields; i++) if (aggOf(i) == A.AGG_LAEQ) return i;
  return 0;
}

/** The hysteresis of a threshold: 2 % of the quantity's range, at least two steps. */
function hysteresis(pos: i32): f64 {
  const spec = layoutField(layoutFieldStart(measurementLayout()) + pos);
  const step = fieldStep(spec) / fieldScale(spec);
  const range = (fieldCodeCount(spec) - 1) * step;
  const h = range * 0.02;
  return h < 2 * step ? 2 * step : h;
}

function measurementLayout(): i32 {
  return findLayout(profile, P.KIND_MEASUREMENT, latestVersion(profile, P.KIND_MEASUREMENT));
}

/**
 * Threshold alarms with hysteresis: above `high` fires at once; it clears only once the value is
 * back below high − hysteresis (and symmetrically for `low`), so a value hovering at the threshold
 * sends one alarm, not one per reading.
 */
function checkThreshold(pos: i32, v: f64): void {
  if (isNaN(v)) return;
  const ref = refOfPos(pos);
  if (ref < 0 || ref >= S.MAX_REFS) return;
  const low = S.thresholdLow(ref);
  const high = S.thresholdHigh(ref);
  const state = S.alarmState(ref);
  const h = hysteresis(pos);
  const flood = profile == INFRA && aggOf(pos) == A.AGG_MEAN && pos == 4 ? EV_FLOOD : -1; // water.level
  if (state == 0) {
    if (!isNaN(high) && v > high) {
      S.setAlarmState(ref, 1);
      queueAlarm(ref, v, 0, flood);
    } else if (!isNaN(low) && v < low) {
      S.setAlarmState(ref, 2);
      queueAlarm(ref, v, 1, -1);
    }
  } else if ((state == 1 && (isNaN(high) || v < high - h)) || (state == 2 && (isNaN(low) || v > low + h))) {
    S.setAlarmState(ref, 0);
    queueAlarm(ref, v, 2, -1);
  }
}

function queueAlarm(ref: i32, value: f64, crossed: i32, event: i32): void {
  if (alarmCount == MAX_ALARMS) return; // the oldest alarms stay; a storm is summarised by them
  store<i32>(alarmRef + (<usize>alarmCount << 2), ref);
  setF(alarmValue, alarmCount, value);
  store<i32>(alarmCrossed + (<usize>alarmCount << 2), crossed);
  store<i32>(alarmEvent + (<usize>alarmCount << 2), event);
  alarmCount++;
}

function queueEvent(event: i32): void {
  queueAlarm(-1, NaN, -1, event);
}

/** Events of each profile beside thresholds (each fires once, then re-arms with hysteresis). */
function profileEvents(now: u32): void {
  const sw = H.sensor(CH_SWITCH);
  if (!isNaN(sw)) {
    if (sw >= 0.5 && switchWas < 0.5) queueEvent(profile == WASTE ? EV_LID : profile == FURNITURE ? EV_DOOR : EV_TAMPER);
    switchWas = sw;
  }
  if (profile == WASTE) wasteEvents(now);
  else if (profile == METER) meterEvents(now);
  else if (profile == INFRA) {
    shockEvent(H.sensor(CH_SHOCK));
    const fault = getF(live, 5);
    if (!isNaN(fault) && !isNaN(lastFault) && fault != lastFault) queueEvent(EV_FAULT);
    if (!isNaN(fault)) lastFault = fault;
  } else if (profile == FURNITURE) {
    shockEvent(H.sensor(CH_SHOCK));
    tiltEvent(H.sensor(CH_TILT), now);
  } else if (profile == MOBILITY) {
    const status = getF(live, 5);
    if (!isNaN(status) && !isNaN(lastStation) && status != lastStation) queueEvent(EV_STATION);
    if (!isNaN(status)) lastStation = status;
  }
}

function shockEvent(g: f64): void {
  if (isNaN(g)) return;
  if (!shocked && g > 2.0) {
    shocked = true;
    queueEvent(EV_SHOCK);
  } else if (shocked && g < 1.5) shocked = false;
}

/** Tilted: above 45° for 10 s; re-armed below 35°. */
function tiltEvent(deg: f64, now: u32): void {
  if (isNaN(deg)) return;
  if (deg > 45.0) {
    if (tiltSince == 0) tiltSince = now;
    if (!tilted && now - tiltSince >= 10) {
      tilted = true;
      queueEvent(EV_TILTED);
    }
  } else {
    tiltSince = 0;
    if (deg < 35.0) tilted = false;
  }
}

function wasteEvents(now: u32): void {
  const fill = getF(live, 0);
  // Pickup: the fill fell to less than half of a bin at least 30 % full.
  if (!isNaN(fill) && !isNaN(lastFill) && lastFill >= 30 && fill < lastFill / 2) queueEvent(EV_PICKUP);
  if (!isNaN(fill)) lastFill = fill;
  tiltEvent(getF(live, 3), now);
  // Fire: the temperature rose more than 10 °C within 5 minutes (one reading a minute).
  const t = getF(live, 2);
  if (!isNaN(t)) {
    const old = getF(tempHistory, tempAt % 5);
    if (tempAt >= 5 && !isNaN(old)) {
      if (!fireLatched && t - old > 10.0) {
        fireLatched = true;
        queueEvent(EV_FIRE);
      } else if (fireLatched && t - old < 5.0) fireLatched = false;
    }
    setF(tempHistory, tempAt % 5, t);
    tempAt++;
  }
}

function meterEvents(now: u32): void {
  const index = getF(live, 0); // water index in L
  if (isNaN(index)) return;
  if (!isNaN(lastIndex)) {
    const minutes = <f64>(now - lastIndexAt) / 60.0;
    const flow = minutes > 0 ? (index - lastIndex) / minutes : 0;
    if (index < lastIndex) queueEvent(EV_BACKFLOW);
    if (!burstLatched && flow > BURST_L_PER_MIN) {
      burstLatched = true;
      queueEvent(EV_BURST);
    } else if (burstLatched && flow < BURST_L_PER_MIN / 2) burstLatched = false;
    // Leak: the flow never stopped for 24 hours.
    if (flow <= 0) {
      lastZeroFlow = now;
      leakLatched = false;
    } else if (!leakLatched && now - lastZeroFlow >= 86400) {
      leakLatched = true;
      queueEvent(EV_LEAK);
    }
  } else {
    lastZeroFlow = now;
  }
  lastIndex = index;
  lastIndexAt = now;
}

/** Sends at most one frame per tick, when the duty cycle allows: alarms, ack, status, samples. */
function transmit(now: u32): void {
  const dr = H.dataRate();
  // A sample closed now goes out now; if an alarm, an ack or a status takes this slot, at the next
  // one. Closed while the duty cycle keeps the radio silent, it waits for the next interval's
  // close and shares its frame (fewer, fuller frames when the budget is short).
  if (justClosed) offerSamples = true;
  if (dr < 0 || <f64>now < S.nextTx()) {
    if (justClosed) offerSamples = false;
    return;
  }
  let port = 0;
  let length = 0;
  let what = 0; // 1 alarm, 2 ack, 3 status, 4 samples
  let sent = 0; // samples in the frame
  if (alarmCount > 0) {
    length = alarmFrame(0);
    port = P.PORT_ALARM;
    what = 1;
  } else if (ackCommand != 0) {
    setValue(0, 0, ackToken);
    setValue(0, 1, <f64>ackResult);
    length = encode(profile, P.KIND_ACK, 0, 1, 0, ackCommand, -1);
    port = P.PORT_CONFIG;
    what = 2;
  } else if (statusDue) {
    setValue(0, 0, <f64>FIRMWARE_VERSION);
    setValue(0, 1, batteryNow());
    setValue(0, 2, <f64>(now - bootClock));
    setValue(0, 3, <f64>resetCause);
    setValue(0, 4, <f64>(S.lastError() > 254 ? 254 : S.lastError()));
    setValue(0, 5, <f64>S.interval());
    length = encode(profile, P.KIND_STATUS, 0, 1, 0, 0, -1);
    port = P.PORT_STATUS;
    what = 3;
  } else if (S.count() > 0 && (offerSamples || now - S.sampleTime(0) >= <u32>S.interval())) {
    sent = prepareSamples(now, maxPayload(dr));
    if (sent <= 0) return;
    length = lastLength;
    port = P.PORT_MEASUREMENT;
    what = 4;
  } else {
    return;
  }
  if (length <= 0) {
    S.setLastError(ERR_ENCODE);
    H.log(LOG_ENCODE_ERROR, -length);
    if (what == 1) shiftAlarms();
    else if (what == 2) ackCommand = 0;
    else if (what == 3) statusDue = false;
    return;
  }
  // The 1 % duty cycle, twice: 99 × the time on air of silence after each frame, and never more
  // than 36 s on air in the trailing hour (a frame that would pass it waits).
  const toa = timeOnAirMs(length, dr);
  if (<f64>S.airtimeLastHour(now) + toa > HOURLY_AIRTIME_MS) return;
  if (H.send(port, frameOut, length, dr) == 0) {
    H.log(LOG_SEND_FAILED, port);
    return;
  }
  S.setNextTx(<f64>now + (toa + silenceAfterMs(toa)) / 1000.0);
  S.addAirtime(now, <u32>Math.ceil(toa));
  H.log(LOG_SENT, length);
  if (what == 1) shiftAlarms();
  else if (what == 2) {
    ackCommand = 0;
    if (restartAfterAck) {
      S.save();
      H.restart();
    }
  } else if (what == 3) {
    statusDue = false;
    S.setLastStatus(now);
  } else {
    S.shift(sent);
    offerSamples = false;
  }
}

function batteryNow(): f64 {
  for (let i = 0; i < nFields; i++) {
    const v = getF(live, i);
    if (aggOf(i) == A.AGG_LAST && refPos(rowValue(4) - 1) == i && !isNaN(v)) return v;
  }
  return H.sensor(batteryChannel());
}

/** The battery is the last number field of every profile that has one. */
function batteryChannel(): i32 {
  return profile == MOBILITY ? -1 : nFields - 1;
}

let lastLength = 0;

/**
 * Puts the oldest run of evenly spaced buffered samples (at most 32) in the engine and encodes as
 * many as fit `maxBytes`; a frame sent late carries the age of its newest sample. Returns the
 * sample count (the frame is in frameOut, its length in lastLength), 0 when nothing can be sent.
 */
function prepareSamples(now: u32, maxBytes: i32): i32 {
  // Samples older than a delayed frame can say are dropped (counted).
  while (S.count() > 0 && now - S.sampleTime(0) > <u32>P.MAX_AGE) {
    S.dropOldest(1);
    H.log(LOG_DROPPED, 1);
  }
  const total = S.count();
  if (total == 0) return 0;
  let run = 1;
  let spacing: u32 = 0;
  if (total > 1) {
    spacing = S.sampleTime(1) - S.sampleTime(0);
    if (spacing >= 1 && spacing <= 65535) {
      run = 2;
      while (run < total && run < P.MAX_SAMPLES && S.sampleTime(run) - S.sampleTime(run - 1) == spacing) run++;
    }
  }
  for (let s = 0; s < run; s++) for (let i = 0; i < nFields; i++) setValue(s, i, S.sampleValue(s, i));
  let age = <i32>(now - S.sampleTime(run - 1));
  let k = fitSamples(profile, run, <i32>spacing, maxBytes, age > 0 ? age : -1);
  if (k <= 0) {
    // The oldest sample cannot be encoded (a reading outside its field's range): drop it.
    S.setLastError(ERR_ENCODE);
    S.dropOldest(1);
    return 0;
  }
  age = <i32>(now - S.sampleTime(k - 1));
  lastLength = encode(profile, P.KIND_MEASUREMENT, 0, k, k > 1 ? <i32>spacing : 0, 0, age > 0 ? age : -1);
  return lastLength > 0 ? k : 0;
}

/** Encodes the oldest pending alarm: threshold part, then the profile's flags and values. */
function alarmFrame(a: i32): i32 {
  const ref = load<i32>(alarmRef + (<usize>a << 2));
  const crossed = load<i32>(alarmCrossed + (<usize>a << 2));
  const event = load<i32>(alarmEvent + (<usize>a << 2));
  setValue(0, 0, ref < 0 ? NaN : <f64>ref);
  setValue(0, 1, ref < 0 ? NaN : getF(alarmValue, a));
  setValue(0, 2, crossed < 0 ? NaN : <f64>crossed);
  const first = rowValue(5);
  for (let j = 0; j < rowValue(6); j++) {
    const flag = <i32>unchecked(ALARM_FLAG[first + j]);
    const pos = <i32>unchecked(ALARM_VALUE[first + j]);
    let v: f64 = NaN;
    if (pos >= 0) v = getF(live, pos);
    else if (flag >= 0 && flag == event) v = 1;
    setValue(0, ALARM_HEAD + j, v);
  }
  return encode(profile, P.KIND_ALARM, 0, 1, 0, 0, -1);
}

function shiftAlarms(): void {
  for (let i = 1; i < alarmCount; i++) {
    store<i32>(alarmRef + (<usize>(i - 1) << 2), load<i32>(alarmRef + (<usize>i << 2)));
    setF(alarmValue, i - 1, getF(alarmValue, i));
    store<i32>(alarmCrossed + (<usize>(i - 1) << 2), load<i32>(alarmCrossed + (<usize>i << 2)));
    store<i32>(alarmEvent + (<usize>(i - 1) << 2), load<i32>(alarmEvent + (<usize>i << 2)));
  }
  alarmCount--;
}

// Ack results (codecs/profiles/common.ts ACK_RESULTS).
const OK = 0;
const INVALID = 1;
const OUT_OF_RANGE = 2;
const UNSUPPORTED = 3;

/**
 * A downlink of `length` bytes in frameIn: a config command on fPort 10, applied now and
 * acknowledged at the next uplink with its token and result.
 */
export function onDownlink(port: i32, length: i32): void {
  if (port != P.PORT_CONFIG || length <= 0) {
    H.log(LOG_BAD_DOWNLINK, port);
    return;
  }
  const status = decode(profile, port, length, 1);
  const command = <i32>(load<u8>(frameIn) & 31);
  if (findLayout(profile, P.KIND_COMMAND, command) < 0) {
    // Not a command this firmware knows: nothing to acknowledge it with.
    S.setLastError(ERR_DOWNLINK);
    H.log(LOG_BAD_DOWNLINK, command);
    return;
  }
  ackCommand = command;
  ackToken = NaN;
  if (status != P.OK) {
    ackResult = status == P.ERR_INVALID_CODE ? OUT_OF_RANGE : INVALID;
    S.setLastError(ERR_DOWNLINK);
    return;
  }
  ackCommand = resultCommand;
  ackToken = load<f64>(values);
  ackResult = apply(ackCommand);
}

function apply(command: i32): i32 {
  const a = load<f64>(values + 8);
  if (command == 1) {
    S.setInterval(<i32>a);
    periodEnd = periodStart + <u32>S.interval();
    return OK;
  }
  if (command == 2) {
    const ref = isNaN(a) ? -1 : <i32>a;
    if (ref < 0 || refPos(ref) < 0) return UNSUPPORTED;
    if (ref >= S.MAX_REFS) return OUT_OF_RANGE;
    const low = load<f64>(values + 16);
    const high = load<f64>(values + 24);
    if (!isNaN(low) && !isNaN(high) && low > high) return OUT_OF_RANGE;
    S.setThreshold(ref, low, high);
    return OK;
  }
  if (command == 3) {
    restartAfterAck = true;
    return OK;
  }
  if (command == 4) {
    statusDue = true;
    return OK;
  }
  return UNSUPPORTED;
}

/** The network accepted the join: report status at the next opportunity. */
export function onJoin(): void {
  statusDue = true;
}

export function buffered(): i32 {
  return S.count();
}
export function droppedSamples(): u32 {
  return S.dropped();
}
export function reportingInterval(): i32 {
  return S.interval();
}
export function nextTransmission(): f64 {
  return S.nextTx();
}
export function threshold(ref: i32, high: i32): f64 {
  return high != 0 ? S.thresholdHigh(ref) : S.thresholdLow(ref);
}
export function pendingAlarms(): i32 {
  return alarmCount;
}
