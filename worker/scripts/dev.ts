/**
 * npm run dev — the platform on http://localhost:8787 with a local D1, queues and R2
 * (.wrangler/state): codecs built if needed, migrations applied, the demo metropolis seeded, then
 * `wrangler dev`. Credentials: admin key `dev-admin-key`, ingest token `dev-ingest-token`
 * (.dev.vars, README).
 *
 * `npm run dev -- --port 8799 --persist-to /tmp/cigale` runs a second platform beside the first:
 * both options apply to the migration and the seed as well as to wrangler dev; any other option
 * goes to wrangler dev as it is.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { ensureCodecsBuilt, migrateLocal, ROOT, seedLocal } from "./local.ts";

const { values, tokens } = parseArgs({
  options: { port: { type: "string" }, "persist-to": { type: "string" } },
  strict: false,
  tokens: true,
});
const port = typeof values.port === "string" ? values.port : "8787";
const persistTo = typeof values["persist-to"] === "string" ? values["persist-to"] : undefined;
const ours = new Set(["port", "persist-to"]);
const passOn = tokens.flatMap((t) => {
  if (t.kind === "option" && ours.has(t.name)) return [];
  if (t.kind === "option") return t.value === undefined ? [t.rawName] : [t.rawName, t.value];
  if (t.kind === "positional") return [t.value];
  return ["--"];
});

ensureCodecsBuilt();
migrateLocal(persistTo);
await seedLocal(persistTo);

console.log(`\nCigale on http://localhost:${port} — admin key: dev-admin-key, ingest token: dev-ingest-token (local only)\n`);
const args = ["dev", "--port", port, ...(persistTo ? ["--persist-to", persistTo] : []), ...passOn];
const child = spawn("wrangler", args, { cwd: ROOT, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
