import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_KEY, errors, json, jsonBody, jsonGuard, routes, SECURED } from "../http/openapi.ts";
import { deleteCommune, insertCommune, listCommunes, requireCommune, updateCommune } from "../store/communes.ts";
import { communeCreate, communePatch, inseeCode, territoryCode } from "./schemas.ts";
import { communeAnswer, communeView } from "./views.ts";

export const communeRoutes = routes();

const tags = ["admin"];
const params = z.object({ insee: inseeCode });

export const communeListQuery = z.object({ territory: territoryCode.optional() });

communeRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    summary: "Create a commune in an existing territory",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { body: jsonBody(communeCreate) },
    responses: { 201: json(communeAnswer, "Created"), ...errors(400, 409, 413, 415, ...SECURED) },
  }),
  async (c) => c.json(communeView(await insertCommune(c.env.DB, c.req.valid("json"), Date.now())), 201),
);

communeRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "List communes, of one territory with ?territory=",
    tags,
    security: ADMIN_KEY,
    request: { query: communeListQuery },
    responses: { 200: json(z.object({ communes: z.array(communeAnswer) }), "The communes"), ...errors(400, ...SECURED) },
  }),
  async (c) => c.json({ communes: (await listCommunes(c.env.DB, c.req.valid("query"))).map(communeView) }, 200),
);

communeRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{insee}",
    summary: "One commune",
    tags,
    security: ADMIN_KEY,
    request: { params },
    responses: { 200: json(communeAnswer, "The commune"), ...errors(404, ...SECURED) },
  }),
  async (c) => c.json(communeView(await requireCommune(c.env.DB, c.req.valid("param").insee)), 200),
);

communeRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{insee}",
    summary: "Rename a commune or move it to another territory",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { params, body: jsonBody(communePatch) },
    responses: { 200: json(communeAnswer, "The commune as changed"), ...errors(400, 404, 413, 415, ...SECURED) },
  }),
  async (c) => c.json(communeView(await updateCommune(c.env.DB, c.req.valid("param").insee, c.req.valid("json"), Date.now())), 200),
);

communeRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{insee}",
    summary: "Delete a commune without devices or active ingest tokens",
    tags,
    security: ADMIN_KEY,
    request: { params },
    responses: { 204: { description: "Deleted" }, ...errors(404, 409, ...SECURED) },
  }),
  async (c) => {
    await deleteCommune(c.env.DB, c.req.valid("param").insee);
    return c.body(null, 204);
  },
);
