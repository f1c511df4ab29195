import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackEvent, chirpstackUp, fixtureJson, newDevEui, ttnUplink } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { settle } from "../helpers/ingest.ts";
import { toProtobuf } from "../helpers/protobuf.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * What ingest does not store as a measurement, and says so: frames longer than LoRaWAN allows,
 * events too large for the ingest queue, The Things Stack's simulated uplinks and its message
 * types that carry no measurement.
 */

let reg: Registry;
beforeAll(async () => {
  reg = await setUpRegistry();
});

/** Everything kept for a device: uplink rows and quarantined events. */
async function kept(devEui: string): Promise<{ uplinks: number; quarantined: number }> {
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1) AS uplinks,
            (SELECT count(*) FROM quarantine WHERE dev_eui = ?1) AS quarantined`,
  )
    .bind(devEui)
    .first<{ uplinks: number; quarantined: number }>();
  return { uplinks: row?.uplinks ?? -1, quarantined: row?.quarantined ?? -1 };
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

describe("FRMPayload longer than LoRaWAN allows", () => {
  // LoRaWAN Regional Parameters: the largest MACPayload of any region and data rate is 250 bytes
  // (EU868 DR4-DR7, US915 DR4, AS923 …), and the smallest frame header takes 8 of them (FHDR 7 + FPort 1).
  it("ChirpStack JSON: 242 bytes are accepted, 243 are a 400 naming the limit, and nothing is kept", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const ok = await call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json: chirpstackUp({ devEui, fCnt: 1, data: bytes(242) }) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    const r = await call<ErrorAnswer>("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json: chirpstackUp({ devEui, fCnt: 2, data: bytes(243) }) });
    expect([r.status, r.body.error.code]).toEqual([400, "PAYLOAD_TOO_LONG"]);
    expect(r.body.error.message).toContain("242 bytes");
    expect(r.body.error.message).toContain("243");
    await settle(reg.ingest);
    expect(await kept(devEui)).toEqual({ uplinks: 1, quarantined: 0 });
  });

  it("ChirpStack protobuf: the same limit", async () => {
    const devEui = newDevEui();
    const pb = toProtobuf("up", chirpstackUp({ devEui, fCnt: 2, data: bytes(1000) }));
    const r = await call<ErrorAnswer>("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, body: pb, contentType: "application/octet-stream" });
    expect([r.status, r.body.error.code]).toEqual([400, "PAYLOAD_TOO_LONG"]);
  });

  it("The Things Stack: the same limit on frm_payload", async () => {
    const devEui = newDevEui();
    const r = await call<ErrorAnswer>("POST", "/v1/ingest/ttn", { token: reg.ingest, json: ttnUplink({ devEui, fCnt: 2, data: bytes(10 * 1024) }) });
    expect([r.status, r.body.error.code]).toEqual([400, "PAYLOAD_TOO_LONG"]);
    expect(r.body.error.message).toContain("uplink_message.frm_payload");
  });
});

describe("an event too large for the ingest queue", () => {
  // Stored whole after the spool replay: fault-injection.test.ts. Here: what it is told and what is kept.
  it("is deferred to the spool with a message that names the queue's limit, not 'queue unavailable'", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const spooledBefore = new Set((await env.SPOOL.list()).objects.map((o) => o.key));
    // A log event whose description fills the request body (128 KiB) past the queue's 128 KB per message.
    const log = chirpstackEvent("log", devEui, { description: "x".repeat(128_500) });
    const r = await call("POST", "/v1/ingest/chirpstack?event=log", { token: reg.ingest, json: log });
    expect([r.status, r.body["result"]], JSON.stringify(r.body)).toEqual([202, "deferred"]);
    expect(r.body["message"]).toContain("128 KB");
    expect(r.body["message"]).not.toMatch(/unavailable/i);
    const added = (await env.SPOOL.list({ include: ["customMetadata"] })).objects.filter((o) => !spooledBefore.has(o.key));
    expect(added).toHaveLength(1);
    expect(added[0]?.customMetadata?.["reason"]).toMatch(/^too large for a queue message: \d+ bytes/);
  });
});

describe("The Things Stack messages that are not measurements", () => {
  it("a simulated uplink (the console's 'Simulate uplink') is answered 'ignored' and stored nowhere", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const r = await call("POST", "/v1/ingest/ttn", { token: reg.ingest, json: { ...ttnUplink({ devEui, fCnt: 7 }), simulated: true } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({ result: "ignored", message: expect.stringContaining("simulated") });
    await settle(reg.ingest);
    expect(await kept(devEui)).toEqual({ uplinks: 0, quarantined: 0 });
  });

  it.each(["downlink_ack", "downlink_nack", "downlink_sent", "downlink_failed", "downlink_queued", "downlink_queue_invalidated", "location_solved", "service_data", "uplink_normalized"])(
    "%s is answered 'ignored', naming the message type and the webhook setting, and nothing is kept",
    async (type) => {
      const devEui = newDevEui();
      await registerDevice(reg.admin, devEui, { profile: "env" });
      const m = fixtureJson("ttn/uplink.json");
      const body = { end_device_ids: { ...(m["end_device_ids"] as object), dev_eui: devEui.toUpperCase() }, received_at: "2026-03-14T09:34:15.998Z", [type]: { f_port: 10 } };
      const r = await call("POST", "/v1/ingest/ttn", { token: reg.ingest, json: body });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body).toMatchObject({ result: "ignored", devEui });
      expect(r.body["message"]).toContain(type);
      expect(r.body["message"]).toContain("Uplink message");
      await settle(reg.ingest);
      expect(await kept(devEui)).toEqual({ uplinks: 0, quarantined: 0 });
    },
  );

  it("a body with no message type at all is a 400 listing the types it knows", async () => {
    const m = fixtureJson("ttn/uplink.json");
    const r = await call<ErrorAnswer>("POST", "/v1/ingest/ttn", { token: reg.ingest, json: { end_device_ids: m["end_device_ids"], something_else: {} } });
    expect([r.status, r.body.error.code]).toEqual([400, "UNSUPPORTED_MESSAGE"]);
    expect(r.body.error.message).toContain("uplink_message");
    expect(r.body.error.message).toContain("join_accept");
  });
});
