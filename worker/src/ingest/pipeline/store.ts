import { runBatchResults } from "../../store/db.ts";
import { prepareInsertDeviceEvent } from "../../store/device-events.ts";
import { prepareJoinState, prepareLocationState, prepareStatusState, prepareUplinkStates } from "../../store/device-state.ts";
import { isStorageUnavailable } from "../../store/errors.ts";
import type { QueryBudget } from "../../store/limits.ts";
import { prepareInsertStatusReadings, prepareInsertUplinkReadings, type ReadingRow, type WrittenReading } from "../../store/readings.ts";
import { type IngestDevice, prepareAppendUplinkNotes, prepareInsertNewUplinks, uplinkKey } from "../../store/uplinks.ts";
import { type DeviceEvent, eventKey, type IngestEvent } from "../event.ts";
import type { Scope } from "../scope.ts";
import { FUTURE_TOLERANCE_MS } from "../time.ts";
import { readingsSpan, type UplinkToStore } from "./decode.ts";
import { duplicate, failed, type ItemResult, type Outcome, prepareQuarantine, quarantined, type Reason, refusedByStorage } from "./outcome.ts";

/**
 * Step 3 of the pipeline: one D1 transaction (one batch) for everything a round decided —
 * uplinks with their readings and device states, device events, quarantine rows.
 *
 * Only an outage (or this invocation's query budget) fails the whole call, and then every unit
 * of it is `failed`, to be retried as it is. Any other error is a statement D1 refuses for what
 * it holds: the units are split in halves and stored again, until the ones that cause it are
 * alone; each of those goes to quarantine with D1's reason, the others are stored. A unit whose
 * quarantine row itself is refused is `failed` (the spool moves it aside for a person).
 */

/** What one event of a round needs written. */
export type StoreUnit =
  | { kind: "uplink"; item: number; store: UplinkToStore }
  | { kind: "device-event"; item: number; ev: DeviceEvent; device: IngestDevice; readings: ReadingRow[] }
  | { kind: "quarantine"; item: number; ev: IngestEvent; scope: Scope; reason: Reason };

/** A unit's fate: settled, failed, or (uplinks) refused by the insert — a duplicate or a registry change: look again. */
export type UnitResult = { item: number; result: ItemResult } | { item: number; refused: true };

export async function storeUnits(db: D1Database, units: readonly StoreUnit[], scopes: readonly Scope[], budget: QueryBudget): Promise<UnitResult[]> {
  if (units.length === 0) return [];
  try {
    const plan = planStatements(db, units);
    budget.spend(plan.statements.length);
    const results = await runBatchResults(db, plan.statements);
    const settled = plan.read(results);
    await noteHeldReadings(db, settled.notes, budget);
    return settled.results;
  } catch (error) {
    if (isStorageUnavailable(error)) return units.map((u) => ({ item: u.item, result: failed(eventOf(u), error) }));
    if (units.length === 1) {
      const unit = units[0]!;
      if (unit.kind === "quarantine") {
        console.error(`ingest: quarantine row of ${unit.ev.kind} ${unit.ev.devEui} refused: ${String(error)}`);
        return [{ item: unit.item, result: failed(unit.ev, error) }];
      }
      const ev = eventOf(unit);
      console.error(`ingest: ${ev.kind} of ${ev.devEui} at ${new Date(ev.time).toISOString()} refused by D1, quarantined: ${String(error)}`);
      return storeUnits(db, [{ kind: "quarantine", item: unit.item, ev, scope: scopes[unit.item]!, reason: refusedByStorage(error) }], scopes, budget);
    }
    const half = Math.ceil(units.length / 2);
    const left = await storeUnits(db, units.slice(0, half), scopes, budget);
    // An outage in one half is an outage for the other one too: do not spend queries on it.
    const outage = left.find((r) => "result" in r && r.result.result === "failed" && isStorageUnavailable(r.result.error));
    if (outage && "result" in outage && outage.result.result === "failed") {
      const error = outage.result.error;
      return [...left, ...units.slice(half).map((u) => ({ item: u.item, result: failed(eventOf(u), error) }))];
    }
    return [...left, ...(await storeUnits(db, units.slice(half), scopes, budget))];
  }
}

function eventOf(unit: StoreUnit): IngestEvent {
  return unit.kind === "uplink" ? unit.store.ev : unit.ev;
}

interface Plan {
  statements: D1PreparedStatement[];
  read(results: D1Result[]): { results: UnitResult[]; notes: [number, number, number, string][] };
}

function planStatements(db: D1Database, units: readonly StoreUnit[]): Plan {
  const uplinks = units.filter((u): u is Extract<StoreUnit, { kind: "uplink" }> => u.kind === "uplink");
  const statements: D1PreparedStatement[] = [];
  const insertUplinks = uplinks.length > 0 ? prepareInsertNewUplinks(db, uplinks.map((u) => newUplink(u.store))) : [];
  // Rollups maintained in this transaction follow the readings here: right after the readings
  // statements (which RETURN what they wrote), before the device states.
  const insertReadings =
    uplinks.length > 0
      ? prepareInsertUplinkReadings(
          db,
          uplinks.map(({ store: { ev, device, payload, decoded } }) => ({ deviceId: device.id, uplink: { time: ev.time, fCnt: ev.fCnt, payload }, rows: decoded.rows, sampleInterval: decoded.sampleInterval })),
        )
      : [];
  statements.push(...insertUplinks, ...insertReadings);
  if (uplinks.length > 0) statements.push(prepareUplinkStates(db, uplinks.map((u) => uplinkState(u.store)), Date.now() + FUTURE_TOLERANCE_MS));
  const others: { unit: Exclude<StoreUnit, { kind: "uplink" }>; at: number }[] = [];
  for (const unit of units) {
    if (unit.kind === "uplink") continue;
    others.push({ unit, at: statements.length });
    if (unit.kind === "quarantine") statements.push(prepareQuarantine(db, unit.ev, unit.scope, unit.reason));
    else statements.push(...deviceEventStatements(db, unit));
  }

  return {
    statements,
    read(results) {
      const out: UnitResult[] = [];
      const notes: [number, number, number, string][] = [];
      const stored = new Set<string>();
      for (let i = 0; i < insertUplinks.length; i++) {
        for (const r of results[i]?.results ?? []) {
          const row = r as { device_id: number; time: number; f_cnt: number };
          stored.add(uplinkKey(row.device_id, row.time, row.f_cnt));
        }
      }
      const written = writtenPerUplink(results.slice(insertUplinks.length, insertUplinks.length + insertReadings.length));
      for (const { item, store } of uplinks) {
        const key = uplinkKey(store.device.id, store.ev.time, store.ev.fCnt);
        if (!stored.has(key)) {
          out.push({ item, refused: true });
          continue;
        }
        const held = store.decoded.rows.length - (written.get(key) ?? 0);
        if (held > 0) notes.push([store.device.id, store.ev.time, store.ev.fCnt, heldNote(held)]);
        out.push({ item, result: storedUplink(store, held) });
      }
      for (const { unit, at } of others) {
        if (unit.kind === "quarantine") out.push({ item: unit.item, result: quarantined(unit.ev, unit.reason) });
        else {
          const inserted = results[at]?.meta.changes ?? 0;
          out.push({ item: unit.item, result: inserted === 0 ? duplicate(unit.ev) : { kind: unit.ev.kind, devEui: unit.ev.devEui, time: unit.ev.time, result: "stored", readings: unit.readings.length } });
        }
      }
      return { results: out, notes };
    },
  };
}

/**
 * Readings written per uplink ("device:time:fCnt"), from the readings statements' RETURNING. A
 * reading written twice in one batch (a later uplink first, then an earlier one taking it over)
 * counts for the last writer only.
 */
function writtenPerUplink(results: readonly D1Result[]): Map<string, number> {
  const owner = new Map<string, string>();
  for (const result of results) {
    for (const r of result.results ?? []) {
      const w = r as WrittenReading;
      owner.set(`${w.device_id}:${w.quantity_id}:${w.time}`, uplinkKey(w.device_id, w.time + w.uplink_lag, w.uplink_f_cnt));
    }
  }
  const counts = new Map<string, number>();
  for (const key of owner.values()) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

const heldNote = (n: number) =>
  `${n} reading${n === 1 ? "" : "s"} at times an earlier uplink of this device had written already: kept the earlier uplink's (resent samples; worker/README.md)`;

/** The uplink's note says when some of its readings are an earlier uplink's: one statement, only when that happens. */
async function noteHeldReadings(db: D1Database, notes: readonly (readonly [number, number, number, string])[], budget: QueryBudget): Promise<void> {
  if (notes.length === 0) return;
  // The uplinks and readings are committed already: a note that cannot be written is logged, and
  // must not send them back through the store step as if they had failed.
  try {
    const statements = prepareAppendUplinkNotes(db, notes);
    budget.spend(statements.length);
    await runBatchResults(db, statements);
  } catch (error) {
    console.error(`ingest: notes of ${notes.length} uplinks whose readings an earlier uplink holds not written: ${String(error)}`);
  }
}

export function storedUplink(store: UplinkToStore, heldByEarlier = 0): Outcome {
  const { ev, decoded } = store;
  return {
    kind: ev.kind,
    devEui: ev.devEui,
    time: ev.time,
    result: "stored",
    readings: decoded.rows.length - heldByEarlier,
    // The note repeats the issue when decoding failed; the report gives each once.
    decode: { status: decoded.status, note: decoded.issue ? null : decoded.note, issue: decoded.issue, ...(heldByEarlier > 0 ? { heldByEarlier } : {}) },
  };
}

function newUplink({ ev, device, payload, dedupId, decoded }: UplinkToStore) {
  const span = readingsSpan(decoded.rows);
  return {
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
      readingsFrom: span?.from ?? null,
      readingsTo: span?.to ?? null,
    },
    expected: { ...device, devEui: ev.devEui },
  };
}

function uplinkState({ ev, device, payload, decoded }: UplinkToStore) {
  return {
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
  };
}

/** join, status, ack, txack, log, location: one device_events row (first: its change count says new or duplicate), plus the state an operator checks. */
function deviceEventStatements(db: D1Database, unit: Extract<StoreUnit, { kind: "device-event" }>): D1PreparedStatement[] {
  const { ev, device, readings } = unit;
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
  if (ev.kind === "join") statements.push(prepareJoinState(db, device.id, ev.time, ev.devAddr));
  if (ev.kind === "status") statements.push(prepareStatusState(db, device.id, ev));
  if (ev.kind === "location") {
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
  }
  if (readings.length > 0) statements.push(prepareInsertStatusReadings(db, device.id, readings));
  return statements;
}
