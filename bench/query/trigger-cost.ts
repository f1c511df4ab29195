/**
 * `node bench/query/trigger-cost.ts` — what the rollup triggers add to a write of readings, in
 * SQLite itself (node:sqlite, in memory, the migrations applied): the consumer's readings
 * statement shape (rows of many uplinks as one JSON parameter, insert-if-new) for 6-reading
 * uplinks, with the triggers and without them, same rows, same order (each uplink later than the
 * last, as ingest mostly sees). Prints µs per reading and per uplink: CPU that workerd's SQLite
 * spends in the consumer's transaction, independent of HTTP and queues.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ROOT } from "../../worker/scripts/local.ts";

const UPLINKS = Number(process.env["UPLINKS"] ?? 40_000);
const PER_UPLINK = 6;
const BATCH = 100; // uplinks per consumer batch (wrangler.toml max_batch_size)

function database(triggers: boolean): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  const dir = join(ROOT, "worker/migrations");
  for (const f of readdirSync(dir).sort()) db.exec(readFileSync(join(dir, f), "utf8"));
  const insert = db.prepare("INSERT INTO quantities (key, unit, encoding, decimals) VALUES (?1, ?2, 'number', 1)");
  for (let q = 0; q < PER_UPLINK; q++) insert.run(`bench.q${q}`, q === 0 ? "dB" : "1");
  if (!triggers) for (const t of ["insert", "update", "delete"]) db.exec(`DROP TRIGGER readings_rollup_${t}`);
  return db;
}

function run(triggers: boolean): number {
  const db = database(triggers);
  const ids = (db.prepare("SELECT id FROM quantities ORDER BY id").all() as { id: number }[]).map((r) => r.id);
  const statement = db.prepare(
    `INSERT INTO readings (device_id, quantity_id, time, value)
     SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?1) AS j WHERE true
     ON CONFLICT (device_id, quantity_id, time) DO NOTHING`,
  );
  const t0 = Date.UTC(2026, 0, 1);
  let ns = 0n;
  for (let b = 0; b < UPLINKS / BATCH; b++) {
    const rows: number[][] = [];
    for (let u = 0; u < BATCH; u++) {
      const n = b * BATCH + u;
      const device = 1 + (n % 160);
      const time = t0 + Math.floor(n / 160) * 60_000;
      for (const q of ids) rows.push([device, q, time, 400 + ((n * 7 + q) % 300)]);
    }
    const json = JSON.stringify(rows);
    const start = process.hrtime.bigint();
    db.exec("BEGIN");
    statement.run(json);
    db.exec("COMMIT");
    ns += process.hrtime.bigint() - start;
  }
  db.close();
  return Number(ns) / 1000 / (UPLINKS * PER_UPLINK);
}

run(true); // warm-up
const plain = Math.min(run(false), run(false));
const rolled = Math.min(run(true), run(true));
console.log(`readings insert, ${UPLINKS} uplinks × ${PER_UPLINK} readings in batches of ${BATCH}:`);
console.log(`  without triggers: ${plain.toFixed(2)} µs/reading, ${(plain * PER_UPLINK).toFixed(1)} µs/uplink`);
console.log(`  with rollup triggers: ${rolled.toFixed(2)} µs/reading, ${(rolled * PER_UPLINK).toFixed(1)} µs/uplink (×${(rolled / plain).toFixed(2)})`);
console.log(`  added per uplink: ${((rolled - plain) * PER_UPLINK).toFixed(1)} µs of SQLite CPU`);
