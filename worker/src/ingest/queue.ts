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
