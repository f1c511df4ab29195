/**
 * The synthetic year of the query benchmark, written in bulk into the local D1's SQLite file
 * (wrangler's Miniflare state) with node:sqlite.
 *
 * Why the file and not the Worker: 200 sensors × a year every 15 minutes is 7 M uplinks and over
 * 30 M readings; through workerd (HTTP, queue, one D1 call per batch) that is hours of ingest,
 * which `npm run bench:ingest` measures already. Here the readings go in with the store's own
 * insert (readings of many uplinks travel as one JSON parameter, `json_each`, insert-if-new), in
 * 5,000-row statements, and the rollups are then built by the backfill's statements
 * (store/rollups.ts REBUILD_HOURS_SQL / REBUILD_DAYS_SQL, the same figures the triggers keep:
 * test/worker/rollups/backfill.test.ts; trend_day by REBUILD_TRENDS_SQL), with the triggers on
 * readings set aside during the load and put back as the migrations defined them afterwards: a
 * per-row trigger costs ~2.5× the insert in bulk, set-based rebuilding does not.
 *
 * The data: every own profile, devices spread over the four demo communes, numeric fields of
 * each profile's measurement with daily and weekly patterns (traffic peaks, night lows, weekend
 * dips, seasons), cumulative meter indexes (a few leaking at night), bins filling and emptied,
 * batteries slowly draining (a few fast), a few devices gone silent; uplinks and device states for
 * the last 30 days (what the health and alert queries read).
 */
import type { DatabaseSync } from "node:sqlite";
import { SingleBar } from "cli-progress";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { REBUILD_DAYS_SQL, REBUILD_HOURS_SQL, REBUILD_TRENDS_SQL } from "../../worker/src/store/rollups.ts";

export const INTERVAL_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export interface BenchDevice {
  id: number;
  devEui: string;
  profile: string;
  commune: string;
}

export interface SeedOptions {
  sensors: number;
  days: number;
  /** Exclusive end of the synthetic period (epoch ms). */
  end: number;
  communes: readonly string[];
}

/** A small seeded PRNG (mulberry32): the same data on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Daily traffic shape in [0, 1]: morning and evening peaks, quiet nights, lower at weekends. */
function traffic(localHour: number, weekday: number): number {
  const peaks = Math.exp(-((localHour - 8.5) ** 2) / 3) + 0.9 * Math.exp(-((localHour - 18) ** 2) / 4) + 0.4 * Math.exp(-((localHour - 13) ** 2) / 6);
  const night = localHour < 5 || localHour >= 23 ? 0.1 : 0.35;
  return Math.min(1, night + peaks) * (weekday === 0 ? 0.55 : weekday === 6 ? 0.75 : 1);
}

interface FieldSpec {
  key: string;
  min: number;
  max: number;
  resolution: number;
}

function numericFields(profileId: string): FieldSpec[] {
  const p = PROFILES.find((x) => x.id === profileId)!;
  const m = p.measurement[p.measurement.length - 1]!;
  const out: FieldSpec[] = [];
  for (const f of m.fields as readonly { key: string; kind: string; min?: number; max?: number; resolution?: number }[]) {
    if (f.kind === "number") out.push({ key: f.key, min: f.min ?? 0, max: f.max ?? 0, resolution: f.resolution ?? 1 });
  }
  return out;
}

/** The generator of one device: given a time, the value of each of its numeric fields (real units). */
function deviceGenerator(device: BenchDevice, index: number, start: number): { fields: FieldSpec[]; values: (t: number) => number[] } {
  const fields = numericFields(device.profile);
  const rnd = prng(0xc16a1e + index);
  const level = 0.7 + rnd() * 0.6;
  const leaking = device.profile === "meter" && index % 5 === 0;
  const fastDrain = index % 37 === 5;
  const totals = new Map<string, number>();
  let fill = rnd() * 60;
  return {
    fields,
    values: (t: number) => {
      // Paris is UTC+1 or +2: an hour's error at most on the pattern, which is all it is.
      const hour = ((t / 3_600_000 + 1) % 24 + 24) % 24;
      const weekday = new Date(t + 3_600_000).getUTCDay();
      const season = Math.cos(((t - Date.UTC(2026, 6, 20)) / (365 * DAY_MS)) * 2 * Math.PI);
      const tr = traffic(hour, weekday);
      const noise = () => rnd() - 0.5;
      return fields.map((f) => {
        switch (f.key) {
          case "air.temperature":
            return 15 + 9 * season + 5 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + 2 * noise();
          case "air.relativeHumidity":
            return 65 - 15 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + 10 * noise();
          case "air.pressure":
            return 1013 + 8 * Math.sin(t / (5 * DAY_MS)) + noise();
          case "air.no2":
            return level * (12 + 70 * tr) + 10 * noise() + (rnd() < 0.002 ? 150 : 0);
          case "air.o3":
            return level * (40 + 60 * Math.max(0, Math.sin(((hour - 7) / 24) * 2 * Math.PI)) * (0.6 + 0.4 * season)) + 10 * noise();
          case "air.pm1":
            return level * (5 + 6 * tr) + 2 * noise();
          case "air.pm2_5":
            return level * (8 + 12 * tr) + 3 * noise();
          case "air.pm10":
            return level * (14 + 20 * tr) + 5 * noise();
          case "sound.laeq":
            return 45 + 25 * tr * level + 3 * noise();
          case "sound.lamax":
            return 60 + 25 * tr + 5 * noise();
          case "sound.lamin":
            return 32 + 12 * tr + 2 * noise();
          case "sound.la10":
            return 50 + 22 * tr + 3 * noise();
          case "sound.la90":
            return 38 + 15 * tr + 2 * noise();
          case "count.in":
          case "count.out":
            return Math.round(level * 120 * tr * tr + 3 * rnd());
          case "count.period":
            return 900;
          case "level.fill": {
            fill += (0.3 + 0.6 * tr) * level * (0.8 + 0.4 * rnd());
            if (fill > 95 || (fill > 70 && rnd() < 0.05)) fill = 2 + 5 * rnd();
            return fill;
          }
          case "level.distance":
            return 1500 * (1 - fill / 100);
          case "battery": {
            const age = (t - start) / DAY_MS;
            return Math.max(2.2, 3.65 - age * (fastDrain ? 0.004 : 0.0008) - 0.02 * rnd());
          }
          default: {
            if (f.key.startsWith("metering.")) {
              const perInterval = f.key.includes("water") ? (leaking && hour < 5 ? 3 : 0) + 40 * tr * level * rnd() : 30 * tr * level * rnd();
              const total = (totals.get(f.key) ?? 10_000 * rnd()) + perInterval;
              totals.set(f.key, total);
              return total;
            }
            // Any other quantity: a daily wave within the field's range.
            const span = f.max - f.min;
            return f.min + span * (0.05 + 0.1 * tr * level + 0.02 * rnd());
          }
        }
      });
    },
  };
}

function clampToField(f: FieldSpec, v: number): number {
  const x = Math.min(f.max, Math.max(f.min, v));
  return Math.round(x / f.resolution) * f.resolution;
}

/** The registry rows of the bench devices: `sensors` spread round-robin over profiles and communes. */
export function insertBenchDevices(db: DatabaseSync, o: SeedOptions): BenchDevice[] {
  const now = Date.now();
  const insert = db.prepare(
    `INSERT OR IGNORE INTO devices (dev_eui, name, commune, profile, latitude, longitude, installed_at, public, tags, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, 43.3 + ?5 * 0.001, 5.4 + ?5 * 0.001, ?6, 1, '{"bench":"query"}', ?7, ?7)`,
  );
  const devices: BenchDevice[] = [];
  for (let i = 0; i < o.sensors; i++) {
    const profile = PROFILES[i % PROFILES.length]!.id;
    const commune = o.communes[Math.floor(i / PROFILES.length) % o.communes.length]!;
    const devEui = `0c1a1ebe${i.toString(16).padStart(8, "0")}`;
    insert.run(devEui, `bench ${profile} ${i}`, commune, profile, i, o.end - o.days * DAY_MS, now);
    const { id } = db.prepare("SELECT id FROM devices WHERE dev_eui = ?1").get(devEui) as { id: number };
    devices.push({ id, devEui, profile, commune });
  }
  return devices;
}

/** The store's readings insert (insert-if-new, rows as one JSON parameter), for many devices at once. */
const INSERT_READINGS_SQL = `INSERT INTO readings (device_id, quantity_id, time, value)
  SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?1) AS j WHERE true
  ON CONFLICT (device_id, quantity_id, time) DO NOTHING`;

/** The triggers on readings (rollups, trend_day) as the migrations left them, to put back after the bulk load. */
function readingTriggers(db: DatabaseSync): { name: string; sql: string }[] {
  return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'readings'").all() as { name: string; sql: string }[];
}

/** Writes the year: readings (bulk), then rollups (rebuild), then 30 days of uplinks and the device states. */
export function seedYear(db: DatabaseSync, devices: readonly BenchDevice[], quantityIds: ReadonlyMap<string, { id: number; decimals: number }>, o: SeedOptions): number {
  const start = o.end - o.days * DAY_MS;
  const triggers = readingTriggers(db);
  db.exec("PRAGMA synchronous = OFF");
  for (const { name } of triggers) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
  const insert = db.prepare(INSERT_READINGS_SQL);
  const bar = new SingleBar({ format: "seed {bar} {value}/{total} devices | {readings} readings | {duration_formatted} | eta {eta_formatted}", noTTYOutput: true, notTTYSchedule: 15_000 });
  bar.start(devices.length, 0, { readings: 0 });
  let total = 0;
  // Devices that fall silent a few days before the end (offline alerts).
  const silentFrom = (i: number) => (i % 50 === 7 ? o.end - (3 + (i % 4)) * DAY_MS : o.end);
  devices.forEach((device, i) => {
    const gen = deviceGenerator(device, i, start);
    const ids = gen.fields.map((f) => quantityIds.get(f.key)!);
    const stop = silentFrom(i);
    db.exec("BEGIN");
    let chunk: (number | string)[][] = [];
    for (let t = start; t < stop; t += INTERVAL_MS) {
      const values = gen.values(t);
      gen.fields.forEach((f, k) => {
        const q = ids[k]!;
        chunk.push([device.id, q.id, t, Math.round(clampToField(f, values[k]!) * 10 ** q.decimals)]);
      });
      if (chunk.length >= 5000) {
        insert.run(JSON.stringify(chunk));
        total += chunk.length;
        chunk = [];
      }
    }
    if (chunk.length > 0) insert.run(JSON.stringify(chunk));
    total += chunk.length;
    db.prepare(REBUILD_HOURS_SQL).run(device.id);
    db.prepare(REBUILD_DAYS_SQL).run(device.id);
    db.prepare(REBUILD_TRENDS_SQL).run(device.id);
    // Uplinks of the last 30 days (health), and the device's state.
    const up = db.prepare(
      "INSERT OR IGNORE INTO uplinks (device_id, time, f_cnt, f_port, payload, rssi, snr_cdb, dr, gateways, source, decode) VALUES (?1, ?2, ?3, 1, X'00', ?4, ?5, 5, 1, 1, 0)",
    );
    let fCnt = 0;
    for (let t = Math.max(start, stop - 30 * DAY_MS); t < stop; t += INTERVAL_MS) up.run(device.id, t, fCnt++, -90 - (i % 20), 700 - (i % 9) * 100);
    const last = stop - INTERVAL_MS;
    db.prepare("INSERT OR REPLACE INTO device_state (device_id, last_seen_at, f_cnt, f_port, rssi, snr, dr) VALUES (?1, ?2, ?3, 1, -95, 5.5, 5)").run(device.id, last, fCnt);
    db.exec("COMMIT");
    bar.update(i + 1, { readings: total });
  });
  bar.stop();
  for (const t of triggers) db.exec(t.sql);
  return total;
}
