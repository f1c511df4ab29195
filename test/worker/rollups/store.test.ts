import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import { parisDay, parisDayRange } from "../../../worker/src/rollups/paris-day.ts";
import type { QuantityRecord } from "../../../worker/src/store/quantities.ts";
import type { ReadingRow } from "../../../worker/src/store/readings.ts";
import { listDayRollups, listHourRollups, prepareRebuildDeviceRollups } from "../../../worker/src/store/rollups.ts";
import { expectRollupsMatchReadings } from "./oracle.ts";
import { writeReadings } from "./write.ts";

/**
 * The rollup tables as the triggers of migration 0006 keep them, read back in real units through
 * store/rollups.ts. Readings are written straight with the store's statements (no uplink): the
 * ingest paths are in ingest.test.ts.
 */

let quantities: Map<string, QuantityRecord>;
const q = (key: string) => quantities.get(key)!;
/** Device ids unused by other suites (readings carry no foreign key). */
let nextDevice = 900_000;

beforeAll(async () => {
  quantities = await quantityIndex(env.DB);
});

/** Europe/Paris offset from UTC at an instant (whole seconds), from Intl. */
const parisOffset = (ms: number) => Date.parse(`${new Date(ms).toLocaleString("sv-SE", { timeZone: "Europe/Paris" }).replace(" ", "T")}Z`) - (ms - (ms % 1000));

const insert = (deviceId: number, rows: ReadingRow[]) => writeReadings(deviceId, rows);

describe("paris_offsets", () => {
  it("gives every hour of 2000–2100 the local day Intl gives (Europe/Paris)", async () => {
    // One hour in every day of the century plus both hours around each change: rows 'hour' → SQL day.
    const hours: number[] = [];
    for (let t = Date.UTC(2000, 0, 1); t < Date.UTC(2101, 0, 1); t += 86_400_000) hours.push(t + 22 * 3_600_000, t + 23 * 3_600_000);
    const { results } = await env.DB.prepare(
      `SELECT j.value AS t, date((j.value + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= j.value ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch') AS day
       FROM json_each(?1) AS j`,
    )
      .bind(JSON.stringify(hours))
      .all<{ t: number; day: string }>();
    const wrong = results.filter((r) => r.day !== parisDay(r.t));
    expect(wrong).toEqual([]);
    const { results: changes } = await env.DB.prepare("SELECT from_ms, offset_ms FROM paris_offsets WHERE from_ms BETWEEN ?1 AND ?2")
      .bind(Date.UTC(2000, 0, 1), Date.UTC(2101, 0, 1))
      .all<{ from_ms: number; offset_ms: number }>();
    expect(changes).toHaveLength(202);
    // Each row is an instant where the IANA zone's offset changes to the row's offset.
    for (const { from_ms, offset_ms } of changes) {
      expect(parisOffset(from_ms), new Date(from_ms).toISOString()).toBe(offset_ms);
      expect(parisOffset(from_ms - 1000)).not.toBe(offset_ms);
    }
  });
});

describe("rollup tables", () => {
  it("hold count, sum, min and max in stored units and read back in real units, with the energy of dB quantities", async () => {
    const device = nextDevice++;
    const no2 = q("air.no2");
    const laeq = q("sound.laeq");
    const t0 = Date.UTC(2026, 6, 1, 10);
    const scale = (k: QuantityRecord, v: number) => Math.round(v * 10 ** k.decimals);
    await insert(device, [
      [no2.id, t0 + 60_000, scale(no2, 30)],
      [no2.id, t0 + 20 * 60_000, scale(no2, 42)],
      [no2.id, t0 + 59 * 60_000, scale(no2, 36)],
      [no2.id, t0 + 60 * 60_000, scale(no2, 50)],
      [laeq.id, t0, scale(laeq, 60)],
      [laeq.id, t0 + 30 * 60_000, scale(laeq, 70)],
    ]);
    const hours = await listHourRollups(env.DB, { deviceIds: [device], quantity: ["air.no2", "sound.laeq"], from: t0, to: t0 + 2 * 3_600_000 });
    expect(hours).toEqual([
      { deviceId: device, quantity: "air.no2", hour: t0, count: 3, sum: 108, min: 30, max: 42, mean: 36, energy: null },
      { deviceId: device, quantity: "air.no2", hour: t0 + 3_600_000, count: 1, sum: 50, min: 50, max: 50, mean: 50, energy: null },
      { deviceId: device, quantity: "sound.laeq", hour: t0, count: 2, sum: 130, min: 60, max: 70, mean: 65, energy: expect.closeTo(1e6 + 1e7, -1) },
    ]);
    // The energetic mean of the hour: 10·log10((10^6 + 10^7) / 2) = 67.40 dB, not the 65 dB mean.
    expect(10 * Math.log10(hours[2]!.energy! / hours[2]!.count)).toBeCloseTo(67.404, 3);
    const days = await listDayRollups(env.DB, { deviceIds: [device], quantity: "air.no2", from: "2026-07-01", to: "2026-07-01" });
    expect(days).toEqual([{ deviceId: device, quantity: "air.no2", day: "2026-07-01", count: 4, sum: 158, min: 30, max: 50, mean: 39.5, energy: null }]);
    await expectRollupsMatchReadings([device]);
  });

  it("select by devices, quantity and range: hours in [from, to), days from–to both included", async () => {
    const [a, b] = [nextDevice++, nextDevice++];
    const temp = q("air.temperature");
    const t0 = Date.UTC(2026, 0, 10, 0);
    for (const d of [a, b]) await insert(d, Array.from({ length: 72 }, (_, i): ReadingRow => [temp.id, t0 + i * 3_600_000, 1000 + i]));
    const hours = await listHourRollups(env.DB, { deviceIds: [b], quantity: "air.temperature", from: t0 + 3_600_000, to: t0 + 3 * 3_600_000 });
    expect(hours.map((h) => [h.deviceId, h.hour])).toEqual([
      [b, t0 + 3_600_000],
      [b, t0 + 2 * 3_600_000],
    ]);
    const days = await listDayRollups(env.DB, { deviceIds: [a, b], quantity: "air.temperature", from: "2026-01-10", to: "2026-01-11" });
    // Paris is UTC+1 in January: the first local day holds 23 of the readings (from 01:00 local).
    expect(days.map((d) => [d.deviceId, d.day, d.count])).toEqual([
      [a, "2026-01-10", 23],
      [a, "2026-01-11", 24],
      [b, "2026-01-10", 23],
      [b, "2026-01-11", 24],
    ]);
    expect(await listHourRollups(env.DB, { deviceIds: [], quantity: "air.temperature", from: 0, to: t0 * 2 })).toEqual([]);
    expect(await listHourRollups(env.DB, { deviceIds: [a], quantity: "no.such.key", from: 0, to: t0 * 2 })).toEqual([]);
  });

  it("count 23 hours on the last Sunday of March and 25 on the last Sunday of October", async () => {
    const device = nextDevice++;
    const laeq = q("sound.laeq");
    const rows: ReadingRow[] = [];
    for (const day of ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"]) {
      const { start, end } = parisDayRange(day);
      for (let t = start; t < end; t += 15 * 60_000) rows.push([laeq.id, t, 550 + (rows.length % 7) * 10]);
    }
    await insert(device, rows);
    const days = await listDayRollups(env.DB, { deviceIds: [device], quantity: "sound.laeq", from: "2026-01-01", to: "2026-12-31" });
    expect(days.map((d) => [d.day, d.count / 4])).toEqual([
      ["2026-03-28", 24],
      ["2026-03-29", 23],
      ["2026-03-30", 24],
      ["2026-10-24", 24],
      ["2026-10-25", 25],
      ["2026-10-26", 24],
    ]);
    const { start, end } = parisDayRange("2026-10-25");
    expect(await listHourRollups(env.DB, { deviceIds: [device], quantity: "sound.laeq", from: start, to: end })).toHaveLength(25);
    await expectRollupsMatchReadings([device]);
  });
});

describe("rollups follow changed and deleted readings", () => {
  it("an overwritten value (upsert) moves the hour and day sums, min and max", async () => {
    const device = nextDevice++;
    const laeq = q("sound.laeq");
    const t0 = Date.UTC(2026, 4, 5, 21);
    await insert(device, [
      [laeq.id, t0, 600],
      [laeq.id, t0 + 900_000, 800],
      [laeq.id, t0 + 1_800_000, 700],
      [laeq.id, t0 + 3_600_000, 650],
    ]);
    // The maximum of the hour and of the day goes down, a new minimum appears.
    await writeReadings(device, [[laeq.id, t0 + 900_000, 500], [laeq.id, t0 + 7_200_000, 610]], true);
    const want = await expectRollupsMatchReadings([device]);
    expect(want.hours.get(`${device}/${laeq.id}/${t0}`)).toMatchObject({ count: 3, min: 500, max: 700 });
  });

  it("deleted readings leave their hour and day, and an emptied bucket disappears", async () => {
    const device = nextDevice++;
    const [no2, o3] = [q("air.no2"), q("air.o3")];
    const t0 = Date.UTC(2026, 4, 6, 12);
    const rows: ReadingRow[] = [];
    for (let i = 0; i < 12; i++) rows.push([no2.id, t0 + i * 900_000, 100 + ((i * 37) % 11)], [o3.id, t0 + i * 900_000, 500 - i]);
    await insert(device, rows);
    // Delete the hour's extremes, then a whole hour.
    await env.DB.prepare("DELETE FROM readings WHERE device_id = ?1 AND quantity_id = ?2 AND time IN (?3, ?4)").bind(device, o3.id, t0, t0 + 3 * 900_000).run();
    await env.DB.prepare("DELETE FROM readings WHERE device_id = ?1 AND quantity_id = ?2 AND time >= ?3 AND time < ?4").bind(device, no2.id, t0 + 3_600_000, t0 + 7_200_000).run();
    const want = await expectRollupsMatchReadings([device]);
    expect(want.hours.has(`${device}/${no2.id}/${t0 + 3_600_000}`)).toBe(false);
    expect(want.hours.get(`${device}/${o3.id}/${t0}`)).toMatchObject({ count: 2, min: 498, max: 499 });
  });
});

describe("stream_state follows its readings (migration 0009)", () => {
  const state = (device: number, quantity: number) =>
    env.DB.prepare("SELECT count, first_time, last_time, last_value FROM stream_state WHERE device_id = ?1 AND quantity_id = ?2")
      .bind(device, quantity)
      .first<{ count: number; first_time: number; last_time: number; last_value: number }>();

  it("late, duplicate and overwritten readings; deleted bounds found again; an emptied pair removed", async () => {
    const device = nextDevice++;
    // A concentration: its days in rollup_day_hourly follow too (emptying a day's only hour, 0010).
    const temp = q("air.no2");
    const t0 = Date.UTC(2026, 4, 7, 12);
    await insert(device, [[temp.id, t0, 10], [temp.id, t0 + 900_000, 20]]);
    // A late reading moves the first time only; a duplicate changes nothing.
    await insert(device, [[temp.id, t0 - 86_400_000, 5], [temp.id, t0 + 900_000, 99]]);
    expect(await state(device, temp.id)).toEqual({ count: 3, first_time: t0 - 86_400_000, last_time: t0 + 900_000, last_value: 20 });
    // The last value re-decoded, and a new last reading.
    await writeReadings(device, [[temp.id, t0 + 900_000, 21], [temp.id, t0 + 1_800_000, 30]], true);
    expect(await state(device, temp.id)).toEqual({ count: 4, first_time: t0 - 86_400_000, last_time: t0 + 1_800_000, last_value: 30 });
    await expectRollupsMatchReadings([device]);
    // Purging the oldest (the first bound) and the newest (the last bound) finds both again in the readings.
    await env.DB.prepare("DELETE FROM readings WHERE device_id = ?1 AND quantity_id = ?2 AND time IN (?3, ?4)").bind(device, temp.id, t0 - 86_400_000, t0 + 1_800_000).run();
    expect(await state(device, temp.id)).toEqual({ count: 2, first_time: t0, last_time: t0 + 900_000, last_value: 21 });
    // The only reading left re-decoded: both bounds, one row.
    await env.DB.prepare("DELETE FROM readings WHERE device_id = ?1 AND quantity_id = ?2 AND time = ?3").bind(device, temp.id, t0).run();
    await writeReadings(device, [[temp.id, t0 + 900_000, 22]], true);
    expect(await state(device, temp.id)).toEqual({ count: 1, first_time: t0 + 900_000, last_time: t0 + 900_000, last_value: 22 });
    await expectRollupsMatchReadings([device]);
    await env.DB.prepare("DELETE FROM readings WHERE device_id = ?1").bind(device).run();
    expect(await state(device, temp.id)).toBeNull();
  });

  it("the rebuild (backfill) writes what the triggers keep", async () => {
    const device = nextDevice++;
    const [no2, o3] = [q("air.no2"), q("air.o3")];
    const t0 = Date.UTC(2026, 4, 8, 12);
    await insert(device, [[no2.id, t0, 1], [no2.id, t0 + 900_000, 2], [o3.id, t0 - 900_000, 3]]);
    const kept = await env.DB.prepare("SELECT * FROM stream_state WHERE device_id = ?1 ORDER BY quantity_id").bind(device).all();
    await env.DB.prepare("UPDATE stream_state SET count = 0, last_value = -1 WHERE device_id = ?1").bind(device).run();
    await env.DB.batch(prepareRebuildDeviceRollups(env.DB, device));
    expect((await env.DB.prepare("SELECT * FROM stream_state WHERE device_id = ?1 ORDER BY quantity_id").bind(device).all()).results).toEqual(kept.results);
    expect(kept.results).toHaveLength(2);
  });
});
