import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import { parisDay, parisDayRange } from "../../../worker/src/rollups/paris-day.ts";
import type { ReadingRow } from "../../../worker/src/store/readings.ts";
import { listHourlyMeanDays, listHourRollups, listNoisePeriods } from "../../../worker/src/store/rollups.ts";
import { writeReadings } from "./write.ts";

/**
 * listHourlyMeanDays and listNoisePeriods (rollup_day_hourly, kept by the triggers of migration
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

function expectClose(actual: HourMeanStats[], wanted: HourMeanStats[]) {
  expect(actual.map((a) => [a.day, a.hours])).toEqual(wanted.map((w) => [w.day, w.hours]));
  actual.forEach((a, i) => {
    const w = wanted[i]!;
    for (const k of ["meanMin", "meanMax", "meanSum"] as const) expect(a[k], `${a.day} ${k}`).toBeCloseTo(w[k], 9);
    if (w.energyMeanSum === null) expect(a.energyMeanSum).toBeNull();
    else expect(Math.abs(a.energyMeanSum! - w.energyMeanSum) / w.energyMeanSum).toBeLessThan(1e-9);
  });
}

describe("daily statistics of hourly means", () => {
  it("gives per local day the hours with data and the min, max and sum of hourly means, DST days included", async () => {
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

    const atmo = (await listHourlyMeanDays(env.DB, { deviceIds: [device], quantity: "air.no2", from: "2026-03-28", to: "2026-10-25" })).map((a) => ({ ...a, energyMeanSum: null }));
    expectClose(atmo, await expected(device, "air.no2", "2026-03-28", "2026-10-25", 0, () => true));
    expect(atmo.map((a) => [a.day, a.hours])).toEqual([["2026-03-28", 18], ["2026-03-29", 23], ["2026-03-30", 24], ["2026-10-23", 24], ["2026-10-24", 24], ["2026-10-25", 25]]);

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
