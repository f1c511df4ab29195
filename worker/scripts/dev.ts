/**
 * npm run dev — the platform on http://localhost:8787 with a local D1 and R2 (.wrangler/state):
 * codecs built if needed, migrations applied, the demo metropolis seeded, then `wrangler dev`.
 * Credentials: admin key `dev-admin-key`, ingest token `dev-ingest-token` (.dev.vars, README).
 */
import { spawn } from "node:child_process";
import { ensureCodecsBuilt, migrateLocal, ROOT, seedLocal } from "./local.ts";

ensureCodecsBuilt();
migrateLocal();
await seedLocal();

console.log("\nCigale on http://localhost:8787 — admin key: dev-admin-key, ingest token: dev-ingest-token (local only)\n");
const child = spawn("wrangler", ["dev", "--port", "8787", ...process.argv.slice(2)], { cwd: ROOT, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
