/**
 * Shared by the local platform (dev.ts) and the ingest benchmark: build the codecs when needed,
 * read the documented dev credentials, migrate and seed a local D1 through wrangler.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedSql } from "./seed.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const WASM = ["codecs/build/codecs.wasm", "codecs/build/vendors.wasm"].map((p) => join(ROOT, p));
const CODEC_SOURCES = ["codecs/assembly", "codecs/profiles", "codecs/vendors", "codecs/scripts"].map((p) => join(ROOT, p));

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, f) => Math.max(m, newestMtime(join(path, f))), s.mtimeMs);
}

/** Runs `npm run build` when a codec WASM is missing or older than the codec sources. */
export function ensureCodecsBuilt(): void {
  const built = Math.min(...WASM.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
  const sources = Math.max(...CODEC_SOURCES.map(newestMtime));
  if (built > 0 && built >= sources) return;
  console.log(built === 0 ? "codecs not built yet: npm run build" : "codec sources changed: npm run build");
  run("npm", ["run", "build"]);
}

/** The documented local credentials (.dev.vars). */
export function devCredentials(): { adminKey: string; ingestToken: string; readKey?: string } {
  const vars = Object.fromEntries(
    readFileSync(join(ROOT, ".dev.vars"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const adminKey = vars["CIGALE_DEV_ADMIN_KEY"];
  const ingestToken = vars["CIGALE_DEV_INGEST_TOKEN"];
  if (!adminKey || !ingestToken) throw new Error(".dev.vars must define CIGALE_DEV_ADMIN_KEY and CIGALE_DEV_INGEST_TOKEN");
  const readKey = vars["CIGALE_DEV_READ_KEY"];
  return readKey ? { adminKey, ingestToken, readKey } : { adminKey, ingestToken };
}

export function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, CI: "1" } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${r.status})`);
}

/** Applies worker/migrations to the local D1 (under `persistTo`, or wrangler's default .wrangler/state). */
export function migrateLocal(persistTo?: string): void {
  run("wrangler", ["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])]);
}

/** Seeds the demo metropolis (idempotent: re-running changes nothing). */
export async function seedLocal(persistTo?: string): Promise<void> {
  const credentials = devCredentials();
  const file = join(persistTo ?? join(ROOT, ".wrangler"), "cigale-seed.sql");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, await seedSql(credentials, Date.now()));
  run("wrangler", ["d1", "execute", "DB", "--local", "--file", file, ...(persistTo ? ["--persist-to", persistTo] : [])]);
}

/**
 * Resolves once the platform at `url` answers /v1/health (polled every 200 ms, for 2 minutes at
 * most); fails at once if `child`, the process serving it, exits first. `detail` adds to the error.
 */
export async function waitForHealth(url: string, child: ChildProcess, what: string, detail: () => string = () => ""): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})${detail()}`);
    if (i === 600) throw new Error(`${what} did not answer ${url}/v1/health within 2 minutes${detail()}`);
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts `wrangler dev` (with `extraArgs`) and resolves once it answers /v1/health. */
export async function startWorker(port: number, persistTo?: string, quiet = false, extraArgs: string[] = []): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn("wrangler", ["dev", "--port", String(port), "--ip", "127.0.0.1", ...(persistTo ? ["--persist-to", persistTo] : []), ...extraArgs], {
    cwd: ROOT,
    stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit",
    env: { ...process.env, CI: "1" },
    detached: false,
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  try {
    await waitForHealth(url, child, "wrangler dev");
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
