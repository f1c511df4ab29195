import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackEvent, chirpstackUp, ENV_READING, envFrame, fixtureBytes, fixtureJson, newDevEui } from "../helpers/fixtures.ts";
import { call } from "../helpers/http.ts";
import { DECODE, settle, storedUplinks } from "../helpers/ingest.ts";
import { toProtobuf } from "../helpers/protobuf.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * ChirpStack v4 HTTP integration: every event type, as JSON and as protobuf, answered 202 once
 * queued, then stored in D1 by the queue consumer.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const post = (event: string, body: BodyInit, contentType: string, token = reg.ingest) =>
  call(`POST`, `/v1/ingest/chirpstack?event=${event}`, { token, body, contentType });
const postJson = (event: string, json: unknown) => post(event, JSON.stringify(json), "application/json");
const postPb = (event: string, bytes: Uint8Array) => post(event, bytes, "application/octet-stream");
const accepted = (event: string, devEui: string, time: string) => ({ result: "accepted", event, devEui, time });

async function uplinkRows(devEui: string) {
  const { results } = await env.DB.prepare(
    `SELECT u.time, u.f_cnt, u.f_port, hex(u.payload) AS payload, hex(u.dedup_id) AS dedup, u.rssi, u.snr_cdb, u.dr, u.gateways, u.source, u.decode, u.note
     FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1 ORDER BY u.time`,
  )
    .bind(devEui)
    .all();
  return results;
}

async function readings(devEui: string) {
  const r = await call<{ readings: { quantity: string; unit: string; time: string; value: unknown }[] }>("GET", `/v1/admin/devices/${devEui}/readings`, { token: reg.admin });
  return r.body.readings;
}

describe("up", () => {
  it("answers 202 accepted, then stores the fixture uplink (JSON) raw, with its undecodable payload recorded, and the device state", async () => {
    await registerDevice(reg.admin, "0018b20000000001", { profile: "waste" });
    const r = await post("up", fixtureBytes("chirpstack/up.json"), "application/json");
    expect(r.status).toBe(202);
    expect(r.body).toEqual(accepted("up", "0018b20000000001", "2026-03-14T09:34:15.775Z"));
    await settle(reg.ingest);
    expect(await uplinkRows("0018b20000000001")).toEqual([
      {
        time: Date.parse("2026-03-14T09:34:15.775Z"),
        f_cnt: 42,
        f_port: 10,
        payload: "0100E6",
        dedup: "3F6B2C1E8D4A4B7E9C2F1A5D7E9B3C40",
        rssi: -87,
        snr_cdb: 925,
        dr: 5,
        gateways: 1,
        source: 1,
        // "AQDm" on fPort 10 is another vendor's frame: header version 0 is no Cigale format.
        decode: DECODE.failed,
        note: expect.stringContaining("UNKNOWN_VERSION"),
      },
    ]);
    expect(await readings("0018b20000000001")).toEqual([]);
    const device = await call<{ state: Record<string, unknown> }>("GET", "/v1/admin/devices/0018b20000000001", { token: reg.admin });
    expect(device.body.state).toMatchObject({ lastSeenAt: "2026-03-14T09:34:15.775Z", fCnt: 42, fPort: 10, rssi: -87, snr: 9.25, dr: 5 });
  });

  it("reads the protobuf fixture (up.pb) as the same event as up.json: accepted, then found a duplicate", async () => {
    const r = await post("up", fixtureBytes("chirpstack/up.pb"), "application/octet-stream");
    expect(r.status).toBe(202);
    expect(r.body).toEqual(accepted("up", "0018b20000000001", "2026-03-14T09:34:15.775Z"));
    await settle(reg.ingest);
    expect(await uplinkRows("0018b20000000001")).toHaveLength(1);
  });

  for (const encoding of ["json", "protobuf"] as const) {
    it(`decodes an env measurement sent as ${encoding} into its nine readings`, async () => {
      const devEui = newDevEui();
      await registerDevice(reg.admin, devEui, { profile: "env" });
      const { bytes, fPort } = envFrame();
      const up = chirpstackUp({ devEui, fCnt: 7, fPort, data: bytes, time: Date.parse("2026-03-14T10:00:00Z") });
      const r = encoding === "json" ? await postJson("up", up) : await postPb("up", toProtobuf("up", up));
      expect([r.status, r.body["result"]]).toEqual([202, "accepted"]);
      await settle(reg.ingest);
      expect(await storedUplinks(devEui)).toEqual([{ f_cnt: 7, f_port: fPort, payload: expect.any(String), decode: DECODE.ok, note: null, readings: 9 }]);
      const time = "2026-03-14T10:00:00.000Z";
      expect(await readings(devEui)).toEqual(
        [
          { quantity: "air.no2", unit: "ug/m3", time, value: ENV_READING.air.no2 },
          { quantity: "air.o3", unit: "ug/m3", time, value: ENV_READING.air.o3 },
          { quantity: "air.pm10", unit: "ug/m3", time, value: ENV_READING.air.pm10 },
          { quantity: "air.pm1", unit: "ug/m3", time, value: ENV_READING.air.pm1 },
          { quantity: "air.pm2_5", unit: "ug/m3", time, value: ENV_READING.air.pm2_5 },
          { quantity: "air.pressure", unit: "hPa", time, value: ENV_READING.air.pressure },
          { quantity: "air.relativeHumidity", unit: "%", time, value: ENV_READING.air.relativeHumidity },
          { quantity: "air.temperature", unit: "Cel", time, value: ENV_READING.air.temperature },
          { quantity: "battery", unit: "V", time, value: ENV_READING.battery },
        ].sort((a, b) => (a.quantity < b.quantity ? -1 : 1)),
      );
      const device = await call<{ state: Record<string, unknown> }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin });
      expect(device.body.state).toMatchObject({ lastSeenAt: time, fCnt: 7, fPort: 1, battery: 3.61 });
    });
  }
});

/** The other event kinds: JSON to one device, protobuf to another; both must store the same thing. */
const OTHER_KINDS = ["join", "status", "ack", "txack", "log", "location"] as const;

describe.each(OTHER_KINDS)("%s", (kind) => {
  let jsonDevice: string;
  let pbDevice: string;
  beforeAll(async () => {
    jsonDevice = newDevEui();
    pbDevice = newDevEui();
    await registerDevice(reg.admin, jsonDevice);
    await registerDevice(reg.admin, pbDevice);
    const j = await postJson(kind, chirpstackEvent(kind, jsonDevice));
    const p = await postPb(kind, toProtobuf(kind, chirpstackEvent(kind, pbDevice)));
    const time = new Date(Date.parse(String(fixtureJson(`chirpstack/${kind}.json`)["time"]))).toISOString();
    expect([j.status, j.body]).toEqual([202, accepted(kind, jsonDevice, time)]);
    expect([p.status, p.body]).toEqual([202, accepted(kind, pbDevice, time)]);
    await settle(reg.ingest);
  });

  const events = async (devEui: string) =>
    (await call<{ events: Record<string, unknown>[] }>("GET", `/v1/admin/devices/${devEui}/events`, { token: reg.admin })).body.events;

  it("keeps one device event with the fields ChirpStack sent, identical from JSON and protobuf", async () => {
    const fromJson = await events(jsonDevice);
    const fromPb = await events(pbDevice);
    expect(fromJson).toHaveLength(1);
    expect(fromPb).toEqual(fromJson);
    const fixture = fixtureJson(`chirpstack/${kind}.json`);
    expect(fromJson[0]).toMatchObject({ kind, time: new Date(Date.parse(String(fixture["time"]))).toISOString() });
  });

  it("updates the device state an operator checks", async () => {
    for (const devEui of [jsonDevice, pbDevice]) {
      const state = (await call<{ state: Record<string, unknown> | null }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin })).body.state;
      if (kind === "join") expect(state).toMatchObject({ joinedAt: "2026-03-14T08:59:02.104Z", devAddr: "01a2b3c4" });
      else if (kind === "status") {
        expect(state).toMatchObject({ statusAt: "2026-03-14T10:04:47.330Z", batteryLevel: 50, margin: 10, externalPower: false });
        expect(await readings(devEui)).toEqual([{ quantity: "battery.level", unit: "%", time: "2026-03-14T10:04:47.330Z", value: 50 }]);
      } else if (kind === "location") {
        expect(state?.["location"]).toEqual({
          time: "2026-03-14T11:20:48.660Z",
          latitude: 52.370851,
          longitude: 4.894762,
          altitude: 3,
          accuracy: 35,
          source: "GEO_RESOLVER_TDOA",
        });
      } else expect(state).toBeNull();
    }
  });

  it("stores a redelivery once", async () => {
    const again = await postJson(kind, chirpstackEvent(kind, jsonDevice));
    expect([again.status, again.body["result"]]).toEqual([202, "accepted"]);
    await settle(reg.ingest);
    expect(await events(jsonDevice)).toHaveLength(1);
  });
});

describe("log events", () => {
  it("keep level, code, description and context, so a codec error can be traced to its uplink", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui);
    await postJson("log", chirpstackEvent("log", devEui));
    await settle(reg.ingest);
    const { events } = (await call<{ events: Record<string, unknown>[] }>("GET", `/v1/admin/devices/${devEui}/events?kind=log`, { token: reg.admin })).body;
    expect(events[0]).toMatchObject({
      level: "ERROR",
      code: "UPLINK_CODEC",
      detail: { description: "decodeUplink returned errors: unsupported fPort 99", context: { deduplication_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" } },
    });
  });

  it("two log lines of the same millisecond stay two events", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui);
    await postJson("log", chirpstackEvent("log", devEui, { time: "2026-03-14T11:02:33.018774560+00:00" }));
    await postJson("log", chirpstackEvent("log", devEui, { time: "2026-03-14T11:02:33.018999999+00:00" }));
    await settle(reg.ingest);
    const { events } = (await call<{ events: unknown[] }>("GET", `/v1/admin/devices/${devEui}/events`, { token: reg.admin })).body;
    expect(events).toHaveLength(2);
  });
});

describe("status events", () => {
  it("store no battery level when the device cannot measure it", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui);
    await postJson("status", chirpstackEvent("status", devEui, { batteryLevelUnavailable: true, batteryLevel: 0 }));
    await settle(reg.ingest);
    const state = (await call<{ state: Record<string, unknown> }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin })).body.state;
    expect(state).toMatchObject({ batteryLevel: null, margin: 10 });
    expect(await readings(devEui)).toEqual([]);
  });
});
