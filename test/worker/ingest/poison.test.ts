import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import { consumeBatch, idsOf, queueMessage } from "../helpers/consumer.ts";
import { D1Faults } from "../helpers/d1-faults.ts";
import { envUp, newDevEui } from "../helpers/fixtures.ts";
import { storedUplinks } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * A poison event never stalls ingest: only errors by which D1 says it is unavailable retry a
 * batch whole; any other error splits the batch until the events that cause it are alone, and
 * those are quarantined with D1's reason while the rest are stored. The errors are the messages
 * D1 gives, raised on the statements that carry the poisoned devices (test/worker/helpers/d1-faults.ts).
 */

const T = Date.parse("2026-03-21T08:00:00Z");
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

async function devices(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const devEui = newDevEui();
    await registerDevice(reg.admin, devEui, { profile: "env" });
    out.push(devEui);
  }
  return out;
}

async function quarantined(devEui: string): Promise<{ reason_code: string; reason: string }[]> {
  const { results } = await env.DB.prepare("SELECT reason_code, reason FROM quarantine WHERE dev_eui = ?1").bind(devEui).all<{ reason_code: string; reason: string }>();
  return results;
}

/** Deterministic refusals D1 (SQLite) gives for what a statement holds. */
const REFUSALS = [
  ["a CHECK constraint", "D1_ERROR: CHECK constraint failed: gateways >= 0: SQLITE_CONSTRAINT"],
  ["a NOT NULL constraint", "D1_ERROR: NOT NULL constraint failed: uplinks.payload: SQLITE_CONSTRAINT"],
  ["a value too big", "D1_ERROR: string or blob too big: SQLITE_TOOBIG"],
  ["a type mismatch", "D1_ERROR: datatype mismatch: SQLITE_MISMATCH"],
  ["too many SQL variables", "D1_ERROR: too many SQL variables at offset 412: SQLITE_ERROR"],
  ["malformed JSON in a parameter", "D1_ERROR: malformed JSON: SQLITE_ERROR"],
] as const;

describe.each(REFUSALS)("D1 refuses the statements of two events of a batch of ten (%s)", (_, error) => {
  it("the two are quarantined STORE_REFUSED with D1's message, the eight others stored, every message acknowledged", async () => {
    const eui = await devices(10);
    const poisoned = [eui[3]!, eui[8]!];
    const messages = eui.map((devEui, i) => queueMessage("up", envUp(devEui, { fCnt: 1, time: T + i * MINUTE })));
    faults = D1Faults.install({ refuse: { sql: /INTO uplinks/, params: new RegExp(poisoned.join("|")), error } });
    const r = await consumeBatch(messages);
    faults.uninstall();
    expect(r).toEqual({ acked: idsOf(messages), retried: [] });
    for (const devEui of eui) {
      if (poisoned.includes(devEui)) {
        expect(await storedUplinks(devEui)).toEqual([]);
        const rows = await quarantined(devEui);
        expect(rows.map((q) => q.reason_code)).toEqual(["STORE_REFUSED"]);
        expect(rows[0]!.reason).toContain(error);
      } else expect((await storedUplinks(devEui)).map((u) => u.readings), devEui).toEqual([9]);
    }
  });
});

/** Messages by which D1 says it cannot do any work now. */
const OUTAGES = [
  ["the connection lost", "D1_ERROR: Network connection lost."],
  ["an overloaded database", "D1_ERROR: D1 DB is overloaded. Requests queued for too long."],
  ["a reset storage object", "D1_ERROR: Internal error in D1 DB storage caused object to be reset."],
  ["a storage timeout", "D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset."],
  ["the invocation's query limit", "D1_ERROR: Too many API requests by single worker invocation."],
] as const;

describe.each(OUTAGES)("D1 unavailable (%s)", (_, error) => {
  it("retries the batch whole: one write attempted, nothing quarantined, every message retried", async () => {
    const eui = await devices(4);
    const messages = eui.map((devEui) => queueMessage("up", envUp(devEui, { fCnt: 1, time: T })));
    faults = D1Faults.install({ refuse: { sql: /INTO uplinks/, error } });
    const r = await consumeBatch(messages);
    expect(faults.failed).toBe(1);
    faults.uninstall();
    expect(r).toEqual({ acked: [], retried: idsOf(messages) });
    for (const devEui of eui) {
      expect(await storedUplinks(devEui)).toEqual([]);
      expect(await quarantined(devEui)).toEqual([]);
    }
  });
});

describe("an event whose quarantine row is refused too", () => {
  it("is retried (then dead-lettered, and moved aside in the spool), while the others of its batch are stored", async () => {
    const [good, poisoned] = await devices(2);
    const messages = [queueMessage("up", envUp(good!, { time: T })), queueMessage("up", envUp(poisoned!, { time: T }))];
    faults = D1Faults.install({ refuse: { sql: /INTO (uplinks|quarantine)/, params: new RegExp(poisoned!), error: "D1_ERROR: string or blob too big: SQLITE_TOOBIG" } });
    const r = await consumeBatch(messages);
    faults.uninstall();
    expect(r).toEqual({ acked: [messages[0]!.id], retried: [messages[1]!.id] });
    expect(await storedUplinks(good!)).toHaveLength(1);
    expect(await quarantined(poisoned!)).toEqual([]);
  });
});
