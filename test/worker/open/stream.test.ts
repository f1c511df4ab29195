import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../worker/src/app.ts";
import { PAGE_ROWS } from "../../../worker/src/open/rows.ts";
import { BASE } from "../helpers/http.ts";
import { addDevice, csvLines, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/**
 * A month of a busy dataset goes out as a stream: the Worker reads D1 a page at a time as the
 * client reads, never the month at once. The D1 binding is wrapped to count reads and the rows
 * each returns.
 */

const T0 = Date.parse("2026-01-01T00:00:00Z");
const STEP = 5 * 60_000;
const PER_SERIES = 30 * 288; // 30 days every 5 minutes
const KEYS = ["air.no2", "air.pm2_5", "air.pm10"];

interface ReadLog {
  batches: number;
  largestResult: number;
}

/** The D1 binding, with every batch() counted and the largest result it returned noted. */
function countingDb(db: D1Database, log: ReadLog): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          log.batches += 1;
          const results = await target.batch(statements);
          for (const r of results) log.largestResult = Math.max(log.largestResult, r.results.length);
          return results;
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("a month-long export streams", () => {
  let devices: SeedDevice[];

  beforeAll(async () => {
    const admin = await registry();
    const q = await quantities();
    devices = [];
    for (let i = 0; i < 4; i++) devices.push(await addDevice(admin, { profile: "env", public: true }));
    for (const d of devices) for (const [k, key] of KEYS.entries()) await seedSeries(d.id, q.get(key)!.id, T0, STEP, PER_SERIES, 100 * k);
  });

  it("the first bytes leave after a few page reads; the whole month arrives, each read bounded by the page size", async () => {
    const log: ReadLog = { batches: 0, largestResult: 0 };
    const app = createApp();
    const response = await app.fetch(
      new Request(`${BASE}/open/datasets/air-quality.csv?from=2026-01-01&to=2026-01-31`),
      { ...env, DB: countingDb(env.DB, log) },
      createExecutionContext(),
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // Enough to fill the first chunk: a page or two of the first device, nowhere near the month.
    const batchesForFirstChunk = log.batches;
    expect(batchesForFirstChunk).toBeLessThanOrEqual(3);
    let text = decoder.decode(first.value, { stream: true });
    let chunks = 1;
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      chunks += 1;
      text += decoder.decode(next.value, { stream: true });
    }
    text += decoder.decode();
    const lines = csvLines(text);
    const header = lines[0]!;
    expect(lines.length - 1).toBe(4 * PER_SERIES);
    // Every page of every device was read, each at most PAGE_ROWS readings per quantity.
    const pagesPerDevice = Math.ceil(PER_SERIES / PAGE_ROWS);
    expect(log.batches).toBeGreaterThanOrEqual(4 * pagesPerDevice);
    expect(log.largestResult).toBeLessThanOrEqual(PAGE_ROWS);
    expect(chunks).toBeGreaterThan(20);
    // Rows are whole (every quantity filled at every time), in device then time order.
    const col = (name: string) => header.indexOf(name);
    const rows = lines.slice(1);
    for (const [i, row] of rows.entries()) {
      const d = devices[Math.floor(i / PER_SERIES)]!;
      const n = i % PER_SERIES;
      if (n % 997 !== 0 && n !== PER_SERIES - 1) continue;
      expect(row[col("device")]).toBe(d.devEui);
      expect(row[col("time")]).toBe(new Date(T0 + n * STEP).toISOString());
      expect(row[col("air.no2")]).toBe(String(n % 50));
      expect(row[col("air.pm2_5")]).toBe(String((100 + (n % 50)) / 10));
      expect(row[col("air.pm10")]).toBe(String((200 + (n % 50)) / 10));
    }
  });
});
