/**
 * Creates an admin key — the first one of a deployment, or a spare — straight in D1, since the
 * admin API itself needs a key. The key is printed once; only its SHA-256 is stored.
 *   npm run admin-key -- --remote --name "ops: Jeanne Martin"
 *   npm run admin-key -- --local  --name "local tests"
 */
import { randomBytes } from "node:crypto";
import { createHash } from "node:crypto";
import { run } from "./local.ts";

const args = process.argv.slice(2);
const where = args.includes("--remote") ? "--remote" : args.includes("--local") ? "--local" : null;
const nameAt = args.indexOf("--name");
const name = nameAt >= 0 ? args[nameAt + 1] : undefined;
if (!where || !name) {
  console.error('usage: npm run admin-key -- --remote|--local --name "<who holds it>"');
  process.exit(2);
}

// Same format as POST /v1/admin/admin-keys (worker/src/auth/secrets.ts).
const key = `cig_admin_${randomBytes(32).toString("base64url")}`;
const hash = createHash("sha256").update(key).digest("hex");
const quoted = name.replaceAll("'", "''");
run("wrangler", ["d1", "execute", "DB", where, "--command", `INSERT INTO admin_keys (name, hash, prefix, created_at) VALUES ('${quoted}', X'${hash}', '${key.slice(0, 16)}', ${Date.now()})`]);
console.log(`\nadmin key for ${name} (shown once, store it now):\n${key}\n`);
