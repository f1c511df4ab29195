import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackUp, envFrame, frame, newDevEui, uuid } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { settle } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Nothing doubled: a redelivery is recognised by ChirpStack's deduplicationId, or — when the id
 * differs — by the same frame counter and payload within 10 minutes. Whatever the route, and
 * whether the copies reach the queue consumer in one batch or in two, the database holds one
 * uplink and one set of readings. Every delivery is answered 202 accepted.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

async function postUp(json: unknown): Promise<void> {
  const r = await call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json });
  expect([r.status, r.body["result"]]).toEqual([202, "accepted"]);
}

/** Posts the events one after the other, each consumed before the next is sent (separate batches). */
async function oneByOne(...events: unknown[]): Promise<void> {
  for (const e of events) {
    await postUp(e);
    await settle(reg.ingest);
  }
}

/**
 * Posts the events in order without waiting for the consumer: they usually reach it in the same
 * batch (consume.test.ts builds such a batch itself, to be sure).
 */
async function together(...events: unknown[]): Promise<void> {
  for (const e of events) await postUp(e);
  await settle(reg.ingest);
}

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

describe.each([
  ["in separate batches", oneByOne],
  ["in one batch", together],
] as const)("deduplication, copies %s", (_, deliver) => {
  it("the same event twice (same deduplicationId) is stored once", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    const up = chirpstackUp({ devEui, fCnt: 1, fPort, data: bytes, time: T });
    await deliver(up, up);
    expect(await counts(devEui)).toEqual({ uplinks: 1, readings: 9 });
  });

  it("a retransmission (new id, same fCnt and payload, 5 minutes later) is a duplicate", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    await deliver(chirpstackUp({ devEui, fCnt: 5, fPort, data: bytes, time: T }), chirpstackUp({ devEui, fCnt: 5, fPort, data: bytes, time: T + 5 * MINUTE, deduplicationId: uuid() }));
    expect(await counts(devEui)).toEqual({ uplinks: 1, readings: 9 });
    // The first one is the one kept.
    const kept = await env.DB.prepare("SELECT u.time FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1").bind(devEui).first<{ time: number }>();
    expect(kept?.time).toBe(T);
  });

  it("the same fCnt and payload 20 minutes later (counter reset after a rejoin) is a new uplink", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    await deliver(chirpstackUp({ devEui, fCnt: 0, fPort, data: bytes, time: T }), chirpstackUp({ devEui, fCnt: 0, fPort, data: bytes, time: T + 20 * MINUTE }));
    expect(await counts(devEui)).toEqual({ uplinks: 2, readings: 18 });
  });

  it("the same fCnt with another payload within the window is a new uplink", async () => {
    const devEui = await device();
    const a = envFrame();
    const b = frame("env", { air: { temperature: 25 }, battery: 3.5 });
    await deliver(chirpstackUp({ devEui, fCnt: 0, fPort: a.fPort, data: a.bytes, time: T }), chirpstackUp({ devEui, fCnt: 0, fPort: b.fPort, data: b.bytes, time: T + MINUTE }));
    expect(await counts(devEui)).toEqual({ uplinks: 2, readings: 11 });
  });

  it("a multi-sample frame that repeats buffered samples adds only the new ones", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "noise" });
    const sample = (laeq: number) => ({ sound: { laeq, lamax: 70, lamin: 50, la10: 65, la90: 52 }, battery: 3.6 });
    // 10:00 carries samples of 09:58, 09:59, 10:00; 10:01 resends 09:59 and 10:00 with 10:01.
    const first = frame("noise", { message: "measurement", interval: 60, samples: [sample(60), sample(61), sample(62)] });
    const second = frame("noise", { message: "measurement", interval: 60, samples: [sample(61), sample(62), sample(63)] });
    await deliver(chirpstackUp({ devEui, fCnt: 1, fPort: first.fPort, data: first.bytes, time: T }), chirpstackUp({ devEui, fCnt: 2, fPort: second.fPort, data: second.bytes, time: T + MINUTE }));
    expect(await counts(devEui)).toEqual({ uplinks: 2, readings: 4 * 6 });
  });
});

describe("concurrent deliveries", () => {
  it("eight concurrent deliveries of one event are all accepted and stored once", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    const up = chirpstackUp({ devEui, fCnt: 9, fPort, data: bytes, time: T });
    const answers = await Promise.all(Array.from({ length: 8 }, () => call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json: up })));
    expect(answers.map((a) => [a.status, a.body["result"]])).toEqual(Array(8).fill([202, "accepted"]));
    await settle(reg.ingest);
    expect(await counts(devEui)).toEqual({ uplinks: 1, readings: 9 });
  });

  it("copies spread over several batches and interleaved with other devices' uplinks are stored once each", async () => {
    const devices = [await device(), await device(), await device()];
    const { bytes, fPort } = envFrame();
    const ups = devices.flatMap((devEui) => [1, 2, 3].map((fCnt) => chirpstackUp({ devEui, fCnt, fPort, data: bytes, time: T + fCnt * 20 * MINUTE })));
    // Each uplink three times: twice at once, once more after the first batch was stored.
    await Promise.all([...ups, ...ups].map(postUp));
    await Promise.all(ups.map(postUp));
    await settle(reg.ingest);
    for (const devEui of devices) expect(await counts(devEui)).toEqual({ uplinks: 3, readings: 27 });
  });
});
