import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../../worker/src/index.ts";
import { BULK_CRON, bulkKey, putStream, writeDailyBulk } from "../../../worker/src/open/bulk.ts";
import { DATASETS } from "../../../worker/src/open/datasets.ts";
import { LICENCE } from "../../../worker/src/open/licence.ts";
import { localDayOf, localDayWindow, previousLocalDay } from "../../../worker/src/open/local-day.ts";
import { BASE } from "../helpers/http.ts";
import { addDevice, csvLines, quantities, registry, type SeedDevice, seedSeries } from "./seed.ts";

/** Daily bulk files: local days, gzip CSV in R2 through the cron, served with Content-Length, ETag and ranges. */

const HALF_HOUR = 1_800_000;

async function gunzip(bytes: ArrayBuffer): Promise<string> {
  return new Response(new Response(bytes).body!.pipeThrough(new DecompressionStream("gzip"))).text();
}

async function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers }));
}

describe("local days (Europe/Paris)", () => {
  it("are 24 h, 23 h on the spring change and 25 h on the autumn change; the nightly run takes the day before", () => {
    expect(localDayWindow("2026-01-15")).toEqual({ from: Date.parse("2026-01-14T23:00:00Z"), to: Date.parse("2026-01-15T23:00:00Z") });
    expect(localDayWindow("2026-07-01")).toEqual({ from: Date.parse("2026-06-30T22:00:00Z"), to: Date.parse("2026-07-01T22:00:00Z") });
    const spring = localDayWindow("2026-03-29");
    expect((spring.to - spring.from) / 3_600_000).toBe(23);
    const autumn = localDayWindow("2026-10-25");
    expect((autumn.to - autumn.from) / 3_600_000).toBe(25);
    expect(previousLocalDay(Date.parse("2026-01-16T00:30:00Z"))).toBe("2026-01-15");
    expect(previousLocalDay(Date.parse("2026-07-01T22:30:00Z"))).toBe("2026-07-01");
  });
});

describe("daily bulk files", () => {
  let pub: SeedDevice;
  let hidden: SeedDevice;

  beforeAll(async () => {
    const admin = await registry();
    const q = await quantities();
    pub = await addDevice(admin, { profile: "noise", public: true });
    hidden = await addDevice(admin, { profile: "noise", public: false });
    // Every half hour from 22:00 UTC on the 14th to 00:00 UTC on the 17th.
    for (const d of [pub, hidden]) await seedSeries(d.id, q.get("sound.laeq")!.id, Date.parse("2026-01-14T22:00:00Z"), HALF_HOUR, 101, 550);
  });

  it("the nightly cron writes the previous local day of every dataset: gzip CSV of that day's rows, public devices only, with the licence", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: BULK_CRON, scheduledTime: Date.parse("2026-01-16T00:30:00Z") }), env, ctx);
    await waitOnExecutionContext(ctx);
    const listed = await env.OPEN_DATA.list({ prefix: "open/bulk/" });
    expect(listed.objects.map((o) => o.key).sort()).toEqual(DATASETS.map((d) => bulkKey(d.id, "2026-01-15")).sort());
    const object = (await env.OPEN_DATA.get(bulkKey("noise", "2026-01-15")))!;
    expect(object.httpMetadata?.contentType).toBe("application/gzip");
    expect(object.customMetadata?.["license"]).toBe(LICENCE.spdx);
    const rows = csvLines(await gunzip(await object.arrayBuffer()));
    expect(rows[0]!.slice(0, 2)).toEqual(["time", "device"]);
    const times = rows.slice(1).map((r) => r[0]);
    // 23:00Z on the 14th (local midnight) up to, not including, 23:00Z on the 15th: 48 half hours.
    expect(times).toHaveLength(48);
    expect(times[0]).toBe("2026-01-14T23:00:00.000Z");
    expect(times.at(-1)).toBe("2026-01-15T22:30:00.000Z");
    expect(new Set(rows.slice(1).map((r) => r[1]))).toEqual(new Set([pub.devEui]));
    // A second run keeps what is there.
    expect((await writeDailyBulk(env, "2026-01-15")).every((r) => !r.written)).toBe(true);
  });

  it("served with Content-Length, ETag, Range (206, suffix, 416) and If-None-Match (304)", async () => {
    const object = (await env.OPEN_DATA.get(bulkKey("noise", "2026-01-15")))!;
    const bytes = new Uint8Array(await object.arrayBuffer());
    const whole = await get("/open/bulk/noise/2026-01-15.csv.gz");
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("application/gzip");
    expect(whole.headers.get("content-length")).toBe(String(bytes.length));
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("access-control-allow-origin")).toBe("*");
    expect(whole.headers.get("link")).toContain(LICENCE.url);
    const etag = whole.headers.get("etag")!;
    expect(etag).toMatch(/^"/);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);

    const part = await get("/open/bulk/noise/2026-01-15.csv.gz", { Range: "bytes=10-29" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-29/${bytes.length}`);
    expect(part.headers.get("content-length")).toBe("20");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(10, 30));

    const tail = await get("/open/bulk/noise/2026-01-15.csv.gz", { Range: "bytes=-8" });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(-8));

    const open = await get("/open/bulk/noise/2026-01-15.csv.gz", { Range: `bytes=${bytes.length - 5}-` });
    expect(open.headers.get("content-range")).toBe(`bytes ${bytes.length - 5}-${bytes.length - 1}/${bytes.length}`);
    await open.arrayBuffer();

    const beyond = await get("/open/bulk/noise/2026-01-15.csv.gz", { Range: `bytes=${bytes.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe("RANGE_NOT_SATISFIABLE");

    const cached = await get("/open/bulk/noise/2026-01-15.csv.gz", { "If-None-Match": etag });
    expect(cached.status).toBe(304);

    const head = await get("/open/bulk/noise/2026-01-15.csv.gz", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
  });

  it("a finished day without a file is written on first request; today and bad days are 404; index.json lists the files", async () => {
    const r = await get("/open/bulk/noise/2026-01-16.csv.gz");
    expect(r.status).toBe(200);
    const rows = csvLines(await gunzip(await r.arrayBuffer())).slice(1);
    expect(rows.map((x) => x[0])).toEqual(Array.from({ length: 48 }, (_, i) => new Date(Date.parse("2026-01-15T23:00:00Z") + i * HALF_HOUR).toISOString()));
    expect(await env.OPEN_DATA.head(bulkKey("noise", "2026-01-16"))).not.toBeNull();
    const today = localDayOf(Date.now());
    expect((await get(`/open/bulk/noise/${today}.csv.gz`)).status).toBe(404);
    for (const path of ["/open/bulk/noise/2026-02-30.csv.gz", "/open/bulk/parking/2026-01-15.csv.gz", "/open/bulk/noise/2026-01-15.csv"]) expect((await get(path)).status, path).toBe(404);
    const index = (await (await get("/open/bulk/noise/index.json")).json()) as { files: Array<{ day: string; url: string; bytes: number }> };
    expect(index.files.map((f) => f.day)).toEqual(["2026-01-16", "2026-01-15"]);
    expect(index.files[1]!.url).toBe(`${BASE}/open/bulk/noise/2026-01-15.csv.gz`);
  });

  it("a file larger than a part goes up as an R2 multipart upload, byte for byte", async () => {
    const size = 5 * 1024 * 1024 + 12_345;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 2654435761) >>> 24;
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < size; i += 100_000) controller.enqueue(data.slice(i, i + 100_000));
        controller.close();
      },
    });
    expect(await putStream(env.OPEN_DATA, "test/multipart.bin", chunks, {})).toBe(size);
    const back = new Uint8Array(await (await env.OPEN_DATA.get("test/multipart.bin"))!.arrayBuffer());
    expect(back.length).toBe(size);
    expect(back).toEqual(data);
  });
});
