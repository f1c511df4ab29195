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

/** Messages of concurrent requests waiting for one sendBatch, and how to tell each request the outcome. */
interface OpenBatch {
  messages: IngestMessage[];
  bytes: number;
  settle: ((error: unknown) => void)[];
}

/** The batch still taking messages, per queue binding (tests hand the Worker other ones). */
const openBatches = new WeakMap<Queue, OpenBatch>();

/**
 * Puts a message in the queue; resolves once the queue has it (durably written), rejects
 * otherwise: with the queue's error when it was sent alone, with SharedBatchFailed when it was
 * part of a batch (the caller sends it alone to learn its own fate: too large, queue down). Messages of requests that arrive while a batch waits for its turn of the event loop join
 * it: one sendBatch for all of them instead of one send each, a queue operation per batch rather
 * than per request (in the local runtime, a third of an accepted event's CPU). Each request still
 * answers only once its own message is in the queue. The batch is sent from the request that
 * opened it, kept alive by waitUntil so that it is sent even if that request's client goes away;
 * each request waits on a promise of its own, which the runtime settles in its own context.
 */
export function sendCoalesced(queue: Queue, message: IngestMessage, bytes: number, waitUntil: ((promise: Promise<unknown>) => void) | null): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error: unknown) => (error === null ? resolve() : reject(error));
    const size = bytes + MAX_QUEUE_BATCH.perMessage;
    const open = openBatches.get(queue);
    if (open && open.messages.length < MAX_QUEUE_BATCH.messages && open.bytes + size <= MAX_QUEUE_BATCH.bytes) {
      open.messages.push(message);
      open.bytes += size;
      open.settle.push(settle);
      return;
    }
    const batch: OpenBatch = { messages: [message], bytes: size, settle: [settle] };
    openBatches.set(queue, batch);
    const sent = sendBatch(queue, batch);
    if (waitUntil) waitUntil(sent);
  });
}

async function sendBatch(queue: Queue, batch: OpenBatch): Promise<void> {
  // One turn of the event loop: requests being read meanwhile add their messages.
  await new Promise((r) => setTimeout(r, 0));
  if (openBatches.get(queue) === batch) openBatches.delete(queue);
  let error: unknown = null;
  try {
    if (batch.messages.length === 1) await queue.send(batch.messages[0]!);
    else await queue.sendBatch(batch.messages.map((body) => ({ body })));
  } catch (e) {
    error = e;
  }
  const failure = error === null || batch.messages.length === 1 ? error : new SharedBatchFailed(error);
  for (const settle of batch.settle) settle(failure);
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
