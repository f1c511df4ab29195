import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import { redecodeQuarantine } from "../../../worker/src/ingest/redecode.ts";
import { drainSpool, spoolEvent } from "../../../worker/src/ingest/spool.ts";
import { chunkRows, D1_LIMITS, prepareWithin, QueryBudget, statementViolation } from "../../../worker/src/store/limits.ts";
import { consumeBatch, queueMessage } from "../helpers/consumer.ts";
import { type Call, D1Faults } from "../helpers/d1-faults.ts";
import { chirpstackUpEvent } from "../helpers/events.ts";
import { chirpstackUp, newDevEui } from "../helpers/fixtures.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * D1's production limits, which the local simulator does not enforce, held by the code
 * (worker/src/store/limits.ts): every statement ingest sends is checked against them here, and
 * the big jobs (a consumer batch of 100 uplinks of 242-byte frames, a quarantine replay of 500
 * events, a spool drain of 2,000 events) are counted against the queries one invocation may run.
 */

const T = Date.parse("2026-03-23T08:00:00Z");
const MINUTE = 60_000;

let reg: Registry;
let faults: D1Faults | undefined;

beforeAll(async () => {
  reg = await setUpRegistry();
  await quantityIndex(env.DB);
});

afterEach(() => {
  faults?.uninstall();
  faults = undefined;
});

const utf8 = (s: string) => new TextEncoder().encode(s).byteLength;
const sizeOf = (c: Call) => utf8(c.sql) + c.params.reduce<number>((n, p) => n + (typeof p === "string" ? utf8(p) : 8), 0);

/** Every statement within D1's limits, counting bound values toward the statement size too (the strict reading). */
function expectWithinLimits(calls: readonly Call[]): void {
  for (const c of calls) {
    expect(statementViolation(c.sql, c.params), c.sql.slice(0, 80)).toBeNull();
    expect(sizeOf(c), c.sql.slice(0, 80)).toBeLessThanOrEqual(D1_LIMITS.statementBytes);
  }
}

describe("statement checks", () => {
  it("refuses more than 100 bound parameters, a statement over 100 KB and a value over 2 MB, as a refusal (not an outage)", () => {
    expect(statementViolation("SELECT 1", new Array(100).fill(1))).toBeNull();
    expect(statementViolation("SELECT 1", new Array(101).fill(1))).toMatch(/101 bound parameters/);
    expect(statementViolation(`SELECT '${"x".repeat(100_001)}'`, [])).toMatch(/statement/);
    expect(statementViolation("SELECT ?1", ["x".repeat(2_000_001)])).toMatch(/value/);
    expect(() => prepareWithin(env.DB, "SELECT 1", ...new Array(101).fill(1))).toThrow(expect.objectContaining({ kind: "refused", code: "TOO_BIG" }));
  });

  it("chunkRows keeps each group's JSON under the byte bound, and the rows in order", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [i, "y".repeat(500)]);
    const chunks = chunkRows(rows, 20_000);
    expect(chunks.flat()).toEqual(rows);
    for (const c of chunks) expect(utf8(JSON.stringify(c))).toBeLessThanOrEqual(20_000);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it("QueryBudget refuses what would go past it as D1 unavailable, taking nothing", () => {
    const budget = new QueryBudget(10);
    budget.spend(8);
    expect(() => budget.spend(3)).toThrow(expect.objectContaining({ kind: "unavailable", code: "QUERY_BUDGET" }));
    expect(budget.remaining).toBe(2);
  });
});

describe("a consumer batch of 100 uplinks of 242-byte frames", () => {
  it("is stored with one D1 write whose statements all stay within D1's limits", async () => {
    const devices: string[] = [];
    for (let i = 0; i < 4; i++) {
      const devEui = newDevEui();
      await registerDevice(reg.admin, devEui, { profile: "env" });
      devices.push(devEui);
    }
    const bytes = (i: number) => Uint8Array.from({ length: 242 }, (_, k) => (i * 31 + k * 7) & 0xff);
    const messages = Array.from({ length: 100 }, (_, i) => queueMessage("up", chirpstackUp({ devEui: devices[i % 4]!, fCnt: i, fPort: 10, data: bytes(i), time: T + i * MINUTE })));
    faults = D1Faults.install({});
    const r = await consumeBatch(messages);
    expect(r.acked).toHaveLength(100);
    expect(faults.writes).toBe(1);
    expectWithinLimits(faults.statements);
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui IN (?1, ?2, ?3, ?4) AND length(u.payload) = 242")
      .bind(...devices)
      .first("n");
    expect(stored).toBe(100);
  });
});

describe("a quarantine replay of 500 events", () => {
  it("stores them all in one call, in steps, under the queries one invocation may run", async () => {
    const devEui = newDevEui();
    // 500 uplinks of a device not registered yet: quarantined, 100 per consumer batch.
    for (let b = 0; b < 5; b++) {
      await consumeBatch(Array.from({ length: 100 }, (_, i) => queueMessage("up", chirpstackUp({ devEui, fCnt: b * 100 + i, time: T + (b * 100 + i) * MINUTE }))));
    }
    await registerDevice(reg.admin, devEui, { profile: "env" });
    faults = D1Faults.install({});
    const report = await redecodeQuarantine(env.DB, { devEui, limit: 500 }, Date.now());
    expect(report).toMatchObject({ events: 500, stored: 500, stillQuarantined: 0 });
    expect(faults.queries).toBeLessThan(D1_LIMITS.queriesPerInvocation);
    expectWithinLimits(faults.statements);
  });
});

describe("a spool drain of 2,000 events", () => {
  it("stores them in pages, under the queries one invocation may run; with fewer queries left it stops and the next run continues", async () => {
    const devices: string[] = [];
    for (let i = 0; i < 10; i++) {
      const devEui = newDevEui();
      await registerDevice(reg.admin, devEui, { profile: "env" });
      devices.push(devEui);
    }
    for (const o of (await env.SPOOL.list()).objects) await env.SPOOL.delete(o.key);
    const scope = { tokenId: null, territory: "amp", commune: null };
    for (let start = 0; start < 2000; start += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) => {
          const i = start + k;
          return spoolEvent(env.SPOOL, { version: 1, event: chirpstackUpEvent(devices[i % 10]!, { fCnt: i, time: T + i * MINUTE }), scope, spooledAt: Date.now(), reason: "test" });
        }),
      );
    }

    // An invocation with only 60 queries left stores part of it and says more remains.
    const partial = await drainSpool(env.DB, env.SPOOL, 2000, new QueryBudget(60));
    expect(partial.remaining).toBe(true);
    expect(partial.stored).toBeGreaterThan(0);
    expect(partial.stored).toBeLessThan(2000);

    faults = D1Faults.install({});
    const rest = await drainSpool(env.DB, env.SPOOL, 2000);
    expect(rest).toMatchObject({ stored: 2000 - partial.stored, failed: 0, remaining: false });
    expect(faults.queries).toBeLessThan(D1_LIMITS.queriesPerInvocation);
    expectWithinLimits(faults.statements);
    expect((await env.SPOOL.list({ prefix: "spool/" })).objects).toEqual([]);
    // 2,000 R2 objects written and read back on the local simulator take a while: not a speed test.
  }, 240_000);
});
