/**
 * Starts bench/query/in-worker.ts in workerd (bench/ingest/workerd.ts serveBundle: Miniflare, as
 * `wrangler dev` runs Workers) with the bindings of wrangler.toml over the persisted state of
 * `persistTo`, bundled by esbuild as wrangler would bundle it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "../../worker/scripts/local.ts";
import { serveBundle } from "../ingest/workerd.ts";
import type { BenchRequest } from "./in-worker.ts";

export interface BenchWorker {
  /**
   * Posts one request to the bench Worker and reads the whole answer; rejects on a non-2xx answer.
   * The body comes back as text: parsing it is the client's work, not the Worker's, and is left out
   * of the timings (JSON.parse of the 1.5 MB SensorThings answer alone takes ~10 ms here).
   */
  call(request: BenchRequest): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchWorker(persistTo: string): Promise<BenchWorker> {
  const out = mkdtempSync(join(tmpdir(), "cigale-bench-worker-"));
  await build({
    entryPoints: [join(ROOT, "bench/query/in-worker.ts")],
    outfile: join(out, "index.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "error",
  });
  const { url, stop } = await serveBundle({
    name: "cigale-bench-query",
    port: 0,
    persistTo,
    out,
    modules: [{ type: "ESModule", path: join(out, "index.js") }],
  });
  return {
    async call(request) {
      const response = await fetch(url, { method: "POST", body: JSON.stringify(request) });
      const body = await response.text();
      if (!response.ok) throw new Error(`bench Worker: ${response.status} ${body.slice(0, 300)}`);
      return body;
    },
    stop,
  };
}
