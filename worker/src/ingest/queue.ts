import { EVENT_KINDS, type IngestEvent } from "./event.ts";
import type { Scope } from "./scope.ts";

/**
 * One accepted event on its way to D1: what the ingest routes send to the ingest queue
 * (wrangler.toml `INGEST_QUEUE`) and what its consumer, the dead-letter consumer and the spool
 * read back. Plain JSON, versioned so that a message sent by one deployment is understood by
 * the next.
 */
export interface IngestMessage {
  version: 1;
  event: IngestEvent;
  /** The scope of the token it was accepted with: the consumer quarantines devices outside it. */
  scope: Scope;
  /** When the Worker accepted it, epoch ms (the event's own receivedAt too). */
  receivedAt: number;
}

/**
 * The largest message the ingest queue takes: Cloudflare Queues accept 128 KB per message,
 * about 100 bytes of it metadata; 1 KB is kept as margin.
 */
export const MAX_QUEUE_MESSAGE_BYTES = 127_000;

/** The size the queue counts: the message as JSON, in UTF-8 bytes. */
export function messageBytes(message: IngestMessage): number {
  return new TextEncoder().encode(JSON.stringify(message)).byteLength;
}

/**
 * What one sendBatch may carry: Cloudflare Queues take 100 messages and 256 KB per batch, each
 * message counted with about 100 bytes of metadata; 6 KB are kept as margin.
 */
export const MAX_QUEUE_BATCH = { messages: 100, bytes: 250_000, perMessage: 100 } as const;

/** A sendBatch that carried other requests' messages too failed: the caller sends its own again to learn its fate. */
export class SharedBatchFailed extends Error {
  constructor(cause: unknown) {
    super(`ingest queue sendBatch failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "SharedBatchFailed";
  }
}

/** Messages of concurrent requests for one sendBatch, and its outcome once sent (null: in the queue). */
interface OpenBatch {
  messages: IngestMessage[];
  bytes: number;
  outcome?: { error: unknown } | null;
}

/** The batch still taking messages, per queue binding (tests hand the Worker other ones). */
const openBatches = new WeakMap<Queue, OpenBatch>();

/** How long a request waits for another one to send the batch its message joined, before sending it alone. */
const SHARED_BATCH_WAIT_MS = 20_000;

/**
 * Puts a message in the queue; resolves once the queue has it (durably written), rejects
 * otherwise: with the queue's error when it was sent alone, with SharedBatchFailed when it was
 * part of a batch (the caller sends it alone to learn its own fate: too large, queue down).
 *
 * Messages of requests that arrive while a batch waits for its turn of the event loop join it:
 * one sendBatch for all of them instead of one send each (in the local runtime a queue operation
 * is a third of an accepted event's CPU). Each request still answers only once its own message is
 * in the queue. The batch is sent by the request that opened it, kept alive by waitUntil so that
 * it is sent even if that request's client goes away. The others watch its outcome on timers of
 * their own: the runtime does not let a promise settled in one request's context wake another
 * request ("Cannot perform I/O on behalf of a different request"). Should the batch never be sent,
 * each of them sends its message alone after SHARED_BATCH_WAIT_MS — at worst a message queued
 * twice, which the consumer stores once.
 */
export async function sendCoalesced(queue: Queue, message: IngestMessage, bytes: number, waitUntil: ((promise: Promise<unknown>) => void) | null): Promise<void> {
  const size = bytes + MAX_QUEUE_BATCH.perMessage;
  const open = openBatches.get(queue);
  if (open && open.messages.length < MAX_QUEUE_BATCH.messages && open.bytes + size <= MAX_QUEUE_BATCH.bytes) {
    open.messages.push(message);
    open.bytes += size;
    const deadline = Date.now() + SHARED_BATCH_WAIT_MS;
    while (open.outcome === undefined) {
      if (Date.now() > deadline) throw new SharedBatchFailed(new Error(`the request sending it did not finish within ${SHARED_BATCH_WAIT_MS} ms`));
      await new Promise((r) => setTimeout(r, 1));
    }
    if (open.outcome !== null) throw new SharedBatchFailed(open.outcome.error);
    return;
  }
  const batch: OpenBatch = { messages: [message], bytes: size };
  openBatches.set(queue, batch);
  const sent = sendBatch(queue, batch);
  waitUntil?.(sent);
  await sent;
  if (batch.outcome) throw batch.messages.length === 1 ? batch.outcome.error : new SharedBatchFailed(batch.outcome.error);
}

async function sendBatch(queue: Queue, batch: OpenBatch): Promise<void> {
  // One turn of the event loop: requests being read meanwhile add their messages.
  await new Promise((r) => setTimeout(r, 0));
  if (openBatches.get(queue) === batch) openBatches.delete(queue);
  try {
    if (batch.messages.length === 1) await queue.send(batch.messages[0]!);
    else await queue.sendBatch(batch.messages.map((body) => ({ body })));
    batch.outcome = null;
  } catch (error) {
    batch.outcome = { error };
  }
}

/** True when the queue refused a message for its size (not because it is unavailable). */
export function isTooLargeForQueue(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /too large|exceeds.*(size|limit)|size limit/i.test(text);
}

export function ingestMessage(event: IngestEvent, scope: Scope, receivedAt: number): IngestMessage {
  return { version: 1, event, scope, receivedAt };
}

/** The message, or null if it is not one this Worker wrote (another version, or damaged). */
export function readIngestMessage(body: unknown): IngestMessage | null {
  if (typeof body !== "object" || body === null) return null;
  const m = body as Partial<IngestMessage>;
  const event = m.event as Partial<IngestEvent> | undefined;
  if (m.version !== 1 || typeof m.receivedAt !== "number" || typeof m.scope !== "object" || m.scope === null) return null;
  if (typeof event !== "object" || event === null || typeof event.devEui !== "string" || typeof event.time !== "number") return null;
  if (!(EVENT_KINDS as readonly unknown[]).includes(event.kind)) return null;
  return m as IngestMessage;
}

/**
 * Dead-letter queues are recognised by name: the ingest queue's is `<queue>-dlq` (wrangler.toml),
 * so the same code serves every environment's pair of queues.
 */
export function isDeadLetterQueue(queueName: string): boolean {
  return queueName.endsWith("-dlq");
}
