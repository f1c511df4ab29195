/**
 * npm run bench:firmware — the firmware's figures for the closing note:
 *   1. firmware.wasm size and memory;
 *   2. Cortex-M4 flash and RAM (wasm2c + arm-none-eabi-gcc -Os), when the toolchain is installed;
 *   3. bytes and time on air per device per day, per profile, at SF12 (DR0) and SF7 (DR5),
 *      against the same readings sent one per uplink in CayenneLPP;
 *   4. simulator throughput: uplinks/s posted to a local Worker (skipped with --no-worker).
 *
 *   npm run firmware:build && npm run bench:firmware [-- --no-worker]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codec } from "../../codecs/src/node.ts";
import { PROFILES } from "../../codecs/profiles/index.ts";
import { latest, type Layout, type Profile } from "../../codecs/profiles/schema.ts";
import type { ProfileId } from "../../codecs/src/data.ts";
import { LORAWAN_OVERHEAD_BYTES, timeOnAirMs } from "../../codecs/src/lorawan.ts";
import { compileFirmware, missingToolchain } from "../../firmware/embedded/build.ts";
import { simulate, formatSummary } from "../../firmware/sim/simulate.ts";
import { sensorFor } from "../../firmware/sim/sensors.ts";
import { FIRMWARE_WASM_URL, FirmwareDevice } from "../../firmware/src/device.ts";
import { waitForHealth } from "../../worker/scripts/local.ts";
import { encodeLpp } from "../codecs/cayenne-lpp.ts";
import { lppValuesOf } from "../codecs/lpp-mapping.ts";

const START = Date.parse("2026-06-15T00:00:00Z"); // a Monday in June: rush hours, ozone afternoons
const DAY = 86400;

console.log("## firmware.wasm");
console.log(`${readFileSync(FIRMWARE_WASM_URL).length} bytes (budget 16 384), 1 page of linear memory (65 536 bytes), stub runtime`);

console.log("\n## Cortex-M4 (wasm2c, arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb)");
const missing = missingToolchain();
if (missing) console.log(`not measured: ${missing}`);
else {
  const s = compileFirmware();
  console.log(`firmware.c + runtime.c: flash ${s.text + s.data} bytes, RAM ${s.data + s.bss} bytes (of which 65 536 the WASM linear memory)`);
}

console.log("\n## Bytes and time on air per device per day (one simulated weekday, default intervals)");
console.log("| profile | interval | uplinks/day | payload B/day | airtime SF12 s/day | airtime SF7 s/day | CayenneLPP B/day | LPP airtime SF12 s/day | LPP airtime SF7 s/day |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const p of PROFILES as readonly Profile[]) {
  const id = p.id as ProfileId;
  const layout: Layout = latest(p.measurement);
  const row = (dr: number) => {
    const sensor = sensorFor(id, 42, START, 1);
    const d = new FirmwareDevice({ profile: id, seed: 42, env: { sensor: (ch, clock) => sensor(ch, START + clock * 1000), dataRate: () => dr } }).boot();
    d.run(DAY);
    return d;
  };
  const sf12 = row(0);
  const sf7 = row(5);
  const bytes = (d: FirmwareDevice) => d.uplinks.reduce((a, u) => a + u.bytes.length, 0);
  const air = (d: FirmwareDevice, sf: number) => d.uplinks.reduce((a, u) => a + timeOnAirMs(u.bytes.length, sf), 0) / 1000;
  // The same readings, one per uplink, in CayenneLPP (status and alarms as the firmware sent them).
  let lppBytes = 0;
  let lppAir12 = 0;
  let lppAir7 = 0;
  for (const u of sf7.uplinks) {
    const data = codec.decodeUplink(id, u.fPort, u.bytes).data as { message: string; samples?: Array<Record<string, unknown>> } | undefined;
    const frames = data?.message === "measurement" ? (data.samples ?? []).map((s) => encodeLpp(lppValuesOf(layout, s)).length) : [u.bytes.length];
    for (const n of frames) {
      lppBytes += n;
      lppAir12 += timeOnAirMs(n, 12) / 1000;
      lppAir7 += timeOnAirMs(n, 7) / 1000;
    }
  }
  console.log(
    `| ${id} | ${sf7.interval} s | ${sf7.uplinks.length} | ${bytes(sf7)} | ${air(sf12, 12).toFixed(1)} | ${air(sf7, 7).toFixed(1)} | ${lppBytes} | ${lppAir12.toFixed(1)} | ${lppAir7.toFixed(1)} |`,
  );
}
console.log(`(payload bytes of the DR5 run; the SF12 column is a run at DR0; payload bytes exclude LoRaWAN's ${LORAWAN_OVERHEAD_BYTES}-byte MAC overhead, which time on air includes; CayenneLPP: each sample in its own uplink, status and alarms as sent)`);

if (!process.argv.includes("--no-worker")) {
  console.log("\n## Simulator throughput against a local Worker (npm run dev on port 8813)");
  const ROOT = new URL("../../", import.meta.url).pathname;
  const persist = mkdtempSync(join(tmpdir(), "cigale-bench-firmware-"));
  const dev: ChildProcess = spawn(`${ROOT}node_modules/.bin/node`, ["worker/scripts/dev.ts", "--port", "8813", "--persist-to", persist, "--ip", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${ROOT}node_modules/.bin:${process.env["PATH"] ?? ""}`, CI: "1" },
    stdio: "ignore",
    detached: true,
  });
  try {
    await waitForHealth("http://127.0.0.1:8813", dev, "npm run dev");
    const summary = await simulate({
      url: "http://127.0.0.1:8813",
      adminToken: "dev-admin-key",
      ingestToken: "dev-ingest-token",
      devicesPerProfile: 1,
      communes: ["13001", "13055", "13005", "13056"],
      profiles: PROFILES.map((p) => p.id),
      days: 1,
      start: START,
      speedup: 0,
      seed: 1,
      downlinks: [],
      progress: false,
    });
    console.log(formatSummary(summary));
  } finally {
    if (dev.pid !== undefined) process.kill(-dev.pid, "SIGTERM");
    rmSync(persist, { recursive: true, force: true });
  }
}
