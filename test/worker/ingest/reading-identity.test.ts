import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import { redecodeUplinks } from "../../../worker/src/ingest/redecode.ts";
import { consumeBatch, queueMessage } from "../helpers/consumer.ts";
import { chirpstackUp, frame, newDevEui } from "../helpers/fixtures.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Readings know the uplink that wrote them (migration 0003): re-decoding replaces exactly what
 * one uplink wrote, and two uplinks that decode to the same (device, quantity, time) are resolved
 * by one rule — the earliest uplink owns the reading — whatever order they arrive in.
 */

const T = Date.parse("2026-03-20T10:00:00Z");
const MINUTE = 60_000;

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
  await quantityIndex(env.DB);
});

async function noiseDevice(): Promise<string> {
  const devEui = newDevEui();
  await registerDevice(reg.admin, devEui, { profile: "noise" });
  return devEui;
}

const sample = (laeq: number) => ({ sound: { laeq, lamax: 70, lamin: 50, la10: 65, la90: 52 }, battery: 3.6 });

/** A noise frame of samples one minute apart, the last one at the uplink's time. */
function noiseUp(devEui: string, fCnt: number, time: number, laeqs: number[]) {
  const f = frame("noise", laeqs.length === 1 ? { message: "measurement", samples: [sample(laeqs[0]!)] } : { message: "measurement", interval: 60, samples: laeqs.map(sample) });
  return chirpstackUp({ devEui, fCnt, fPort: f.fPort, data: f.bytes, time });
}

interface Row {
  time: number;
  laeq: number;
  uplinkTime: number;
  uplinkFCnt: number;
}

/** The sound.laeq readings of a device, each with the uplink that owns it. */
async function laeqReadings(devEui: string): Promise<Row[]> {
  const { results } = await env.DB.prepare(
    `SELECT r.time, r.value, r.time + r.uplink_lag AS up_time, r.uplink_f_cnt FROM readings r
     JOIN devices d ON d.id = r.device_id JOIN quantities q ON q.id = r.quantity_id
     WHERE d.dev_eui = ?1 AND q.key = 'sound.laeq' ORDER BY r.time`,
  )
    .bind(devEui)
    .all<{ time: number; value: number; up_time: number; uplink_f_cnt: number }>();
  return results.map((r) => ({ time: r.time, laeq: r.value / 10, uplinkTime: r.up_time, uplinkFCnt: r.uplink_f_cnt }));
}

async function readingCount(devEui: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.dev_eui = ?1").bind(devEui).first<{ n: number }>();
  return row?.n ?? -1;
}

async function note(devEui: string, fCnt: number): Promise<string | null> {
  return env.DB.prepare("SELECT u.note FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1 AND u.f_cnt = ?2").bind(devEui, fCnt).first("note");
}

describe("each reading names its uplink", () => {
  it("a three-sample frame's readings carry its uplink's time (as an offset) and frame counter", async () => {
    const devEui = await noiseDevice();
    await consumeBatch([queueMessage("up", noiseUp(devEui, 7, T, [60, 61, 62]))]);
    expect(await laeqReadings(devEui)).toEqual([
      { time: T - 2 * MINUTE, laeq: 60, uplinkTime: T, uplinkFCnt: 7 },
      { time: T - MINUTE, laeq: 61, uplinkTime: T, uplinkFCnt: 7 },
      { time: T, laeq: 62, uplinkTime: T, uplinkFCnt: 7 },
    ]);
    const span = await env.DB.prepare("SELECT u.readings_from, u.readings_to FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1").bind(devEui).first();
    expect(span).toEqual({ readings_from: T - 2 * MINUTE, readings_to: T });
  });
});

/** The earlier frame (samples 09:58, 09:59, 10:00) and a later one resending 09:59 and 10:00 with 10:01. */
function resentPair(devEui: string, jitter: { first: number; second: number }) {
  return {
    first: queueMessage("up", noiseUp(devEui, 1, T + jitter.first, [60, 61, 62])),
    second: queueMessage("up", noiseUp(devEui, 2, T + MINUTE + jitter.second, [61, 62, 63])),
  };
}

const arrivals = [
  ["earlier frame first, separate batches", async (a: Parameters<typeof consumeBatch>[0][number], b: typeof a) => (await consumeBatch([a]), await consumeBatch([b]))],
  ["later frame first, separate batches", async (a: Parameters<typeof consumeBatch>[0][number], b: typeof a) => (await consumeBatch([b]), await consumeBatch([a]))],
  ["later frame first, one batch", async (a: Parameters<typeof consumeBatch>[0][number], b: typeof a) => await consumeBatch([b, a])],
] as const;

describe.each(arrivals)("two uplinks decoding to the same samples (%s)", (_, deliver) => {
  it("a resent sample stays the earlier uplink's reading, once; the later uplink's note says so", async () => {
    const devEui = await noiseDevice();
    const { first, second } = resentPair(devEui, { first: 0, second: 0 });
    await deliver(first, second);
    expect(await laeqReadings(devEui)).toEqual([
      { time: T - 2 * MINUTE, laeq: 60, uplinkTime: T, uplinkFCnt: 1 },
      { time: T - MINUTE, laeq: 61, uplinkTime: T, uplinkFCnt: 1 },
      { time: T, laeq: 62, uplinkTime: T, uplinkFCnt: 1 },
      { time: T + MINUTE, laeq: 63, uplinkTime: T + MINUTE, uplinkFCnt: 2 },
    ]);
    expect(await readingCount(devEui)).toBe(4 * 6);
    expect(await note(devEui, 1)).toBeNull();
  });

  it("with real reception jitter (frames received 0.12 s and 1.7 s after the minute) a resent sample is still one reading", async () => {
    const devEui = await noiseDevice();
    const { first, second } = resentPair(devEui, { first: 120, second: 1_700 });
    await deliver(first, second);
    expect(await laeqReadings(devEui)).toEqual([
      { time: T - 2 * MINUTE + 120, laeq: 60, uplinkTime: T + 120, uplinkFCnt: 1 },
      { time: T - MINUTE + 120, laeq: 61, uplinkTime: T + 120, uplinkFCnt: 1 },
      { time: T + 120, laeq: 62, uplinkTime: T + 120, uplinkFCnt: 1 },
      { time: T + MINUTE + 1_700, laeq: 63, uplinkTime: T + MINUTE + 1_700, uplinkFCnt: 2 },
    ]);
    expect(await readingCount(devEui)).toBe(4 * 6);
  });
});

describe("the later uplink is told", () => {
  it("stored after the earlier one, its note counts the readings the earlier uplink holds", async () => {
    const devEui = await noiseDevice();
    const { first, second } = resentPair(devEui, { first: 0, second: 0 });
    await consumeBatch([first]);
    await consumeBatch([second]);
    expect(await note(devEui, 2)).toMatch(/^12 readings at times an earlier uplink of this device had written already/);
  });
});

describe("re-decoding replaces exactly what an uplink wrote", () => {
  it("drops a reading its decoder no longer produces and leaves another uplink's reading at the same millisecond alone", async () => {
    const devEui = await noiseDevice();
    // B (fCnt 5, 09:59) owns 09:59; A (fCnt 6, 10:00) decodes to 09:58, 09:59 and 10:00.
    await consumeBatch([queueMessage("up", noiseUp(devEui, 5, T - MINUTE, [70]))]);
    await consumeBatch([queueMessage("up", noiseUp(devEui, 6, T, [60, 61, 62]))]);
    // As if an older decoder had also given A a sample at 09:57, which the current one does not produce.
    const device = (await env.DB.prepare("SELECT id FROM devices WHERE dev_eui = ?1").bind(devEui).first<{ id: number }>())!.id;
    const laeq = (await quantityIndex(env.DB)).get("sound.laeq")!.id;
    await env.DB.batch([
      env.DB.prepare("INSERT INTO readings (device_id, quantity_id, time, value, uplink_lag, uplink_f_cnt) VALUES (?1, ?2, ?3, 590, ?4, 6)").bind(device, laeq, T - 3 * MINUTE, 3 * MINUTE),
      env.DB.prepare("UPDATE uplinks SET readings_from = ?2 WHERE device_id = ?1 AND f_cnt = 6").bind(device, T - 3 * MINUTE),
    ]);

    const report = await redecodeUplinks(env.DB, { devEui, from: T, to: T + 1, failedOnly: false, limit: 10 });
    expect(report).toMatchObject({ uplinks: 1, decoded: 1 });
    expect(await laeqReadings(devEui)).toEqual([
      { time: T - 2 * MINUTE, laeq: 60, uplinkTime: T, uplinkFCnt: 6 },
      { time: T - MINUTE, laeq: 70, uplinkTime: T - MINUTE, uplinkFCnt: 5 },
      { time: T, laeq: 62, uplinkTime: T, uplinkFCnt: 6 },
    ]);
    // Twice gives the same rows.
    await redecodeUplinks(env.DB, { devEui, from: T, to: T + 1, failedOnly: false, limit: 10 });
    expect((await laeqReadings(devEui)).map((r) => [r.time, r.uplinkFCnt])).toEqual([
      [T - 2 * MINUTE, 6],
      [T - MINUTE, 5],
      [T, 6],
    ]);
  });
});
