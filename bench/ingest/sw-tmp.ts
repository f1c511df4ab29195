import autocannon from "autocannon";
import { unstable_startWorker } from "wrangler";
import { mkdtempSync } from "node:fs";
import { migrateLocal, seedLocal } from "../../worker/scripts/local.ts";
import { fleetCsv, uplinkBody } from "./fleet.ts";
const dir = mkdtempSync("/tmp/sw-");
migrateLocal(dir); await seedLocal(dir);
const w = await unstable_startWorker({ config: "wrangler.toml", dev: { server: { port: 8792 }, persist: dir, inspector: false, watch: false, logLevel: "warn" } } as never);
await w.ready;
const url = String(await w.url).replace(/\/$/, "");
await fetch(`${url}/v1/admin/devices/import`, { method: "POST", headers: { authorization: "Bearer dev-admin-key", "content-type": "text/csv" }, body: fleetCsv() });
const bodies = Array.from({ length: 20000 }, (_, i) => uplinkBody(i));
let next = 0;
for (const c of [1, 16, 1, 16]) {
  const r = await autocannon({ url: `${url}/v1/ingest/chirpstack?event=up`, method: "POST", connections: c, duration: 6, headers: { authorization: "Bearer dev-ingest-token", "content-type": "application/json" }, requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[next++] }) }] });
  console.log("ingest c", c, "req/s", r.requests.average, "p50", r.latency.p50, "p99", r.latency.p99, "non2xx", r.non2xx);
  const h = await autocannon({ url: `${url}/v1/health`, connections: c, duration: 4 });
  console.log("health c", c, "req/s", h.requests.average, "p50", h.latency.p50, "p99", h.latency.p99);
}
await w.dispose();
