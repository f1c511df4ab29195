import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { quantityIndex } from "../../ingest/decode/readings.ts";
import { cacheable } from "../../http/cache.ts";
import { errors, json, PUBLIC, READ_KEY_OPTIONAL, routes } from "../../http/openapi.ts";
import type { AppEnv } from "../../http/types.ts";
import { iso } from "../../store/db.ts";
import { findDeviceState } from "../../store/device-state.ts";
import { notFound } from "../../store/errors.ts";
import { listLatestReadings } from "../../store/latest-readings.ts";
import { catalogDb, territoryDb } from "../../store/shard.ts";
import { DEVICE_STATUSES, findVisibleDevice, type IntervalQuantity, listDevicesPage, type VisibleDevice } from "../../store/visible-devices.ts";
import { codecId, inseeCode, profileId } from "../schemas.ts";
import { devEuiParam, limit } from "../validate.ts";
import { deviceDetail, deviceLatest, devicePage, deviceSeries, latestValuesView, publicDeviceView, publicStateView } from "./answers.ts";
import { bucketSeries, numericQuantity, rawSeries, seriesQuery, seriesWindow } from "./series.ts";

/**
 * GET /v1/devices, /v1/devices/{devEui}, …/latest, …/series: the devices a reader may see
 * (store/visible-devices.ts), never a private one without a read:private key — a device the reader
 * may not see answers 404 exactly as one that does not exist.
 */
export const publicDeviceRoutes = routes();

const tags = ["public"];
/** Most devices per page. */
export const MAX_PAGE = 500;

/** The `device.interval` quantity the status reads (null before any profile declared it to this database). */
export async function intervalQuantity(db: D1Database): Promise<IntervalQuantity | null> {
  const q = (await quantityIndex(db)).get("device.interval");
  return q ? { id: q.id, scale: 10 ** q.decimals } : null;
}

/** A device the reader may see, or 404 NOT_FOUND whether it is missing or hidden. */
export async function visibleDevice(c: Context<AppEnv>, devEui: string): Promise<VisibleDevice> {
  const db = catalogDb(c.env);
  const device = await findVisibleDevice(db, c.var.access, await intervalQuantity(db), devEui, Date.now());
  if (!device) throw notFound("device", devEui);
  return device;
}

const params = z.object({ devEui: devEuiParam.openapi({ description: "DevEUI, 16 hex digits", example: "70b3d57ed0001234" }) });

export const devicePageQuery = z.object({
  commune: inseeCode.optional().openapi({ description: "INSEE code", example: "13001" }),
  profile: z.union([profileId, codecId]).optional().openapi({ description: "A profile id (env, noise…) or a commercial codec id" }),
  status: z.enum(DEVICE_STATUSES).optional(),
  limit: limit(MAX_PAGE, 100).openapi({ description: `Devices per page, at most ${MAX_PAGE}` }),
  cursor: devEuiParam.optional().openapi({ description: "The `next` of the previous page" }),
});

publicDeviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listDevices",
    summary: "Devices, one page (keyset pagination by DevEUI: pass `next` as `cursor`)",
    tags,
    security: READ_KEY_OPTIONAL,
    middleware: [cacheable(60)] as const,
    request: { query: devicePageQuery },
    responses: { 200: json(devicePage, "One page of devices"), ...errors(400, ...PUBLIC) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const db = catalogDb(c.env);
    const filter = { commune: q.commune, status: q.status, after: q.cursor, limit: q.limit };
    const isCodec = q.profile?.includes("/") ?? false;
    const devices = await listDevicesPage(db, c.var.access, await intervalQuantity(db), { ...filter, [isCodec ? "codec" : "profile"]: q.profile }, Date.now());
    const last = devices.length === q.limit ? devices[devices.length - 1] : undefined;
    return c.json({ devices: devices.map(publicDeviceView), next: last ? last.devEui : null }, 200);
  },
);

publicDeviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{devEui}",
    operationId: "getDevice",
    summary: "One device: metadata and state (last seen, battery, signal)",
    tags,
    security: READ_KEY_OPTIONAL,
    middleware: [cacheable(60)] as const,
    request: { params },
    responses: { 200: json(deviceDetail, "The device"), ...errors(404, ...PUBLIC) },
  }),
  async (c) => {
    const device = await visibleDevice(c, c.req.valid("param").devEui);
    const state = await findDeviceState(territoryDb(c.env, device.territory), device.id);
    return c.json({ ...publicDeviceView(device), state: publicStateView(state) }, 200);
  },
);

publicDeviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{devEui}/latest",
    operationId: "getDeviceLatest",
    summary: "The latest value of each quantity of a device",
    tags,
    security: READ_KEY_OPTIONAL,
    middleware: [cacheable(30)] as const,
    request: { params },
    responses: { 200: json(deviceLatest, "Latest values by quantity"), ...errors(404, ...PUBLIC) },
  }),
  async (c) => {
    const device = await visibleDevice(c, c.req.valid("param").devEui);
    const latest = await listLatestReadings(territoryDb(c.env, device.territory), [device.id]);
    return c.json({ devEui: device.devEui, profile: device.profile, codec: device.codec, values: latestValuesView(latest) }, 200);
  },
);

publicDeviceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{devEui}/series",
    operationId: "getDeviceSeries",
    summary: "A quantity of a device over time: min, max, mean and count per reading (raw), hour or Europe/Paris day",
    tags,
    security: READ_KEY_OPTIONAL,
    middleware: [cacheable(60)] as const,
    request: { params, query: seriesQuery },
    responses: { 200: json(deviceSeries, "The series"), ...errors(400, 404, ...PUBLIC) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const window = seriesWindow(q, Date.now());
    const device = await visibleDevice(c, c.req.valid("param").devEui);
    const db = territoryDb(c.env, device.territory);
    const quantity = await numericQuantity(db, q.quantity);
    const points = q.bucket === "raw" ? await rawSeries(db, device.id, quantity.key, window) : (await bucketSeries(db, [device.id], quantity.key, q.bucket, window)).points;
    return c.json(
      {
        devEui: device.devEui,
        quantity: quantity.key,
        unit: quantity.unit,
        bucket: q.bucket,
        from: iso(window.from)!,
        to: iso(window.to)!,
        points: points.map(({ devices: _one, ...p }) => p),
      },
      200,
    );
  },
);
