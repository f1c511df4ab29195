import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateLocal, ROOT, seedLocal, startWorker } from "../../worker/scripts/local.ts";
import { CigaleError, createClient } from "../../sdk/src/index.ts";

/**
 * @cigale/sdk against the real Worker (wrangler dev on its own port and state, the demo metropolis
 * seeded, one ChirpStack uplink of the demo env station ingested): in Node from the package `npm
 * pack` makes (sdk/README.md's examples run as written), in headless Chromium (the SDK bundled as
 * an ES module), and its retries, timeouts and cancelling against a scripted fetch.
 */

const PORT = 8851;
const README_ORIGIN = "https://api.cigale.example";
const STATION = "0c1a1e0000000001";
let work: string;
let worker: { url: string; stop: () => Promise<void> } | undefined;
let readKey: string;

function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "cigale-sdk-"));
  const state = join(work, "state");
  migrateLocal(state);
  await seedLocal(state);
  worker = await startWorker(PORT, state, true);
  const up = await fetch(`${worker.url}/v1/ingest/chirpstack?event=up`, {
    method: "POST",
    headers: { authorization: "Bearer dev-ingest-token", "content-type": "application/json" },
    body: readFileSync(join(ROOT, "worker/demo/chirpstack-up-env.json")),
  });
  expect(up.status).toBe(202);
  const key = await fetch(`${worker.url}/v1/admin/api-keys`, {
    method: "POST",
    headers: { authorization: "Bearer dev-admin-key", "content-type": "application/json" },
    body: JSON.stringify({ name: "sdk test", scope: "read:private" }),
  });
  readKey = ((await key.json()) as { key: string }).key;
  // The queue consumer stores the uplink about a second after the 202.
  const cigale = createClient({ baseUrl: worker.url });
  for (let i = 0; i < 100 && (await cigale.devices.latest(STATION)).values["air.no2"] === undefined; i++) await new Promise((r) => setTimeout(r, 200));
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("in Node, from the packed package", () => {
  it("npm pack makes an installable package whose README examples run against the Worker", () => {
    const packed = join(work, "packed");
    mkdirSync(packed);
    sh("npm", ["pack", "--pack-destination", packed], join(ROOT, "sdk"));
    const tarball = readdirSync(packed).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "sdk-user", private: true, type: "module" }));
    sh("npm", ["install", "--offline", "--no-audit", "--no-fund", join(packed, tarball!)], app);
    const installed = JSON.parse(readFileSync(join(app, "node_modules/@cigale/sdk/package.json"), "utf8")) as { dependencies?: unknown };
    expect(installed.dependencies, "no runtime dependency").toBeUndefined();
    expect(readdirSync(join(app, "node_modules/@cigale/sdk/dist"))).toEqual(expect.arrayContaining(["index.js", "index.d.ts", "client.d.ts"]));

    const readme = readFileSync(join(ROOT, "sdk/README.md"), "utf8");
    const examples = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const outputs = examples.map((code, i) => {
      const file = join(app, `example-${i}.mjs`);
      writeFileSync(file, code.replaceAll(README_ORIGIN, worker!.url));
      return sh(process.execPath, [file], app, { ...process.env, CIGALE_READ_KEY: readKey });
    });
    expect(outputs[0]).toContain(`${STATION} `);
    expect(outputs[1]).toMatch(/^NO2 42 ug\/m3 at 2026-03-14T09:30:00.000Z/);
    expect(outputs[2]).toMatch(/^2026-03-14T09:00:00.000Z 42 \(1 readings, 42–42\)/);
    expect(outputs[3]).toMatch(/^404 NOT_FOUND: .*\nABORTED\n$/);
    expect(outputs[4]).toContain("2026-03-14: ");
  });
});

describe("in headless Chromium", () => {
  it("the SDK bundled as an ES module reads the Worker across origins (CORS) and reports its errors", async () => {
    const bundle = await build({ entryPoints: [join(ROOT, "sdk/src/index.ts")], bundle: true, format: "esm", write: false, platform: "browser", target: "es2022" });
    const source = bundle.outputFiles[0]!.text;
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const page = await browser.newPage();
      // A page of another origin than the API's (localhost, not 127.0.0.1): the answers must carry CORS headers.
      await page.goto(`http://localhost:${PORT}/v1/health`);
      // A string, not a function: vitest would rewrite the function's dynamic import for Node.
      const script = `(async () => {
        const sdk = await import(URL.createObjectURL(new Blob([${JSON.stringify(source)}], { type: "text/javascript" })));
        const cigale = sdk.createClient({ baseUrl: ${JSON.stringify(worker!.url)} });
        const communes = await cigale.communes.list();
        const latest = await cigale.devices.latestOf(${JSON.stringify(STATION)}, "env");
        const error = await cigale.devices.get("70b3d5ffffffffff").catch((e) => e);
        return {
          communes: communes.map((c) => c.insee),
          no2: latest.values["air.no2"]?.value,
          error: error instanceof sdk.CigaleError ? [error.status, error.code] : String(error),
        };
      })()`;
      const result = await page.evaluate(script);
      expect(result).toEqual({ communes: ["13001", "13005", "13055", "13056"], no2: 42, error: [404, "NOT_FOUND"] });
    } finally {
      await browser.close();
    }
  });
});

describe("retries, timeouts and cancelling (scripted fetch)", () => {
  const ok = () => new Response(JSON.stringify({ communes: [] }), { status: 200, headers: { "content-type": "application/json" } });
  const status = (s: number, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify({ error: { code: s === 429 ? "RATE_LIMITED" : "STORAGE_UNAVAILABLE", message: "later" } }), { status: s, headers });

  it("retries 429 and 5xx, waiting Retry-After, then answers; gives up after `retries` with the last error", async () => {
    const calls: number[] = [];
    const answers = [status(429, { "retry-after": "1" }), status(503), ok()];
    const cigale = createClient({ baseUrl: "http://x.test", backoffMs: 1, fetch: async () => (calls.push(Date.now()), answers.shift()!) });
    expect(await cigale.communes.list()).toEqual([]);
    expect(calls).toHaveLength(3);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(990);

    let n = 0;
    const failing = createClient({ baseUrl: "http://x.test", retries: 2, backoffMs: 1, fetch: async () => (n++, status(503)) });
    const error = await failing.communes.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CigaleError);
    expect([(error as CigaleError).status, (error as CigaleError).code, n]).toEqual([503, "STORAGE_UNAVAILABLE", 3]);
  });

  it("a 4xx is not retried", async () => {
    let n = 0;
    const cigale = createClient({ baseUrl: "http://x.test", fetch: async () => (n++, new Response(JSON.stringify({ error: { code: "NOT_FOUND", message: "no" } }), { status: 404 })) });
    await expect(cigale.devices.get("0c1a1e0000000001")).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(n).toBe(1);
  });

  it("an attempt without an answer times out (TIMEOUT); a signal cancels (ABORTED), even while waiting to retry", async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason as Error), { once: true }));
    const slow = createClient({ baseUrl: "http://x.test", fetch: hang, timeoutMs: 50, retries: 1, backoffMs: 1 });
    await expect(slow.communes.list()).rejects.toMatchObject({ status: 0, code: "TIMEOUT" });

    const controller = new AbortController();
    const cancelled = createClient({ baseUrl: "http://x.test", fetch: hang, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(cancelled.communes.list()).rejects.toMatchObject({ code: "ABORTED" });

    const waiting = createClient({ baseUrl: "http://x.test", fetch: async () => status(429, { "retry-after": "60" }) });
    const call = new AbortController();
    setTimeout(() => call.abort(), 20);
    const started = Date.now();
    await expect(waiting.communes.list({ signal: call.signal })).rejects.toMatchObject({ code: "ABORTED" });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
