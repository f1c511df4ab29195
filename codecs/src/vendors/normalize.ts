/**
 * From a vendor's decoded data to Cigale's normalized measurements: the quantity keys and units
 * of codecs/profiles/quantities.ts, nested like The Things Network's normalized payload
 * (`{air: {temperature: 21.3}, battery: 3.6}`). This maps decoded values, it reads no bytes: the
 * same function serves the Worker (after the WASM decode) and the TS013 `normalizeUplink` of the
 * ChirpStack / The Things Stack scripts, which only receive the decoded data.
 *
 * Deliberate differences from the vendors' published normalized output:
 * - a battery reported in % goes to `battery.level` (`battery` is volts in TTN's schema and ours);
 * - the Elsys ERS CO2 example omits `air.co2`; Cigale keeps it.
 * Quantities without a Cigale key, or whose unit the vendor does not state, are left out (listed
 * per family below).
 */
import type { QuantityKey } from "../../profiles/quantities.ts";
import type { VendorFamily } from "./catalog.ts";

/** One normalized measurement; `time` (RFC 3339) when the frame dates it, else the uplink's time. */
export type VendorMeasurement = { time?: string } & Record<string, unknown>;

export interface NormalizeContext {
  /** The device's hardware version (The Things Stack passes `input.version.hardwareVersion`). */
  hardwareVersion?: string;
}

export type Normalizer = (data: unknown, context: NormalizeContext) => VendorMeasurement[];

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const asNumber = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
/** `data[key].value` (Decentlab, Sensative). */
const valueOf = (d: Json, key: string): unknown => asObject(d[key])?.["value"];

/** Sets `key` (dotted) in a nested measurement; a collision with an existing value keeps the first. */
export function put(m: Json, key: QuantityKey, value: number | boolean | undefined): void {
  if (value === undefined || (typeof value === "number" && !Number.isFinite(value))) return;
  const parts = key.split(".");
  let node = m;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node[part];
    if (next === undefined) {
      const child: Json = {};
      node[part] = child;
      node = child;
    } else if (asObject(next)) {
      node = next as Json;
    } else {
      return;
    }
  }
  const last = parts[parts.length - 1] as string;
  if (node[last] !== undefined) return;
  node[last] = value;
}

const scaled = (v: unknown, factor: number): number | undefined => {
  const n = asNumber(v);
  return n === undefined ? undefined : n * factor;
};
const isOneOf = (v: unknown, yes: string, no: string): boolean | undefined => (v === yes ? true : v === no ? false : undefined);
const one = (m: Json): VendorMeasurement[] => (Object.keys(m).length > 0 ? [m] : []);

/** Elsys: externalTemperature, acceleration, occupancy, digital input and relative pulses are not normalized. */
function elsys(data: unknown): VendorMeasurement[] {
  const d = asObject(data);
  if (!d) return [];
  const m: Json = {};
  put(m, "air.temperature", asNumber(d["temperature"]));
  put(m, "air.relativeHumidity", asNumber(d["humidity"]));
  put(m, "air.lightIntensity", asNumber(d["light"]));
  const motion = asNumber(d["motion"]);
  if (motion !== undefined) {
    put(m, "action.motion.detected", motion > 0);
    put(m, "action.motion.count", motion);
  }
  put(m, "air.co2", asNumber(d["co2"]));
  put(m, "air.tvoc", asNumber(d["tvoc"]));
  put(m, "air.pressure", asNumber(d["pressure"])); // hPa
  put(m, "battery", scaled(d["vdd"], 1 / 1000)); // mV → V
  put(m, "level.distance", asNumber(d["distance"]));
  const leak = asNumber(d["waterleak"]);
  if (leak !== undefined) put(m, "water.leak", leak > 0);
  // ERS Sound: average and peak level of the interval, in dB(A).
  put(m, "sound.laeq", asNumber(d["soundAvg"]));
  put(m, "sound.lamax", asNumber(d["soundPeak"]));
  put(m, "metering.pulse.total", asNumber(d["pulseAbs"]));
  return one(m);
}

/** Milesight: light level (0–5), TVOC (no unit stated), O3 (ppm, no conversion) and GPIO are not normalized. */
function milesight(data: unknown): VendorMeasurement[] {
  const d = asObject(data);
  if (!d) return [];
  const m: Json = {};
  put(m, "battery.level", asNumber(d["battery"])); // %
  put(m, "air.temperature", asNumber(d["temperature"]));
  put(m, "air.relativeHumidity", asNumber(d["humidity"]));
  put(m, "air.co2", asNumber(d["co2"]));
  put(m, "air.pressure", asNumber(d["pressure"]));
  put(m, "air.hcho", asNumber(d["hcho"])); // mg/m³
  put(m, "air.pm2_5", asNumber(d["pm2.5"] ?? d["pm2_5"]));
  put(m, "air.pm10", asNumber(d["pm10"]));
  const pir = d["pir"] ?? d["activity"]; // WS202: trigger/normal; AM307 / AM319: trigger/idle
  if (pir === "trigger" || pir === "idle" || pir === "normal") put(m, "action.motion.detected", pir === "trigger");
  put(m, "level.distance", asNumber(d["distance"]));
  put(m, "alarm.tilted", isOneOf(d["tilt"] ?? d["position"], "tilt", "normal"));
  put(m, "water.leak", isOneOf(d["water"] ?? d["water_leak"], "leak", "normal"));
  put(m, "metering.pulse.total", asNumber(d["pulse"]));
  put(m, "count.present", asNumber(d["people_counter_all"]));
  // VS133: the period counts of every line add up to the site's in and out.
  let countIn: number | undefined;
  let countOut: number | undefined;
  for (let line = 1; line <= 4; line++) {
    const l = asObject(d[`line_${line}`]);
    const i = asNumber(l?.["period_in"]);
    const o = asNumber(l?.["period_out"]);
    if (i !== undefined) countIn = (countIn ?? 0) + i;
    if (o !== undefined) countOut = (countOut ?? 0) + o;
  }
  put(m, "count.in", countIn);
  put(m, "count.out", countOut);
  const out = one(m);
  // EM300-DI history records carry their own time.
  const history = d["history"];
  if (Array.isArray(history)) {
    for (const h of history) {
      const r = asObject(h);
      const ts = asNumber(r?.["timestamp"]);
      if (!r || ts === undefined) continue;
      const hm: Json = { time: new Date(ts * 1000).toISOString() };
      put(hm, "air.temperature", asNumber(r["temperature"]));
      put(hm, "air.relativeHumidity", asNumber(r["humidity"]));
      put(hm, "metering.pulse.total", asNumber(r["pulse"]));
      out.push(hm);
    }
  }
  return out;
}

/** Decentlab: PM4, number concentrations, particle size and the CO2 sensor's diagnostics are not normalized. */
function decentlab(data: unknown): VendorMeasurement[] {
  const d = asObject(data);
  if (!d) return [];
  const m: Json = {};
  put(m, "battery", asNumber(valueOf(d, "battery_voltage")));
  put(m, "air.temperature", asNumber(valueOf(d, "air_temperature")));
  put(m, "air.relativeHumidity", asNumber(valueOf(d, "air_humidity")));
  put(m, "air.pressure", scaled(valueOf(d, "barometric_pressure"), 1 / 100)); // Pa → hPa
  put(m, "air.pm1", asNumber(valueOf(d, "pm1_0_mass_concentration")));
  put(m, "air.pm2_5", asNumber(valueOf(d, "pm2_5_mass_concentration")));
  put(m, "air.pm10", asNumber(valueOf(d, "pm10_mass_concentration")));
  put(m, "air.co2", asNumber(valueOf(d, "co2_concentration")));
  put(m, "level.distance", asNumber(valueOf(d, "distance")));
  return one(m);
}

/** A Netvox slot: a number, or "NoSensor". */
function netvoxVolt(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = Number.parseFloat(v); // "3.2(low battery)"
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Netvox: only readings whose unit is unambiguous. Gases other than CO2 (the decoder gives no
 * unit), VOC, water-quality probes and the "Atomsphere" slot are not normalized. Noise is taken
 * as the interval's A-weighted equivalent level.
 */
function netvox(data: unknown): VendorMeasurement[] {
  const d = asObject(data);
  if (!d || d["Volt"] === undefined) return []; // version reports and configuration responses
  const m: Json = {};
  put(m, "battery", netvoxVolt(d["Volt"]));
  put(m, "air.pm1", asNumber(d["PM1_0"]));
  put(m, "air.pm2_5", asNumber(d["PM2_5"]));
  put(m, "air.pm10", asNumber(d["PM10"]));
  put(m, "air.co2", asNumber(d["CO2"]));
  put(m, "sound.laeq", asNumber(d["Noise"]));
  put(m, "air.temperature", asNumber(d["Temperature"] ?? d["Temp"]));
  put(m, "air.relativeHumidity", asNumber(d["Humidity"] ?? d["Humi"]));
  put(m, "wind.speed", asNumber(d["WindSpeed"]));
  const direction = asNumber(d["WindDirection"]);
  if (direction !== undefined && direction >= 0 && direction < 360) put(m, "wind.direction", direction);
  const leaks = [d["WaterLeak_1"], d["WaterLeak_2"]].filter((v) => v !== undefined);
  if (leaks.length > 0) put(m, "water.leak", leaks.includes("Leak"));
  return one(m);
}

/** Bosch TPS110: occupancy of the space; the heartbeat's device temperature is not normalized. */
function bosch(data: unknown): VendorMeasurement[] {
  const d = asObject(data);
  if (!d || typeof d["occupied"] !== "boolean") return [];
  const m: Json = {};
  put(m, "parking.occupied", d["occupied"]);
  return one(m);
}

/** IMBuildings: counters A and B since the previous uplink are the ins and outs; totals are not normalized. */
function imbuildings(data: unknown): VendorMeasurement[] {
  const d = asObject(data);
  if (!d) return [];
  const m: Json = {};
  put(m, "battery", asNumber(d["battery_voltage"]));
  put(m, "count.in", asNumber(d["counter_a"]));
  put(m, "count.out", asNumber(d["counter_b"]));
  return one(m);
}

/**
 * Adeunis Pulse 4: the newest channel-A index (history values lack their interval, which is a
 * device setting; channel B has no key of its own and is not normalized).
 */
function adeunis(data: unknown): VendorMeasurement[] {
  const b = asObject(asObject(data)?.["bytes"]);
  if (!b) return [];
  const type = typeof b["type"] === "string" ? (b["type"] as string) : "";
  let index: number | undefined;
  if (type.startsWith("0x5a")) {
    const values = b["counterValues"];
    index = Array.isArray(values) ? asNumber(values[0]) : undefined;
  } else if (type.startsWith("0x46")) {
    index = asNumber(b["counterA"]);
  }
  if (index === undefined) return [];
  const m: Json = {};
  const ts = b["timestamp"];
  if (typeof ts === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(ts)) m["time"] = `${ts}Z`;
  put(m, "metering.pulse.total", index);
  return [m];
}

/** Sensative Strips: door state and counts, flood level and temperature alarms are not normalized. */
function sensative(data: unknown): VendorMeasurement[] {
  const d = asObject(data);
  if (!d) return [];
  const m: Json = {};
  put(m, "battery.level", asNumber(d["battery"])); // %
  put(m, "air.temperature", asNumber(valueOf(d, "temperature")));
  put(m, "air.relativeHumidity", asNumber(valueOf(d, "humidity")));
  put(m, "air.lightIntensity", asNumber(valueOf(d, "lux")));
  const flood = valueOf(d, "floodAlarm");
  if (typeof flood === "boolean") put(m, "water.leak", flood);
  const presence = valueOf(d, "presence");
  if (typeof presence === "boolean") put(m, "action.motion.detected", presence);
  return one(m);
}

/** Dragino LHT65 and LAQ4: the LHT65's external probe is not normalized. */
function dragino(data: unknown): VendorMeasurement[] {
  const d = asObject(data);
  if (!d) return [];
  const m: Json = {};
  put(m, "battery", asNumber(d["BatV"] ?? d["Bat_V"]));
  put(m, "air.temperature", asNumber(d["TempC_SHT"]));
  put(m, "air.relativeHumidity", asNumber(d["Hum_SHT"]));
  put(m, "air.co2", asNumber(d["CO2_ppm"]));
  put(m, "air.tvoc", asNumber(d["TVOC_ppb"]));
  put(m, "air.lightIntensity", asNumber(d["ILL_lx"]));
  return one(m);
}

const DIRECTION_DEGREES: Record<string, number> = { N: 0, E: 90, S: 180, W: 270 };
const KNOT = 0.5144; // m/s, the factor of TTN's reference example

/** The reference wind sensor: knots → m/s, cardinal point → degrees, elevation from the hardware version ("1.0-2M" → 200 cm). */
function example(data: unknown, context: NormalizeContext): VendorMeasurement[] {
  const d = asObject(data);
  if (!d) return [];
  const m: Json = {};
  put(m, "wind.speed", scaled(d["speed"], KNOT));
  const direction = d["direction"];
  if (typeof direction === "string") put(m, "wind.direction", DIRECTION_DEGREES[direction]);
  const elevation = /-(\d+(?:\.\d+)?)M$/.exec(context.hardwareVersion ?? "");
  if (elevation) put(m, "wind.elevation", Number(elevation[1]) * 100);
  return one(m);
}

export const NORMALIZERS: Readonly<Record<VendorFamily, Normalizer>> = {
  elsys,
  milesight,
  decentlab,
  netvox,
  bosch,
  imbuildings,
  adeunis,
  sensative,
  dragino,
  example,
};

export { adeunis, bosch, decentlab, dragino, elsys, example, imbuildings, milesight, netvox, sensative };
