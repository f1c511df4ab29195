import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackUp, frame, newDevEui } from "../helpers/fixtures.ts";
import { accepted, settle } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Buffered samples sent late (issue 8 §1): a delayed measurement frame carries the age of its
 * newest sample, and its readings are dated back from the uplink's time by that age and by the
 * interval for each older sample. A frame without the field keeps the old rule: its newest sample
 * is dated at the uplink's time. Times are compared with the stored uplink's own time, whichever
 * clock the time policy picks for it.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const T = Date.parse("2026-03-14T12:00:00Z");
const SECOND = 1000;

const SAMPLES = [
  { air: { temperature: 20.1, no2: 30 }, battery: 3.6 },
  { air: { temperature: 20.4, no2: 33 }, battery: 3.6 },
  { air: { temperature: 20.9, no2: 41 }, battery: 3.59 },
];

async function device(): Promise<string> {
  const devEui = newDevEui();
  await registerDevice(reg.admin, devEui, { profile: "env" });
  return devEui;
}

/** The uplink's stored time and the distinct times of its readings, oldest first. */
async function stored(devEui: string): Promise<{ uplink: number; readings: number[] }> {
  const up = await env.DB.prepare("SELECT u.time FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1").bind(devEui).first<{ time: number }>();
  const { results } = await env.DB.prepare(
    "SELECT DISTINCT r.time FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.dev_eui = ?1 ORDER BY r.time",
  )
    .bind(devEui)
    .all<{ time: number }>();
  if (!up) throw new Error(`no uplink stored for ${devEui}`);
  return { uplink: up.time, readings: results.map((r) => r.time) };
}

describe("samples of a late frame", () => {
  it("are dated from the uplink's time minus the age of the newest sample, an interval apart", async () => {
    const devEui = await device();
    const { bytes, fPort } = frame("env", { message: "measurement", interval: 600, age: 3600, samples: SAMPLES });
    expect(bytes[0]).toBe(2); // header format version 0 (delayed), three samples
    await accepted("up", chirpstackUp({ devEui, fPort, data: bytes, time: T, fCnt: 7 }), reg.ingest);
    await settle(reg.ingest);
    const { uplink, readings } = await stored(devEui);
    expect(readings.map((t) => (t - uplink) / SECOND)).toEqual([-3600 - 1200, -3600 - 600, -3600]);
  });

  it("without the age field are dated as before: the newest sample at the uplink's time", async () => {
    const devEui = await device();
    const { bytes, fPort } = frame("env", { message: "measurement", interval: 600, samples: SAMPLES });
    await accepted("up", chirpstackUp({ devEui, fPort, data: bytes, time: T, fCnt: 8 }), reg.ingest);
    await settle(reg.ingest);
    const { uplink, readings } = await stored(devEui);
    expect(readings.map((t) => (t - uplink) / SECOND)).toEqual([-1200, -600, 0]);
  });
});
