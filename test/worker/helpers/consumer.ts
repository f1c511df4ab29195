import { createExecutionContext, createMessageBatch, getQueueResult, type MessageBatchMessage } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseChirpstack } from "../../../worker/src/ingest/chirpstack/parse.ts";
import { ingestMessage } from "../../../worker/src/ingest/queue.ts";
import type { Scope } from "../../../worker/src/ingest/scope.ts";
import worker from "../../../worker/src/index.ts";

/**
 * The ingest queue's consumer driven with a batch built here (cloudflare:test createMessageBatch),
 * so that a test knows exactly what one batch holds and what was acknowledged or retried.
 */

export const AMP: Scope = { tokenId: null, territory: "amp", commune: null };

let ids = 0;

/** A queue message as the ingest route sends it: the ChirpStack event parsed, with the token's scope. */
export function queueMessage(kind: Parameters<typeof parseChirpstack>[0], json: unknown, scope: Scope = AMP): MessageBatchMessage {
  const now = Date.now();
  const event = parseChirpstack(kind, "json", new TextEncoder().encode(JSON.stringify(json)), now);
  ids += 1;
  return { id: `msg${ids}`, timestamp: new Date(now), attempts: 1, body: ingestMessage(event, scope, now) };
}

export async function consumeBatch(messages: MessageBatchMessage[], target: Env = env): Promise<{ acked: string[]; retried: string[] }> {
  const batch = createMessageBatch("cigale-ingest", messages);
  const ctx = createExecutionContext();
  const handler: ExportedHandler<Env> = worker;
  if (!handler.queue) throw new Error("the Worker exports no queue handler");
  await handler.queue(batch, target, ctx);
  const result = await getQueueResult(batch, ctx);
  return { acked: [...result.explicitAcks].sort(), retried: result.retryMessages.map((r) => r.msgId).sort() };
}

export const idsOf = (messages: MessageBatchMessage[]) => messages.map((m) => m.id).sort();
