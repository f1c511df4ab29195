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
 * pack` makes (sdk/README.md's examples run as written, open data included), in headless Chromium
 * (the SDK bundled as an ES module), and its retries, timeouts and cancelling against a scripted fetch.
 */

// CIGALE_SDK_TEST_PORT: another port, when 8851 is taken (two checkouts testing at once).
const PORT = Number(process.env["CIGALE_SDK_TEST_PORT"] ?? 8851);
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
    expect(examples.length).toBeGreaterThanOrEqual(8);
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
    // Open data: the datasets, the demo uplink as a typed CSV row, its latest value, the Table Schema.
    const [ids, row, ...rest] = outputs[5]!.trim().split("\n");
    expect(ids!.split(" ")).toEqual(expect.arrayContaining(["air-quality", "noise", "shared-mobility"]));
    expect(row).toBe(`2026-03-14T09:30:00.000Z ${STATION} NO2 42 µg/m³`);
    expect(rest).toContain("Qualité de l'air — Cours Mirabeau 5.44541,43.52633 2026-03-14T09:30:00.000Z");
    expect(rest.at(-1)).toMatch(/^.*\(µg\/m³\) — etalab-2\.0$/);
    // The bulk file of that day: saved, its ETag, 304, a range, its rows.
    expect(outputs[6]).toMatch(/^\d+ bytes, ETag "[^"]+"\n304\n206 \{ offset: 0, length: 2 \}\n2026-03-14T09:30:00.000Z 42\n$/);
    expect(readFileSync(join(app, "air-quality-2026-03-14.csv.gz")).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    // The catalog's datasets, the GBFS publisher (the local platform's .dev.vars), the demo station, NGSI-LD.
    expect(outputs[7]).toContain(`${worker!.url}/open/datasets/air-quality\n`);
    expect(outputs[7]).toContain("GBFS: Cigale — plateforme locale de démonstration <opendata@cigale.localhost>");
    expect(outputs[7]).toContain("0c1a1e0000000006 0 vehicles, 0 docks");
    // Every public device with an AirQualityObserved attribute (the bridge's temperature, the classroom CO2 too).
    expect(outputs[7]).toMatch(new RegExp(`^3 AirQualityObserved: .*urn:ngsi-ld:AirQualityObserved:${STATION} NO2=42( |$)`, "m"));
  });
});

describe("in headless Chromium", () => {
  it("the SDK bundled as an ES module reads the Worker and its open data across origins (CORS) and reports its errors", async () => {
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
        const rows = [];
        for await (const row of cigale.open.rows("air-quality", { from: "2026-03-14", to: "2026-03-15" })) rows.push([row.device, row["air.no2"]]);
        const whole = await cigale.open.bulk.get("air-quality", "2026-03-14");
        await whole.body.cancel();
        const part = await cigale.open.bulk.get("air-quality", "2026-03-14", { range: { suffix: 4 } });
        const again = await cigale.open.bulk.get("air-quality", "2026-03-14", { ifNoneMatch: whole.etag });
        const bulkRows = [];
        for await (const row of cigale.open.bulk.rows("air-quality", "2026-03-14")) bulkRows.push(row.time);
        const system = await cigale.open.gbfs.systemInformation();
        return {
          open: {
            rows,
            bulk: [whole.status, typeof whole.etag, part.status, part.range.length, part.size === whole.size, again.status, bulkRows],
            gbfs: system.data.feed_contact_email,
          },
          communes: communes.map((c) => c.insee),
          no2: latest.values["air.no2"]?.value,
          error: error instanceof sdk.CigaleError ? [error.status, error.code] : String(error),
        };
      })()`;
      const result = await page.evaluate(script);
      expect(result).toEqual({
        communes: ["13001", "13005", "13055", "13056"],
        no2: 42,
        error: [404, "NOT_FOUND"],
        // Open data across origins: the CSV streamed and typed; ETag, Content-Range and the rest readable (exposed by CORS).
        open: {
          rows: [[STATION, 42]],
          bulk: [200, "string", 206, 4, true, 304, ["2026-03-14T09:30:00.000Z"]],
          gbfs: "opendata@cigale.localhost",
        },
      });
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
