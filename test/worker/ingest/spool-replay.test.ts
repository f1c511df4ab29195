import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chirpstackUpEvent } from "../helpers/events.ts";
import { quantityIndex } from "../../../worker/src/ingest/decode/readings.ts";
import type { IngestEvent } from "../../../worker/src/ingest/event.ts";
import { redecodeQuarantine } from "../../../worker/src/ingest/redecode.ts";
import type { Scope } from "../../../worker/src/ingest/scope.ts";
import { drainSpool, spoolEvent, spoolKey } from "../../../worker/src/ingest/spool.ts";
import { insertIngestToken, revokeIngestToken } from "../../../worker/src/store/ingest-tokens.ts";
import { D1Faults } from "../helpers/d1-faults.ts";
import { newDevEui } from "../helpers/fixtures.ts";
import { storedUplinks } from "../helpers/ingest.ts";
import { type Registry, registerDevice, setUpRegistry } from "../helpers/registry.ts";

/**
 * Spool replay (and quarantine replay) edges: keys that never mix two frames, entries that fail
 * for a reason other than an outage moved aside rather than retried every minute, and events of
 * a token revoked since never replayed into the readings.
 */

const T = Date.parse("2026-03-22T08:00:00Z");
const AMP: Scope = { tokenId: null, territory: "amp", commune: null };

let reg: Registry;
let faults: D1Faults | undefined;

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

async function device(): Promise<string> {
  const devEui = newDevEui();
  await registerDevice(reg.admin, devEui, { profile: "env" });
  return devEui;
}

const spool = (event: IngestEvent, scope: Scope = AMP) => spoolEvent(env.SPOOL, { version: 1, event, scope, spooledAt: Date.now(), reason: "test" });

async function keys(prefix: string): Promise<string[]> {
  return (await env.SPOOL.list({ prefix })).objects.map((o) => o.key);
}

describe("spool keys", () => {
  it("two deliveries of one event share a key; two frames under one device, time and counter never do", async () => {
    const devEui = newDevEui();
    const up = chirpstackUpEvent(devEui, { fCnt: 3, time: T });
    const redelivered = { ...up, receivedAt: up.receivedAt + 5_000 };
    const conflicting = { ...up, payload: "AQID" };
    expect(await spoolKey(redelivered)).toBe(await spoolKey(up));
    expect(await spoolKey(conflicting)).not.toBe(await spoolKey(up));
    await spool(up);
    await spool(conflicting);
    expect(await keys("spool/")).toHaveLength(2);
  });
});

describe("an entry that fails for a reason other than an outage", () => {
  it("moves to spool-aside/ with the error; the next drains do not list it; the other entries are stored", async () => {
    const good = await device();
    const poisoned = await device();
    await spool(chirpstackUpEvent(good, { fCnt: 1, time: T }));
    await spool(chirpstackUpEvent(poisoned, { fCnt: 1, time: T }));
    // D1 refuses the poisoned event's uplink and even its quarantine row.
    faults = D1Faults.install({ refuse: { sql: /INTO (uplinks|quarantine)/, params: new RegExp(poisoned), error: "D1_ERROR: string or blob too big: SQLITE_TOOBIG" } });
    const first = await drainSpool(env.DB, env.SPOOL);
    expect(first).toEqual({ stored: 1, duplicate: 0, quarantined: 0, failed: 1, remaining: false });
    expect(await keys("spool/")).toEqual([]);
    const aside = await keys("spool-aside/");
    expect(aside).toHaveLength(1);
    expect(aside[0]).toContain(poisoned);
    expect((await env.SPOOL.head(aside[0]!))?.customMetadata?.["lastError"]).toContain("SQLITE_TOOBIG");
    expect(await storedUplinks(good)).toHaveLength(1);

    const second = await drainSpool(env.DB, env.SPOOL);
    expect(second).toEqual({ stored: 0, duplicate: 0, quarantined: 0, failed: 0, remaining: false });
    expect(faults.writes).toBeGreaterThan(0);
  });

  it("an outage leaves the entries where they are, for the next drain", async () => {
    const devEui = await device();
    await spool(chirpstackUpEvent(devEui, { fCnt: 1, time: T }));
    faults = D1Faults.install({ down: true });
    expect(await drainSpool(env.DB, env.SPOOL)).toMatchObject({ stored: 0, failed: 0, remaining: true });
    faults.uninstall();
    expect(await keys("spool/")).toHaveLength(1);
    expect(await drainSpool(env.DB, env.SPOOL)).toMatchObject({ stored: 1, remaining: false });
  });
});

describe("replays check that the token that sent the events is still active", () => {
  async function revokedToken(): Promise<Scope> {
    const token = await insertIngestToken(env.DB, { name: "revoked", hash: crypto.getRandomValues(new Uint8Array(32)), prefix: "cig_ingest_x", territory: "amp", commune: null }, Date.now());
    await revokeIngestToken(env.DB, token.id, Date.now());
    return { tokenId: token.id, territory: "amp", commune: null };
  }

  it("a spooled event of a revoked token is quarantined TOKEN_REVOKED, not stored", async () => {
    const devEui = await device();
    await spool(chirpstackUpEvent(devEui, { fCnt: 1, time: T }), await revokedToken());
    expect(await drainSpool(env.DB, env.SPOOL)).toMatchObject({ stored: 0, quarantined: 1 });
    expect(await storedUplinks(devEui)).toEqual([]);
    const row = await env.DB.prepare("SELECT reason_code FROM quarantine WHERE dev_eui = ?1").bind(devEui).first("reason_code");
    expect(row).toBe("TOKEN_REVOKED");
  });

  it("a quarantined event of a token revoked since stays quarantined on redecode, with that reason", async () => {
    const devEui = newDevEui();
    const scope = await revokedToken();
    // Quarantined while the device was unknown…
    await env.DB.prepare(
      `INSERT INTO quarantine (event_key, received_at, source, kind, dev_eui, time, reason_code, reason, token_id, event)
       VALUES (?1, ?2, 'chirpstack', 'up', ?3, ?4, 'UNKNOWN_DEVICE', 'unknown', ?5, ?6)`,
    )
      .bind(`up:${devEui}:${T}:1`, T, devEui, T, scope.tokenId, JSON.stringify({ event: chirpstackUpEvent(devEui, { fCnt: 1, time: T }), scope }))
      .run();
    // …then registered; but the token that sent it has been revoked meanwhile.
    await registerDevice(reg.admin, devEui, { profile: "env" });
    const report = await redecodeQuarantine(env.DB, { devEui, limit: 10 }, Date.now());
    expect(report).toMatchObject({ events: 1, stored: 0, stillQuarantined: 1 });
    expect(await storedUplinks(devEui)).toEqual([]);
    const row = await env.DB.prepare("SELECT reason_code, resolved_at FROM quarantine WHERE dev_eui = ?1").bind(devEui).first();
    expect(row).toEqual({ reason_code: "TOKEN_REVOKED", resolved_at: null });
  });
});
