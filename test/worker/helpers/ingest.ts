import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { chirpstackUp } from "./fixtures.ts";
import { call } from "./http.ts";

/**
 * Ingest answers 202 once an event is in the ingest queue; the consumer stores it a moment later
 * (worker/vitest.config.ts runs the local queue with a 50 ms batch timeout). These helpers wait
 * for it by looking at what is stored, never by peeking into the Worker.
 */

/** Polls `check` until it returns a value other than false/null/undefined; fails after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | false | null | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A DevEUI never registered: settle() posts its uplinks as markers, and they go to quarantine.
 * Tests that count rows over all devices leave it out.
 */
export const MARKER_DEVICE = "fffffffffffffff0";
let markers = 0;

/**
 * Waits until the queue consumer has handled every event accepted so far (stored, found a
 * duplicate or quarantined). First the queue's backlog empties: every earlier message is in a
 * batch, being stored or done. Then a marker event is sent: the local queue hands batches to the
 * consumer one at a time, in order, so once the marker is stored the earlier batches are finished.
 * (Messages waiting for a retry are not covered: fault tests wait for what they expect.)
 */
export async function settle(token: string): Promise<void> {
  await until(async () => (await env.INGEST_QUEUE.metrics()).backlogCount === 0, "the ingest queue's backlog to empty");
  markers += 1;
  const time = Date.parse("2000-01-01T00:00:00Z") + markers * 1000;
  const r = await call("POST", "/v1/ingest/chirpstack?event=up", { token, json: chirpstackUp({ devEui: MARKER_DEVICE, fCnt: markers, time }) });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  await until(
    () => env.DB.prepare("SELECT 1 AS ok FROM quarantine WHERE dev_eui = ?1 AND time = ?2").bind(MARKER_DEVICE, time).first(),
    `settle marker ${markers} to be consumed`,
  );
}

/** POSTs an event to the ChirpStack route and checks the answer is 202 accepted. */
export async function accepted(event: string, json: unknown, token: string): Promise<Record<string, unknown>> {
  const r = await call("POST", `/v1/ingest/chirpstack?event=${event}`, { token, json });
  expect([r.status, r.body["result"]], JSON.stringify(r.body)).toEqual([202, "accepted"]);
  return r.body;
}

export interface StoredUplink {
  f_cnt: number;
  f_port: number;
  payload: string;
  decode: number;
  note: string | null;
  readings: number;
}

/** The uplinks stored for a device (payload as hex), each with its number of readings at its time, oldest first. */
export async function storedUplinks(devEui: string): Promise<StoredUplink[]> {
  const { results } = await env.DB.prepare(
    `SELECT u.f_cnt, u.f_port, hex(u.payload) AS payload, u.decode, u.note,
            (SELECT count(*) FROM readings r WHERE r.device_id = u.device_id AND r.time = u.time) AS readings
     FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ?1 ORDER BY u.time, u.f_cnt`,
  )
    .bind(devEui)
    .all<StoredUplink>();
  return results;
}

/** The decode status codes of uplinks.decode. */
export const DECODE = { ok: 0, failed: 1, partial: 2, empty: 3 } as const;
