/**
 * Starts bench/query/in-worker.ts in workerd (Miniflare, as `wrangler dev` runs Workers) with the
 * bindings of wrangler.toml over the persisted state of `persistTo`, bundled by esbuild as wrangler
 * would bundle it.
 */
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { ROOT } from "../../worker/scripts/local.ts";
import type { BenchRequest } from "./in-worker.ts";

const { Miniflare, convertV4MiniflareOptions } = createRequire(createRequire(import.meta.url).resolve("wrangler"))("miniflare") as typeof import("miniflare");

export interface BenchWorker {
  /** Posts one request to the bench Worker; rejects on a non-2xx answer. */
  call(request: BenchRequest): Promise<unknown>;
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
  // The Worker's own bindings (D1 with its id, hence the same database file under persistTo).
  const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml")).workerOptions;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      resourcePersistencePath: join(persistTo, "v3"),
      workers: [{ ...workerOptions, name: "cigale-bench-query", modules: [{ type: "ESModule" as const, path: join(out, "index.js") }], modulesRoot: out }],
    }),
  );
  const url = (await mf.ready).toString();
  return {
    async call(request) {
      const response = await fetch(url, { method: "POST", body: JSON.stringify(request) });
      const body = await response.text();
      if (!response.ok) throw new Error(`bench Worker: ${response.status} ${body.slice(0, 300)}`);
      return JSON.parse(body);
    },
    async stop() {
      await mf.dispose();
      rmSync(out, { recursive: true, force: true });
    },
  };
}
