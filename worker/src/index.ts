import { createApp } from "./app.ts";
import { consumeIngest } from "./ingest/consume.ts";
import { consumeDeadLetters } from "./ingest/dead-letter.ts";
import { isDeadLetterQueue } from "./ingest/queue.ts";
import { drainSpool } from "./ingest/spool.ts";
import { BULK_CRON, writeDailyBulk } from "./open/bulk.ts";
import { previousLocalDay } from "./open/local-day.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  /** The ingest queue (store in D1) and its dead-letter queue (keep in the R2 spool); wrangler.toml. */
  async queue(batch, env) {
    if (isDeadLetterQueue(batch.queue)) await consumeDeadLetters(batch, env);
    else await consumeIngest(batch, env);
  },
  /** Cron (wrangler.toml): replay what the ingest spool kept while the queue or D1 was unavailable; nightly, the open-data bulk files. */
  async scheduled(controller, env, ctx) {
    if (controller.cron === BULK_CRON) {
      ctx.waitUntil(writeDailyBulk(env, previousLocalDay(controller.scheduledTime)).then((files) => console.log("open-data bulk files", JSON.stringify(files))));
      return;
    }
    ctx.waitUntil(
      drainSpool(env.DB, env.SPOOL).then((report) => {
        if (report.stored + report.duplicate + report.quarantined + report.failed > 0) console.log("ingest spool drained", JSON.stringify(report));
      }),
    );
  },
} satisfies ExportedHandler<Env>;
