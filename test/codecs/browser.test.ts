/**
 * The codec in a real browser: codecs/src bundled for the web, codecs.wasm fetched and compiled
 * asynchronously (as browsers require for modules over 4 KB on the main thread), run in Debian's
 * headless Chromium, and compared with the Node path on golden frames.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codec } from "../../codecs/src/node.ts";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const ENV_HEX = "405fdd819802611c05101f00c6a1";

let server: Server;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const bundle = await build({
    stdin: {
      contents: `import { loadCodec } from "./index.ts";
        const codec = await loadCodec(fetch("/codecs.wasm"));
        const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
        const bytes = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
        const frame = codec.encodeUplink("env", ${JSON.stringify(referenceReading())});
        window.cigaleResult = {
          webAssembly: typeof WebAssembly,
          encoded: hex(frame.bytes),
          decoded: codec.decodeUplink("env", 1, bytes("${ENV_HEX}"), { recvTime: new Date("2026-03-14T09:34:15Z") }),
          truncated: codec.decodeUplink("env", 1, [0x41]),
          downlink: hex(codec.encodeDownlink("env", { command: "setInterval", token: 7, interval: 900 }).bytes),
        };`,
      resolveDir: new URL("../../codecs/src/", import.meta.url).pathname,
      loader: "ts",
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const wasm = readFileSync(new URL("../../codecs/build/codecs.wasm", import.meta.url));
  server = createServer((req, res) => {
    if (req.url === "/codecs.wasm") res.writeHead(200, { "content-type": "application/wasm" }).end(wasm);
    else if (req.url === "/app.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script type="module" src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

function referenceReading() {
  return { air: { temperature: 21.35, relativeHumidity: 48, pressure: 1013.2, no2: 38, o3: 71, pm1: 8.1, pm2_5: 12.4, pm10: 19.8 }, battery: 3.61 };
}

describe("codecs.wasm in headless Chromium", () => {
  it("loads with loadCodec(fetch(url)) and gives the Node path's results", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(base);
    await page.waitForFunction(() => "cigaleResult" in window, undefined, { timeout: 20_000 });
    const result = (await page.evaluate(() => (window as unknown as { cigaleResult: unknown }).cigaleResult)) as Record<string, unknown>;
    expect(errors).toEqual([]);
    expect(result["webAssembly"]).toBe("object");
    expect(result["encoded"]).toBe(ENV_HEX);
    const bytes = Buffer.from(ENV_HEX, "hex");
    expect(result["decoded"]).toEqual(codec.decodeUplink("env", 1, bytes, { recvTime: new Date("2026-03-14T09:34:15Z") }));
    expect(result["truncated"]).toEqual(codec.decodeUplink("env", 1, [0x41]));
    expect(result["downlink"]).toBe(Buffer.from(codec.encodeDownlink("env", { command: "setInterval", token: 7, interval: 900 }).bytes).toString("hex"));
    await page.close();
  });
});
