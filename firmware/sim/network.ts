/**
 * The simulator's virtual network server: wraps each uplink the firmware sends into a ChirpStack
 * v4 `up` event (JSON, the fields and formats of a real ChirpStack, as in
 * test/worker/fixtures/chirpstack/up.json), posts it to the Worker's ingest route, and holds the
 * downlinks queued for each device until its next uplink (class A: a receive window follows
 * every uplink).
 */
import type { ConfigCommand, ProfileId } from "../../codecs/src/data.ts";
import { codec } from "../../codecs/src/node.ts";
import { jitter } from "./sensors.ts";

export interface SimDevice {
  devEui: string;
  name: string;
  profile: ProfileId;
  commune: string;
  latitude: number;
  longitude: number;
  /** The data rate the link sustains (distance to the gateway). */
  dr: number;
  fCnt: number;
  seed: number;
}

const GATEWAYS = ["0016c001f153a14c", "0016c001f153a15d", "0016c001f153a16e", "0016c001f153a17f"];
const CHANNELS = [868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000];

/** ChirpStack's RFC 3339 form with nanoseconds. */
function rfc3339(ms: number, nanos: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_, milli: string) => `.${milli}${String(nanos).padStart(6, "0")}+00:00`);
}

function uuid(seed: number, n: number): string {
  const hex = Array.from({ length: 4 }, (_, i) => ((jitter(seed, n, i) + 1) * 0x7fffffff >>> 0).toString(16).padStart(8, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The ChirpStack v4 `up` event of one uplink received at `wallMs`. */
export function chirpstackUp(device: SimDevice, fPort: number, bytes: Uint8Array, dr: number, wallMs: number): Record<string, unknown> {
  const n = device.fCnt;
  const gw = GATEWAYS[device.seed % GATEWAYS.length] as string;
  const sf = 12 - dr;
  const rssi = Math.round(-70 - 8 * (5 - dr) + 4 * jitter(device.seed, n, 1));
  const snr = Math.round((10 - 3.5 * (5 - dr) + 2 * jitter(device.seed, n, 2)) * 4) / 4;
  const gwMs = wallMs;
  const nsMs = wallMs + 30 + Math.round(20 * Math.abs(jitter(device.seed, n, 3)));
  return {
    deduplicationId: uuid(device.seed, n),
    time: rfc3339(gwMs, 123_456),
    deviceInfo: {
      tenantId: "5a1e0d4c-3b2f-4e6a-9c8d-7f1e2d3c4b5a",
      tenantName: "Métropole Aix-Marseille-Provence",
      applicationId: "b3c9e8a1-6d2f-4f7e-8a1b-2c3d4e5f6a7b",
      applicationName: "cigale-simulated",
      deviceProfileId: "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968",
      deviceProfileName: `cigale-${device.profile}-eu868`,
      deviceName: device.name,
      devEui: device.devEui,
      deviceClassEnabled: "CLASS_A",
      tags: { simulated: "true", commune: device.commune },
    },
    devAddr: device.devEui.slice(8),
    adr: true,
    dr,
    fCnt: n,
    fPort,
    confirmed: false,
    data: Buffer.from(bytes).toString("base64"),
    rxInfo: [
      {
        gatewayId: gw,
        uplinkId: (device.seed * 7919 + n * 104_729) >>> 0,
        gwTime: rfc3339(gwMs, 123_456),
        nsTime: rfc3339(nsMs, 654_321),
        rssi,
        snr,
        channel: n % CHANNELS.length,
        location: { latitude: device.latitude + 0.004, longitude: device.longitude - 0.003, altitude: 40 },
        context: Buffer.from(Uint32Array.of(n).buffer).toString("base64"),
        metadata: { region_config_id: "eu868", region_common_name: "EU868" },
        crcStatus: "CRC_OK",
      },
    ],
    txInfo: {
      frequency: CHANNELS[n % CHANNELS.length],
      modulation: { lora: { bandwidth: 125_000, spreadingFactor: sf, codeRate: "CR_4_5" } },
    },
    regionConfigId: "eu868",
  };
}

/** Downlinks waiting for each device's next uplink. */
export class DownlinkQueue {
  private readonly queues = new Map<string, ConfigCommand[]>();

  enqueue(devEui: string, command: ConfigCommand): void {
    const q = this.queues.get(devEui) ?? [];
    q.push(command);
    this.queues.set(devEui, q);
  }

  /** The next downlink for a device that just sent an uplink (one per receive window), encoded. */
  take(device: SimDevice): { fPort: number; bytes: Uint8Array } | undefined {
    const command = this.queues.get(device.devEui)?.shift();
    return command ? codec.encodeDownlink(device.profile, command) : undefined;
  }
}

export interface PostResult {
  status: number;
}

/** Posts events to the Worker, a few at a time. */
export class Poster {
  accepted = 0;
  rejected = 0;
  failures: string[] = [];
  private readonly pending: Array<Record<string, unknown>> = [];

  private readonly url: string;
  private readonly token: string;
  private readonly concurrency: number;

  constructor(url: string, token: string, concurrency = 8) {
    this.url = url;
    this.token = token;
    this.concurrency = concurrency;
  }

  add(event: Record<string, unknown>): void {
    this.pending.push(event);
  }

  get queued(): number {
    return this.pending.length;
  }

  async flush(): Promise<void> {
    const worker = async () => {
      for (let e = this.pending.shift(); e; e = this.pending.shift()) {
        const r = await fetch(`${this.url}/v1/ingest/chirpstack?event=up`, {
          method: "POST",
          headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
          body: JSON.stringify(e),
        });
        const text = await r.text();
        if (r.status === 202) this.accepted++;
        else {
          this.rejected++;
          if (this.failures.length < 5) this.failures.push(`${r.status} ${text}`);
        }
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
  }
}
