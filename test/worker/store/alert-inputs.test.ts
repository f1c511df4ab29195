import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS } from "../../../worker/src/auth/read-access.ts";
import { linearFitFromSums } from "../../../worker/src/indicators/math.ts";
import { loadAlertInputs, loadBatteryFits, TREND_BLOCK_MS, trendPlan } from "../../../worker/src/store/alert-inputs.ts";
import { loadFitSums, loadLastEmptyings, loadLastReadingsBefore, loadReadingsFrom, loadRecentUplinkTimes } from "../../../worker/src/store/indicator-inputs.ts";
import { registerDevice, setUpRegistry } from "../helpers/registry.ts";
import { deviceId, seedReadings, seedUplinks } from "../indicators/seed.ts";

/**
 * What /v1/alerts reads in one statement, against the same figures read from raw readings and
 * uplinks by the plain input queries (store/indicator-inputs.ts): battery least-squares sums from
 * trend_day over any window, bins from their last emptying, last uplinks, declared intervals.
 */

const D = 86_400_000;
const H = 3_600_000;
/** A Tuesday 12:34:56.789 UTC, not on a day or block boundary. */
const T = Date.UTC(2026, 2, 17, 12, 34, 56, 789);
const SENSOR = "5000000000000001";
const BIN = "5000000000000002";
const QUIET = "5000000000000003";
const HIDDEN = "5000000000000004";
let sensor = 0;
let bin = 0;
let admin = "";

beforeAll(async () => {
  ({ admin } = await setUpRegistry());
  await registerDevice(admin, SENSOR, { profile: "env" });
  await registerDevice(admin, BIN, { profile: "waste", tags: { fillThreshold: "70" } });
  await registerDevice(admin, QUIET, { profile: "env", commune: "13055" });
  await registerDevice(admin, HIDDEN, { profile: "env", public: false });
  sensor = await deviceId(SENSOR);
  bin = await deviceId(BIN);
  // Battery every 7 minutes for 70 days (crossing 2 or 3 blocks of 32 days), draining with a wobble.
  const battery: [number, number][] = [];
  for (let t = T - 70 * D; t <= T + 2 * D; t += 7 * 60_000) battery.push([t, Math.round((3.6 - ((t - T + 70 * D) / D) * 0.004 + 0.03 * Math.sin(t / 5e6)) * 100) / 100]);
  await seedReadings(SENSOR, "battery", battery);
  await seedReadings(HIDDEN, "battery", battery.slice(0, 50));
  await seedReadings(SENSOR, "device.interval", [[T - 5 * D, 600], [T + D, 60]]);
  await seedUplinks(SENSOR, Array.from({ length: 30 }, (_, i) => ({ time: T - 3 * H - i * 10 * 60_000 })));
  // Bin: fills up a point an hour, emptied twice (drops of 53 and 51 points, the last at T − 20 h),
  // then a 20-point dip at T − 2 h (no emptying).
  const fills: [number, number][] = [];
  let fill = 10;
  for (let t = T - 5 * D; t <= T + D; t += H) {
    fill += 1;
    if (t === T - 3 * D || t === T - 20 * H) fill = 5;
    if (t === T - 2 * H) fill -= 20;
    fills.push([t, fill]);
  }
  await seedReadings(BIN, "level.fill", fills);
  await seedReadings(BIN, "alarm.pickup", [[T - 4 * D, 1], [T - 30 * H, 0]]);
});

describe("trendPlan", () => {
  it("covers (from, to] exactly once: whole days by block, partial days from readings", () => {
    for (const [from, to] of [
      [T - 30 * D, T],
      [Date.UTC(2026, 10, 1), Date.UTC(2026, 11, 1)],
      [Date.UTC(2026, 10, 1) + 1, Date.UTC(2026, 11, 1) - 1],
      [T - 40 * D, T],
      [T - D / 3, T],
    ] as const) {
      const plan = trendPlan(from, to);
      // Every ms of a wide span counted by the plan: +1 inside (from, to], 0 outside.
      const count = (t: number) =>
        plan.segments.filter(([, a, b]) => t >= a && t < b + D).length +
        plan.ranges.filter(([, lo, hi]) => t >= lo && t <= hi).reduce((n, [sign]) => n + sign, 0);
      for (let t = from - 2 * D; t <= to + 2 * D; t += 997_001) expect(count(t), `${from} ${to} ${t}`).toBe(t > from && t <= to ? 1 : 0);
      for (const t of [from, from + 1, to, to + 1]) expect(count(t)).toBe(t > from && t <= to ? 1 : 0);
      for (const [block, a, b] of plan.segments) expect([a - (a % TREND_BLOCK_MS), b - (b % TREND_BLOCK_MS)]).toEqual([block, block]);
    }
  });
});

describe("loadBatteryFits", () => {
  it("gives the least-squares sums of the readings themselves, over any window", async () => {
    for (const [from, to] of [
      [T - 30 * D, T],
      [T - 30 * D - 5 * H, T + 7 * H],
      [T - 64 * D, T - 1],
      [T - 2 * D, T],
      [T - 1000, T],
    ] as const) {
      const want = (await loadFitSums(env.DB, [sensor], "battery", from, to, to)).get(sensor)!;
      const got = (await loadBatteryFits(env.DB, [sensor], from, to)).get(sensor)!;
      expect(got.sums.n, `${from}..${to}`).toBe(want.sums.n);
      expect(got.last).toBe(want.last);
      for (const k of ["sx", "sy", "sxx", "sxy"] as const) expect(Math.abs(got.sums[k] - want.sums[k]), `${k} ${from}..${to}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want.sums[k])));
      const [a, b] = [linearFitFromSums(got.sums), linearFitFromSums(want.sums)];
      if (b === null) expect(a).toBeNull();
      else expect(Math.abs(a!.slope - b.slope)).toBeLessThanOrEqual(1e-9 * Math.abs(b.slope));
    }
    expect((await loadBatteryFits(env.DB, [bin], T - 30 * D, T)).has(bin)).toBe(false);
  });
});

describe("loadAlertInputs", () => {
  it("reads each visible device's inputs as the plain queries do", async () => {
    const at = T;
    const inputs = await loadAlertInputs(env.DB, ANONYMOUS, { commune: "13001", at, uplinks: 20, batteryDays: 30, wasteLookbackDays: 60, emptyingDrop: 30 });
    expect(inputs.map((i) => i.device.devEui)).toEqual([SENSOR, BIN]);
    const [s, b] = inputs as [(typeof inputs)[0], (typeof inputs)[0]];
    expect(b.device.tags).toEqual({ fillThreshold: "70" });

    expect(s.uplinkTimes).toEqual((await loadRecentUplinkTimes(env.DB, [sensor], at, 20)).get(sensor));
    const [declared] = await loadLastReadingsBefore(env.DB, [sensor], ["device.interval"], at + 1);
    expect(s.interval).toEqual({ time: declared!.time, value: declared!.value });
    const fit = (await loadFitSums(env.DB, [sensor], "battery", at - 30 * D, at, at)).get(sensor)!;
    expect(s.battery!.sums.n).toBe(fit.sums.n);
    expect(s.battery!.last).toBe(fit.last);
    expect(b.battery).toBeNull();
    expect(b.uplinkTimes).toEqual([]);
    expect(b.interval).toBeNull();

    // The bin's readings from the reading before its last drop (the pickup at T − 4 d is older).
    const start = (await loadLastEmptyings(env.DB, [bin], 30, at - 60 * D, at)).get(bin)!;
    expect(start).toBe(T - 21 * H);
    const want = await loadReadingsFrom(env.DB, new Map([[bin, start]]), ["level.fill", "alarm.pickup"], at);
    const byTime = (x: { time: number; key: string }, y: { time: number; key: string }) => x.time - y.time || x.key.localeCompare(y.key);
    expect([...b.bin].sort(byTime)).toEqual([...want].sort(byTime));
    expect(s.bin).toEqual([]);
  });

  it("takes the later pickup, and the whole look-back without an emptying", async () => {
    // At T − 26 h the last drop (T − 3 d) is older than the pickup at T − 30 h (value 0: not a pickup) → T − 4 d is older too.
    const at = T - 26 * H;
    const [, b] = await loadAlertInputs(env.DB, ANONYMOUS, { commune: "13001", at, uplinks: 20, batteryDays: 30, wasteLookbackDays: 60, emptyingDrop: 30 });
    const start = (await loadLastEmptyings(env.DB, [bin], 30, at - 60 * D, at)).get(bin)!;
    expect(start).toBe(T - 3 * D - H);
    expect(Math.min(...b!.bin.map((r) => r.time))).toBe(start);
    // With a 2-day look-back, the pickup at T − 4 d and the drop at T − 3 d are out of it: the look-back's readings.
    const [, c] = await loadAlertInputs(env.DB, ANONYMOUS, { commune: "13001", at: T, uplinks: 20, batteryDays: 30, wasteLookbackDays: 0.5, emptyingDrop: 30 });
    expect(Math.min(...c!.bin.map((r) => r.time))).toBe(T - 11 * H);
  });

  it("keeps private devices out without read:private, and lists every commune without one", async () => {
    const all = await loadAlertInputs(env.DB, ANONYMOUS, { commune: null, at: T, uplinks: 20, batteryDays: 30, wasteLookbackDays: 60, emptyingDrop: 30 });
    expect(all.map((i) => i.device.devEui)).toEqual([SENSOR, BIN, QUIET]);
    const priv = await loadAlertInputs(env.DB, { ...ANONYMOUS, keyId: 1, private: true }, { commune: null, at: T, uplinks: 20, batteryDays: 30, wasteLookbackDays: 60, emptyingDrop: 30 });
    expect(priv.map((i) => i.device.devEui)).toEqual([SENSOR, BIN, QUIET, HIDDEN]);
  });
});

describe("a key with a retired quantity row (migration 0003)", () => {
  it("reads across the key's rows as the raw queries do: the latest over them, a drop from one to the other", async () => {
    const OLD = "5000000000000005";
    await registerDevice(admin, OLD, { profile: "waste", commune: "83137" });
    const old = await deviceId(OLD);
    // A retired row of each key, stored with 3 decimals, and readings under it.
    const retired = async (key: string, rows: [number, number][]) => {
      const q = await env.DB.prepare("SELECT unit, encoding FROM quantities WHERE key = ?1 AND retired_at IS NULL").bind(key).first<{ unit: string; encoding: string }>();
      const { meta } = await env.DB.prepare("INSERT INTO quantities (key, unit, encoding, labels, decimals, retired_at) VALUES (?1, ?2, ?3, NULL, 3, 1)").bind(key, q!.unit, q!.encoding).run();
      const id = meta.last_row_id;
      for (const [time, value] of rows) {
        await env.DB.prepare("INSERT INTO readings (device_id, quantity_id, time, value) VALUES (?1, ?2, ?3, ?4)").bind(old, id, time, Math.round(value * 1000)).run();
      }
    };
    // Fill: 40 → 75 under the retired row until T − 10 h, then 20, 22… under the current one: the last drop spans the rows.
    await retired("level.fill", Array.from({ length: 8 }, (_, i): [number, number] => [T - (17 - i) * H, 40 + 5 * i]));
    await seedReadings(OLD, "level.fill", Array.from({ length: 10 }, (_, i): [number, number] => [T - (9 - i) * H, 20 + 2 * i]));
    // Battery: 25 days under the retired row, then 10 under the current one; interval: the retired row's is the later.
    await retired("battery", Array.from({ length: 25 }, (_, i): [number, number] => [T - (35 - i) * D + 3 * H, 3.5 - 0.01 * i]));
    await seedReadings(OLD, "battery", Array.from({ length: 10 }, (_, i): [number, number] => [T - (10 - i) * D + 5 * H, 3.2 - 0.01 * i]));
    await retired("device.interval", [[T - 2 * D, 300]]);
    await seedReadings(OLD, "device.interval", [[T - 5 * D, 600]]);

    const [got] = await loadAlertInputs(env.DB, ANONYMOUS, { commune: "83137", at: T, uplinks: 20, batteryDays: 30, wasteLookbackDays: 60, emptyingDrop: 30 });
    expect(got!.device.devEui).toBe(OLD);
    const start = (await loadLastEmptyings(env.DB, [old], 30, T - 60 * D, T)).get(old)!;
    expect(start).toBe(T - 10 * H);
    const want = await loadReadingsFrom(env.DB, new Map([[old, start]]), ["level.fill", "alarm.pickup"], T);
    const byTime = (x: { time: number; key: string }, y: { time: number; key: string }) => x.time - y.time || x.key.localeCompare(y.key);
    expect([...got!.bin].sort(byTime)).toEqual([...want].sort(byTime));
    expect(got!.bin.find((r) => r.time === T - 10 * H)?.value).toBe(75);

    const [declared] = await loadLastReadingsBefore(env.DB, [old], ["device.interval"], T + 1);
    expect(got!.interval).toEqual({ time: T - 2 * D, value: 300 });
    expect(declared).toMatchObject({ time: T - 2 * D, value: 300 });

    const fit = (await loadFitSums(env.DB, [old], "battery", T - 30 * D, T, T)).get(old)!;
    expect(got!.battery!.sums.n).toBe(fit.sums.n);
    expect(got!.battery!.last).toBe(fit.last);
    for (const k of ["sx", "sy", "sxx", "sxy"] as const) expect(Math.abs(got!.battery!.sums[k] - fit.sums[k])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(fit.sums[k])));
  });
});
