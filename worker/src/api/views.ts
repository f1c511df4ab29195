import { z } from "@hono/zod-openapi";
import type { AdminKey } from "../store/admin-keys.ts";
import type { Commune } from "../store/communes.ts";
import { bytesToHex, iso } from "../store/db.ts";
import type { DeviceState } from "../store/device-state.ts";
import type { Device } from "../store/devices.ts";
import type { IngestToken } from "../store/ingest-tokens.ts";
import type { QuarantinedEvent } from "../store/quarantine.ts";
import type { Territory } from "../store/territories.ts";
import type { StoredUplink } from "../store/uplinks.ts";
import { bytesToBase64 } from "../ingest/encoding.ts";

/**
 * JSON views of stored records: camelCase, ISO 8601 times (UTC), no internal ids or hashes. Each
 * view has its answer schema beside it (the OpenAPI document and the SDK's types come from those),
 * and the view is typed by its schema, so that they cannot drift apart.
 */

/** An ISO 8601 UTC date-time, as every answer writes times. */
export const time = z.iso.datetime();
const maybeTime = time.nullable();

export const territoryAnswer = z.object({ code: z.string(), name: z.string(), createdAt: time, updatedAt: time }).openapi("Territory");
type Out<T extends z.ZodType> = z.input<T>;

export const territoryView = (t: Territory): Out<typeof territoryAnswer> => ({ code: t.code, name: t.name, createdAt: iso(t.createdAt)!, updatedAt: iso(t.updatedAt)! });

export const communeAnswer = z.object({ insee: z.string(), name: z.string(), territory: z.string(), createdAt: time, updatedAt: time }).openapi("Commune");

export const communeView = (c: Commune): Out<typeof communeAnswer> => ({
  insee: c.insee,
  name: c.name,
  territory: c.territory,
  createdAt: iso(c.createdAt)!,
  updatedAt: iso(c.updatedAt)!,
});

export const deviceAnswer = z
  .object({
    devEui: z.string(),
    name: z.string(),
    commune: z.string(),
    territory: z.string(),
    profile: z.string().nullable(),
    codec: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    installedAt: maybeTime,
    public: z.boolean(),
    tags: z.record(z.string(), z.string()),
    createdAt: time,
    updatedAt: time,
  })
  .openapi("Device");

export const deviceView = (d: Device): Out<typeof deviceAnswer> => ({
  devEui: d.devEui,
  name: d.name,
  commune: d.commune,
  territory: d.territory,
  profile: d.profile,
  codec: d.codec,
  latitude: d.latitude,
  longitude: d.longitude,
  installedAt: iso(d.installedAt),
  public: d.public,
  tags: d.tags,
  createdAt: iso(d.createdAt)!,
  updatedAt: iso(d.updatedAt)!,
});

export const stateAnswer = z
  .object({
    lastSeenAt: maybeTime,
    fCnt: z.number().int().nullable(),
    fPort: z.number().int().nullable(),
    rssi: z.number().nullable(),
    snr: z.number().nullable(),
    dr: z.number().int().nullable(),
    battery: z.number().nullable().describe("battery voltage (V) of the latest reading that had one"),
    firmware: z.string().nullable(),
    batteryLevel: z.number().nullable().describe("battery level (%) the network server reported"),
    margin: z.number().nullable(),
    externalPower: z.boolean().nullable(),
    statusAt: maybeTime,
    devAddr: z.string().nullable(),
    joinedAt: maybeTime,
    location: z
      .object({ time, latitude: z.number(), longitude: z.number(), altitude: z.number().nullable(), accuracy: z.number().nullable(), source: z.string().nullable() })
      .nullable(),
  })
  .openapi("DeviceState");

export const stateView = (s: DeviceState | null): Out<typeof stateAnswer> | null =>
  s === null
    ? null
    : {
        lastSeenAt: iso(s.lastSeenAt),
        fCnt: s.fCnt,
        fPort: s.fPort,
        rssi: s.rssi,
        snr: s.snr,
        dr: s.dr,
        battery: s.battery,
        firmware: s.firmware,
        batteryLevel: s.batteryLevel,
        margin: s.margin,
        externalPower: s.externalPower,
        statusAt: iso(s.statusAt),
        devAddr: s.devAddr,
        joinedAt: iso(s.joinedAt),
        location: s.location ? { ...s.location, time: iso(s.location.time)! } : null,
      };

export const uplinkAnswer = z.object({
  /** The network server's chosen time; readings are dated from it (worker/README.md, "Time"). */
  time,
  networkServerReceivedAt: time.nullable(),
  receivedAt: time.nullable(),
  fCnt: z.number().int(),
  fPort: z.number().int(),
  payload: z.string().describe("base64"),
  dedupId: z.string().nullable(),
  rssi: z.number().nullable(),
  snr: z.number().nullable(),
  dr: z.number().int().nullable(),
  gateways: z.number().int(),
  source: z.enum(["chirpstack", "ttn"]),
  decode: z.enum(["ok", "failed", "partial", "empty"]),
  note: z.string().nullable(),
});

export const uplinkView = (u: StoredUplink): Out<typeof uplinkAnswer> => ({
  time: iso(u.time)!,
  networkServerReceivedAt: iso(u.nsTime),
  receivedAt: iso(u.receivedAt),
  fCnt: u.fCnt,
  fPort: u.fPort,
  payload: bytesToBase64(u.payload),
  dedupId: u.dedupId ? bytesToHex(u.dedupId) : null,
  rssi: u.rssi,
  snr: u.snr,
  dr: u.dr,
  gateways: u.gateways,
  source: u.source,
  decode: u.decode,
  note: u.note,
});

export const ingestTokenAnswer = z
  .object({ id: z.number().int(), name: z.string(), prefix: z.string(), territory: z.string().nullable(), commune: z.string().nullable(), createdAt: time, revokedAt: maybeTime })
  .openapi("IngestToken");

export const ingestTokenView = (t: IngestToken): Out<typeof ingestTokenAnswer> => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  territory: t.territory,
  commune: t.commune,
  createdAt: iso(t.createdAt)!,
  revokedAt: iso(t.revokedAt),
});

export const adminKeyAnswer = z
  .object({ id: z.number().int(), name: z.string(), prefix: z.string(), territory: z.string().nullable(), createdAt: time, revokedAt: maybeTime })
  .openapi("AdminKey");

export const adminKeyView = (k: AdminKey): Out<typeof adminKeyAnswer> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  territory: k.territory,
  createdAt: iso(k.createdAt)!,
  revokedAt: iso(k.revokedAt),
});

export const quarantineAnswer = z.object({
  id: z.number().int(),
  receivedAt: time,
  source: z.string(),
  event: z.string(),
  devEui: z.string(),
  time,
  reason: z.object({ code: z.string(), message: z.string() }),
  resolvedAt: maybeTime,
  resolution: z.string().nullable(),
  payload: z.unknown().describe("the neutral event as it was accepted"),
});

export const quarantineView = (q: QuarantinedEvent): Out<typeof quarantineAnswer> => ({
  id: q.id,
  receivedAt: iso(q.receivedAt)!,
  source: q.source,
  event: q.kind,
  devEui: q.devEui,
  time: iso(q.time)!,
  reason: { code: q.reasonCode, message: q.reason },
  resolvedAt: iso(q.resolvedAt),
  resolution: q.resolution,
  payload: (JSON.parse(q.event) as { event: unknown }).event,
});
