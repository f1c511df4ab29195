/**
 * The Worker in workerd without wrangler's dev proxy: the bundle `wrangler deploy --dry-run`
 * would upload, run by Miniflare (the runtime `wrangler dev` itself uses) with the bindings
 * wrangler reads from wrangler.toml and .dev.vars — the same D1, queues, R2 and persistence
 * layout as `wrangler dev --persist-to`. `wrangler dev` puts a second workerd in front of the
 * Worker (its proxy, for live reload and the inspector), which costs about as much CPU per request
 * as the Worker's own route; a deployed Worker has no such hop.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { ROOT, run } from "../../worker/scripts/local.ts";

// The Miniflare wrangler depends on (and whose options unstable_getMiniflareWorkerOptions
// returns), not whichever version another package hoisted to the top of node_modules.
const { Miniflare, convertV4MiniflareOptions } = createRequire(createRequire(import.meta.url).resolve("wrangler"))("miniflare") as typeof import("miniflare");

export async function startWorkerd(port: number, persistTo: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const out = mkdtempSync(join(tmpdir(), "cigale-bundle-"));
  run("wrangler", ["deploy", "--dry-run", "--outdir", out]);
  // The bundle and the WASM modules it imports, listed as wrangler lists them for an upload.
  const modules = [
    { type: "ESModule" as const, path: join(out, "index.js") },
    ...readdirSync(out)
      .filter((f) => f.endsWith(".wasm"))
      .map((f) => ({ type: "CompiledWasm" as const, path: join(out, f) })),
  ];
  return serveBundle({ name: "cigale", port, persistTo, out, modules });
}

/**
 * Runs the modules of a bundle in `out` as one Worker in Miniflare, with the bindings wrangler
 * reads from wrangler.toml and .dev.vars over the state of `persistTo` (so D1 opens the same
 * database file as `wrangler dev --persist-to`); `stop` disposes of it and removes `out`. Also the
 * query benchmark's bench Worker (bench/query/workerd.ts).
 */
export async function serveBundle(o: {
  name: string;
  port: number;
  persistTo: string;
  out: string;
  modules: { type: "ESModule" | "CompiledWasm"; path: string }[];
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml")).workerOptions;
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: o.port,
    resourcePersistencePath: join(o.persistTo, "v3"),
    workers: [{ ...workerOptions, name: o.name, modules: o.modules, modulesRoot: o.out }],
  }));
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return {
    url,
    stop: async () => {
      await mf.dispose();
      rmSync(o.out, { recursive: true, force: true });
    },
  };
}
