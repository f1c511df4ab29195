/**
 * npm run simulate — a virtual city: firmware.wasm runs in Node for every simulated device, fed by
 * virtual sensors (sensors.ts); a virtual network server (network.ts) wraps each uplink into a
 * ChirpStack v4 event and posts it to a running Worker, faster than real time. Devices are
 * registered through the admin API first.
 *
 *   npm run dev                        # in another terminal: the local platform
 *   npm run simulate -- --days 7       # a week of the four pilot communes
 */
import { SingleBar } from "cli-progress";
import { parseArgs } from "node:util";
import { PROFILES } from "../../codecs/profiles/index.ts";
import type { ConfigCommand, ProfileId } from "../../codecs/src/data.ts";
import { timeOnAirMs } from "../../codecs/src/lorawan.ts";
import { FirmwareDevice } from "../src/device.ts";
import { chirpstackUp, DownlinkQueue, Poster, type SimDevice } from "./network.ts";
import { type Quirks, sensorFor } from "./sensors.ts";

/** The four pilot communes of the demo metropolis (worker/scripts/seed.ts), with a centre point. */
export const PILOT_COMMUNES: Readonly<Record<string, { name: string; latitude: number; longitude: number }>> = {
  "13001": { name: "Aix-en-Provence", latitude: 43.5297, longitude: 5.4474 },
  "13055": { name: "Marseille", latitude: 43.2965, longitude: 5.3698 },
  "13005": { name: "Aubagne", latitude: 43.2927, longitude: 5.5708 },
  "13056": { name: "Martigues", latitude: 43.4045, longitude: 5.0476 },
};

export interface SimulationOptions {
  url: string;
  adminToken: string;
  ingestToken: string;
  devicesPerProfile: number;
  communes: string[];
  profiles: ProfileId[];
  days: number;
  /** Wall time of the simulation's start (ms). */
  start: number;
  /** Simulated seconds per real second; 0 = as fast as possible. */
  speedup: number;
  seed: number;
  /** Downlinks queued for every device at the start (delivered at its first receive window). */
  downlinks: ConfigCommand[];
  progress: boolean;
}

export interface Summary {
  devices: number;
  days: number;
  uplinks: number;
  accepted: number;
  rejected: number;
  failures: string[];
  /** per profile: payload bytes and time on air per device per day */
  perProfile: Record<string, { devices: number; uplinks: number; bytesPerDeviceDay: number; airtimeSecondsPerDeviceDay: number }>;
  seconds: number;
  uplinksPerSecond: number;
  dropped: number;
}

interface Running {
  sim: SimDevice;
  firmware: FirmwareDevice;
  /** The device stops at this clock (battery flat, or it just goes silent). */
  stopAt: number;
}

function devEuiOf(seed: number, profileCode: number, index: number): string {
  return `0c1a51${(seed & 0xff).toString(16).padStart(2, "0")}${profileCode.toString(16).padStart(2, "0")}${index.toString(16).padStart(6, "0")}`;
}

/** The simulated fleet: n devices of each profile over the communes, a few with a story. */
export function fleet(o: Pick<SimulationOptions, "devicesPerProfile" | "communes" | "profiles" | "seed" | "days">): Array<{ sim: SimDevice; quirks: Quirks; silentAfterDays?: number }> {
  const out: Array<{ sim: SimDevice; quirks: Quirks; silentAfterDays?: number }> = [];
  for (const id of o.profiles) {
    const p = PROFILES.find((x) => x.id === id);
    if (!p) throw new Error(`unknown profile ${id}`);
    for (let i = 0; i < o.devicesPerProfile; i++) {
      const commune = o.communes[(i + p.code) % o.communes.length] as string;
      const c = PILOT_COMMUNES[commune] ?? { name: commune, latitude: 43.3, longitude: 5.4 };
      const seed = o.seed * 1000 + p.code * 100 + i;
      const quirks: Quirks = {};
      if (id === "meter" && i === 0) quirks.nightLeak = true;
      if (id === "env" && i === 0) quirks.batteryRunsDown = true;
      out.push({
        sim: {
          devEui: devEuiOf(o.seed, p.code, i),
          name: `Simulated ${p.title.toLowerCase()} ${i + 1} — ${c.name}${quirks.nightLeak ? " (night leak)" : ""}${quirks.batteryRunsDown ? " (battery running down)" : ""}`,
          profile: id,
          commune,
          latitude: c.latitude + 0.01 * Math.sin(seed),
          longitude: c.longitude + 0.01 * Math.cos(seed),
          dr: [5, 5, 4, 3, 2, 0][seed % 6] as number,
          fCnt: 0,
          seed,
        },
        quirks,
        ...(id === "footfall" && i === 0 && o.days >= 2 ? { silentAfterDays: o.days / 2 } : {}),
      });
    }
  }
  return out;
}

async function register(o: SimulationOptions, d: SimDevice): Promise<void> {
  const r = await fetch(`${o.url}/v1/admin/devices`, {
    method: "POST",
    headers: { authorization: `Bearer ${o.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ devEui: d.devEui, name: d.name, commune: d.commune, profile: d.profile, latitude: d.latitude, longitude: d.longitude, public: true, tags: { simulated: "true" } }),
  });
  const text = await r.text();
  if (r.status !== 201 && r.status !== 409) throw new Error(`registering ${d.devEui}: ${r.status} ${text}`);
}

export async function simulate(o: SimulationOptions): Promise<Summary> {
  const started = performance.now();
  const members = fleet(o);
  for (const m of members) await register(o, m.sim);
  const poster = new Poster(o.url, o.ingestToken);
  const downlinks = new DownlinkQueue();
  const seconds = Math.round(o.days * 86400);
  const running: Running[] = members.map((m) => {
    const sensor = sensorFor(m.sim.profile, m.sim.seed, o.start, o.days, m.quirks);
    const holder: { firmware?: FirmwareDevice } = {};
    const firmware = new FirmwareDevice({
      profile: m.sim.profile,
      seed: m.sim.seed,
      env: {
        sensor: (ch, clock) => sensor(ch, o.start + clock * 1000),
        dataRate: () => m.sim.dr,
      },
      onUplink: (u) => {
        m.sim.fCnt += 1;
        poster.add(chirpstackUp(m.sim, u.fPort, u.bytes, u.dr, o.start + u.clock * 1000));
        const down = downlinks.take(m.sim);
        if (down) queueMicrotask(() => holder.firmware?.downlink(down.fPort, down.bytes));
      },
    });
    holder.firmware = firmware;
    firmware.boot();
    for (const c of o.downlinks) downlinks.enqueue(m.sim.devEui, c);
    const flatAt = m.quirks.batteryRunsDown ? Math.floor(seconds * (1.5 / 1.7)) : seconds; // below 2.1 V the radio browns out
    const silentAt = m.silentAfterDays !== undefined ? Math.floor(m.silentAfterDays * 86400) : seconds;
    return { sim: m.sim, firmware, stopAt: Math.min(flatAt, silentAt) };
  });
  const bar = o.progress ? new SingleBar({ format: "simulating [{bar}] {percent}% | day {day}/{days} | {uplinks} uplinks posted", hideCursor: true }) : undefined;
  bar?.start(seconds, 0, { day: 0, days: o.days, uplinks: 0 });
  const CHUNK = 600;
  for (let t = 0; t < seconds; t += CHUNK) {
    const step = Math.min(CHUNK, seconds - t);
    for (let s = 0; s < step; s++) {
      for (const r of running) {
        if (r.firmware.clock >= r.stopAt) continue;
        r.firmware.run(1);
        await Promise.resolve(); // lets a downlink queued in this receive window reach the firmware
      }
    }
    await poster.flush();
    if (o.speedup > 0) {
      const ahead = ((t + step) / o.speedup) * 1000 - (performance.now() - started);
      if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
    }
    bar?.update(t + step, { day: Math.floor((t + step) / 86400), uplinks: poster.accepted + poster.rejected });
  }
  bar?.stop();
  const elapsed = (performance.now() - started) / 1000;
  const perProfile: Summary["perProfile"] = {};
  for (const r of running) {
    const entry = (perProfile[r.sim.profile] ??= { devices: 0, uplinks: 0, bytesPerDeviceDay: 0, airtimeSecondsPerDeviceDay: 0 });
    entry.devices += 1;
    entry.uplinks += r.firmware.uplinks.length;
    entry.bytesPerDeviceDay += r.firmware.uplinks.reduce((a, u) => a + u.bytes.length, 0) / o.days;
    entry.airtimeSecondsPerDeviceDay += r.firmware.uplinks.reduce((a, u) => a + timeOnAirMs(u.bytes.length, 12 - u.dr) / 1000, 0) / o.days;
  }
  for (const e of Object.values(perProfile)) {
    e.bytesPerDeviceDay = Math.round(e.bytesPerDeviceDay / e.devices);
    e.airtimeSecondsPerDeviceDay = Math.round((e.airtimeSecondsPerDeviceDay / e.devices) * 10) / 10;
  }
  const uplinks = running.reduce((a, r) => a + r.firmware.uplinks.length, 0);
  return {
    devices: running.length,
    days: o.days,
    uplinks,
    accepted: poster.accepted,
    rejected: poster.rejected,
    failures: poster.failures,
    perProfile,
    seconds: Math.round(elapsed * 10) / 10,
    uplinksPerSecond: Math.round((uplinks / elapsed) * 10) / 10,
    dropped: running.reduce((a, r) => a + r.firmware.dropped, 0),
  };
}

const HELP = `npm run simulate -- [options]

Runs the Cigale firmware (firmware/build/firmware.wasm) for a fleet of virtual sensors and posts
their uplinks, as ChirpStack v4 events, to a running Worker (npm run dev). Devices are registered
through the admin API first.

Options:
  --days <n>            simulated days (default 1)
  --start <date>        ISO date of the simulation's start (default: --days before now)
  --devices <n>         devices per profile (default 1)
  --profiles <list>     comma-separated profiles (default: all: ${PROFILES.map((p) => p.id).join(",")})
  --communes <list>     comma-separated INSEE codes (default: the four pilot communes ${Object.keys(PILOT_COMMUNES).join(",")})
  --speedup <x>         simulated seconds per real second; 0 = as fast as possible (default 0)
  --url <url>           the Worker (default http://localhost:8787)
  --token <token>       ingest token (default dev-ingest-token)
  --admin-token <key>   admin key used to register devices (default dev-admin-key)
  --seed <n>            seed of the fleet and its sensors (default 1)
  --downlink <json>     a config command queued for every device, e.g. '{"command":"setInterval","token":1,"interval":300}' (repeatable)
  --no-progress         no progress bar
  --help                this text
`;

export function parseCli(argv: string[]): SimulationOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      days: { type: "string" },
      start: { type: "string" },
      devices: { type: "string" },
      profiles: { type: "string" },
      communes: { type: "string" },
      speedup: { type: "string" },
      url: { type: "string" },
      token: { type: "string" },
      "admin-token": { type: "string" },
      seed: { type: "string" },
      downlink: { type: "string", multiple: true },
      "no-progress": { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const number = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${raw}`);
    return n;
  };
  const days = number("days", values.days, 1, 1 / 24);
  const start = values.start === undefined ? Date.now() - days * 86_400_000 : Date.parse(values.start);
  if (Number.isNaN(start)) throw new Error(`--start must be an ISO date, got ${values.start}`);
  const profiles = (values.profiles?.split(",") ?? PROFILES.map((p) => p.id)) as ProfileId[];
  for (const p of profiles) if (!PROFILES.some((x) => x.id === p)) throw new Error(`--profiles: unknown profile ${p}`);
  return {
    url: (values.url ?? "http://localhost:8787").replace(/\/$/, ""),
    ingestToken: values.token ?? "dev-ingest-token",
    adminToken: values["admin-token"] ?? "dev-admin-key",
    devicesPerProfile: Math.floor(number("devices", values.devices, 1, 1)),
    communes: values.communes?.split(",") ?? Object.keys(PILOT_COMMUNES),
    profiles,
    days,
    start: Math.floor(start / 1000) * 1000,
    speedup: number("speedup", values.speedup, 0, 0),
    seed: Math.floor(number("seed", values.seed, 1, 0)),
    downlinks: (values.downlink ?? []).map((j) => JSON.parse(j) as ConfigCommand),
    progress: !values["no-progress"] && process.stderr.isTTY === true,
  };
}

export function formatSummary(s: Summary): string {
  const rows = Object.entries(s.perProfile).map(
    ([p, e]) => `  ${p.padEnd(10)} ${String(e.devices).padStart(3)} devices ${String(e.uplinks).padStart(6)} uplinks ${String(e.bytesPerDeviceDay).padStart(6)} B/device/day ${String(e.airtimeSecondsPerDeviceDay).padStart(6)} s on air/device/day`,
  );
  return [
    `${s.devices} devices, ${s.days} day(s): ${s.uplinks} uplinks sent, ${s.accepted} accepted, ${s.rejected} rejected, ${s.dropped} samples dropped by the firmware`,
    ...rows,
    `${s.seconds} s, ${s.uplinksPerSecond} uplinks/s posted`,
    ...(s.failures.length ? ["rejections (first ones):", ...s.failures.map((f) => `  ${f}`)] : []),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const options = parseCli(process.argv.slice(2));
    if (options === "help") {
      console.log(HELP);
    } else {
      const summary = await simulate(options);
      console.log(formatSummary(summary));
      if (summary.rejected > 0) process.exitCode = 1;
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    console.error("npm run simulate -- --help for the options");
    process.exitCode = 2;
  }
}
