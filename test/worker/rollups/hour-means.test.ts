import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import { parisDay, parisDayRange } from "../../../worker/src/rollups/paris-day.ts";
import type { ReadingRow } from "../../../worker/src/store/readings.ts";
import { listHighestDailyStatistics, listHourRollups, listNoisePeriods } from "../../../worker/src/store/rollups.ts";
import { expectRollupsMatchReadings } from "./oracle.ts";
import { writeReadings } from "./write.ts";

/**
 * listHighestDailyStatistics and listNoisePeriods (rollup_day_hourly, kept by the triggers of migration
 * 0007) against the same statistics computed in JavaScript from listHourRollups and Intl.
 */

interface HourMeanStats {
  deviceId: number;
  quantity: string;
  day: string;
  hours: number;
  meanMin: number;
  meanMax: number;
  meanSum: number;
  energyMeanSum: number | null;
}

const localHour = (ms: number) => Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(ms));

async function expected(deviceId: number, key: string, from: string, to: string, dayStartHour: number, inWindow: (h: number) => boolean): Promise<HourMeanStats[]> {
  const hours = await listHourRollups(env.DB, { deviceIds: [deviceId], quantity: key, from: 0, to: 4e12 });
  const byDay = new Map<string, HourMeanStats>();
  for (const h of hours) {
    if (!inWindow(localHour(h.hour))) continue;
    // The local date of the hour, the calendar day before when it is before the day's start hour.
    const date = parisDay(h.hour);
    const day = localHour(h.hour) < dayStartHour ? new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) : date;
    if (day < from || day > to) continue;
    const e = h.energy === null ? null : h.energy / h.count;
    const s = byDay.get(day);
    if (!s) byDay.set(day, { deviceId, quantity: key, day, hours: 1, meanMin: h.mean, meanMax: h.mean, meanSum: h.mean, energyMeanSum: e });
    else {
      s.hours++;
      s.meanMin = Math.min(s.meanMin, h.mean);
      s.meanMax = Math.max(s.meanMax, h.mean);
      s.meanSum += h.mean;
      s.energyMeanSum = s.energyMeanSum === null || e === null ? null : s.energyMeanSum + e;
    }
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

describe("daily statistics of hourly means", () => {
  it("gives per local day the highest hourly-mean statistics over stations with enough hours, and the noise periods, DST days included", async () => {
    const q = await quantityIndex(env.DB);
    const [no2, laeq] = [q.get("air.no2")!, q.get("sound.laeq")!];
    const device = 700_001;
    const rows: ReadingRow[] = [];
    for (const span of [["2026-03-27", "2026-03-30"], ["2026-10-23", "2026-10-26"]] as const) {
      const { start } = parisDayRange(span[0]);
      const { end } = parisDayRange(span[1]);
      // Every 20 minutes, with a gap of a few hours on each Saturday.
      for (let t = start; t < end; t += 20 * 60_000) {
        if (parisDay(t).endsWith("-28") && localHour(t) >= 3 && localHour(t) < 9) continue;
        const i = t / 60_000;
        rows.push([no2.id, t, (i * 7) % 83], [laeq.id, t, 450 + ((i * 13) % 250)]);
      }
    }
    await writeReadings(device, rows);

    // Each station's statistics in JavaScript: the hours of 2026-03-28 (18 with the gap) pass minHours 18.
    const one = await expected(device, "air.no2", "2026-03-28", "2026-10-25", 0, () => true);
    expect(one.map((a) => [a.day, a.hours])).toEqual([["2026-03-28", 18], ["2026-03-29", 23], ["2026-03-30", 24], ["2026-10-23", 24], ["2026-10-24", 24], ["2026-10-25", 25]]);
    const alone = await listHighestDailyStatistics(env.DB, { deviceIds: [device], statistics: { "air.no2": "max", "air.o3": "max" }, from: "2026-03-28", to: "2026-10-25", minHours: 18 });
    const aloneMean = await listHighestDailyStatistics(env.DB, { deviceIds: [device], statistics: { "air.no2": "mean" }, from: "2026-03-28", to: "2026-10-25", minHours: 18 });
    expect(alone.devices).toBe(1);
    expect(alone.days.map((d) => d.day)).toEqual(one.map((a) => a.day));
    alone.days.forEach((d, i) => {
      expect(d.values["air.o3"], d.day).toBeNull();
      expect(d.values["air.no2"], d.day).toBeCloseTo(one[i]!.meanMax, 9);
      expect(aloneMean.days[i]!.values["air.no2"], d.day).toBeCloseTo(one[i]!.meanSum / one[i]!.hours, 9);
    });
    // One hour more than the day holds: no device qualifies, the days have null values.
    const strict = await listHighestDailyStatistics(env.DB, { deviceIds: [device], statistics: { "air.no2": "max" }, from: "2026-03-29", to: "2026-03-29", minHours: 24 });
    expect(strict).toEqual({ devices: 1, days: [{ day: "2026-03-29", values: { "air.no2": null } }] });

    // A second station, higher everywhere, with only 17 hours on 2026-10-24 and 24 hours of data on
    // 2026-10-25 only (a 25-hour day): the highest of both, counting only days of at least 18 hours.
    const other = 700_002;
    const others: ReadingRow[] = [];
    for (let t = parisDayRange("2026-10-24").start; t < parisDayRange("2026-10-26").start; t += 30 * 60_000) {
      if (parisDay(t) === "2026-10-24" && localHour(t) >= 17) continue;
      if (parisDay(t) === "2026-10-25" && localHour(t) === 23) continue;
      others.push([no2.id, t, 100 + ((t / 60_000) % 37)]);
    }
    await writeReadings(other, others);
    const two = await expected(other, "air.no2", "2026-10-24", "2026-10-25", 0, () => true);
    expect(two.map((a) => [a.day, a.hours])).toEqual([["2026-10-24", 17], ["2026-10-25", 24]]);
    const both = await listHighestDailyStatistics(env.DB, { deviceIds: [device, other], statistics: { "air.no2": "max" }, from: "2026-10-24", to: "2026-10-25", minHours: 18 });
    const bothMean = await listHighestDailyStatistics(env.DB, { deviceIds: [device, other], statistics: { "air.no2": "mean" }, from: "2026-10-24", to: "2026-10-25", minHours: 18 });
    expect(both.devices).toBe(2);
    const [d24, d25] = both.days.map((d) => d.values["air.no2"]!);
    const [m24, m25] = bothMean.days.map((d) => d.values["air.no2"]!);
    const [a24, a25] = [one.find((a) => a.day === "2026-10-24")!, one.find((a) => a.day === "2026-10-25")!];
    // 24 October: the other station has too few hours, so the first one alone sets the figures.
    expect(d24).toBeCloseTo(a24.meanMax, 9);
    expect(m24).toBeCloseTo(a24.meanSum / a24.hours, 9);
    // 25 October: the higher of the two for each statistic.
    expect(two[1]!.meanMax).toBeGreaterThan(a25.meanMax);
    expect(d25).toBeCloseTo(Math.max(a25.meanMax, two[1]!.meanMax), 9);
    expect(m25).toBeCloseTo(Math.max(a25.meanSum / a25.hours, two[1]!.meanSum / two[1]!.hours), 9);

    const periods = await listNoisePeriods(env.DB, { deviceIds: [device], from: "2026-03-27", to: "2026-10-26" });
    for (const [period, window] of [
      ["day", { fromHour: 6, toHour: 18 }],
      ["evening", { fromHour: 18, toHour: 22 }],
      ["night", { fromHour: 22, toHour: 6 }],
    ] as const) {
      const inWindow = (h: number) => (window.fromHour < window.toHour ? h >= window.fromHour && h < window.toHour : h >= window.fromHour || h < window.toHour);
      const want = await expected(device, "sound.laeq", "2026-03-27", "2026-10-26", 6, inWindow);
      const got = periods.filter((p) => p.period === period);
      expect(got.length).toBeGreaterThan(0);
      expect(got.map((g) => [g.day, g.hours]), period).toEqual(want.map((w) => [w.day, w.hours]));
      got.forEach((g, i) => expect(Math.abs(g.meanEnergy - want[i]!.energyMeanSum! / want[i]!.hours) / g.meanEnergy, `${period} ${g.day}`).toBeLessThan(1e-9));
    }
    // The night of 25 October 2026 holds the repeated hour (02:00 twice): 9 hours; that of 28 March lost 3–6 h to the gap.
    expect(periods.find((p) => p.day === "2026-10-24" && p.period === "night")?.hours).toBe(9);
  });
});

describe("a day whose only hour loses its readings", () => {
  // The readings triggers first take the reading out of its hour (count − 1), then delete an hour
  // left at 0: the day's recompute in between must not read that empty hour (0 / 0 is NULL in
  // SQLite, and a day whose only hour it was failed on mean_min NOT NULL: purge and re-decode with it).
  it.each(["air.no2", "sound.laeq"])("%s: delete, re-decode to another day, purge", async (key) => {
    const quantity = (await quantityIndex(env.DB)).get(key)!;
    const device = key === "air.no2" ? 700_101 : 700_102;
    const [d1, d2] = [parisDayRange("2026-05-11").start + 10 * 3_600_000, parisDayRange("2026-05-12").start + 10 * 3_600_000];
    await writeReadings(device, [[quantity.id, d1, 400], [quantity.id, d1 + 900_000, 500], [quantity.id, d2, 600]]);
    const days = async () =>
      (await env.DB.prepare("SELECT day, hours, mean_sum AS sum FROM rollup_day_hourly WHERE device_id = ?1 ORDER BY day").bind(device).all<{ day: string; hours: number; sum: number }>()).results;
    expect(await days()).toEqual([{ day: "2026-05-11", hours: 1, sum: 450 }, { day: "2026-05-12", hours: 1, sum: 600 }]);

    // One reading deleted, then the hour's last one moved to the other day (an update of its time).
    await env.DB.prepare("DELETE FROM readings WHERE device_id = ?1 AND time = ?2").bind(device, d1).run();
    await env.DB.prepare("UPDATE readings SET time = ?3 WHERE device_id = ?1 AND time = ?2").bind(device, d1 + 900_000, d2 + 900_000).run();
    expect(await days()).toEqual([{ day: "2026-05-12", hours: 1, sum: 550 }]);
    await expectRollupsMatchReadings([device]);

    // The purge of the device: its last day goes too.
    await env.DB.prepare("DELETE FROM readings WHERE device_id = ?1").bind(device).run();
    expect(await days()).toEqual([]);
  });
});
