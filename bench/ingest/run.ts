/**
 * npm run bench:ingest — ingest through the running Worker against SQLite's own speed.
 *
 * 1. A fresh local platform (local D1, queue and R2 under a temporary directory, migrated and
 *    seeded), a fleet of 160 devices of the eight profiles registered by CSV import.
 * 2. 100,000 ChirpStack `up` events posted over loopback by autocannon, 16 connections. Each
 *    request is authenticated, parsed, validated and put in the ingest queue (answer 202); the
 *    queue consumer, in the same workerd, deduplicates, decodes with the WASM codec and stores
 *    (raw uplink, readings, device state) a batch at a time. Two figures:
 *    - HTTP answers/s and p50/p99 latency of the answers (what ChirpStack sees);
 *    - end-to-end stored throughput: uplinks stored in D1 / time from the first request until
 *      the last uplink is stored (polled through GET /v1/admin/ingest/status?count=true) —
 *      the figure the ≥ 500/s floor applies to ("decoding and storage included").
 *    Also the queue's backlog when the last answer came, and how long storing took after it.
 *    Two passes, each on a fresh platform: the Worker in workerd as it is deployed (the bundle of
 *    `wrangler deploy --dry-run` run by wrangler's Miniflare, workerd.ts), where the floors
 *    apply; then the same through `wrangler dev`, whose proxy sits in front of the Worker.
 * 3. Baseline in the same run: the very rows the Worker stored, inserted into a fresh SQLite file
 *    with node:sqlite (same migrations, one transaction per uplink).
 * 4. Bytes of database per stored value: the D1 file's size over the number of readings.
 * Floors (issue 3): ≥ 500 uplinks/s stored, p99 < 100 ms, ≤ 40 bytes per stored value.
 * BENCH_UPLINKS (default 100000), BENCH_RUNTIMES (default "workerd,wrangler-dev"),
 * BENCH_WRANGLER_ARGS, BENCH_PORT, BENCH_KEEP (keep the databases).
 */
import autocannon from "autocannon";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { devCredentials, ensureCodecsBuilt, migrateLocal, ROOT, seedLocal, startWorker } from "../../worker/scripts/local.ts";
import { fleetCsv, uplinkBody } from "./fleet.ts";
import { startWorkerd } from "./workerd.ts";

const USAGE = `Usage: [VAR=value …] npm run bench:ingest [-- --help]

Posts ChirpStack uplinks to a fresh local platform (the Worker in workerd as deployed, then
through wrangler dev) and measures HTTP answers/s and latency, uplinks stored end to end per
second, and bytes of D1 per stored value, against SQLite's own speed. Floors (first runtime):
≥ 500 uplinks/s stored, p99 < 100 ms, ≤ 40 bytes per value. Exits 1 when a floor is missed.
Figures in bench/results/ingest.json.

Settings (environment variables; the benchmark takes no other options):
  BENCH_UPLINKS        uplinks to post, the first tenth (at most 2,000) as warm-up (default 100000)
  BENCH_RUNTIMES       comma-separated passes: workerd, wrangler-dev (default "workerd,wrangler-dev")
  BENCH_WRANGLER_ARGS  extra arguments of wrangler dev (default "--log-level warn")
  BENCH_PORT           port of the local platform (default 8790)
  BENCH_KEEP           set: keep the temporary databases and print where

Options:
  --help               this text

Example: BENCH_UPLINKS=20000 BENCH_RUNTIMES=workerd npm run bench:ingest`;

try {
  if (parseArgs({ options: { help: { type: "boolean", default: false } } }).values.help) {
    console.log(USAGE);
    process.exit(0);
  }
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}

/** CPU time (ms) used so far by the workerd processes (Linux /proc; null elsewhere). */
function workerdCpuMs(): number | null {
  try {
    let total = 0;
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue;
      }
      if (!stat.includes("(workerd)")) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, 100 Hz ticks
    }
    return total;
  } catch {
    return null;
  }
}

const UPLINKS = Number(process.env["BENCH_UPLINKS"] ?? 100_000);
const WARMUP = Math.min(2_000, Math.floor(UPLINKS / 10));
const CONNECTIONS = 16;
const PORT = Number(process.env["BENCH_PORT"] ?? 8790);
const FLOORS = { uplinksPerSecond: 500, p99Ms: 100, bytesPerValue: 40 };
/** Give up waiting for the consumer when the stored count has not moved for this long. */
const STALL_MS = 60_000;

ensureCodecsBuilt();
const { adminKey, ingestToken } = devCredentials();

console.log(`preparing ${UPLINKS} uplink bodies…`);
const bodies = Array.from({ length: UPLINKS }, (_, i) => uplinkBody(i));

interface Status {
  queue: { backlog?: number; error?: string };
  spool: { entries: number };
  stored: { uplinks: number; quarantined: number } | null;
}

type Runtime = "workerd" | "wrangler-dev";
const RUNTIMES = (process.env["BENCH_RUNTIMES"] ?? "workerd,wrangler-dev").split(",").map((r) => {
  if (r !== "workerd" && r !== "wrangler-dev") throw new Error(`BENCH_RUNTIMES: unknown runtime ${r} (workerd, wrangler-dev)`);
  return r as Runtime;
});
// wrangler dev logs every request through a loopback call from workerd to its Node process: a
// dev-only cost (about a fifth of a core at this rate) that a deployed Worker does not pay.
const WRANGLER_ARGS = (process.env["BENCH_WRANGLER_ARGS"] ?? "--log-level warn").split(" ").filter(Boolean);
const RUNTIME_LABEL: Record<Runtime, string> = {
  workerd: "the Worker in workerd as deployed (wrangler's bundle and Miniflare, no dev proxy)",
  "wrangler-dev": `wrangler dev ${WRANGLER_ARGS.join(" ")} (its dev proxy in front of the Worker)`,
};

/** One pass: a fresh local platform on `runtime`, the fleet, the timed uplinks. */
async function measure(runtime: Runtime, persist: string) {
  migrateLocal(persist);
  await seedLocal(persist);
  console.log(`\n${RUNTIME_LABEL[runtime]}`);
  const worker = runtime === "workerd" ? await startWorkerd(PORT, persist) : await startWorker(PORT, persist, true, WRANGLER_ARGS);
  try {
    const admin = { authorization: `Bearer ${adminKey}` };
    const status = async (count: boolean): Promise<Status> => {
      const r = await fetch(`${worker.url}/v1/admin/ingest/status${count ? "?count=true" : ""}`, { headers: admin });
      if (!r.ok) throw new Error(`ingest status: ${r.status} ${await r.text()}`);
      return (await r.json()) as Status;
    };
    /** Polls until `expected` uplinks are stored; resolves with the time (performance.now) of the poll that saw them. */
    const storedAll = async (expected: number, everyMs: number): Promise<{ at: number; polls: number }> => {
      let last = -1;
      let movedAt = performance.now();
      for (let polls = 1; ; polls++) {
        const s = await status(true);
        const at = performance.now();
        const n = s.stored?.uplinks ?? 0;
        if (n >= expected) return { at, polls };
        if (n !== last) {
          last = n;
          movedAt = at;
        } else if (at - movedAt > STALL_MS) {
          throw new Error(`stored uplinks stuck at ${n} of ${expected} for ${STALL_MS / 1000} s (queue ${JSON.stringify(s.queue)}, spool ${s.spool.entries})`);
        }
        await new Promise((r) => setTimeout(r, everyMs));
      }
    };

    const imported = await fetch(`${worker.url}/v1/admin/devices/import`, {
      method: "POST",
      headers: { ...admin, "content-type": "text/csv" },
      body: fleetCsv(),
    });
    const report = (await imported.json()) as { created?: number; failed?: number };
    if (!imported.ok || report.failed !== 0) throw new Error(`fleet import failed: ${JSON.stringify(report)}`);

    const post = async (from: number, to: number) => {
      let next = from;
      let accepted = 0;
      let deferred = 0;
      const result = await autocannon({
        url: `${worker.url}/v1/ingest/chirpstack?event=up`,
        method: "POST",
        connections: CONNECTIONS,
        amount: to - from,
        headers: { authorization: `Bearer ${ingestToken}`, "content-type": "application/json" },
        requests: [
          {
            setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[next++] }),
            onResponse: (status: number, body: string) => {
              if (status === 202 && body.includes('"result":"accepted"')) accepted++;
              else if (status === 202 && body.includes('"result":"deferred"')) deferred++;
            },
          },
        ],
      });
      return { result, accepted, deferred };
    };

    console.log(`warm-up: ${WARMUP} uplinks`);
    const warm = await post(0, WARMUP);
    await storedAll(WARMUP, 200);

    console.log(`timed: ${UPLINKS - WARMUP} uplinks, ${CONNECTIONS} connections`);
    const loadBefore = loadavg()[0]!;
    const cpuBefore = workerdCpuMs();
    const started = performance.now();
    // The backlog while requests come in: a cheap poll (no count) every second.
    let maxBacklog = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await new Promise((r) => setTimeout(r, 1000));
        if (sampling) maxBacklog = Math.max(maxBacklog, (await status(false)).queue.backlog ?? 0);
      }
    })();
    const timed = await post(WARMUP, UPLINKS);
    const answered = performance.now();
    sampling = false;
    await sampler;
    const atLastAnswer = await status(true);
    const done = await storedAll(UPLINKS, 100);
    const cpuAfter = workerdCpuMs();
    const loadAfter = loadavg()[0]!;
    const r = timed.result;
    const timedCount = UPLINKS - WARMUP;
    const storedSeconds = (done.at - started) / 1000;
    return {
      uplinks: timedCount,
      accepted: timed.accepted,
      deferred: timed.deferred,
      warmupAccepted: warm.accepted,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      http: {
        seconds: r.duration,
        answersPerSecond: timedCount / r.duration,
        latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      },
      stored: {
        seconds: storedSeconds,
        uplinksPerSecond: timedCount / storedSeconds,
        // At the last answer: what was still queued, and how far storage was behind.
        atLastAnswer: {
          backlog: atLastAnswer.queue.backlog ?? null,
          notYetStored: UPLINKS - (atLastAnswer.stored?.uplinks ?? 0),
          spooled: atLastAnswer.spool.entries,
        },
        maxBacklogSampled: maxBacklog,
        drainSecondsAfterLastAnswer: (done.at - answered) / 1000,
      },
      // What each uplink costs the local runtime (Worker and its queue consumer, D1 emulator,
      // queue broker, wrangler's dev proxy), which does not depend on how busy the machine is; and
      // how busy it was (1-minute load average).
      workerdCpuMsPerUplink: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / timedCount : null,
      loadAverage: { before: loadBefore, after: loadAfter },
    };
  } finally {
    await worker.stop();
  }
}

const passes: { runtime: Runtime; persist: string; results: Awaited<ReturnType<typeof measure>> }[] = [];
for (const runtime of RUNTIMES) {
  const persist = mkdtempSync(join(tmpdir(), `cigale-bench-ingest-${runtime}-`));
  passes.push({ runtime, persist, results: await measure(runtime, persist) });
}
const first = passes[0];
if (!first) throw new Error("BENCH_RUNTIMES is empty");
const persist = first.persist;

// The D1 database as the Worker left it.
const d1Dir = join(persist, "v3/d1/miniflare-D1DatabaseObject");
const d1File = readdirSync(d1Dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
if (!d1File) throw new Error(`no D1 database file in ${d1Dir}`);
const d1 = new DatabaseSync(join(d1Dir, d1File));
d1.exec("PRAGMA wal_checkpoint(TRUNCATE)");
const count = (sql: string) => Number((d1.prepare(sql).get() as { n: number }).n);
const readings = count("SELECT count(*) AS n FROM readings");
const uplinks = count("SELECT count(*) AS n FROM uplinks");
const pageSize = count("SELECT page_size AS n FROM pragma_page_size");
const dbBytes = count("SELECT page_count AS n FROM pragma_page_count") * pageSize;
const fileBytes = statSync(join(d1Dir, d1File)).size;
const tables = d1.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 6").all() as { name: string; bytes: number }[];

// Baseline: the same rows, straight into SQLite.
const baseDir = mkdtempSync(join(tmpdir(), "cigale-bench-sqlite-"));
const base = new DatabaseSync(join(baseDir, "baseline.sqlite"));
base.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
for (const f of readdirSync(join(ROOT, "worker/migrations")).sort()) base.exec(readFileSync(join(ROOT, "worker/migrations", f), "utf8"));
const ups = d1.prepare("SELECT * FROM uplinks ORDER BY time, device_id").all() as Record<string, number | Uint8Array | string | null>[];
const readingsOf = d1.prepare("SELECT quantity_id, time, value FROM readings WHERE device_id = ?1 AND time = ?2");
const rowsPerUplink = ups.map((u) => readingsOf.all(u["device_id"] as number, u["time"] as number) as { quantity_id: number; time: number; value: number }[]);
const insUplink = base.prepare(
  "INSERT OR IGNORE INTO uplinks (device_id, time, f_cnt, f_port, payload, dedup_id, rssi, snr_cdb, dr, gateways, source, decode, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
);
const insReading = base.prepare("INSERT OR IGNORE INTO readings (device_id, quantity_id, time, value) VALUES (?,?,?,?)");
const upsertState = base.prepare(
  `INSERT INTO device_state (device_id, last_seen_at, f_cnt, f_port, rssi, snr, dr) VALUES (?,?,?,?,?,?,?)
   ON CONFLICT (device_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, f_cnt = excluded.f_cnt, f_port = excluded.f_port,
     rssi = excluded.rssi, snr = excluded.snr, dr = excluded.dr WHERE excluded.last_seen_at >= coalesce(device_state.last_seen_at, 0)`,
);
const started = performance.now();
ups.forEach((u, i) => {
  base.exec("BEGIN");
  insUplink.run(u["device_id"]!, u["time"]!, u["f_cnt"]!, u["f_port"]!, u["payload"]!, u["dedup_id"] ?? null, u["rssi"] ?? null, u["snr_cdb"] ?? null, u["dr"] ?? null, u["gateways"]!, u["source"]!, u["decode"]!, u["note"] ?? null);
  for (const r of rowsPerUplink[i]!) insReading.run(u["device_id"]!, r.quantity_id, r.time, r.value);
  upsertState.run(u["device_id"]!, u["time"]!, u["f_cnt"]!, u["f_port"]!, u["rssi"] ?? null, ((u["snr_cdb"] as number | null) ?? 0) / 100, u["dr"] ?? null);
  base.exec("COMMIT");
});
const baselineSeconds = (performance.now() - started) / 1000;
base.close();
d1.close();
rmSync(baseDir, { recursive: true, force: true });

const baselinePerSecond = ups.length / baselineSeconds;
const bytesPerValue = dbBytes / readings;
type PassResults = {
  uplinks: number;
  accepted: number;
  deferred: number;
  non2xx: number;
  http: { answersPerSecond: number; latencyMs: { p50: number; p99: number } };
  stored: { uplinksPerSecond: number; seconds: number; atLastAnswer: { backlog: number | null; notYetStored: number }; maxBacklogSampled: number; drainSecondsAfterLastAnswer: number };
  workerdCpuMsPerUplink: number | null;
  loadAverage: { before: number; after: number };
};
const floorsOf = (w: PassResults) => ({
  uplinksPerSecond: w.stored.uplinksPerSecond >= FLOORS.uplinksPerSecond,
  p99: w.http.latencyMs.p99 < FLOORS.p99Ms,
  allStored: w.accepted === w.uplinks && w.non2xx === 0,
});
const w = first.results as PassResults;
const summary = {
  runtimes: passes.map((p) => ({ runtime: p.runtime, label: RUNTIME_LABEL[p.runtime], ...p.results, floors: floorsOf(p.results as PassResults), ratio: (p.results as PassResults).stored.uplinksPerSecond / baselinePerSecond })),
  database: { runtime: first.runtime, uplinks, readings, readingsPerUplink: readings / uplinks, bytes: dbBytes, fileBytes, bytesPerValue, largest: tables },
  baseline: { engine: "node:sqlite (WAL, synchronous=NORMAL), one transaction per uplink", uplinks: ups.length, seconds: baselineSeconds, uplinksPerSecond: baselinePerSecond },
  // The floors, on the first pass (the Worker as deployed unless BENCH_RUNTIMES says otherwise).
  floors: { runtime: first.runtime, ...floorsOf(w), bytesPerValue: bytesPerValue <= FLOORS.bytesPerValue, allInD1: uplinks === UPLINKS },
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/ingest.json"), `${JSON.stringify(summary, null, 2)}\n`);
for (const p of passes) {
  if (process.env["BENCH_KEEP"]) console.log(`kept ${p.persist}`);
  else rmSync(p.persist, { recursive: true, force: true });
}

const f = (x: number, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const mark = (ok: boolean) => (ok ? "ok" : "BELOW FLOOR");
for (const p of passes) {
  const r = p.results as PassResults;
  const ok = floorsOf(r);
  console.log(`
Ingest through ${RUNTIME_LABEL[p.runtime]}: local D1 and queue, loopback, ${CONNECTIONS} connections, ${f(r.uplinks)} timed uplinks
  HTTP answers/s       ${f(r.http.answersPerSecond)}   (202 accepted ${f(r.accepted)}, deferred ${f(r.deferred)}, non-2xx ${r.non2xx})
  latency p50 / p99    ${f(r.http.latencyMs.p50, 1)} ms / ${f(r.http.latencyMs.p99, 1)} ms   (p99 floor < ${FLOORS.p99Ms} ms: ${mark(ok.p99)})
  stored end to end    ${f(r.stored.uplinksPerSecond)} uplinks/s = ${f(r.uplinks)} stored in ${f(r.stored.seconds, 1)} s from the first request   (floor ${FLOORS.uplinksPerSecond}: ${mark(ok.uplinksPerSecond)})
  stored / baseline    ${f(r.stored.uplinksPerSecond / baselinePerSecond, 3)}
  queue lag            at the last answer ${f(r.stored.atLastAnswer.backlog ?? Number.NaN)} queued, ${f(r.stored.atLastAnswer.notYetStored)} not yet stored; all stored ${f(r.stored.drainSecondsAfterLastAnswer, 1)} s after it (max backlog sampled ${f(r.stored.maxBacklogSampled)})
  workerd CPU/uplink   ${r.workerdCpuMsPerUplink === null ? "n/a" : `${f(r.workerdCpuMsPerUplink, 2)} ms`} (every workerd process: Worker + consumer + local D1 + queue broker${p.runtime === "wrangler-dev" ? " + dev proxy" : ""}); machine load ${f(r.loadAverage.before, 1)} → ${f(r.loadAverage.after, 1)} on ${f(cpus().length)} cores`);
}
console.log(`
Baseline: the same rows into SQLite directly (node:sqlite, one transaction per uplink)
  uplinks/s            ${f(baselinePerSecond)}
Storage after ${f(uplinks)} uplinks (${first.runtime} pass; all accepted uplinks in D1: ${mark(summary.floors.allInD1)})
  database             ${f(dbBytes)} bytes for ${f(readings)} stored values (${f(readings / uplinks, 2)} per uplink)
  bytes per value      ${f(bytesPerValue, 1)}   (floor ≤ ${FLOORS.bytesPerValue}: ${mark(summary.floors.bytesPerValue)})
  largest              ${tables.map((t) => `${t.name} ${f(t.bytes)}`).join(", ")}
Floors apply to the ${first.runtime} pass: ${Object.entries(summary.floors).filter(([k]) => k !== "runtime").every(([, v]) => v) ? "all met" : "NOT ALL MET"}.
Figures in bench/results/ingest.json`);
if (!Object.entries(summary.floors).filter(([k]) => k !== "runtime").every(([, v]) => v)) process.exitCode = 1;
