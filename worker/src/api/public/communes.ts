import { createRoute, z } from "@hono/zod-openapi";
import type { ReadAccess } from "../../auth/read-access.ts";
import { cacheable } from "../../http/cache.ts";
import { errors, json, PUBLIC, READ_KEY_OPTIONAL, routes } from "../../http/openapi.ts";
import { type Commune, findCommune, listCommunes } from "../../store/communes.ts";
import { iso } from "../../store/db.ts";
import { notFound } from "../../store/errors.ts";
import { listCommuneLatest } from "../../store/latest-readings.ts";
import { catalogDb, communeDb, territoryDb } from "../../store/shard.ts";
import { countVisibleDevices, listVisibleCommuneDevices } from "../../store/visible-devices.ts";
import { inseeCode } from "../schemas.ts";
import { communeLatest, communeSeries, communeSummary, latestValuesView } from "./answers.ts";
import { intervalQuantity } from "./devices.ts";
import { bucketSeries, numericQuantity, seriesQuery, seriesWindow } from "./series.ts";

/**
 * GET /v1/communes, /v1/communes/{insee}/latest, /v1/communes/{insee}/series: communes and what
 * their devices measure, over the devices the reader may see only. A read key limited to a
 * territory or a commune sees those communes only.
 */
export const publicCommuneRoutes = routes();

const tags = ["public"];
const params = z.object({ insee: inseeCode.openapi({ description: "INSEE code", example: "13001" }) });

/** Communes the reader's key is limited to (all for an anonymous reader or an unlimited key). */
function inReach(access: ReadAccess, commune: Pick<Commune, "insee" | "territory">): boolean {
  return (access.territory === null || access.territory === commune.territory) && (access.commune === null || access.commune === commune.insee);
}

/** A commune within the reader's reach, else 404 as for an unknown one. */
async function reachableCommune(env: Pick<Env, "DB">, access: ReadAccess, insee: string): Promise<Commune> {
  const commune = await findCommune(catalogDb(env), insee);
  if (!commune || !inReach(access, commune)) throw notFound("commune", insee);
  return commune;
}

/**
 * GET /v1/communes/{insee}/latest: the commune, its visible devices and their latest values in one
 * statement (one D1 round trip) on the commune's database.
 */
export async function communeLatestOf(env: Pick<Env, "DB">, access: ReadAccess, insee: string, quantity: string | undefined): Promise<z.input<typeof communeLatest>> {
  const found = await listCommuneLatest(await communeDb(env, insee), access, insee, quantity);
  if (!found || !inReach(access, found.commune)) throw notFound("commune", insee);
  const devices = found.devices;
  const answer = devices
    .map((d) => ({
      devEui: d.devEui,
      name: d.name,
      profile: d.profile,
      codec: d.codec,
      latitude: d.latitude,
      longitude: d.longitude,
      values: latestValuesView(d.latest),
    }))
    // With a quantity, only the devices that measure it.
    .filter((d) => quantity === undefined || Object.keys(d.values).length > 0);
  return { insee: found.commune.insee, quantity: quantity ?? null, devices: answer };
}

publicCommuneRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listCommunes",
    summary: "Communes, with the devices the reader may see per profile",
    tags,
    security: READ_KEY_OPTIONAL,
    middleware: [cacheable(300)] as const,
    responses: { 200: json(z.object({ communes: z.array(communeSummary) }), "Every commune"), ...errors(...PUBLIC) },
  }),
  async (c) => {
    const db = catalogDb(c.env);
    const [communes, counts] = await Promise.all([listCommunes(db, {}), countVisibleDevices(db, c.var.access)]);
    const byCommune = new Map<string, Record<string, number>>();
    for (const n of counts) (byCommune.get(n.commune) ?? byCommune.set(n.commune, {}).get(n.commune)!)[n.kind] = n.devices;
    return c.json(
      {
        communes: communes
          .filter((x) => inReach(c.var.access, x))
          .map((x) => {
            const byProfile = byCommune.get(x.insee) ?? {};
            return { insee: x.insee, name: x.name, territory: x.territory, devices: { total: Object.values(byProfile).reduce((a, b) => a + b, 0), byProfile } };
          }),
      },
      200,
    );
  },
);

publicCommuneRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{insee}/latest",
    operationId: "getCommuneLatest",
    summary: "The latest value of every device of a commune (of one quantity with ?quantity=)",
    tags,
    security: READ_KEY_OPTIONAL,
    middleware: [cacheable(30)] as const,
    request: { params, query: z.object({ quantity: z.string().min(1).optional().openapi({ description: "Normalized quantity key", example: "air.no2" }) }) },
    responses: { 200: json(communeLatest, "Devices and their latest values"), ...errors(400, 404, ...PUBLIC) },
  }),
  async (c) => c.json(await communeLatestOf(c.env, c.var.access, c.req.valid("param").insee, c.req.valid("query").quantity), 200),
);

publicCommuneRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{insee}/series",
    operationId: "getCommuneSeries",
    summary: "A quantity over the devices of a commune: min, max, mean and count per hour or Europe/Paris day",
    tags,
    security: READ_KEY_OPTIONAL,
    middleware: [cacheable(60)] as const,
    request: { params, query: seriesQuery.extend({ bucket: z.enum(["hour", "day"]).default("hour").openapi({ description: "hour: UTC hours; day: Europe/Paris local days" }) }) },
    responses: { 200: json(communeSeries, "The series"), ...errors(400, 404, ...PUBLIC) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const window = seriesWindow(q, Date.now());
    const commune = await reachableCommune(c.env, c.var.access, c.req.valid("param").insee);
    const catalog = catalogDb(c.env);
    const db = territoryDb(c.env, commune.territory);
    const quantity = await numericQuantity(db, q.quantity);
    const devices = await listVisibleCommuneDevices(catalog, c.var.access, await intervalQuantity(catalog), commune.insee, Date.now());
    const series = await bucketSeries(db, devices.map((d) => d.id), quantity.key, q.bucket, window);
    return c.json(
      {
        insee: commune.insee,
        quantity: quantity.key,
        unit: quantity.unit,
        bucket: q.bucket,
        from: iso(window.from)!,
        to: iso(window.to)!,
        devices: series.devices,
        points: series.points,
      },
      200,
    );
  },
);
