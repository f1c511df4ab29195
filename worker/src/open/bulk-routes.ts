import { createRoute, z } from "@hono/zod-openapi";
import { RequestError } from "../api/errors.ts";
import { DATASET_IDS, findDataset } from "./datasets.ts";
import { bulkKey, isFinishedDay, writeBulkFile } from "./bulk.ts";
import { baseUrl, errorResponses, openApp } from "./http.ts";
import { isDay } from "./local-day.ts";

const datasetParam = z.enum(DATASET_IDS).openapi({ param: { name: "dataset", in: "path" }, example: "air-quality" });

/** What GET /open/bulk/{dataset}/index.json answers. */
export const bulkIndex = z
  .object({ dataset: z.string(), license: z.string(), files: z.array(z.object({ day: z.string(), url: z.string(), bytes: z.number().int(), etag: z.string() })) })
  .openapi("BulkIndex");

const fileRoute = createRoute({
  method: "get",
  path: "/bulk/{dataset}/{day}",
  summary: "One dataset's CSV of one local day (Europe/Paris), gzip-compressed; Range requests (206), ETag and If-None-Match (304)",
  tags: ["open data"],
  request: {
    params: z.object({
      dataset: datasetParam,
      day: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}\.csv\.gz$/)
        .openapi({ param: { name: "day", in: "path" }, description: "`YYYY-MM-DD.csv.gz`, a finished local day", example: "2026-01-15.csv.gz" }),
    }),
  },
  responses: {
    200: { description: "The whole file (a byte range answers 206 with Content-Range)", content: { "application/gzip": { schema: z.string().openapi({ format: "binary" }) } } },
    304: { description: "Not modified (If-None-Match matched the ETag)" },
    ...errorResponses(404, 416, 503),
  },
});

const indexRoute = createRoute({
  method: "get",
  path: "/bulk/{dataset}/index.json",
  summary: "The daily bulk files of a dataset that exist, newest first",
  tags: ["open data"],
  request: { params: z.object({ dataset: datasetParam }) },
  responses: {
    200: {
      description: "Files with their day, URL, size and ETag",
      content: { "application/json": { schema: bulkIndex } },
    },
    ...errorResponses(404, 503),
  },
});

/** One byte range of a `size`-byte file from a Range header; null: serve it whole (absent or several ranges). */
export function parseRange(header: string | undefined, size: number): { offset: number; length: number } | null | "unsatisfiable" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === "" && b === "") return null;
  if (a === "") {
    const suffix = Number(b);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

export const bulkRoutes = openApp()
  .openapi(indexRoute, async (c) => {
    const { dataset } = c.req.valid("param");
    const prefix = `open/bulk/${dataset}/`;
    const files: Array<{ day: string; url: string; bytes: number; etag: string }> = [];
    let cursor: string | undefined;
    do {
      const page = await c.env.OPEN_DATA.list({ prefix, ...(cursor ? { cursor } : {}) });
      for (const o of page.objects) {
        const day = o.key.slice(prefix.length, prefix.length + 10);
        files.push({ day, url: `${baseUrl(c.req.url)}/open/bulk/${dataset}/${day}.csv.gz`, bytes: o.size, etag: o.httpEtag });
      }
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    files.sort((x, y) => (x.day < y.day ? 1 : -1));
    return c.json({ dataset, license: "etalab-2.0", files }, 200, { "Cache-Control": "public, max-age=3600" });
  })
  .openapi(fileRoute, async (c) => {
    const { dataset, day: file } = c.req.valid("param");
    const day = file.slice(0, 10);
    const d = findDataset(dataset);
    if (!d || !isDay(day)) throw new RequestError("NOT_FOUND", `no bulk file ${dataset}/${file}`, 404);
    const key = bulkKey(d.id, day);
    let head = await c.env.OPEN_DATA.head(key);
    if (!head) {
      // A finished day without its file (before the service started, or the nightly run failed): write it now.
      if (!isFinishedDay(day, Date.now())) throw new RequestError("NOT_FOUND", `${day} is not over yet (Europe/Paris): its file is written the night after`, 404);
      await writeBulkFile(c.env, d, day);
      head = await c.env.OPEN_DATA.head(key);
      if (!head) throw new RequestError("NOT_FOUND", `no bulk file ${dataset}/${file}`, 404);
    }
    const headers = new Headers();
    head.writeHttpMetadata(headers);
    headers.set("ETag", head.httpEtag);
    headers.set("Last-Modified", head.uploaded.toUTCString());
    headers.set("Accept-Ranges", "bytes");
    const inm = c.req.header("if-none-match");
    if (inm && inm.split(",").some((t) => t.trim() === head.httpEtag || t.trim() === "*")) return new Response(null, { status: 304, headers });
    const range = parseRange(c.req.header("range"), head.size);
    if (range === "unsatisfiable") {
      return new Response(JSON.stringify({ error: { code: "RANGE_NOT_SATISFIABLE", message: `the file has ${head.size} bytes` } }), {
        status: 416,
        headers: { "Content-Type": "application/json", "Content-Range": `bytes */${head.size}` },
      });
    }
    if (range) {
      headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
      headers.set("Content-Length", String(range.length));
    } else headers.set("Content-Length", String(head.size));
    const status = range ? 206 : 200;
    // HEAD: the metadata is all; the object's body is never opened.
    if (c.req.method === "HEAD") return new Response(null, { status, headers });
    const object = await c.env.OPEN_DATA.get(key, range ? { range } : {});
    if (!object) throw new RequestError("NOT_FOUND", `no bulk file ${dataset}/${file}`, 404);
    return new Response(object.body, { status, headers });
  });
