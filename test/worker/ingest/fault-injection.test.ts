import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forgetCredentials } from "../../../worker/src/auth/credentials.ts";
import { forgetQuantityIndex, quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import worker from "../../../worker/src/index.ts";
import { chirpstackEvent, chirpstackUp, frame, newDevEui } from "../helpers/fixtures.ts";
import { brokenBucket, FaultyD1 } from "../helpers/faulty-d1.ts";
import { request } from "../helpers/http.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Nothing lost, nothing doubled, with D1 failing. The Worker writes through to D1 and falls back
 * to the R2 spool; the cron trigger replays the spool. Whatever fails and whenever, every
 * accepted event ends up stored exactly once.
 */

let reg: Registry;
let devices: string[];
beforeAll(async () => {
  reg = await setUpRegistry();
  devices = [newDevEui(), newDevEui(), newDevEui()];
  for (const d of devices) await registerDevice(reg.admin, d, { profile: "env" });
});

beforeEach(async () => {
  // No cached credentials to lean on; the quantity table is synced (a write of its own) so that
  // the writes the plans count are the events' own.
  forgetCredentials();
  forgetQuantityIndex();
  await quantityIndex(env.DB);
  for (const o of (await env.SPOOL.list()).objects) await env.SPOOL.delete(o.key);
});

async function send(target: Env, path: string, json: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request("POST", path, { token: reg.ingest, json }), target, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function cron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function spooled(): Promise<number> {
  return (await env.SPOOL.list({ prefix: "spool/" })).objects.length;
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

describe("D1 fails on N writes", () => {
  it("every accepted uplink is stored exactly once after the spool is replayed", async () => {
    const batch = uplinks(30, 1000);
    const db = new FaultyD1(env.DB, { failWrites: 12 });
    const faulty = { ...env, DB: db.asD1() };

    // 30 uplinks, the first 12 writes fail; 10 of the uplinks are delivered twice (ChirpStack
    // posting to two endpoints), and a status event and an unknown device ride along.
    const answers = [];
    for (const { json } of batch) answers.push(await send(faulty, "/v1/ingest/chirpstack?event=up", json));
    for (const { json } of batch.slice(0, 10)) answers.push(await send(faulty, "/v1/ingest/chirpstack?event=up", json));
    const status = await send(faulty, "/v1/ingest/chirpstack?event=status", chirpstackEvent("status", devices[0]!));
    const stranger = await send(faulty, "/v1/ingest/chirpstack?event=up", chirpstackUp({ devEui: newDevEui(), fCnt: 1 }));

    // Every answer is a 2xx; the failed writes were deferred to the spool, not refused.
    expect(db.failed).toBe(12);
    expect([...answers, status, stranger].every((a) => a.status === 200 || a.status === 202)).toBe(true);
    const deferred = answers.filter((a) => a.body["result"] === "deferred");
    expect(deferred).toHaveLength(12);
    expect(deferred.every((a) => a.status === 202)).toBe(true);
    expect(await spooled()).toBe(12);

    // The first 12 uplinks were deferred; 10 of them came again and were stored then. Before the
    // replay the other two exist only in the spool.
    const before = await storedCopies(batch.map((b) => b.sent));
    expect(before.map((c, i) => (c.uplinks === 0 ? i : -1)).filter((i) => i >= 0)).toEqual([10, 11]);

    await cron();
    expect(await spooled()).toBe(0);
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(batch.map((b) => ({ uplinks: 1, readings: b.sent.readings })));

    // Replaying again changes nothing.
    await cron();
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(batch.map((b) => ({ uplinks: 1, readings: b.sent.readings })));
    const events = await env.DB.prepare("SELECT count(*) AS n FROM device_events e JOIN devices d ON d.id = e.device_id WHERE d.dev_eui = ?1 AND e.kind = 'status'")
      .bind(devices[0])
      .first<{ n: number }>();
    expect(events?.n).toBe(1);
  });

  it("a write that committed but whose answer was lost is spooled, and the replay does not double it", async () => {
    const batch = uplinks(6, 2000);
    const db = new FaultyD1(env.DB, { loseAnswers: 6 });
    const faulty = { ...env, DB: db.asD1() };
    // The first six writes are the six uplink batches.
    for (const { json } of batch) expect((await send(faulty, "/v1/ingest/chirpstack?event=up", json)).body["result"]).toBe("deferred");
    expect(db.lost).toBe(6);
    // D1 did commit them…
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(batch.map((b) => ({ uplinks: 1, readings: 3 })));
    expect(await spooled()).toBe(6);
    // …and the replay recognises each one as already stored.
    await cron();
    expect(await spooled()).toBe(0);
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(batch.map((b) => ({ uplinks: 1, readings: 3 })));
  });
});

describe("D1 down entirely", () => {
  it("an isolate that knew the token keeps accepting into the spool; the replay waits for D1 to come back", async () => {
    const batch = uplinks(8, 3000);
    const db = new FaultyD1(env.DB, {});
    const faulty = { ...env, DB: db.asD1() };
    // Healthy first: the token and the quantity ids are learned.
    expect((await send(faulty, "/v1/ingest/chirpstack?event=up", batch[0]!.json)).body["result"]).toBe("stored");

    db.plan.down = true;
    for (const { json } of batch.slice(1)) expect((await send(faulty, "/v1/ingest/chirpstack?event=up", json)).status).toBe(202);
    expect(await spooled()).toBe(7);

    // The cron runs while D1 is still down: it stops at the first failure and keeps everything.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), faulty, ctx);
    await waitOnExecutionContext(ctx);
    expect(await spooled()).toBe(7);

    db.plan.down = false;
    await cron();
    expect(await spooled()).toBe(0);
    expect(await storedCopies(batch.map((b) => b.sent))).toEqual(batch.map(() => ({ uplinks: 1, readings: 3 })));
  });

  it("with no cached credential the Worker cannot tell who is calling: 503, nothing claimed", async () => {
    const db = new FaultyD1(env.DB, { down: true });
    const r = await send({ ...env, DB: db.asD1() }, "/v1/ingest/chirpstack?event=up", uplinks(1, 4000)[0]!.json);
    expect(r.status).toBe(503);
    expect((r.body["error"] as { code: string }).code).toBe("STORAGE_UNAVAILABLE");
  });

  it("when the spool cannot be written either, the answer is 503 (never a false 2xx)", async () => {
    const batch = uplinks(2, 5000);
    const db = new FaultyD1(env.DB, {});
    const target = { ...env, DB: db.asD1(), SPOOL: brokenBucket(env.SPOOL) };
    expect((await send(target, "/v1/ingest/chirpstack?event=up", batch[0]!.json)).status).toBe(200);
    db.plan.down = true;
    const r = await send(target, "/v1/ingest/chirpstack?event=up", batch[1]!.json);
    expect(r.status).toBe(503);
    expect(r.body["error"]).toMatchObject({ code: "STORAGE_UNAVAILABLE" });
    expect(await spooled()).toBe(0);
  });
});
