import { isStorageUnavailable } from "../store/errors.ts";
import { EVENT_KINDS, globalEventKey, type IngestEvent } from "./event.ts";
import { type Outcome, processEvent } from "./process.ts";
import type { Scope } from "./scope.ts";

/**
 * The durable fallback of ingest. ChirpStack never retries, so an event the Worker accepted but
 * D1 could not store right now is written to R2 — a separate storage system — and replayed into
 * D1 later by the cron trigger (and POST /v1/admin/spool/drain). Replaying goes through the same
 * idempotent processEvent, so an event spooled twice, or replayed after a partial success, is
 * stored once.
 *
 * Keys sort by event time, and two deliveries of one event share a key.
 */
const PREFIX = "spool/";

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
 * Replays up to `limit` spooled events, oldest first, deleting each once stored. Stops at the
 * first sign that D1 is still unavailable: the rest waits for the next run.
 */
export async function drainSpool(db: D1Database, bucket: R2Bucket, limit = 200): Promise<DrainReport> {
  const report: DrainReport = { stored: 0, duplicate: 0, quarantined: 0, failed: 0, remaining: false };
  const listed = await bucket.list({ prefix: PREFIX, limit, include: ["customMetadata"] });
  for (const object of listed.objects) {
    const body = await bucket.get(object.key);
    if (!body) continue; // drained concurrently
    const text = await body.text();
    const entry = parseEntry(text);
    if (!entry) {
      await keepFailure(bucket, object, text, "not a spool entry (unreadable JSON)");
      report.failed++;
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = await processEvent(db, entry.event, entry.scope, "replay");
    } catch (error) {
      if (isStorageUnavailable(error)) {
        report.remaining = true;
        return report;
      }
      await keepFailure(bucket, object, text, error instanceof Error ? error.message : String(error));
      report.failed++;
      continue;
    }
    await bucket.delete(object.key);
    report[outcome.result]++;
  }
  report.remaining = report.failed > 0 || listed.truncated;
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
