import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import { backfillRollups } from "../../../worker/src/rollups/backfill.ts";
import { parisDayRange } from "../../../worker/src/rollups/paris-day.ts";
import type { ReadingRow } from "../../../worker/src/store/readings.ts";
import { expectRollupsMatchReadings } from "./oracle.ts";
import { writeReadings } from "./write.ts";

/** The backfill rebuilds from readings exactly what the triggers keep. */

const snapshot = async (deviceIds: number[]) =>
  (
    await env.DB.prepare(
      `SELECT 'h' AS t, device_id, quantity_id, hour AS bucket, count, sum, min, max, round(energy, 3) AS energy FROM rollup_hour WHERE device_id IN (SELECT value FROM json_each(?1))
       UNION ALL SELECT 'd', device_id, quantity_id, day, count, sum, min, max, round(energy, 3) FROM rollup_day WHERE device_id IN (SELECT value FROM json_each(?1))
       ORDER BY 1, 2, 3, 4`,
    )
      .bind(JSON.stringify(deviceIds))
      .all()
  ).results;

describe("backfillRollups", () => {
  it("rebuilds lost and damaged rollups to what the triggers had kept, DST days included", async () => {
    const quantities = await quantityIndex(env.DB);
    const [laeq, no2] = [quantities.get("sound.laeq")!, quantities.get("air.no2")!];
    const devices = [800_001, 800_002, 800_003];
    const { start, end } = { start: parisDayRange("2026-10-24").start, end: parisDayRange("2026-10-26").end };
    for (const [i, device] of devices.entries()) {
      const rows: ReadingRow[] = [];
      for (let t = start; t < end; t += 15 * 60_000) rows.push([laeq.id, t, 400 + ((t / 60_000 + i) % 300)], [no2.id, t, (t / 900_000) % 90]);
      await writeReadings(device, rows);
    }
    const kept = await snapshot(devices);
    // Lost (a database from before migration 0006) and damaged rollups.
    await env.DB.prepare("DELETE FROM rollup_hour WHERE device_id = ?1").bind(devices[0]).run();
    await env.DB.prepare("DELETE FROM rollup_day WHERE device_id = ?1").bind(devices[0]).run();
    await env.DB.prepare("UPDATE rollup_hour SET count = count + 5, max = 0 WHERE device_id = ?1").bind(devices[1]).run();
    await env.DB.prepare("INSERT INTO rollup_day VALUES (?1, ?2, '2020-01-01', 1, 1, 1, 1, NULL)").bind(devices[2], no2.id).run();
    expect(await snapshot(devices)).not.toEqual(kept);

    const progress: number[] = [];
    const report = await backfillRollups(env.DB, { deviceIds: devices, onProgress: (p) => progress.push(p.done) });
    expect(report).toEqual({ devices: 3 });
    expect(progress).toEqual([1, 2, 3]);
    expect(await snapshot(devices)).toEqual(kept);
    await expectRollupsMatchReadings(devices);
  });

  it("finds every device with readings when no list is given", async () => {
    const { results } = await env.DB.prepare("SELECT DISTINCT device_id FROM readings ORDER BY 1").all<{ device_id: number }>();
    await env.DB.prepare("DELETE FROM rollup_hour").run();
    await env.DB.prepare("DELETE FROM rollup_day").run();
    const report = await backfillRollups(env.DB);
    expect(report.devices).toBe(results.length);
    await expectRollupsMatchReadings(results.map((r) => r.device_id));
  });
});
