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

/** JSON views of stored records: camelCase, ISO 8601 times (UTC), no internal ids or hashes. */

export const territoryView = (t: Territory) => ({ code: t.code, name: t.name, createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt) });

export const communeView = (c: Commune) => ({ insee: c.insee, name: c.name, territory: c.territory, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) });

export const deviceView = (d: Device) => ({
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
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
});

export const stateView = (s: DeviceState | null) =>
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
        location: s.location ? { ...s.location, time: iso(s.location.time) } : null,
      };

export const uplinkView = (u: StoredUplink) => ({
  /** The network server's chosen time; readings are dated from it (worker/README.md, "Time"). */
  time: iso(u.time),
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

export const ingestTokenView = (t: IngestToken) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  territory: t.territory,
  commune: t.commune,
  createdAt: iso(t.createdAt),
  revokedAt: iso(t.revokedAt),
});

export const adminKeyView = (k: AdminKey) => ({ id: k.id, name: k.name, prefix: k.prefix, territory: k.territory, createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt) });

export const quarantineView = (q: QuarantinedEvent) => ({
  id: q.id,
  receivedAt: iso(q.receivedAt),
  source: q.source,
  event: q.kind,
  devEui: q.devEui,
  time: iso(q.time),
  reason: { code: q.reasonCode, message: q.reason },
  resolvedAt: iso(q.resolvedAt),
  resolution: q.resolution,
  payload: (JSON.parse(q.event) as { event: unknown }).event,
});
