import { isStorageUnavailable } from "../store/errors.ts";
import { type IngestItem, ingestEvents } from "./pipeline/index.ts";
import { readIngestMessage } from "./queue.ts";
import { spoolUnreadable } from "./spool.ts";

/**
 * The ingest queue's consumer: a batch of accepted events (up to 50, wrangler.toml) through the
 * ingest pipeline (pipeline/run.ts: one D1 transaction for the common case; an event D1 refuses
 * is isolated and quarantined, never retried forever). Each message is acknowledged once its
 * event is stored, found a duplicate or quarantined; the others are retried — all of them when
 * D1 is unavailable. The queue runs one consumer at a time (wrangler.toml `max_concurrency = 1`):
 * D1 is a single writer, and concurrent batches would only queue behind each other there. After the last retry the queue moves a message to the dead-letter queue,
 * whose consumer keeps it in the R2 spool (dead-letter.ts). Storing is idempotent, so a retried
 * message whose first attempt did commit is found stored, not stored twice.
 */
export async function consumeIngest(batch: MessageBatch, env: Env): Promise<void> {
  const items: IngestItem[] = [];
  const messages: Message[] = [];
  for (const message of batch.messages) {
    const body = readIngestMessage(message.body);
    if (body) {
      items.push({ event: body.event, scope: body.scope });
      messages.push(message);
      continue;
    }
    // Not a message this Worker wrote: keep it for a person rather than drop it.
    try {
      await spoolUnreadable(env.SPOOL, message.id, message.body);
      message.ack();
    } catch {
      message.retry();
    }
  }

  const results = await ingestEvents(env.DB, items);
  let retried = 0;
  let unavailable = 0;
  results.forEach((r, i) => {
    const message = messages[i]!;
    if (r.result !== "failed") return message.ack();
    retried++;
    if (isStorageUnavailable(r.error)) unavailable++;
    else console.error(`ingest: ${r.kind} of ${r.devEui} at ${new Date(r.time).toISOString()} failed (attempt ${message.attempts}): ${String(r.error)}`);
    message.retry();
  });
  if (unavailable > 0) console.error(`ingest: D1 unavailable, ${unavailable} of ${batch.messages.length} messages will be retried`);
  else if (retried > 0) console.error(`ingest: ${retried} of ${batch.messages.length} messages will be retried`);
}
