import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackUp, envFrame, fixtureBytes, fixtureJson, newDevEui, ttnUplink } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { DECODE, settle } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/** The Things Stack v3 webhooks: uplink messages (and join-accepts) through the same pipeline: 202 once queued, then stored. */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

const postTtn = (body: BodyInit, token = reg.ingest) => call("POST", "/v1/ingest/ttn", { token, body, contentType: "application/json" });

/** Posts, checks the 202, waits for the consumer. */
async function ingest(body: BodyInit): Promise<Record<string, unknown>> {
  const r = await postTtn(body);
  expect([r.status, r.body["result"]], JSON.stringify(r.body)).toEqual([202, "accepted"]);
  await settle(reg.ingest);
  return r.body;
}

async function uplinkRow(devEui: string) {
  return env.DB.prepare(
    `SELECT u.time, u.f_cnt, u.f_port, hex(u.payload) AS payload, hex(u.dedup_id) AS dedup, u.rssi, u.snr_cdb, u.dr, u.gateways, u.source, u.decode
     FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1`,
  )
    .bind(devEui)
    .all();
}

describe("uplink messages", () => {
  it("store the fixture (uppercase DevEUI, snake_case) with its network metadata", async () => {
    await registerDevice(reg.admin, "0018b20000000001", { profile: "waste" });
    const answer = await ingest(fixtureBytes("ttn/uplink.json"));
    expect(answer).toEqual({ result: "accepted", event: "up", devEui: "0018b20000000001", time: "2026-03-14T09:34:15.801Z" });
    const { results } = await uplinkRow("0018b20000000001");
    expect(results).toEqual([
      {
        time: Date.parse("2026-03-14T09:34:15.801Z"),
        f_cnt: 42,
        f_port: 10,
        payload: "0100E6",
        // as:up:01JQ7Z3K4M5N6P7Q8R9S0T1V2W, the ULID as 16 bytes
        dedup: "0195CFF1CC942D4D63DD184E41A0EC5C",
        rssi: -87,
        snr_cdb: 925,
        dr: 5, // SF7 / 125 kHz in EU868
        gateways: 1,
        source: 2,
        decode: DECODE.failed,
      },
    ]);
  });

  it("store a webhook retry of the same message once", async () => {
    await ingest(fixtureBytes("ttn/uplink.json"));
    expect((await uplinkRow("0018b20000000001")).results).toHaveLength(1);
  });

  it("decode an env measurement into readings, like the ChirpStack path", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const { bytes, fPort } = envFrame();
    await ingest(JSON.stringify(ttnUplink({ devEui, fCnt: 3, fPort, data: bytes, receivedAt: Date.parse("2026-03-14T12:00:00Z"), asUp: "01JQ80000000000000000000AA" })));
    expect((await uplinkRow(devEui)).results).toMatchObject([{ f_cnt: 3, decode: DECODE.ok }]);
    const readings = (await call<{ readings: { quantity: string; value: number }[] }>("GET", `/v1/admin/devices/${devEui}/readings?quantity=air.temperature`, { token: reg.admin })).body.readings;
    expect(readings).toEqual([{ quantity: "air.temperature", unit: "Cel", time: "2026-03-14T12:00:00.000Z", value: 21.35 }]);
  });

  it("treat the same frame delivered by ChirpStack and by The Things Stack as one uplink", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const { bytes, fPort } = envFrame();
    const t = Date.parse("2026-03-14T13:00:00Z");
    const viaChirpstack = await call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json: chirpstackUp({ devEui, fCnt: 11, fPort, data: bytes, time: t }) });
    expect(viaChirpstack.status).toBe(202);
    await ingest(JSON.stringify(ttnUplink({ devEui, fCnt: 11, fPort, data: bytes, receivedAt: t + 230 })));
    // One uplink: ChirpStack's, the first to arrive.
    expect((await uplinkRow(devEui)).results).toMatchObject([{ time: t, source: 1 }]);
  });

  it("store a frame without port and payload (TTS omits zero fields) as an empty uplink", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui);
    const m = ttnUplink({ devEui });
    const up = { ...(m["uplink_message"] as Record<string, unknown>) };
    delete up["f_port"];
    delete up["frm_payload"];
    delete up["decoded_payload"];
    await ingest(JSON.stringify({ ...m, uplink_message: up }));
    expect((await uplinkRow(devEui)).results).toMatchObject([{ f_port: 0, payload: "", decode: DECODE.empty }]);
  });
});

describe("other messages", () => {
  it("a join-accept becomes a join event", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui);
    const m = fixtureJson("ttn/uplink.json");
    const join = { end_device_ids: { ...(m["end_device_ids"] as object), dev_eui: devEui.toUpperCase() }, received_at: "2026-03-14T08:00:00.123456Z", join_accept: { session_key_id: "AY2x", received_at: "2026-03-14T08:00:00.100Z" } };
    expect(await ingest(JSON.stringify(join))).toMatchObject({ result: "accepted", event: "join", time: "2026-03-14T08:00:00.100Z" });
    const state = (await call<{ state: Record<string, unknown> }>("GET", `/v1/admin/devices/${devEui}`, { token: reg.admin })).body.state;
    expect(state).toMatchObject({ joinedAt: "2026-03-14T08:00:00.100Z", devAddr: "260b1a2c" });
  });

  it("a message without dev_eui is refused, naming the field", async () => {
    const m = fixtureJson("ttn/uplink.json");
    const r = await postTtn(JSON.stringify({ ...m, end_device_ids: { device_id: "x" } }));
    expect(r.status).toBe(400);
    expect((r.body as unknown as ErrorAnswer).error.message).toContain("end_device_ids.dev_eui");
  });
});
