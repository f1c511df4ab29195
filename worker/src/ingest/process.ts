import { hexToBytes, runBatch } from "../store/db.ts";
import { prepareInsertDeviceEvent } from "../store/device-events.ts";
import { prepareJoinState, prepareLocationState, prepareStatusState, prepareUplinkStates } from "../store/device-state.ts";
import { findIngestDevice } from "../store/devices.ts";
import { prepareInsertQuarantined } from "../store/quarantine.ts";
import { prepareInsertReadings, prepareInsertUplinkReadings, type ReadingRow } from "../store/readings.ts";
import { type DecodeStatus, findUplinkTarget, type IngestDevice, prepareInsertNewUplinks } from "../store/uplinks.ts";
import { quantityIndex } from "./decode/readings.ts";
import { decodeUplink, type UplinkDecode } from "./decode/uplink.ts";
import { encodeValue } from "./decode/values.ts";
import { cachedDevice, forgetDevice, rememberDevice } from "./device-cache.ts";
import { base64ToBytes } from "./encoding.ts";
import { type DeviceEvent, type EventKind, eventKey, globalEventKey, type IngestEvent, type UplinkEvent } from "./event.ts";
import { inScope, outOfScope, type Scope } from "./scope.ts";
import { FUTURE_TOLERANCE_MS, implausibleTime } from "./time.ts";

/** What happened to one event; the ingest routes answer with it. */
export type Outcome =
  | { result: "stored"; kind: EventKind; devEui: string; time: number; readings: number; decode?: DecodeReport }
  | { result: "duplicate"; kind: EventKind; devEui: string; time: number }
  | { result: "quarantined"; kind: EventKind; devEui: string; time: number; reason: Reason };

export interface DecodeReport {
  status: DecodeStatus;
  note: string | null;
  issue: { code: string; message: string } | null;
}

export interface Reason {
  code: string;
  message: string;
}

/**
 * Stores one accepted event, on its own: the path of the exceptions (duplicates, registry
 * changes, device events) of a consumed batch (batch.ts) and of quarantine replays. The event
 * was accepted already, so refusing it is no longer possible: a device outside the token's scope
 * sends it to quarantine with the reason. Every write is insert-if-new on a key the event
 * carries, so running this twice for the same event — a redelivery, a retried batch, a spool
 * replay after a failure half-way, a re-run of the quarantine — stores it once. D1 failures
 * propagate as StoreError ("unavailable"); the caller retries the event later.
 */
export async function processEvent(db: D1Database, event: IngestEvent, scope: Scope): Promise<Outcome> {
  // The event's own time first: it needs no D1 read.
  const implausible = implausibleTime(event);
  if (implausible) return quarantine(db, event, scope, implausible);
  return event.kind === "up" ? processUplink(db, event, scope) : processDeviceEvent(db, event, scope);
}

/**
 * find the device → authorize → decode → keep raw + dedupe + store + update the device state
 * (one transaction). With a cached registry entry that costs one D1 round trip: the insert itself
 * checks both the duplicate rule and that the registry still matches. Anything else (first
 * uplink, duplicate, registry change) takes a second look at D1 and decides from there.
 */
async function processUplink(db: D1Database, ev: UplinkEvent, scope: Scope): Promise<Outcome> {
  const head = { kind: ev.kind, devEui: ev.devEui, time: ev.time };
  const payload = base64ToBytes(ev.payload);
  const dedupId = ev.dedupId === null ? null : hexToBytes(ev.dedupId);
  const now = Date.now();

  let device = cachedDevice(ev.devEui, now);
  // The cached registry entry first, then fresh ones (a concurrent change can refuse one write).
  for (let pass = 0; pass < 3; pass++) {
    // Find the device — and, when reading D1 anyway, whether this frame is stored already.
    if (device === undefined || !inScope(scope, device)) {
      const target = await findUplinkTarget(db, ev.devEui, { time: ev.time, fCnt: ev.fCnt, payload, dedupId });
      if (!target.device) {
        forgetDevice(ev.devEui);
        return quarantine(db, ev, scope, unknownDevice(ev.devEui));
      }
      device = target.device;
      rememberDevice(ev.devEui, device, now);
      // Authorize against the token's territory or commune.
      const refused = authorize(scope, ev, device);
      if (refused) return quarantine(db, ev, scope, refused);
      if (target.seen) return { ...head, result: "duplicate" };
    }

    // Decode with the device's profile or commercial codec (never throws: a failure is a result).
    const decoded = decodeUplink(device, ev.fPort, payload, ev.time, await quantityIndex(db));

    // Keep raw + dedupe + store readings + update device state: one transaction.
    const [inserted] = await runBatch(db, storeStatements(db, [{ ev, device, payload, dedupId, decoded }]));
    if (inserted === 1) return storedUplink(ev, decoded);
    // Turned away: a duplicate, or the registry changed since the entry was read. Look again.
    forgetDevice(ev.devEui);
    device = undefined;
  }
  // The registry was read fresh, the frame is not a duplicate, and still the insert was refused:
  // another payload is stored under this device, time and frame counter. Keep it for a person.
  return quarantine(db, ev, scope, conflictingUplink(ev));
}

/** The outcome of an uplink whose insert went through. */
export function storedUplink(ev: UplinkEvent, decoded: UplinkDecode): Outcome {
  return {
    kind: ev.kind,
    devEui: ev.devEui,
    time: ev.time,
    result: "stored",
    readings: decoded.rows.length,
    // The note repeats the issue when decoding failed; the report gives each once.
    decode: { status: decoded.status, note: decoded.issue ? null : decoded.note, issue: decoded.issue },
  };
}

function conflictingUplink(ev: UplinkEvent): Reason {
  return {
    code: "CONFLICTING_UPLINK",
    message: `device ${ev.devEui} already has a different uplink with frame counter ${ev.fCnt} at ${new Date(ev.time).toISOString()}`,
  };
}

/** An uplink ready to be stored: the event, its device's registry entry, its bytes and what decoding gave. */
export interface UplinkToStore {
  ev: UplinkEvent;
  device: IngestDevice;
  payload: Uint8Array;
  dedupId: Uint8Array | null;
  decoded: UplinkDecode;
}

/**
 * The uplink rows (insert-if-new, registry checked; RETURNING the keys of those stored), their
 * readings and the devices' states, in this order, for one transaction: the first statement says
 * which uplinks were stored, and the others only write for those.
 */
export function storeStatements(db: D1Database, uplinks: readonly UplinkToStore[]): D1PreparedStatement[] {
  return [
    prepareInsertNewUplinks(
      db,
      uplinks.map(({ ev, device, payload, dedupId, decoded }) => ({
        uplink: {
          deviceId: device.id,
          time: ev.time,
          fCnt: ev.fCnt,
          fPort: ev.fPort,
          payload,
          dedupId,
          nsTime: ev.nsTime ?? null,
          receivedAt: ev.receivedAt,
          rssi: ev.rssi,
          snr: ev.snr,
          dr: ev.dr,
          gateways: ev.gateways,
          source: ev.source,
          decode: decoded.status,
          note: decoded.note,
        },
        expected: { ...device, devEui: ev.devEui },
      })),
    ),
    ...prepareInsertUplinkReadings(
      db,
      uplinks.map(({ ev, device, payload, decoded }) => ({ deviceId: device.id, uplink: { time: ev.time, fCnt: ev.fCnt, payload }, rows: decoded.rows })),
    ),
    prepareUplinkStates(
      db,
      uplinks.map(({ ev, device, payload, decoded }) => ({
        deviceId: device.id,
        time: ev.time,
        fCnt: ev.fCnt,
        fPort: ev.fPort,
        payload,
        rssi: ev.rssi,
        snr: ev.snr,
        dr: ev.dr,
        battery: decoded.battery,
        firmware: decoded.firmware,
      })),
      Date.now() + FUTURE_TOLERANCE_MS,
    ),
  ];
}

/** join, status, ack, txack, log, location: one device_events row, plus the state an operator checks. */
async function processDeviceEvent(db: D1Database, ev: DeviceEvent, scope: Scope): Promise<Outcome> {
  const head = { kind: ev.kind, devEui: ev.devEui, time: ev.time };
  const device = await findIngestDevice(db, ev.devEui);
  if (!device) return quarantine(db, ev, scope, unknownDevice(ev.devEui));
  const refused = authorize(scope, ev, device);
  if (refused) return quarantine(db, ev, scope, refused);

  const { source: _source, devEui: _devEui, time: _time, receivedAt: _receivedAt, kind: _kind, ...detail } = ev;
  const statements = [
    prepareInsertDeviceEvent(db, {
      deviceId: device.id,
      time: ev.time,
      kind: ev.kind,
      eventKey: eventKey(ev),
      level: ev.kind === "log" ? ev.level : null,
      code: ev.kind === "log" ? ev.code : null,
      detail: { source: ev.source, ...detail },
    }),
  ];
  let readings: ReadingRow[] = [];
  switch (ev.kind) {
    case "join":
      statements.push(prepareJoinState(db, device.id, ev.time, ev.devAddr));
      break;
    case "status": {
      statements.push(prepareStatusState(db, device.id, ev));
      const level = (await quantityIndex(db)).get("battery.level");
      const stored = level && ev.batteryLevel !== null ? encodeValue(level, ev.batteryLevel) : null;
      if (level && stored !== null) readings = [[level.id, ev.time, stored]];
      break;
    }
    case "location":
      statements.push(
        prepareLocationState(db, device.id, {
          time: ev.time,
          latitude: ev.latitude,
          longitude: ev.longitude,
          altitude: ev.altitude,
          accuracy: ev.accuracy,
          source: ev.locationSource,
        }),
      );
      break;
    default:
      break;
  }
  if (readings.length > 0) statements.push(prepareInsertReadings(db, device.id, readings));
  const [inserted] = await runBatch(db, statements);
  if (inserted === 0) return { ...head, result: "duplicate" };
  return { ...head, result: "stored", readings: readings.length };
}

/** Null if the token's scope covers the device, else why the event goes to quarantine. */
export function authorize(scope: Scope, ev: IngestEvent, device: IngestDevice): Reason | null {
  if (inScope(scope, device)) return null;
  const refusal = outOfScope(scope, ev.devEui);
  return { code: refusal.code, message: refusal.message };
}

export function unknownDevice(devEui: string): Reason {
  return {
    code: "UNKNOWN_DEVICE",
    message: `device ${devEui} is not registered: register it with POST /v1/admin/devices, then POST /v1/admin/redecode {"quarantine": true}`,
  };
}

/** What the quarantine keeps of an event: the event itself and the scope it was accepted under. */
export interface QuarantinedPayload {
  event: IngestEvent;
  scope: Scope;
}

async function quarantine(db: D1Database, ev: IngestEvent, scope: Scope, reason: Reason): Promise<Outcome> {
  await runBatch(db, [prepareQuarantine(db, ev, scope, reason)]);
  return quarantined(ev, reason);
}

export function quarantined(ev: IngestEvent, reason: Reason): Outcome {
  return { kind: ev.kind, devEui: ev.devEui, time: ev.time, result: "quarantined", reason };
}

/** Insert-if-new of the whole event, with its scope and the reason, into the quarantine. */
export function prepareQuarantine(db: D1Database, ev: IngestEvent, scope: Scope, reason: Reason): D1PreparedStatement {
  const payload: QuarantinedPayload = { event: ev, scope };
  return prepareInsertQuarantined(db, {
    eventKey: globalEventKey(ev),
    receivedAt: ev.receivedAt,
    source: ev.source,
    kind: ev.kind,
    devEui: ev.devEui,
    time: ev.time,
    reasonCode: reason.code,
    reason: reason.message,
    tokenId: scope.tokenId,
    event: JSON.stringify(payload),
  });
}
