import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/types.ts";
import { listCommunes } from "../store/communes.ts";
import { d1 } from "../store/db.ts";
import { type DeviceFields, listRegisteredEuis, prepareInsertDevice } from "../store/devices.ts";
import { parseCsv } from "./csv.ts";
import { RequestError } from "./errors.ts";
import { deviceCreate, newDeviceFields } from "./schemas.ts";
import { bodyText, flag } from "./validate.ts";

/**
 * POST /v1/admin/devices/import (Content-Type: text/csv): one device per line, under a header
 * naming the columns (any order): devEui, name, commune, profile, codec, latitude, longitude,
 * installedAt, public, tags. Tags are written `key=value;key=value`. Every valid line is
 * registered; the answer reports each line — created, or failed with what to fix.
 * `?dryRun=true` checks the file without registering anything.
 */
export const COLUMNS = ["devEui", "name", "commune", "profile", "codec", "latitude", "longitude", "installedAt", "public", "tags"] as const;
const MAX_LINES = 5000;

export const importQuery = z.object({ dryRun: flag.default(false) });

const lineReport = z.union([
  z.object({ line: z.number().int(), devEui: z.string().nullable(), status: z.enum(["created", "valid"]) }),
  z.object({ line: z.number().int(), devEui: z.string().nullable(), status: z.literal("failed"), error: z.object({ code: z.string(), message: z.string() }) }),
]);
type LineReport = z.output<typeof lineReport>;

/** The per-line report: `created` (or `valid` for a dry run) counts the lines that passed. */
export const importAnswer = z.object({
  dryRun: z.boolean(),
  lines: z.number().int(),
  created: z.number().int().optional(),
  valid: z.number().int().optional(),
  failed: z.number().int(),
  report: z.array(lineReport),
});

function cellsToInput(header: readonly string[], fields: readonly string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const cell = (fields[i] ?? "").trim();
    if (cell === "") return;
    if (column === "latitude" || column === "longitude") input[column] = /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
    else if (column === "public") input[column] = ["true", "1", "yes"].includes(cell.toLowerCase()) ? true : ["false", "0", "no"].includes(cell.toLowerCase()) ? false : cell;
    else if (column === "tags") {
      input[column] = Object.fromEntries(
        cell.split(";").filter(Boolean).map((pair) => {
          const at = pair.indexOf("=");
          return at < 0 ? [pair.trim(), ""] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
      );
    } else input[column] = cell;
  });
  return input;
}

function issueText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message))
    .join("; ");
}

export async function importDevices(c: Context<AppEnv>, dryRun: boolean): Promise<z.input<typeof importAnswer>> {
  const records = parseCsv(await bodyText(c, "text/csv"));
  const [head, ...rows] = records;
  if (!head) throw new RequestError("EMPTY_CSV", `the CSV is empty: start with a header line (${COLUMNS.join(",")})`);
  const header = head.fields.map((h) => h.trim());
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) throw new RequestError("INVALID_CSV_HEADER", `unknown column(s) ${unknown.join(", ")}: columns are ${COLUMNS.join(", ")}`);
  const missing = ["devEui", "name", "commune"].filter((h) => !header.includes(h));
  if (missing.length > 0) throw new RequestError("INVALID_CSV_HEADER", `the header lacks ${missing.join(", ")} (columns: ${COLUMNS.join(", ")})`);
  if (rows.length > MAX_LINES) throw new RequestError("CSV_TOO_LONG", `${rows.length} lines: import at most ${MAX_LINES} per request`);

  const db = c.env.DB;
  const communes = new Set((await listCommunes(db, {})).map((x) => x.insee));
  const reports: LineReport[] = [];
  const valid: { report: LineReport; fields: DeviceFields }[] = [];
  const seen = new Set<string>();
  const parsed = rows.map((r) => ({ line: r.line, cells: r.fields, result: deviceCreate.safeParse(cellsToInput(header, r.fields)) }));
  const registered = await listRegisteredEuis(db, parsed.flatMap((p) => (p.result.success ? [p.result.data.devEui] : [])));

  for (const p of parsed) {
    const rawEui = p.cells[header.indexOf("devEui")]?.trim() || null;
    const fail = (code: string, message: string) => reports.push({ line: p.line, devEui: rawEui, status: "failed", error: { code, message } });
    if (p.cells.length !== header.length) {
      fail("INVALID_LINE", `${p.cells.length} fields where the header has ${header.length}: check commas and quotes`);
      continue;
    }
    if (!p.result.success) {
      fail("INVALID_DEVICE", issueText(p.result.error));
      continue;
    }
    const d = p.result.data;
    if (!communes.has(d.commune)) fail("UNKNOWN_COMMUNE", `commune ${d.commune} does not exist: create it with POST /v1/admin/communes`);
    else if (registered.has(d.devEui)) fail("DEVICE_EXISTS", `device ${d.devEui} is already registered: change it with PATCH /v1/admin/devices/${d.devEui}`);
    else if (seen.has(d.devEui)) fail("DUPLICATE_LINE", `device ${d.devEui} appears on an earlier line of this file`);
    else {
      seen.add(d.devEui);
      const report: LineReport = { line: p.line, devEui: d.devEui, status: dryRun ? "valid" : "created" };
      reports.push(report);
      valid.push({
        report,
        fields: newDeviceFields(d),
      });
    }
  }

  if (!dryRun) {
    const now = Date.now();
    for (let i = 0; i < valid.length; i += 100) {
      const chunk = valid.slice(i, i + 100);
      const results = await d1(() => db.batch(chunk.map((v) => prepareInsertDevice(db, v.fields, now))));
      results.forEach((r, j) => {
        // Registered by someone else since the check above.
        if (r.meta.changes === 0) {
          const v = chunk[j]!;
          Object.assign(v.report, { status: "failed", error: { code: "DEVICE_EXISTS", message: `device ${v.fields.devEui} was registered meanwhile` } });
        }
      });
    }
  }
  reports.sort((a, b) => a.line - b.line);
  const ok = reports.filter((r) => r.status !== "failed").length;
  return { dryRun, lines: reports.length, [dryRun ? "valid" : "created"]: ok, failed: reports.length - ok, report: reports };
}
