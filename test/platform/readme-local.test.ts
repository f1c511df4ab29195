import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForHealth } from "../../worker/scripts/local.ts";
import { NODE, PATH, ROOT } from "../codecs/cli-helpers.ts";

/**
 * The README's "Run the platform locally" section is a test: `npm run dev` (worker/scripts/dev.ts,
 * on another port and a temporary local state so that a developer's own platform is left alone)
 * starts wrangler dev with a migrated and seeded local D1, then every `curl` command of the
 * section runs as written — through the real curl, against the real Worker, its queue and D1 —
 * and the test checks what the README says each one does.
 */

const PORT = 8797;
const README_ORIGIN = "http://localhost:8787";
const ORIGIN = `http://127.0.0.1:${PORT}`;

function section(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const s = readme.split(/^## /m).find((part) => part.startsWith("Run the platform locally"));
  if (!s) throw new Error("README.md: no 'Run the platform locally' section");
  return s;
}

/** The `curl` commands of the section's sh blocks, continuation lines joined. */
function curlCommands(): string[] {
  const commands: string[] = [];
  for (const [, block] of section().matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const command of (block ?? "").replace(/\\\n\s*/g, "").split("\n")) {
      if (command.startsWith("curl ")) commands.push(command);
    }
  }
  return commands;
}

interface Answer {
  status: number;
  body: unknown;
}

/** Runs a README curl command against this test's platform; -s and -w add the status, nothing else changes. */
function curl(command: string): Answer {
  const line = command.replaceAll(README_ORIGIN, ORIGIN).replace(/^curl /, `curl -s -w '\\n%{http_code}' `);
  const r = spawnSync("bash", ["-c", line], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${line}: curl exit ${r.status}: ${r.stderr}`);
  const cut = r.stdout.lastIndexOf("\n");
  return { status: Number(r.stdout.slice(cut + 1)), body: JSON.parse(r.stdout.slice(0, cut)) as unknown };
}

/** Repeats a README read until `done` holds: the queue consumer stores about a second after the answer. */
async function until(command: string, done: (a: Answer) => boolean): Promise<Answer> {
  for (let i = 0; ; i++) {
    const a = curl(command);
    if (done(a) || i === 100) return a;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const commands = curlCommands();
const persist = mkdtempSync(join(tmpdir(), "cigale-readme-dev-"));
let dev: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
  dev = spawn(NODE, ["worker/scripts/dev.ts", "--port", String(PORT), "--persist-to", persist, "--ip", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, PATH, CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  dev.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  dev.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await waitForHealth(ORIGIN, dev, "npm run dev", () => `:\n${output}`);
}, 180_000);

afterAll(async () => {
  if (dev?.pid !== undefined && dev.exitCode === null) {
    const exited = new Promise((r) => dev?.once("exit", r));
    process.kill(-dev.pid, "SIGTERM"); // dev.ts, wrangler and workerd
    await exited;
  }
  rmSync(persist, { recursive: true, force: true });
});

describe("README: run the platform locally", () => {
  it("documents the commands the platform answers", () => {
    expect(section()).toContain("npm run dev");
    expect(commands).toHaveLength(5);
  });

  it("registers a device with the admin key", () => {
    const a = curl(commands[0]!);
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ devEui: "0018b20000000001", commune: "13001", profile: "env", public: true });
  });

  it("accepts ChirpStack's fixture uplink, then keeps it raw with the decode failure the README shows", async () => {
    const a = curl(commands[1]!);
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({ result: "accepted", event: "up", devEui: "0018b20000000001" });
    const stored = await until(commands[2]!, (u) => (u.body as { uplinks?: unknown[] }).uplinks?.length === 1);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ uplinks: [{ decode: "failed", note: expect.stringContaining("UNKNOWN_VERSION") }] });
  });

  it("decodes an uplink of the seeded air-quality station into nine readings", async () => {
    const a = curl(commands[3]!);
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({ result: "accepted", devEui: "0c1a1e0000000001" });
    const readings = await until(commands[4]!, (r) => ((r.body as { readings?: unknown[] }).readings?.length ?? 0) >= 9);
    expect(readings.status).toBe(200);
    expect((readings.body as { readings: unknown[] }).readings).toHaveLength(9);
  });
});
