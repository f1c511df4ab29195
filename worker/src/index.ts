import { createApp } from "./app.ts";
import { drainSpool } from "./ingest/spool.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cron (wrangler.toml): replay what the ingest spool kept while D1 was unavailable. */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      drainSpool(env.DB, env.SPOOL).then((report) => {
        if (report.stored + report.duplicate + report.quarantined + report.failed > 0) console.log("ingest spool drained", JSON.stringify(report));
      }),
    );
  },
} satisfies ExportedHandler<Env>;
