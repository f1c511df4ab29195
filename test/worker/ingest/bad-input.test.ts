import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { chirpstackUp, envFrame, fixtureBytes, fixtureJson, newDevEui, envUp } from "../helpers/fixtures.ts";
import { call, type ErrorAnswer } from "../helpers/http.ts";
import { DECODE, MARKER_DEVICE, settle } from "../helpers/ingest.ts";
import { toProtobuf } from "../helpers/protobuf.ts";
import { type Registry, registerDevice, registerLegacyCodecDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Bad input, case by case: the exact status, the error code, a message that says what to fix,
 * and what the database, the queue and the spool hold afterwards. No 5xx, nothing silently
 * dropped: a refused request never reaches the queue; an accepted one is stored, raw at least.
 */

let reg: Registry;
let known: string;
beforeAll(async () => {
  reg = await setUpRegistry();
  known = newDevEui();
  await registerDevice(reg.admin, known, { profile: "env" });
});

/** What is stored (settle()'s markers left out), after everything accepted so far was consumed. */
async function snapshot(): Promise<Record<string, number>> {
  await settle(reg.ingest);
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM uplinks) AS uplinks, (SELECT count(*) FROM readings) AS readings,
            (SELECT count(*) FROM quarantine WHERE dev_eui <> ?1) AS quarantine, (SELECT count(*) FROM device_events) AS events`,
  )
    .bind(MARKER_DEVICE)
    .first<Record<string, number>>();
  return { ...row, spool: (await env.SPOOL.list()).objects.length };
}

const upJson = () => envUp(known, { fCnt: Math.floor(Math.random() * 1e9) });
const text = (value: unknown) => JSON.stringify(value);

interface Case {
  name: string;
  path?: string;
  body: () => BodyInit;
  contentType?: string;
  status: number;
  code: string;
  says: RegExp;
}

const REFUSED: Case[] = [
  { name: "truncated JSON", body: () => text(upJson()).slice(0, 120), status: 400, code: "INVALID_JSON", says: /not valid JSON/ },
  { name: "empty body", body: () => "", status: 400, code: "EMPTY_BODY", says: /empty/ },
  { name: "invalid UTF-8", body: () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), status: 400, code: "INVALID_JSON", says: /UTF-8/ },
  { name: "a JSON array", body: () => "[1,2]", status: 400, code: "INVALID_EVENT", says: /expected object/ },
  { name: "fCnt of the wrong type", body: () => text({ ...upJson(), fCnt: "forty-two" }), status: 400, code: "INVALID_EVENT", says: /fCnt: expected an unsigned 32-bit integer/ },
  { name: "negative fCnt", body: () => text({ ...upJson(), fCnt: -1 }), status: 400, code: "INVALID_EVENT", says: /fCnt/ },
  { name: "fPort above 255", body: () => text({ ...upJson(), fPort: 300 }), status: 400, code: "INVALID_EVENT", says: /fPort: expected an fPort between 0 and 255/ },
  { name: "data that is not base64", body: () => text({ ...upJson(), data: "AQ*m!" }), status: 400, code: "INVALID_EVENT", says: /data: not valid base64/ },
  { name: "data as a number", body: () => text({ ...upJson(), data: 12 }), status: 400, code: "INVALID_EVENT", says: /data: expected base64 bytes/ },
  { name: "no deviceInfo", body: () => text({ ...upJson(), deviceInfo: undefined }), status: 400, code: "INVALID_EVENT", says: /deviceInfo is required/ },
  {
    name: "a DevEUI that is not 16 hex digits",
    body: () => text({ ...upJson(), deviceInfo: { devEui: "0018b2000000000" } }),
    status: 400,
    code: "INVALID_EVENT",
    says: /deviceInfo\.devEui: expected 16 hex digits, got "0018b2000000000"/,
  },
  { name: "a time that is not RFC 3339", body: () => text({ ...upJson(), time: "yesterday" }), status: 400, code: "INVALID_EVENT", says: /time: expected an RFC 3339 timestamp/ },
  { name: "a deduplicationId that is not a UUID", body: () => text({ ...upJson(), deduplicationId: "abc" }), status: 400, code: "INVALID_EVENT", says: /deduplicationId: expected a UUID/ },
  { name: "rxInfo rssi as text", body: () => text({ ...upJson(), rxInfo: [{ rssi: "loud" }] }), status: 400, code: "INVALID_EVENT", says: /rxInfo\.0\.rssi/ },
  {
    name: "garbage protobuf",
    body: () => new TextEncoder().encode("definitely not protobuf"),
    contentType: "application/octet-stream",
    status: 400,
    code: "INVALID_PROTOBUF",
    says: /not a protobuf integration\.UplinkEvent/,
  },
  {
    name: "well-formed protobuf that is not an event (one unknown field, no deviceInfo)",
    body: () => new Uint8Array([0x98, 0x06, 0x01]),
    contentType: "application/octet-stream",
    status: 400,
    code: "INVALID_PROTOBUF",
    says: /has no deviceInfo, so it is not an integration\.UplinkEvent/,
  },
  {
    name: "a truncated protobuf",
    body: () => fixtureBytes("chirpstack/up.pb").slice(0, 200),
    contentType: "application/octet-stream",
    status: 400,
    code: "INVALID_PROTOBUF",
    says: /not a protobuf integration\.UplinkEvent/,
  },
  {
    // google-protobuf loops over a string's declared length past the end of the body: this hung the isolate.
    name: "a protobuf string field declaring 4 GiB in a 7-byte body",
    body: () => new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x41]),
    contentType: "application/octet-stream",
    status: 400,
    code: "INVALID_PROTOBUF",
    says: /not a protobuf integration\.UplinkEvent/,
  },
  {
    name: "a protobuf string field declaring 4 GiB inside deviceInfo",
    body: () => new Uint8Array([0x1a, 0x06, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    contentType: "application/octet-stream",
    status: 400,
    code: "INVALID_PROTOBUF",
    says: /not a protobuf integration\.UplinkEvent/,
  },
  {
    name: "a protobuf UplinkEvent posted as event=status",
    path: "/v1/ingest/chirpstack?event=status",
    body: () => fixtureBytes("chirpstack/up.pb"),
    contentType: "application/octet-stream",
    status: 400,
    code: "INVALID_PROTOBUF",
    says: /StatusEvent/,
  },
  {
    name: "a protobuf event without a DevEUI",
    body: () => toProtobuf("up", { ...upJson(), deviceInfo: { devEui: "" } }),
    contentType: "application/octet-stream",
    status: 400,
    code: "INVALID_EVENT",
    says: /deviceInfo\.devEui/,
  },
  { name: "an unknown event type", path: "/v1/ingest/chirpstack?event=integration", body: () => text(upJson()), status: 400, code: "UNKNOWN_EVENT", says: /event=integration is not a ChirpStack v4 event: expected one of up, join/ },
  { name: "no event parameter", path: "/v1/ingest/chirpstack", body: () => text(upJson()), status: 400, code: "MISSING_EVENT", says: /\?event=/ },
  { name: "an oversized body", body: () => text({ ...upJson(), padding: "x".repeat(200 * 1024) }), status: 413, code: "BODY_TOO_LARGE", says: /exceeds 131072 bytes/ },
  { name: "a text/plain body", body: () => text(upJson()), contentType: "text/plain", status: 415, code: "UNSUPPORTED_MEDIA_TYPE", says: /send application\/json or application\/octet-stream/ },
  { name: "no Content-Type", body: () => new TextEncoder().encode(text(upJson())), contentType: "", status: 415, code: "UNSUPPORTED_MEDIA_TYPE", says: /Content-Type is missing/ },
  { name: "protobuf to The Things Stack route", path: "/v1/ingest/ttn", body: () => fixtureBytes("chirpstack/up.pb"), contentType: "application/octet-stream", status: 415, code: "UNSUPPORTED_MEDIA_TYPE", says: /application\/json/ },
  { name: "truncated TTS JSON", path: "/v1/ingest/ttn", body: () => text(fixtureJson("ttn/uplink.json")).slice(0, 300), status: 400, code: "INVALID_JSON", says: /not valid JSON/ },
];

describe("refused requests store nothing", () => {
  it.each(REFUSED)("$name → $status $code", async (c) => {
    const before = await snapshot();
    const contentType = c.contentType ?? "application/json";
    const r = await call<ErrorAnswer>("POST", c.path ?? "/v1/ingest/chirpstack?event=up", {
      token: reg.ingest,
      body: c.body(),
      ...(contentType ? { contentType } : {}),
    });
    expect(r.status).toBe(c.status);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(r.body.error.code).toBe(c.code);
    expect(r.body.error.message).toMatch(c.says);
    expect((await env.INGEST_QUEUE.metrics()).backlogCount).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("a chunked body past the limit is cut off without a Content-Length to trust", async () => {
    const big = new TextEncoder().encode(text({ ...upJson(), padding: "y".repeat(300 * 1024) }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < big.length; i += 16 * 1024) controller.enqueue(big.slice(i, i + 16 * 1024));
        controller.close();
      },
    });
    const before = await snapshot();
    const r = await call<ErrorAnswer>("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, body: stream, contentType: "application/json" });
    expect(r.status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });
});

describe("accepted but not decodable: the raw uplink is kept with the reason", () => {
  async function uplink(devEui: string) {
    return env.DB.prepare("SELECT u.f_port, hex(u.payload) AS payload, u.decode, u.note FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1")
      .bind(devEui)
      .first<{ f_port: number; payload: string; decode: number; note: string }>();
  }

  async function post(json: unknown): Promise<void> {
    const r = await call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json });
    expect([r.status, r.body["result"]]).toEqual([202, "accepted"]);
    await settle(reg.ingest);
  }

  it("an unknown device: accepted (202), then quarantined with its reason, shown in the admin API", async () => {
    const stranger = newDevEui();
    const before = await snapshot();
    const r = await call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json: envUp(stranger) });
    expect([r.status, r.body["result"]]).toEqual([202, "accepted"]);
    expect(await snapshot()).toEqual({ ...before, quarantine: before["quarantine"]! + 1 });
    const q = await call<{ quarantine: Record<string, unknown>[] }>("GET", `/v1/admin/quarantine?devEui=${stranger}`, { token: reg.admin });
    expect(q.body.quarantine).toHaveLength(1);
    expect(q.body.quarantine[0]).toMatchObject({ devEui: stranger, event: "up", reason: { code: "UNKNOWN_DEVICE" }, resolvedAt: null });
    expect((q.body.quarantine[0]!["reason"] as { message: string }).message).toContain("POST /v1/admin/devices");
  });

  it("a wrong fPort for the profile: stored raw, decode failed UNSUPPORTED_PORT, no readings", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    await post(chirpstackUp({ devEui, data: envFrame().bytes, fPort: 99 }));
    expect(await uplink(devEui)).toMatchObject({ f_port: 99, decode: DECODE.failed, note: expect.stringMatching(/^UNSUPPORTED_PORT: .*unsupported fPort 99/) });
    expect(await readingCount(devEui)).toBe(0);
  });

  it("a truncated frame: stored raw, decode failed, no readings", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const { bytes, fPort } = envFrame();
    await post(chirpstackUp({ devEui, data: bytes.slice(0, 5), fPort }));
    const row = await uplink(devEui);
    expect(row?.payload).toBe([...bytes.slice(0, 5)].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase());
    expect(row?.decode).toBe(DECODE.failed);
    expect(await readingCount(devEui)).toBe(0);
  });

  it("a commercial codec without a decoder yet: stored raw with “no decoder for codec X yet”", async () => {
    const devEui = newDevEui();
    await registerLegacyCodecDevice(reg.admin, devEui, "acme/unreleased-sensor");
    await post(chirpstackUp({ devEui, data: "AQID", fPort: 5 }));
    expect(await uplink(devEui)).toMatchObject({ decode: DECODE.failed, note: expect.stringMatching(/^NO_DECODER: .*no decoder for codec acme\/unreleased-sensor yet/) });
    expect(await readingCount(devEui)).toBe(0);
  });

  it("an uplink without application payload (fPort 0): stored raw as empty, no error", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    await post(chirpstackUp({ devEui, data: "", fPort: 0 }));
    expect(await uplink(devEui)).toEqual({ f_port: 0, payload: "", decode: DECODE.empty, note: "fPort 0: MAC commands only, no application payload" });
    expect(await readingCount(devEui)).toBe(0);
  });

  it("unknown fields are ignored and fields ChirpStack omits when zero may be absent", async () => {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const { bytes, fPort } = envFrame();
    const up = chirpstackUp({ devEui, data: bytes, fPort });
    const minimal = {
      deviceInfo: { devEui, brandNewField: { nested: true } },
      time: up["time"],
      data: up["data"],
      fPort,
      rxInfo: [{ gatewayId: "0016c001f153a14c", crcStatus: "CRC_OK", futureField: 1 }],
      someFutureEventField: "x",
    };
    await post(minimal);
    expect(await uplink(devEui)).toMatchObject({ decode: DECODE.ok, note: null });
    expect(await readingCount(devEui)).toBe(9);
  });
});

async function readingCount(devEui: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM readings r JOIN devices d ON d.id = r.device_id WHERE d.dev_eui = ?1").bind(devEui).first<{ n: number }>();
  return row?.n ?? -1;
}
