import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, type MessageBatchMessage, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseChirpstack } from "../../../worker/src/ingest/chirpstack/parse.ts";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import { ingestMessage } from "../../../worker/src/ingest/queue.ts";
import type { Scope } from "../../../worker/src/ingest/scope.ts";
import worker from "../../../worker/src/index.ts";
import { brokenBucket, D1Faults } from "../helpers/d1-faults.ts";
import { chirpstackEvent, chirpstackUp, envFrame, envUp, newDevEui, uuid } from "../helpers/fixtures.ts";
import { storedUplinks } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * The queue consumers, driven with message batches built here (cloudflare:test's
 * createMessageBatch) so that each test knows exactly what one batch holds, and what the consumer
 * acknowledged or asked to retry (getQueueResult). The D1 writes are counted by the fault
 * injector with an empty plan, on the real local D1.
 */

const AMP: Scope = { tokenId: null, territory: "amp", commune: null };
const AIX_ONLY: Scope = { tokenId: null, territory: null, commune: "13001" };
const T = Date.parse("2026-03-18T08:00:00Z");
const MINUTE = 60_000;

let reg: Registry;
let faults: D1Faults | undefined;
let ids = 0;

beforeAll(async () => {
  reg = await setUpRegistry();
  await quantityIndex(env.DB);
});

beforeEach(async () => {
  for (const o of (await env.SPOOL.list()).objects) await env.SPOOL.delete(o.key);
});

afterEach(() => {
  faults?.uninstall();
  faults = undefined;
});

/** A queue message as the ingest route sends it: the ChirpStack event parsed, with the token's scope. */
function message(kind: Parameters<typeof parseChirpstack>[0], json: unknown, scope: Scope = AMP): MessageBatchMessage {
  const now = Date.now();
  const event = parseChirpstack(kind, "json", new TextEncoder().encode(JSON.stringify(json)), now);
  ids += 1;
  return { id: `m${ids}`, timestamp: new Date(now), attempts: 1, body: ingestMessage(event, scope, now) };
}

async function consume(queue: string, messages: MessageBatchMessage[], target: Env = env) {
  const batch = createMessageBatch(queue, messages);
  const ctx = createExecutionContext();
  // The handler ignores its context; the runtime passes one, and getQueueResult reads it.
  const handler: ExportedHandler<Env> = worker;
  if (!handler.queue) throw new Error("the Worker exports no queue handler");
  await handler.queue(batch, target, ctx);
  const result = await getQueueResult(batch, ctx);
  return { acked: [...result.explicitAcks].sort(), retried: result.retryMessages.map((r) => r.msgId).sort(), ackAll: result.ackAll, retryAll: result.retryBatch.retry };
}

const idsOf = (messages: MessageBatchMessage[]) => messages.map((m) => m.id).sort();

async function device(fields: Record<string, unknown> = {}): Promise<string> {
  const devEui = newDevEui();
  await registerDevice(reg.admin, devEui, { profile: "env", ...fields });
  return devEui;
}

async function quarantine(devEui: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT reason_code FROM quarantine WHERE dev_eui = ?1 ORDER BY id").bind(devEui).all<{ reason_code: string }>();
  return results.map((r) => r.reason_code);
}

describe("the ingest queue's consumer", () => {
  it("stores a batch of uplinks with one D1 write and acknowledges every message", async () => {
    const devices = [await device(), await device(), await device(), await device()];
    const messages = Array.from({ length: 20 }, (_, i) => message("up", envUp(devices[i % 4]!, { fCnt: i, time: T + i * MINUTE })));
    faults = D1Faults.install({});
    const r = await consume("cigale-ingest", messages);
    expect(faults.writes).toBe(1);
    expect(r).toEqual({ acked: idsOf(messages), retried: [], ackAll: false, retryAll: false });
    for (const devEui of devices) expect((await storedUplinks(devEui)).map((u) => u.readings)).toEqual([9, 9, 9, 9, 9]);
    const state = await env.DB.prepare("SELECT s.f_cnt FROM device_state s JOIN devices d ON d.id = s.device_id WHERE d.dev_eui = ?1").bind(devices[3]).first("f_cnt");
    expect(state).toBe(19);
  });

  it("stores copies of a frame in one batch once: the same event, a retransmission, and the same key with another payload", async () => {
    const devEui = await device();
    const { bytes, fPort } = envFrame();
    const up = chirpstackUp({ devEui, fCnt: 1, fPort, data: bytes, time: T });
    const retransmission = chirpstackUp({ devEui, fCnt: 1, fPort, data: bytes, time: T + 5 * MINUTE, deduplicationId: uuid() });
    const conflicting = chirpstackUp({ devEui, fCnt: 1, fPort, data: bytes.slice(0, 4), time: T });
    const next = chirpstackUp({ devEui, fCnt: 2, fPort, data: bytes, time: T + 10 * MINUTE });
    const messages = [up, up, retransmission, conflicting, next].map((json) => message("up", json));
    const r = await consume("cigale-ingest", messages);
    expect(r.acked).toEqual(idsOf(messages));
    expect((await storedUplinks(devEui)).map((u) => [u.f_cnt, u.readings])).toEqual([
      [1, 9],
      [2, 9],
    ]);
    expect(await quarantine(devEui)).toEqual(["CONFLICTING_UPLINK"]);
  });

  it("quarantines uplinks of unknown devices and of devices outside the token's scope in the same D1 write", async () => {
    const inAix = await device({ commune: "13001" });
    const inMarseille = await device({ commune: "13055" });
    const stranger = newDevEui();
    const messages = [message("up", envUp(inAix, { time: T }), AIX_ONLY), message("up", envUp(inMarseille, { time: T }), AIX_ONLY), message("up", envUp(stranger, { time: T }))];
    faults = D1Faults.install({});
    const r = await consume("cigale-ingest", messages);
    expect(faults.writes).toBe(1);
    expect(r.acked).toEqual(idsOf(messages));
    expect(await storedUplinks(inAix)).toHaveLength(1);
    expect(await storedUplinks(inMarseille)).toEqual([]);
    expect(await quarantine(inMarseille)).toEqual(["OUT_OF_SCOPE"]);
    expect(await quarantine(stranger)).toEqual(["UNKNOWN_DEVICE"]);
  });

  it("a redelivery of a stored uplink is refused by the insert, found a duplicate by a read, and acknowledged", async () => {
    const devEui = await device();
    const first = message("up", envUp(devEui, { fCnt: 1, time: T }));
    await consume("cigale-ingest", [first]);
    const again = { ...first, id: "again" };
    const other = message("up", envUp(devEui, { fCnt: 2, time: T + 10 * MINUTE }));
    faults = D1Faults.install({});
    const r = await consume("cigale-ingest", [again, other]);
    expect(faults.writes).toBe(1);
    expect(r.acked).toEqual(idsOf([again, other]));
    expect((await storedUplinks(devEui)).map((u) => [u.f_cnt, u.readings])).toEqual([
      [1, 9],
      [2, 9],
    ]);
  });

  it("stores device events with their registry entry read fresh, in the batch's one write", async () => {
    const devEui = await device();
    const messages = [message("join", chirpstackEvent("join", devEui)), message("status", chirpstackEvent("status", devEui)), message("log", chirpstackEvent("log", devEui))];
    faults = D1Faults.install({});
    const r = await consume("cigale-ingest", messages);
    expect(faults.writes).toBe(1);
    expect(r.acked).toEqual(idsOf(messages));
    const { results } = await env.DB.prepare("SELECT e.kind FROM device_events e JOIN devices d ON d.id = e.device_id WHERE d.dev_eui = ?1 ORDER BY e.kind").bind(devEui).all<{ kind: string }>();
    expect(results.map((e) => e.kind)).toEqual(["join", "log", "status"]);
  });

  it("asks for every message to be retried while D1 is unavailable, and stores nothing", async () => {
    const devEui = await device();
    const messages = [message("up", envUp(devEui, { time: T })), message("status", chirpstackEvent("status", devEui))];
    faults = D1Faults.install({ down: true });
    const r = await consume("cigale-ingest", messages);
    faults.uninstall();
    expect(r).toEqual({ acked: [], retried: idsOf(messages), ackAll: false, retryAll: false });
    expect(await storedUplinks(devEui)).toEqual([]);
  });

  it("quarantines with D1's reason an event D1 refuses (not an outage), acknowledges it, and stores the others", async () => {
    const devEui = await device();
    const ups = [message("up", envUp(devEui, { fCnt: 1, time: T })), message("up", envUp(devEui, { fCnt: 2, time: T + 10 * MINUTE }))];
    const status = message("status", chirpstackEvent("status", devEui));
    faults = D1Faults.install({ refuse: { sql: /INTO device_events/, error: "D1_ERROR: CHECK constraint failed: detail" } });
    const r = await consume("cigale-ingest", [ups[0]!, status, ups[1]!]);
    expect(r).toMatchObject({ acked: idsOf([...ups, status]), retried: [] });
    expect(await storedUplinks(devEui)).toHaveLength(2);
    const row = await env.DB.prepare("SELECT kind, reason_code, reason FROM quarantine WHERE dev_eui = ?1").bind(devEui).first();
    expect(row).toMatchObject({ kind: "status", reason_code: "STORE_REFUSED" });
    expect(String(row?.["reason"])).toContain("CHECK constraint failed: detail");
  });

  it("when D1 refuses the batch's common write, splits the batch until the poison event is alone: it is quarantined, the others stored", async () => {
    const good = await device();
    const poisoned = await device();
    const messages = [message("up", envUp(good, { fCnt: 1, time: T })), message("up", envUp(poisoned, { fCnt: 1, time: T })), message("up", envUp(good, { fCnt: 2, time: T + 10 * MINUTE }))];
    faults = D1Faults.install({ refuse: { sql: /INTO uplinks/, params: new RegExp(poisoned), error: "D1_ERROR: CHECK constraint failed: detail" } });
    const r = await consume("cigale-ingest", messages);
    expect(r).toMatchObject({ acked: idsOf(messages), retried: [] });
    expect((await storedUplinks(good)).map((u) => u.f_cnt)).toEqual([1, 2]);
    expect(await storedUplinks(poisoned)).toEqual([]);
    expect(await quarantine(poisoned)).toEqual(["STORE_REFUSED"]);
  });

  it("keeps a message it cannot read aside in R2, outside what the cron drains, and acknowledges it", async () => {
    const unreadable: MessageBatchMessage = { id: "garbage", timestamp: new Date(), attempts: 1, body: { version: 99, what: "not an ingest message" } };
    const r = await consume("cigale-ingest", [unreadable]);
    expect(r.acked).toEqual(["garbage"]);
    const kept = await env.SPOOL.get("spool-aside/unreadable/garbage");
    expect(JSON.parse((await kept?.text()) ?? "null")).toEqual(unreadable.body);
    // The cron does not list it: it stays as it is, for a person.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    const listed = await env.SPOOL.head("spool-aside/unreadable/garbage");
    expect(listed?.customMetadata).toMatchObject({ attempts: "0" });
    expect((await env.SPOOL.list({ prefix: "spool/" })).objects).toEqual([]);
  });
});

describe("the dead-letter queue's consumer", () => {
  it("writes dead letters to the spool and acknowledges them; the cron then stores them", async () => {
    const devEui = await device();
    const messages = [message("up", envUp(devEui, { fCnt: 1, time: T })), message("join", chirpstackEvent("join", devEui))];
    const r = await consume("cigale-ingest-dlq", messages);
    expect(r.acked).toEqual(idsOf(messages));
    const spooled = (await env.SPOOL.list({ prefix: "spool/", include: ["customMetadata"] })).objects;
    expect(spooled.map((o) => o.customMetadata?.["reason"]?.slice(0, 13))).toEqual(["dead-lettered", "dead-lettered"]);
    expect(await storedUplinks(devEui)).toEqual([]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await env.SPOOL.list({ prefix: "spool/" })).objects).toEqual([]);
    expect(await storedUplinks(devEui)).toHaveLength(1);
  });

  it("asks for dead letters to be retried while R2 cannot take them", async () => {
    const devEui = await device();
    const messages = [message("up", envUp(devEui, { time: T }))];
    const r = await consume("cigale-ingest-dlq", messages, { ...env, SPOOL: brokenBucket(env.SPOOL) });
    expect(r).toMatchObject({ acked: [], retried: idsOf(messages) });
  });
});
