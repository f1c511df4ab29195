import { isStorageUnavailable } from "../store/errors.ts";
import { processEvents } from "./batch.ts";
import { EVENT_KINDS, globalEventKey, type IngestEvent } from "./event.ts";
import type { Scope } from "./scope.ts";

/**
 * The durable fallback of ingest, in R2 — a separate storage system. It keeps the accepted
 * events the ingest queue could not take (send failed: accept.ts) or gave up on (dead letters:
 * dead-letter.ts), and the cron trigger (and POST /v1/admin/spool/drain) replays them into D1
 * through the same idempotent batch pipeline as the queue consumer: an event spooled twice, or
 * replayed after a partial success, is stored once.
 *
 * Keys sort by event time, and two deliveries of one event share a key. Messages this Worker
 * cannot read are kept under spool/unreadable/ for a person.
 */
const PREFIX = "spool/";
const UNREADABLE = "spool/unreadable/";
/** Entries replayed per D1 batch. */
const PAGE = 100;

export interface SpoolEntry {
  version: 1;
  event: IngestEvent;
  scope: Scope;
  spooledAt: number;
  /** Why it could not be stored when it arrived. */
  reason: string;
}

export function spoolKey(event: IngestEvent): string {
  return `${PREFIX}${String(event.time).padStart(13, "0")}/${globalEventKey(event)}`;
}

export async function spoolEvent(bucket: R2Bucket, entry: SpoolEntry): Promise<string> {
  const key = spoolKey(entry.event);
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
  /** Entries that failed for a reason other than storage being down; kept, with the error in their metadata. */
  failed: number;
  /** Still in the spool after this run (storage still down, failures, or more than `limit`). */
  remaining: boolean;
}

/**
 * Replays up to `limit` spooled events, oldest first, a page of 100 per D1 batch, deleting each
 * once stored. Stops at the first sign that D1 is still unavailable: the rest waits for the next
 * run.
 */
export async function drainSpool(db: D1Database, bucket: R2Bucket, limit = 2000): Promise<DrainReport> {
  const report: DrainReport = { stored: 0, duplicate: 0, quarantined: 0, failed: 0, remaining: false };
  let cursor: string | undefined;
  for (let seen = 0; seen < limit; ) {
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
        await keepFailure(bucket, r.object, r.text, "not a spool entry (unreadable JSON)");
        report.failed++;
      }
    }

    const results = await processEvents(
      db,
      entries.map(({ entry }) => ({ event: entry.event, scope: entry.scope })),
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
        await keepFailure(bucket, object, text, r.error instanceof Error ? r.error.message : String(r.error));
        report.failed++;
      }
    }
    if (done.length > 0) await bucket.delete(done);
    if (unavailable) {
      report.remaining = true;
      return report;
    }
    if (!listed.truncated) {
      report.remaining = report.failed > 0;
      return report;
    }
    cursor = listed.cursor;
  }
  report.remaining = true;
  return report;
}

/** Records a failed attempt on the entry itself (R2 metadata is only rewritten with the object). */
async function keepFailure(bucket: R2Bucket, object: R2Object, text: string, error: string): Promise<void> {
  const attempts = Number(object.customMetadata?.["attempts"] ?? "0") + 1;
  console.error(`ingest spool: ${object.key} failed (attempt ${attempts}): ${error}`);
  await bucket.put(object.key, text, {
    httpMetadata: { contentType: "application/json" },
    customMetadata: { ...object.customMetadata, attempts: String(attempts), lastError: error.slice(0, 500) },
  });
}

/** How many entries the spool holds, counted up to `max`. */
export async function countSpool(bucket: R2Bucket, max = 1000): Promise<{ entries: number; more: boolean }> {
  const listed = await bucket.list({ prefix: PREFIX, limit: max });
  return { entries: listed.objects.length, more: listed.truncated };
}

export interface SpoolListing {
  key: string;
  size: number;
  uploadedAt: number;
  attempts: number;
  reason: string | null;
  lastError: string | null;
}

export async function listSpool(bucket: R2Bucket, limit: number, cursor?: string): Promise<{ entries: SpoolListing[]; cursor: string | null }> {
  const listed = await bucket.list({ prefix: PREFIX, limit, include: ["customMetadata"], ...(cursor ? { cursor } : {}) });
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
