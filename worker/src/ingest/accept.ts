import { IngestError } from "./errors.ts";
import type { EventKind, IngestEvent } from "./event.ts";
import { ingestMessage, isTooLargeForQueue, MAX_QUEUE_MESSAGE_BYTES, messageBytes } from "./queue.ts";
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
 * queue has it — `send()` resolves once the message is durably written, and the consumer
 * (consume.ts) stores it in D1 with retries and a dead-letter queue behind it. If the queue
 * cannot take it, the event goes to the R2 spool (a separate storage system) and the answer is
 * still 202. Only when both fail does the Worker answer 503 — then nothing was kept, and
 * saying so is all that is left.
 */
export async function acceptEvent(env: Env, event: IngestEvent, scope: Scope, now: number): Promise<Accepted> {
  const head = { kind: event.kind, devEui: event.devEui, time: event.time };
  const message = ingestMessage(event, scope, now);
  // Too large for any queue: say so (413) rather than spool it as if the queue were down.
  const size = messageBytes(message);
  if (size > MAX_QUEUE_MESSAGE_BYTES) throw eventTooLarge(event, size);
  try {
    await env.INGEST_QUEUE.send(message);
    return { ...head, result: "accepted" };
  } catch (error) {
    if (isTooLargeForQueue(error)) throw eventTooLarge(event, size, error);
    const reason = `ingest queue send failed: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`ingest: ${event.kind} of ${event.devEui} spooled: ${reason}`);
    try {
      await spoolEvent(env.SPOOL, { version: 1, event, scope, spooledAt: now, reason });
    } catch (spoolError) {
      throw new IngestError(
        "storage_unavailable",
        "STORAGE_UNAVAILABLE",
        "the event could not be kept (ingest queue and fallback both unavailable); nothing was kept — send it again",
        { cause: spoolError },
      );
    }
    return {
      ...head,
      result: "deferred",
      message: "the ingest queue is unavailable right now: the event is kept in the ingest spool and will be stored when it recovers",
    };
  }
}

function eventTooLarge(event: IngestEvent, size: number, cause?: unknown): IngestError {
  return new IngestError(
    "too_large",
    "EVENT_TOO_LARGE",
    `this ${event.kind} event is ${size} bytes once queued, over the ingest queue's limit of 128 KB per message ` +
      `(${MAX_QUEUE_MESSAGE_BYTES} bytes with room for its metadata): nothing was kept. Only the free text of log events ` +
      "(description, context) can grow that large: shorten it",
    { cause },
  );
}
