/**
 * Backfill of the open-data daily bulk files (worker/src/open/bulk.ts): for every day from --from
 * to --to and every dataset, asks the Worker for /open/bulk/{dataset}/{day}.csv.gz with HEAD. The
 * Worker writes a finished day's missing file on that first request (streamed from D1 into R2) and
 * answers at once for files already there, so the backfill is idempotent and can be resumed.
 *
 *   npm run open:backfill -- --url https://cigale.example.org --from 2026-01-01 --to 2026-01-31 [--dataset noise]
 */
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  if (!DAY.test(from) || !DAY.test(to) || from > to) throw new Error(`--from and --to must be days (YYYY-MM-DD), from ≤ to: ${from} … ${to}`);
  const out: string[] = [];
  for (let t = Date.parse(`${from}T12:00:00Z`); ; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > to) return out;
    out.push(day);
  }
}

export interface BackfillReport {
  ok: number;
  failed: Array<{ url: string; status: number | string }>;
}

export async function backfill(url: string, days: readonly string[], datasets: readonly string[], onStep: (done: number) => void, fetcher: typeof fetch = fetch): Promise<BackfillReport> {
  const report: BackfillReport = { ok: 0, failed: [] };
  let done = 0;
  for (const day of days) {
    for (const dataset of datasets) {
      const target = `${url.replace(/\/$/, "")}/open/bulk/${dataset}/${day}.csv.gz`;
      try {
        const r = await fetcher(target, { method: "HEAD" });
        if (r.ok) report.ok += 1;
        else report.failed.push({ url: target, status: r.status });
      } catch (error) {
        report.failed.push({ url: target, status: error instanceof Error ? error.message : String(error) });
      }
      onStep(++done);
    }
  }
  return report;
}

/** The dataset ids the Worker publishes, read from its DCAT catalog (JSON-LD, last path segment of each dcat:Dataset). */
export async function publishedDatasets(url: string, fetcher: typeof fetch = fetch): Promise<string[]> {
  const r = await fetcher(`${url.replace(/\/$/, "")}/open/catalog.jsonld?pageSize=100`);
  if (!r.ok) throw new Error(`catalog: HTTP ${r.status}`);
  const doc = (await r.json()) as { "@graph": Array<{ "@id": string; "@type": string[] }> };
  return doc["@graph"].filter((n) => n["@type"].includes("dcat:Dataset")).map((n) => n["@id"].split("/").pop()!);
}

const USAGE = `Write the missing daily open-data bulk files (/open/bulk/{dataset}/{day}.csv.gz) of a running Worker.

Usage: npm run open:backfill -- --url <worker URL> --from YYYY-MM-DD --to YYYY-MM-DD [--dataset id …]

Options:
  --url URL        the Worker (npm run dev serves http://localhost:8787)
  --from, --to     local days (Europe/Paris), both included
  --dataset ID     only this dataset (repeatable; default: every dataset of the catalog)
  --help           this text`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { url: { type: "string" }, from: { type: "string" }, to: { type: "string" }, dataset: { type: "string", multiple: true }, help: { type: "boolean" } } }));
  } catch (error) {
    console.error(`open:backfill: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.url || !values.from || !values.to) {
    console.error(`open:backfill: --url, --from and --to are required\n\n${USAGE}`);
    process.exit(2);
  }
  const published = await publishedDatasets(values.url);
  const datasets = values.dataset ?? published;
  for (const d of datasets) if (!published.includes(d)) throw new Error(`unknown dataset ${d}; published: ${published.join(", ")}`);
  const days = daysBetween(values.from, values.to);
  const bar = new cliProgress.SingleBar({ format: "bulk files {bar} {value}/{total} · {eta_formatted} left" }, cliProgress.Presets.shades_classic);
  bar.start(days.length * datasets.length, 0);
  const report = await backfill(values.url, days, datasets, (n) => bar.update(n));
  bar.stop();
  console.log(`${report.ok} files present, ${report.failed.length} failed`);
  for (const f of report.failed) console.log(`  ${f.status} ${f.url}`);
  if (report.failed.length > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
