/**
 * `npm run rollups:backfill -- [--persist-to DIR] [--device DEVEUI]…` rebuilds the rollups of the
 * local D1 from its readings (worker/src/rollups/backfill.ts: one transaction per device), with a
 * progress bar. It applies the migrations first (0006 creates the rollup tables). The database is
 * wrangler's local D1 (under .wrangler/state, or DIR as given to `npm run dev -- --persist-to`),
 * reached through wrangler's platform proxy: the same D1 binding the Worker gets.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { getPlatformProxy } from "wrangler";
import { backfillRollups } from "../src/rollups/backfill.ts";
import { migrateLocal, ROOT } from "./local.ts";

const HELP = `Rebuild the rollups (rollup_hour, rollup_day) of the local D1 from its readings.

Usage: npm run rollups:backfill -- [options]

Options:
  --persist-to DIR   local state directory (default: wrangler's .wrangler/state)
  --device DEVEUI    only this device (repeatable); default: every device with readings
  -h, --help         show this help
`;

const { values } = parseArgs({
  options: { "persist-to": { type: "string" }, device: { type: "string", multiple: true }, help: { type: "boolean", short: "h" } },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const persistTo = values["persist-to"];
migrateLocal(persistTo);
const proxy = await getPlatformProxy<{ DB: D1Database }>({
  configPath: join(ROOT, "wrangler.toml"),
  persist: { path: join(persistTo ?? join(ROOT, ".wrangler/state"), "v3") },
  remoteBindings: false,
});
try {
  const db = proxy.env.DB;
  let deviceIds: number[] | undefined;
  if (values.device) {
    deviceIds = [];
    for (const devEui of values.device) {
      const row = await db.prepare("SELECT id FROM devices WHERE dev_eui = ?1").bind(devEui.toLowerCase()).first<{ id: number }>();
      if (!row) throw new Error(`unknown device ${devEui}`);
      deviceIds.push(row.id);
    }
  }
  const bar = new SingleBar({ format: "rollups {bar} {value}/{total} devices | {duration_formatted} | eta {eta_formatted}", noTTYOutput: true, notTTYSchedule: 5_000 });
  let started = false;
  const started_at = Date.now();
  const { devices } = await backfillRollups(db, {
    ...(deviceIds ? { deviceIds } : {}),
    onProgress: ({ done, total }) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
  });
  bar.stop();
  console.log(`rebuilt the rollups of ${devices} device(s) in ${((Date.now() - started_at) / 1000).toFixed(1)} s`);
} finally {
  await proxy.dispose();
}
