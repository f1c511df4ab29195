import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_KEY, errors, json, jsonBody, jsonGuard, routes, SECURED } from "../http/openapi.ts";
import { decodeValue } from "../ingest/decode/values.ts";
import { forgetDevice } from "../ingest/device-cache.ts";
import { EVENT_KINDS } from "../ingest/event.ts";
import { iso } from "../store/db.ts";
import { listDeviceEvents } from "../store/device-events.ts";
import { findDeviceState } from "../store/device-state.ts";
import { deleteDevice, type DeviceFields, insertDevice, listDevices, requireDevice, updateDevice } from "../store/devices.ts";
import { listReadings } from "../store/readings.ts";
import { listUplinks } from "../store/uplinks.ts";
import { COLUMNS, importAnswer, importDevices, importQuery } from "./device-import.ts";
import { codecId, deviceCreate, devicePatch, inseeCode, newDeviceFields, profileId, territoryCode } from "./schemas.ts";
import { devEuiParam, flag, isoTime, limit } from "./validate.ts";
import { deviceAnswer, deviceView, stateAnswer, stateView, time, uplinkAnswer, uplinkView } from "./views.ts";

export const deviceRoutes = routes();

const tags = ["admin"];
const params = z.object({ devEui: devEuiParam });

deviceRoutes.openapi(
  createRoute({
    method: "post",
    path: "/import",
    summary: "Register devices from a CSV file; answers a per-line report (?dryRun=true checks only)",
    tags,
    security: ADMIN_KEY,
    request: {
      query: importQuery,
      body: {
        required: true,
        description: `A header line naming any of ${COLUMNS.join(", ")} (devEui, name and commune required), one device per line; tags are written key=value;key=value.`,
        content: { "text/csv": { schema: z.string() } },
      },
    },
    responses: { 200: json(importAnswer, "One report per line"), ...errors(400, 413, 415, ...SECURED) },
  }),
  async (c) => c.json(await importDevices(c, c.req.valid("query").dryRun), 200),
);

deviceRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    summary: "Register a device (a profile or a commercial codec)",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { body: jsonBody(deviceCreate) },
    responses: { 201: json(deviceAnswer, "Created"), ...errors(400, 409, 413, 415, ...SECURED) },
  }),
  async (c) => c.json(deviceView(await insertDevice(c.env.DB, newDeviceFields(c.req.valid("json")), Date.now())), 201),
);

export const deviceListQuery = z.object({
  commune: inseeCode.optional(),
  territory: territoryCode.optional(),
  profile: profileId.optional(),
  codec: codecId.optional(),
  after: devEuiParam.optional(),
  limit: limit(1000, 100),
});

deviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "One page of devices; `next` is the `after` of the next page",
    tags,
    security: ADMIN_KEY,
    request: { query: deviceListQuery },
    responses: { 200: json(z.object({ devices: z.array(deviceAnswer), next: z.string().nullable() }), "One page"), ...errors(400, ...SECURED) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const devices = await listDevices(c.env.DB, q);
    const last = devices.length === q.limit ? devices[devices.length - 1] : undefined;
    return c.json({ devices: devices.map(deviceView), next: last ? last.devEui : null }, 200);
  },
);

deviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{devEui}",
    summary: "One device with its state",
    tags,
    security: ADMIN_KEY,
    request: { params },
    responses: { 200: json(deviceAnswer.extend({ state: stateAnswer.nullable() }), "The device and its state"), ...errors(404, ...SECURED) },
  }),
  async (c) => {
    const device = await requireDevice(c.env.DB, c.req.valid("param").devEui);
    return c.json({ ...deviceView(device), state: stateView(await findDeviceState(c.env.DB, device.id)) }, 200);
  },
);

deviceRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{devEui}",
    summary: "Change a device; setting one decoder clears the other",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { params, body: jsonBody(devicePatch) },
    responses: { 200: json(deviceAnswer, "The device as changed"), ...errors(400, 404, 413, 415, ...SECURED) },
  }),
  async (c) => {
    const { devEui } = c.req.valid("param");
    const patch = c.req.valid("json");
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
    return c.json(deviceView(updated), 200);
  },
);

export const deviceDeleteQuery = z.object({ purge: flag.default(false) });

deviceRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{devEui}",
    summary: "Delete a device; one with stored data only with ?purge=true",
    tags,
    security: ADMIN_KEY,
    request: { params, query: deviceDeleteQuery },
    responses: {
      200: json(z.object({ deleted: z.literal(true), uplinks: z.number().int(), readings: z.number().int() }), "Deleted, with what was purged"),
      ...errors(400, 404, 409, ...SECURED),
    },
  }),
  async (c) => {
    const { devEui } = c.req.valid("param");
    const removed = await deleteDevice(c.env.DB, devEui, c.req.valid("query").purge);
    forgetDevice(devEui);
    return c.json({ deleted: true as const, ...removed }, 200);
  },
);

const window = z.object({ from: isoTime.optional(), to: isoTime.optional() });
export const uplinkQuery = window.extend({ after: z.string().regex(/^\d+:\d+$/, { error: 'expected the "next" value of the previous page' }).optional(), limit: limit(1000, 100) });
export const readingQuery = window.extend({ quantity: z.string().optional(), limit: limit(10000, 1000) });
export const eventQuery = window.extend({ kind: z.enum(EVENT_KINDS.filter((k) => k !== "up") as [string, ...string[]]).optional(), limit: limit(1000, 100) });
const range = (q: { from?: number | undefined; to?: number | undefined }) => ({ from: q.from ?? 0, to: q.to ?? 8_640_000_000_000_000 });

/** A decoded reading value: a number in its unit, a boolean, an enum label or a version string. */
export const readingValue = z.union([z.number(), z.boolean(), z.string()]);

deviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{devEui}/uplinks",
    summary: "Stored raw uplinks, oldest first, one page",
    tags,
    security: ADMIN_KEY,
    request: { params, query: uplinkQuery },
    responses: {
      200: json(z.object({ devEui: z.string(), uplinks: z.array(uplinkAnswer), next: z.string().nullable() }), "One page; `next` resumes after its last uplink"),
      ...errors(400, 404, ...SECURED),
    },
  }),
  async (c) => {
    const device = await requireDevice(c.env.DB, c.req.valid("param").devEui);
    const q = c.req.valid("query");
    const [t, fCnt] = q.after ? q.after.split(":").map(Number) : [];
    const uplinks = await listUplinks(c.env.DB, device.id, {
      ...range(q),
      after: t !== undefined && fCnt !== undefined ? { time: t, fCnt } : undefined,
      limit: q.limit,
    });
    const last = uplinks.length === q.limit ? uplinks[uplinks.length - 1] : undefined;
    return c.json({ devEui: device.devEui, uplinks: uplinks.map(uplinkView), next: last ? `${last.time}:${last.fCnt}` : null }, 200);
  },
);

deviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{devEui}/readings",
    summary: "Stored readings, values decoded, with their unit",
    tags,
    security: ADMIN_KEY,
    request: { params, query: readingQuery },
    responses: {
      200: json(
        z.object({ devEui: z.string(), readings: z.array(z.object({ quantity: z.string(), unit: z.string().nullable(), time, value: readingValue })) }),
        "Readings by quantity, then time",
      ),
      ...errors(400, 404, ...SECURED),
    },
  }),
  async (c) => {
    const device = await requireDevice(c.env.DB, c.req.valid("param").devEui);
    const q = c.req.valid("query");
    const rows = await listReadings(c.env.DB, device.id, { ...range(q), quantity: q.quantity, limit: q.limit });
    return c.json(
      {
        devEui: device.devEui,
        // Each value is read with the quantity row it was stored under (its unit, encoding, decimals).
        readings: rows.map((r) => ({ quantity: r.key, unit: r.unit, time: iso(r.time)!, value: decodeValue(r, r.value) })),
      },
      200,
    );
  },
);

deviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{devEui}/events",
    summary: "Stored device events (join, status, ack, txack, log, location)",
    tags,
    security: ADMIN_KEY,
    request: { params, query: eventQuery },
    responses: {
      200: json(
        z.object({
          devEui: z.string(),
          events: z.array(z.object({ time, kind: z.string(), level: z.string().nullable(), code: z.string().nullable(), detail: z.record(z.string(), z.unknown()) })),
        }),
        "Events, newest first",
      ),
      ...errors(400, 404, ...SECURED),
    },
  }),
  async (c) => {
    const device = await requireDevice(c.env.DB, c.req.valid("param").devEui);
    const q = c.req.valid("query");
    const events = await listDeviceEvents(c.env.DB, device.id, { ...range(q), kind: q.kind, limit: q.limit });
    return c.json({ devEui: device.devEui, events: events.map((e) => ({ ...e, time: iso(e.time)! })) }, 200);
  },
);
