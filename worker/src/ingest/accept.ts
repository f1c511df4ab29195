import { IngestError } from "./errors.ts";
import type { EventKind, IngestEvent } from "./event.ts";
import { type IngestMessage, ingestMessage, isTooLargeForQueue, MAX_QUEUE_MESSAGE_BYTES, messageBytes, SharedBatchFailed, sendCoalesced } from "./queue.ts";
import type { Scope } from "./scope.ts";
import { spoolEvent } from "./spool.ts";

/** What the ingest routes answer once an event is kept: queued (the usual case) or spooled. */
export interface Accepted {
  result: "accepted" | "deferred";
  kind: EventKind;
  devEui: string;
  time: number;
  message?: string;
}

/**
 * Queue first: the event is sent to the ingest queue and the answer is 202 as soon as the
 * queue has it — `send()` resolves once the message is durably written (concurrent requests share
 * one sendBatch: queue.ts sendCoalesced; `waitUntil` keeps a shared batch going), and the consumer
 * (consume.ts) stores it in D1 with retries and a dead-letter queue behind it. If the queue
 * cannot take it — it is unavailable, or the event is larger than one queue message (only a log
 * event's free text gets there) — the event goes to the R2 spool (a separate storage system,
 * without that limit) and the answer is still 202, `deferred`, saying which of the two happened.
 * Only when the spool fails too does the Worker answer 503 — then nothing was kept, and saying so
 * is all that is left.
 */
export async function acceptEvent(env: Env, event: IngestEvent, scope: Scope, now: number, waitUntil: ((promise: Promise<unknown>) => void) | null = null): Promise<Accepted> {
  const message = ingestMessage(event, scope, now);
  // Larger than a queue message: straight to the spool, and said so (not "queue unavailable").
  const size = messageBytes(message);
  if (size > MAX_QUEUE_MESSAGE_BYTES) return spool(env, message, tooLarge(size));
  const error = await queued(env.INGEST_QUEUE, message, size, waitUntil);
  if (error === null) return { kind: event.kind, devEui: event.devEui, time: event.time, result: "accepted" };
  if (isTooLargeForQueue(error)) return spool(env, message, tooLarge(size));
  const detail = error instanceof Error ? error.message : String(error);
  return spool(env, message, {
    reason: `ingest queue send failed: ${detail}`,
    message: "the ingest queue is unavailable right now: the event is kept in the ingest spool and will be stored when it recovers",
  });
}

/** Null once the queue has the message, else the queue's error for this message. */
async function queued(queue: Queue, message: IngestMessage, size: number, waitUntil: ((promise: Promise<unknown>) => void) | null): Promise<unknown> {
  try {
    await sendCoalesced(queue, message, size, waitUntil);
    return null;
  } catch (error) {
    if (!(error instanceof SharedBatchFailed)) return error;
  }
  // It travelled with other requests' messages: sent alone, its own error (too large, or the queue down) decides.
  try {
    await queue.send(message);
    return null;
  } catch (error) {
    return error;
  }
}

interface Deferral {
  /** Kept with the spooled event, for an operator. */
  reason: string;
  /** Said to the sender. */
  message: string;
}

function tooLarge(size: number): Deferral {
  const limit = `the ingest queue's limit of 128 KB per message (${MAX_QUEUE_MESSAGE_BYTES} bytes with room for its metadata)`;
  return {
    reason: `too large for a queue message: ${size} bytes, over ${limit}`,
    message: `this event is ${size} bytes, over ${limit}: it is kept in the ingest spool instead and stored by the next spool replay (every minute)`,
  };
}

async function spool(env: Env, m: IngestMessage, why: Deferral): Promise<Accepted> {
  const { event, scope, receivedAt } = m;
  console.error(`ingest: ${event.kind} of ${event.devEui} spooled: ${why.reason}`);
  try {
    await spoolEvent(env.SPOOL, { version: 1, event, scope, spooledAt: receivedAt, reason: why.reason });
  } catch (spoolError) {
    throw new IngestError(
      "storage_unavailable",
      "STORAGE_UNAVAILABLE",
      "the event could not be kept (ingest queue and fallback both unavailable); nothing was kept — send it again",
      { cause: spoolError },
    );
  }
  return { kind: event.kind, devEui: event.devEui, time: event.time, result: "deferred", message: why.message };
}
