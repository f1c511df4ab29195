// End to end: the fleet simulator (firmware.wasm in Node, virtual sensors, a virtual ChirpStack)
// posts to a real local Worker (npm run dev: wrangler dev, local D1 and queue), and the readings
// are visible through the admin API, dated as the firmware closed each interval.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleet, parseCli, simulate, type Summary } from "../../firmware/sim/simulate.ts";
import { waitForHealth } from "../../worker/scripts/local.ts";
import { NODE, PATH, ROOT } from "../codecs/cli-helpers.ts";

const PORT = 8812;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const persist = mkdtempSync(join(tmpdir(), "cigale-simulator-"));
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
  await waitForHealth(ORIGIN, dev, "npm run dev", () => `:\n${output.slice(-2000)}`);
}, 600_000);

afterAll(async () => {
  if (dev?.pid !== undefined && dev.exitCode === null) {
    const exited = new Promise((r) => dev?.once("exit", r));
    process.kill(-dev.pid, "SIGTERM");
    await exited;
  }
  rmSync(persist, { recursive: true, force: true });
});

describe("npm run simulate against the local Worker", () => {
  const argv = ["--days", "0.25", "--profiles", "env,waste,meter", "--url", ORIGIN, "--start", "2026-11-02T06:00:00Z", "--no-progress", "--seed", "7"];
  let summary: Summary;

  it("parses its command line", () => {
    expect(parseCli(["--help"])).toBe("help");
    expect(() => parseCli(["--days", "x"])).toThrow(/--days/);
    const o = parseCli(argv);
    expect(o).toMatchObject({ days: 0.25, profiles: ["env", "waste", "meter"], devicesPerProfile: 1, start: Date.parse("2026-11-02T06:00:00Z") });
  });

  it("registers its devices and every uplink it posts is accepted", async () => {
    const o = parseCli(argv);
    if (o === "help") throw new Error("unexpected help");
    summary = await simulate(o);
    expect(summary.uplinks).toBeGreaterThan(20);
    expect(summary.accepted).toBe(summary.uplinks);
    expect(summary.rejected).toBe(0);
  }, 600_000);

  it("fills the Worker with readings dated within the simulated window", async () => {
    const o = parseCli(argv);
    if (o === "help") throw new Error("unexpected help");
    for (const { sim } of fleet(o)) {
      let readings: Array<{ quantity: string; time: string; value: unknown }> = [];
      for (let i = 0; i < 100 && readings.length === 0; i++) {
        const r = await fetch(`${ORIGIN}/v1/admin/devices/${sim.devEui}/readings?limit=500`, { headers: { authorization: "Bearer dev-admin-key" } });
        expect(r.status).toBe(200);
        readings = ((await r.json()) as { readings: typeof readings }).readings;
        if (readings.length === 0) await new Promise((res) => setTimeout(res, 300));
      }
      expect(readings.length, sim.devEui).toBeGreaterThan(0);
      for (const r of readings) {
        const t = Date.parse(r.time);
        expect(t).toBeGreaterThanOrEqual(o.start);
        expect(t).toBeLessThanOrEqual(o.start + 0.25 * 86_400_000);
      }
      const keys = new Set(readings.map((r) => r.quantity));
      if (sim.profile === "waste") expect(keys).toContain("level.fill");
      if (sim.profile === "meter") expect(keys).toContain("metering.water.total");
      if (sim.profile === "env") expect(keys).toContain("air.no2");
    }
  }, 120_000);
});
