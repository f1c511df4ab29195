import { readIngestMessage } from "./queue.ts";
import { spoolEvent, spoolUnreadable } from "./spool.ts";

/**
 * The dead-letter queue's consumer: what the ingest queue retried until it gave up (D1 down, or
 * failing on an event) is written to the R2 spool, which the cron trigger replays into D1 once
 * it can. A message is acknowledged only once R2 has it; if R2 fails too, the message stays in
 * the dead-letter queue and is retried (wrangler.toml).
 */
export async function consumeDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
  const now = Date.now();
  await Promise.all(
    batch.messages.map(async (message) => {
      const body = readIngestMessage(message.body);
      try {
        if (body) {
          await spoolEvent(env.SPOOL, {
            version: 1,
            event: body.event,
            scope: body.scope,
            spooledAt: now,
            reason: `dead-lettered: the ingest queue could not store it (accepted ${new Date(body.receivedAt).toISOString()}); see the consumer's logs`,
          });
        } else await spoolUnreadable(env.SPOOL, message.id, message.body);
        message.ack();
      } catch (error) {
        console.error(`ingest dead letter ${message.id} not spooled yet: ${String(error)}`);
        message.retry();
      }
    }),
  );
}
