import { bytesToHex } from "../store/db.ts";
import { isStorageUnavailable } from "../store/errors.ts";
import { QueryBudget } from "../store/limits.ts";
import { EVENT_KINDS, globalEventKey, type IngestEvent } from "./event.ts";
import { ingestEvents } from "./pipeline/index.ts";
import type { Scope } from "./scope.ts";

/**
 * The durable fallback of ingest, in R2 — a separate storage system. It keeps the accepted
 * events the ingest queue could not take (send failed: accept.ts) or gave up on (dead letters:
 * dead-letter.ts), and the cron trigger (and POST /v1/admin/spool/drain) replays them into D1
 * through the same ingest pipeline as the queue consumer, as a replay (the token that sent an
 * event must still be active): an event spooled twice, or replayed after a partial success, is
 * stored once.
 *
 * Keys sort by event time. Two deliveries of one event share a key; two different frames never
 * do, even under one device, time and frame counter (the key ends with a fingerprint of what the
 * event carries). Entries that cannot be replayed for a reason other than an outage — not a spool
 * entry, or refused even as a quarantine row — move aside under spool-aside/, which the drain
 * does not list, with the error in their metadata: for a person, never retried every minute.
 */
const PREFIX = "spool/";
/** Outside PREFIX: the drain never lists it. */
const ASIDE = "spool-aside/";
const UNREADABLE = `${ASIDE}unreadable/`;
/** Entries replayed per pipeline run (a consumer batch's size). */
const PAGE = 100;
/** Queries a page may need in the worst case (reads, rounds, poison isolation); the drain stops before. */
const QUERIES_PER_PAGE = 40;

export interface SpoolEntry {
  version: 1;
  event: IngestEvent;
  scope: Scope;
  spooledAt: number;
  /** Why it could not be stored when it arrived. */
  reason: string;
}

/**
 * What a delivery carries, fingerprinted: the same for every delivery of one event (the time the
 * Worker received it left out), different for two frames that share a device, time and counter.
 */
async function fingerprint(event: IngestEvent): Promise<string> {
  const { receivedAt: _receivedAt, ...content } = event;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(content)));
  return bytesToHex(new Uint8Array(digest).slice(0, 8));
}

export async function spoolKey(event: IngestEvent): Promise<string> {
  return `${PREFIX}${String(event.time).padStart(13, "0")}/${globalEventKey(event)}/${await fingerprint(event)}`;
}

export async function spoolEvent(bucket: R2Bucket, entry: SpoolEntry): Promise<string> {
  const key = await spoolKey(entry.event);
  await bucket.put(key, JSON.stringify(entry), {
    httpMetadata: { contentType: "application/json" },
    customMetadata: { attempts: "0", reason: entry.reason.slice(0, 500) },
  });
  return key;
}

/** A queue message that is not an ingest message (another version, damaged): kept as it came. */
export async function spoolUnreadable(bucket: R2Bucket, messageId: string, body: unknown): Promise<string> {
  const key = `${UNREADABLE}${messageId}`;
  let text: string;
  try {
    text = JSON.stringify(body) ?? String(body);
  } catch {
    text = String(body);
  }
  await bucket.put(key, text, {
    httpMetadata: { contentType: "application/json" },
    customMetadata: { attempts: "0", reason: "queue message this Worker cannot read" },
  });
  return key;
}

function parseEntry(text: string): SpoolEntry | null {
  try {
    const e = JSON.parse(text) as Partial<SpoolEntry>;
    const kind = (e.event as { kind?: unknown } | undefined)?.kind;
    if (e.version !== 1 || !e.event || !e.scope || !(EVENT_KINDS as readonly unknown[]).includes(kind)) return null;
    return e as SpoolEntry;
  } catch {
    return null;
  }
}

export interface DrainReport {
  stored: number;
  duplicate: number;
  quarantined: number;
  /** Entries moved aside (spool-aside/): they failed for a reason other than an outage. */
  failed: number;
  /** Still in the spool after this run (storage still down, the invocation's queries spent, or more than `limit`). */
  remaining: boolean;
}

/**
 * Replays up to `limit` spooled events, oldest first, a page of 100 per pipeline run, deleting
 * each once stored, found a duplicate or quarantined. Stops at the first sign that D1 is still
 * unavailable, and before the invocation's D1 queries run out: the rest waits for the next run.
 */
export async function drainSpool(db: D1Database, bucket: R2Bucket, limit = 2000, budget = new QueryBudget()): Promise<DrainReport> {
  const report: DrainReport = { stored: 0, duplicate: 0, quarantined: 0, failed: 0, remaining: false };
  let cursor: string | undefined;
  for (let seen = 0; seen < limit; ) {
    if (budget.remaining < QUERIES_PER_PAGE) {
      report.remaining = true;
      return report;
    }
    const listed = await bucket.list({ prefix: PREFIX, limit: Math.min(PAGE, limit - seen), include: ["customMetadata"], ...(cursor ? { cursor } : {}) });
    seen += listed.objects.length;
    const read = await Promise.all(
      listed.objects.map(async (object) => {
        const body = await bucket.get(object.key);
        if (!body) return null; // drained concurrently
        const text = await body.text();
        return { object, text, entry: parseEntry(text) };
      }),
    );
    const entries: { object: R2Object; text: string; entry: SpoolEntry }[] = [];
    for (const r of read) {
      if (!r) continue;
      if (r.entry) entries.push({ object: r.object, text: r.text, entry: r.entry });
      else {
        await moveAside(bucket, r.object, r.text, "not a spool entry (unreadable JSON)");
        report.failed++;
      }
    }

    const results = await ingestEvents(
      db,
      entries.map(({ entry }) => ({ event: entry.event, scope: entry.scope })),
      { replay: true, budget },
    );
    const done: string[] = [];
    let unavailable = false;
    for (const [i, r] of results.entries()) {
      const { object, text } = entries[i]!;
      if (r.result !== "failed") {
        done.push(object.key);
        report[r.result]++;
      } else if (isStorageUnavailable(r.error)) unavailable = true;
      else {
        await moveAside(bucket, object, text, r.error instanceof Error ? r.error.message : String(r.error));
        report.failed++;
      }
    }
    if (done.length > 0) await bucket.delete(done);
    if (unavailable) {
      report.remaining = true;
      return report;
    }
    if (!listed.truncated) return report;
    cursor = listed.cursor;
  }
  report.remaining = true;
  return report;
}

/**
 * Moves an entry out of the drain's way, under spool-aside/ with the same tail, with the error in
 * its metadata (R2 has no rename: a copy, then the delete).
 */
async function moveAside(bucket: R2Bucket, object: R2Object, text: string, error: string): Promise<void> {
  const key = `${ASIDE}${object.key.slice(PREFIX.length)}`;
  console.error(`ingest spool: ${object.key} moved to ${key}: ${error}`);
  await bucket.put(key, text, {
    httpMetadata: { contentType: "application/json" },
    customMetadata: { ...object.customMetadata, attempts: String(Number(object.customMetadata?.["attempts"] ?? "0") + 1), lastError: error.slice(0, 500), movedAt: new Date().toISOString() },
  });
  await bucket.delete(object.key);
}

/** How many entries wait for the drain, and how many were moved aside, each counted up to `max`. */
export async function countSpool(bucket: R2Bucket, max = 1000): Promise<{ entries: number; more: boolean; aside: number; moreAside: boolean }> {
  const [listed, aside] = await Promise.all([bucket.list({ prefix: PREFIX, limit: max }), bucket.list({ prefix: ASIDE, limit: max })]);
  return { entries: listed.objects.length, more: listed.truncated, aside: aside.objects.length, moreAside: aside.truncated };
}

export interface SpoolListing {
  key: string;
  size: number;
  uploadedAt: number;
  attempts: number;
  reason: string | null;
  lastError: string | null;
}

/** Entries waiting for the drain, or (aside) those moved out of its way for a person. */
export async function listSpool(bucket: R2Bucket, limit: number, cursor?: string, aside = false): Promise<{ entries: SpoolListing[]; cursor: string | null }> {
  const listed = await bucket.list({ prefix: aside ? ASIDE : PREFIX, limit, include: ["customMetadata"], ...(cursor ? { cursor } : {}) });
  return {
    entries: listed.objects.map((o) => ({
      key: o.key,
      size: o.size,
      uploadedAt: o.uploaded.getTime(),
      attempts: Number(o.customMetadata?.["attempts"] ?? "0"),
      reason: o.customMetadata?.["reason"] ?? null,
      lastError: o.customMetadata?.["lastError"] ?? null,
    })),
    cursor: listed.truncated ? listed.cursor : null,
  };
}
