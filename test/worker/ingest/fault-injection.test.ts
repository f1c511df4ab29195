import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forgetCredentials } from "../../../worker/src/auth/credentials.ts";
import { forgetQuantityIndex, quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import worker from "../../../worker/src/index.ts";
import { brokenBucket, brokenQueue, D1Faults, OUTAGE_MESSAGE, recordingQueue } from "../helpers/d1-faults.ts";
import { chirpstackEvent, chirpstackUp, frame, newDevEui } from "../helpers/fixtures.ts";
import { call, request } from "../helpers/http.ts";
import { accepted, settle, until } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Nothing lost, nothing doubled, with D1 failing. The Worker answers 202 once an event is in the
 * ingest queue; the queue consumer stores batches and has them retried while D1 fails; after the
 * last retry the dead-letter queue's consumer keeps the events in the R2 spool, which the cron
 * trigger replays into D1. An event the queue cannot take goes to the spool at once. Whatever
 * fails and whenever, every accepted event ends up stored exactly once.
 *
 * The queues are the real local ones (worker/vitest.config.ts: 4 attempts, then the dead-letter
 * queue); D1 is the real local D1 with faults injected around it (helpers/d1-faults.ts), which
 * reach the consumer the queue invokes.
 */

let reg: Registry;
let devices: string[];
let faults: D1Faults | undefined;

beforeAll(async () => {
  reg = await setUpRegistry();
  devices = [newDevEui(), newDevEui(), newDevEui()];
  for (const d of devices) await registerDevice(reg.admin, d, { profile: "env" });
});

beforeEach(async () => {
  // The quantity table is synced (a write of its own) so that the writes the plans count are the
  // events' own; the spool starts empty.
  forgetQuantityIndex();
  await quantityIndex(env.DB);
  for (const o of (await env.SPOOL.list()).objects) await env.SPOOL.delete(o.key);
});

afterEach(() => {
  faults?.uninstall();
  faults = undefined;
});

async function cron(target: Env = env): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *" }), target, ctx);
  await waitOnExecutionContext(ctx);
}

async function spooled(): Promise<number> {
  return (await env.SPOOL.list({ prefix: "spool/" })).objects.length;
}

/** The Worker's fetch handler with other bindings (a broken queue or bucket). */
async function send(target: Env, path: string, json: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request("POST", path, { token: reg.ingest, json }), target, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Sent {
  devEui: string;
  fCnt: number;
  readings: number;
}

/** Distinct uplinks over the three devices, each with a frame whose readings we count. */
function uplinks(count: number, firstFCnt: number): { json: Record<string, unknown>; sent: Sent }[] {
  return Array.from({ length: count }, (_, i) => {
    const devEui = devices[i % devices.length]!;
    const fCnt = firstFCnt + i;
    const f = frame("env", { air: { temperature: 10 + i / 10, relativeHumidity: 50 }, battery: 3.5 });
    return {
      json: chirpstackUp({ devEui, fCnt, fPort: f.fPort, data: f.bytes, time: Date.parse("2026-03-15T00:00:00Z") + fCnt * 60_000 }),
      sent: { devEui, fCnt, readings: 3 },
    };
  });
}

/** For every sent uplink: how many uplink rows and readings the database holds for it. */
async function storedCopies(sent: Sent[]): Promise<{ uplinks: number; readings: number }[]> {
  const out: { uplinks: number; readings: number }[] = [];
  for (const s of sent) {
    const row = await env.DB.prepare(
      `SELECT count(*) AS uplinks, (SELECT count(*) FROM readings r WHERE r.device_id = u.device_id AND r.time = u.time) AS readings
       FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1 AND u.f_cnt = ?2`,
    )
      .bind(s.devEui, s.fCnt)
      .first<{ uplinks: number; readings: number }>();
    out.push(row ?? { uplinks: -1, readings: -1 });
  }
  return out;
}

const once = (batch: { sent: Sent }[]) => batch.map((b) => ({ uplinks: 1, readings: b.sent.readings }));
const allStored = async (batch: { sent: Sent }[]) => (await storedCopies(batch.map((b) => b.sent))).every((c) => c.uplinks === 1);

async function deviceEvents(devEui: string, kind: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM device_events e JOIN devices d ON d.id = e.device_id WHERE d.dev_eui = ?1 AND e.kind = ?2")
    .bind(devEui, kind)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

async function quarantinedRows(devEui: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM quarantine WHERE dev_eui = ?1").bind(devEui).first<{ n: number }>();
  return row?.n ?? -1;
}

describe("the fault injector", () => {
  it("fails exactly the write calls it plans, on the real D1, and lets reads through", async () => {
    faults = D1Faults.install({ failWrites: 1 });
    const insert = () => env.DB.prepare("INSERT INTO territories (code, name, created_at, updated_at) VALUES (?1, 'x', 0, 0)");
    await expect(insert().bind("fault-a").run()).rejects.toThrow(OUTAGE_MESSAGE);
    await insert().bind("fault-b").run();
    expect(await env.DB.prepare("SELECT group_concat(code) AS c FROM territories WHERE code LIKE 'fault-%'").first("c")).toBe("fault-b");
    expect([faults.writes, faults.failed]).toEqual([2, 1]);
  });
});

describe("D1 fails on N writes", () => {
  it("the consumer's batches are retried until stored: every accepted event is stored exactly once, none dead-lettered", async () => {
    const batch = uplinks(30, 1000);
    const stranger = newDevEui();
    faults = D1Faults.install({ failWrites: 3 });

    // 30 uplinks, 10 of them delivered twice (ChirpStack posting to two endpoints), a status event
    // and an uplink of an unknown device: every one accepted while D1 fails.
    for (const { json } of batch) await accepted("up", json, reg.ingest);
    for (const { json } of batch.slice(0, 10)) await accepted("up", json, reg.ingest);
    await accepted("status", chirpstackEvent("status", devices[0]!), reg.ingest);
    await accepted("up", chirpstackUp({ devEui: stranger, fCnt: 1 }), reg.ingest);

    await until(async () => (await allStored(batch)) && (await deviceEvents(devices[0]!, "status")) === 1 && (await quarantinedRows(stranger)) === 1, "every event stored", 60_000);
    await settle(reg.ingest);
    expect(faults.failed).toBe(3);
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(once(batch));
    expect(await deviceEvents(devices[0]!, "status")).toBe(1);
    expect(await quarantinedRows(stranger)).toBe(1);
    // The retries stored everything: nothing went to the dead-letter queue and the spool.
    expect(await spooled()).toBe(0);
    // Each failed batch waits for the local queue to hand its messages back: on a loaded machine that takes seconds.
  }, 90_000);

  it("a batch whose commit happened but whose answer was lost is retried and found stored, not doubled", async () => {
    const batch = uplinks(6, 2000);
    faults = D1Faults.install({ loseAnswers: 1 });
    for (const { json } of batch) await accepted("up", json, reg.ingest);
    await until(async () => faults!.lost === 1 && (await allStored(batch)), "the lost commit");
    await settle(reg.ingest);
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(once(batch));
    expect(await spooled()).toBe(0);
  });
});

describe("D1 down until the retries are exhausted", () => {
  it("the dead-letter queue's consumer keeps the events in the spool; the cron replays them once D1 is back, exactly once", async () => {
    const batch = uplinks(8, 3000);
    // The isolate knows the token (a request while D1 was up).
    await accepted("up", batch[0]!.json, reg.ingest);
    await settle(reg.ingest);

    faults = D1Faults.install({ down: true });
    for (const { json } of batch.slice(1)) await accepted("up", json, reg.ingest);
    await accepted("join", chirpstackEvent("join", devices[1]!), reg.ingest);
    // 4 attempts each, then the dead-letter queue, then R2.
    await until(async () => (await spooled()) === 8, "8 dead letters in the spool");
    const keys = (await env.SPOOL.list({ prefix: "spool/", include: ["customMetadata"] })).objects;
    expect(keys.every((o) => o.customMetadata?.["reason"]?.startsWith("dead-lettered"))).toBe(true);

    // The cron runs while D1 is still down: it stops at the first failure and keeps everything.
    await cron();
    expect(await spooled()).toBe(8);

    faults.uninstall();
    await cron();
    expect(await spooled()).toBe(0);
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(once(batch));
    expect(await deviceEvents(devices[1]!, "join")).toBe(1);

    // Replaying again, or the same events delivered again, changes nothing.
    for (const { json } of batch.slice(4)) await accepted("up", json, reg.ingest);
    await settle(reg.ingest);
    await cron();
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(once(batch));
  });

  it("with no cached credential the Worker cannot tell who is calling: 503, nothing claimed", async () => {
    forgetCredentials();
    faults = D1Faults.install({ down: true });
    const r = await call("POST", "/v1/ingest/chirpstack?event=up", { token: reg.ingest, json: uplinks(1, 4000)[0]!.json });
    expect(r.status).toBe(503);
    expect(r.body["error"]).toMatchObject({ code: "STORAGE_UNAVAILABLE" });
    expect(r.headers.get("retry-after")).toBe("30");
  });
});

describe("concurrent requests share a sendBatch (ingest/queue.ts sendCoalesced)", () => {
  it("each answers accepted once its message is in the queue; all are stored once", async () => {
    const batch = uplinks(6, 7000);
    const { queue, calls } = recordingQueue(env.INGEST_QUEUE);
    const target = { ...env, INGEST_QUEUE: queue };
    const answers = await Promise.all(batch.map((b) => send(target, "/v1/ingest/chirpstack?event=up", b.json)));
    expect(answers.map((a) => [a.status, a.body["result"]])).toEqual(batch.map(() => [202, "accepted"]));
    // Fewer queue calls than requests, every message in exactly one of them.
    expect(calls.some((c) => c.method === "sendBatch" && c.messages > 1)).toBe(true);
    expect(calls.reduce((n, c) => n + c.messages, 0)).toBe(batch.length);
    await settle(reg.ingest);
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(once(batch));
  });

  it("a shared sendBatch that fails: each request sends its own message alone, and is accepted, not spooled", async () => {
    const batch = uplinks(5, 7100);
    const { queue, calls } = recordingQueue(env.INGEST_QUEUE, { failBatches: true });
    const target = { ...env, INGEST_QUEUE: queue };
    const answers = await Promise.all(batch.map((b) => send(target, "/v1/ingest/chirpstack?event=up", b.json)));
    expect(answers.map((a) => [a.status, a.body["result"]])).toEqual(batch.map(() => [202, "accepted"]));
    expect(calls.some((c) => c.failed && c.messages > 1)).toBe(true);
    // Every message ends up sent alone once: at first if it travelled alone, after its failed batch otherwise.
    expect(calls.filter((c) => c.method === "send").length).toBe(batch.length);
    expect(await spooled()).toBe(0);
    await settle(reg.ingest);
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(once(batch));
  });
});

describe("the queue cannot take an event", () => {
  it("a send that fails: the event goes to the spool (202 deferred) and the cron stores it, exactly once", async () => {
    const [first] = uplinks(1, 5000);
    const target = { ...env, INGEST_QUEUE: brokenQueue(env.INGEST_QUEUE) };
    // Delivered twice while the queue is down: one spool entry.
    for (let i = 0; i < 2; i++) {
      const r = await send(target, "/v1/ingest/chirpstack?event=up", first!.json);
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ result: "deferred", event: "up", devEui: first!.sent.devEui, message: expect.stringContaining("spool") });
    }
    expect(await spooled()).toBe(1);
    expect(await storedCopies([first!.sent])).toEqual([{ uplinks: 0, readings: 0 }]);
    await cron();
    expect(await spooled()).toBe(0);
    expect(await storedCopies([first!.sent])).toEqual(once([first!]));
  });

  it("an event too big for a queue message (128 KB) is spooled too, and stored whole", async () => {
    const description = `decodeUplink returned errors: ${"x".repeat(129_000)}`;
    const r = await call("POST", "/v1/ingest/chirpstack?event=log", { token: reg.ingest, json: chirpstackEvent("log", devices[2]!, { description }) });
    expect([r.status, r.body["result"]]).toEqual([202, "deferred"]);
    expect(await spooled()).toBe(1);
    await cron();
    const row = await env.DB.prepare("SELECT length(e.detail) AS n FROM device_events e JOIN devices d ON d.id = e.device_id WHERE d.dev_eui = ?1 AND e.kind = 'log'")
      .bind(devices[2])
      .first<{ n: number }>();
    expect(row?.n).toBeGreaterThan(129_000);
  });

  it("when the spool cannot be written either, the answer is 503 (never a false 2xx)", async () => {
    const target = { ...env, INGEST_QUEUE: brokenQueue(env.INGEST_QUEUE), SPOOL: brokenBucket(env.SPOOL) };
    const r = await send(target, "/v1/ingest/chirpstack?event=up", uplinks(1, 6000)[0]!.json);
    expect(r.status).toBe(503);
    expect(r.body["error"]).toMatchObject({ code: "STORAGE_UNAVAILABLE" });
    expect(await spooled()).toBe(0);
  });
});
