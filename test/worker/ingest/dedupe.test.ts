import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackUp, envFrame, frame, newDevEui, uuid } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Nothing doubled: a redelivery is recognised by ChirpStack's deduplicationId, or — when the id
 * differs — by the same frame counter and payload within 10 minutes. Whatever the route, the
 * database holds one uplink and one set of readings.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const postUp = (json: unknown) => call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json });

async function counts(devEui: string): Promise<{ uplinks: number; readings: number }> {
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM uplinks WHERE device_id = d.id) AS uplinks, (SELECT count(*) FROM readings WHERE device_id = d.id) AS readings
     FROM devices d WHERE d.dev_eui = ?1`,
  )
    .bind(devEui)
    .first<{ uplinks: number; readings: number }>();
  return row ?? { uplinks: -1, readings: -1 };
}

async function device(): Promise<string> {
  const devEui = newDevEui();
  await registerDevice(reg.admin, devEui, { profile: "env" });
  return devEui;
}

const T = Date.parse("2026-03-14T09:00:00Z");
const MINUTE = 60_000;

describe("deduplication", () => {
  it("the same event twice (same deduplicationId) is stored once; the second answer says duplicate", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    const up = chirpstackUp({ devEui, fCnt: 1, fPort, data: bytes, time: T });
    expect((await postUp(up)).body["result"]).toBe("stored");
    const again = await postUp(up);
    expect([again.status, again.body["result"]]).toEqual([200, "duplicate"]);
    expect(await counts(devEui)).toEqual({ uplinks: 1, readings: 9 });
  });

  it("a retransmission (new id, same fCnt and payload, 5 minutes later) is a duplicate", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    await postUp(chirpstackUp({ devEui, fCnt: 5, fPort, data: bytes, time: T }));
    const r = await postUp(chirpstackUp({ devEui, fCnt: 5, fPort, data: bytes, time: T + 5 * MINUTE, deduplicationId: uuid() }));
    expect(r.body["result"]).toBe("duplicate");
    expect(await counts(devEui)).toEqual({ uplinks: 1, readings: 9 });
  });

  it("the same fCnt and payload 20 minutes later (counter reset after a rejoin) is a new uplink", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    await postUp(chirpstackUp({ devEui, fCnt: 0, fPort, data: bytes, time: T }));
    const r = await postUp(chirpstackUp({ devEui, fCnt: 0, fPort, data: bytes, time: T + 20 * MINUTE }));
    expect(r.body["result"]).toBe("stored");
    expect(await counts(devEui)).toEqual({ uplinks: 2, readings: 18 });
  });

  it("the same fCnt with another payload within the window is a new uplink", async () => {
    const devEui = await device();
    const a = envFrame();
    const b = frame("env", { air: { temperature: 25 }, battery: 3.5 });
    await postUp(chirpstackUp({ devEui, fCnt: 0, fPort: a.fPort, data: a.bytes, time: T }));
    const r = await postUp(chirpstackUp({ devEui, fCnt: 0, fPort: b.fPort, data: b.bytes, time: T + MINUTE }));
    expect(r.body["result"]).toBe("stored");
    expect(await counts(devEui)).toEqual({ uplinks: 2, readings: 11 });
  });

  it("eight concurrent deliveries of one event store it once", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    const up = chirpstackUp({ devEui, fCnt: 9, fPort, data: bytes, time: T });
    const answers = await Promise.all(Array.from({ length: 8 }, () => postUp(up)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(answers.filter((a) => a.body["result"] === "stored")).toHaveLength(1);
    expect(answers.filter((a) => a.body["result"] === "duplicate")).toHaveLength(7);
    expect(await counts(devEui)).toEqual({ uplinks: 1, readings: 9 });
  });

  it("a multi-sample frame that repeats buffered samples adds only the new ones", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "noise" });
    const sample = (laeq: number) => ({ sound: { laeq, lamax: 70, lamin: 50, la10: 65, la90: 52 }, battery: 3.6 });
    // 10:00 carries samples of 09:58, 09:59, 10:00; 10:01 resends 09:59 and 10:00 with 10:01.
    const first = frame("noise", { message: "measurement", interval: 60, samples: [sample(60), sample(61), sample(62)] });
    const second = frame("noise", { message: "measurement", interval: 60, samples: [sample(61), sample(62), sample(63)] });
    await postUp(chirpstackUp({ devEui, fCnt: 1, fPort: first.fPort, data: first.bytes, time: T }));
    await postUp(chirpstackUp({ devEui, fCnt: 2, fPort: second.fPort, data: second.bytes, time: T + MINUTE }));
    expect(await counts(devEui)).toEqual({ uplinks: 2, readings: 4 * 6 });
  });
});
