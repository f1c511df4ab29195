import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/types.ts";
import { decodeValue } from "../ingest/decode/values.ts";
import { forgetDevice } from "../ingest/device-cache.ts";
import { EVENT_KINDS } from "../ingest/event.ts";
import { iso } from "../store/db.ts";
import { listDeviceEvents } from "../store/device-events.ts";
import { findDeviceState } from "../store/device-state.ts";
import { deleteDevice, type DeviceFields, insertDevice, listDevices, requireDevice, updateDevice } from "../store/devices.ts";
import { listReadings } from "../store/readings.ts";
import { listUplinks } from "../store/uplinks.ts";
import { codecId, deviceCreate, devicePatch, inseeCode, newDeviceFields, profileId, territoryCode } from "./schemas.ts";
import { deviceImportRoute } from "./device-import.ts";
import { devEuiParam, flag, isoTime, jsonBody, limit, param, query } from "./validate.ts";
import { deviceView, stateView, uplinkView } from "./views.ts";

export const deviceRoutes = new Hono<AppEnv>();

deviceRoutes.post("/import", deviceImportRoute);

deviceRoutes.post("/", async (c) => {
  const d = await jsonBody(c, deviceCreate);
  return c.json(deviceView(await insertDevice(c.env.DB, newDeviceFields(d), Date.now())), 201);
});

export const deviceListQuery = z.object({
  commune: inseeCode.optional(),
  territory: territoryCode.optional(),
  profile: profileId.optional(),
  codec: codecId.optional(),
  after: devEuiParam.optional(),
  limit: limit(1000, 100),
});

deviceRoutes.get("/", async (c) => {
  const q = query(c, deviceListQuery);
  const devices = await listDevices(c.env.DB, q);
  const last = devices.length === q.limit ? devices[devices.length - 1] : undefined;
  return c.json({ devices: devices.map(deviceView), next: last ? last.devEui : null });
});

const devEuiOf = (raw: string | undefined) => param(devEuiParam, raw, "DevEUI");

deviceRoutes.get("/:devEui", async (c) => {
  const device = await requireDevice(c.env.DB, devEuiOf(c.req.param("devEui")));
  return c.json({ ...deviceView(device), state: stateView(await findDeviceState(c.env.DB, device.id)) });
});

deviceRoutes.patch("/:devEui", async (c) => {
  const devEui = devEuiOf(c.req.param("devEui"));
  const patch = await jsonBody(c, devicePatch);
  const current = await requireDevice(c.env.DB, devEui);
  // Setting one decoder clears the other: a device has a profile or a codec.
  const decoder =
    patch.profile != null ? { profile: patch.profile, codec: null } : patch.codec != null ? { profile: null, codec: patch.codec } : { profile: current.profile, codec: current.codec };
  const next: DeviceFields = {
    devEui,
    name: patch.name ?? current.name,
    commune: patch.commune ?? current.commune,
    ...decoder,
    latitude: patch.latitude === undefined ? current.latitude : patch.latitude,
    longitude: patch.longitude === undefined ? current.longitude : patch.longitude,
    installedAt: patch.installedAt === undefined ? current.installedAt : patch.installedAt,
    public: patch.public ?? current.public,
    tags: patch.tags ?? current.tags,
  };
  const updated = await updateDevice(c.env.DB, devEui, next, Date.now());
  // This isolate's ingest forgets the old entry at once; others find out through the insert's registry check.
  forgetDevice(devEui);
  return c.json(deviceView(updated));
});

export const deviceDeleteQuery = z.object({ purge: flag.default(false) });

deviceRoutes.delete("/:devEui", async (c) => {
  const { purge } = query(c, deviceDeleteQuery);
  const devEui = devEuiOf(c.req.param("devEui"));
  const removed = await deleteDevice(c.env.DB, devEui, purge);
  forgetDevice(devEui);
  return c.json({ deleted: true, ...removed });
});

const window = z.object({ from: isoTime.optional(), to: isoTime.optional() });
export const uplinkQuery = window.extend({ after: z.string().regex(/^\d+:\d+$/, { error: 'expected the "next" value of the previous page' }).optional(), limit: limit(1000, 100) });
export const readingQuery = window.extend({ quantity: z.string().optional(), limit: limit(10000, 1000) });
export const eventQuery = window.extend({ kind: z.enum(EVENT_KINDS.filter((k) => k !== "up") as [string, ...string[]]).optional(), limit: limit(1000, 100) });
const range = (q: { from?: number | undefined; to?: number | undefined }) => ({ from: q.from ?? 0, to: q.to ?? 8_640_000_000_000_000 });

/** Raw uplinks as stored (payload base64), oldest first; `next` resumes after the last one. */
deviceRoutes.get("/:devEui/uplinks", async (c) => {
  const device = await requireDevice(c.env.DB, devEuiOf(c.req.param("devEui")));
  const q = query(c, uplinkQuery);
  const [time, fCnt] = q.after ? q.after.split(":").map(Number) : [];
  const uplinks = await listUplinks(c.env.DB, device.id, {
    ...range(q),
    after: time !== undefined && fCnt !== undefined ? { time, fCnt } : undefined,
    limit: q.limit,
  });
  const last = uplinks.length === q.limit ? uplinks[uplinks.length - 1] : undefined;
  return c.json({ devEui: device.devEui, uplinks: uplinks.map(uplinkView), next: last ? `${last.time}:${last.fCnt}` : null });
});

/** Stored readings with their unit, values decoded back (booleans, enum labels, versions). */
deviceRoutes.get("/:devEui/readings", async (c) => {
  const device = await requireDevice(c.env.DB, devEuiOf(c.req.param("devEui")));
  const q = query(c, readingQuery);
  const rows = await listReadings(c.env.DB, device.id, { ...range(q), quantity: q.quantity, limit: q.limit });
  return c.json({
    devEui: device.devEui,
    // Each value is read with the quantity row it was stored under (its unit, encoding, decimals).
    readings: rows.map((r) => ({ quantity: r.key, unit: r.unit, time: iso(r.time), value: decodeValue(r, r.value) })),
  });
});

deviceRoutes.get("/:devEui/events", async (c) => {
  const device = await requireDevice(c.env.DB, devEuiOf(c.req.param("devEui")));
  const q = query(c, eventQuery);
  const events = await listDeviceEvents(c.env.DB, device.id, { ...range(q), kind: q.kind, limit: q.limit });
  return c.json({ devEui: device.devEui, events: events.map((e) => ({ ...e, time: iso(e.time) })) });
});
