import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_KEY, errors, json, jsonBody, jsonGuard, routes, SECURED } from "../http/openapi.ts";
import { deleteTerritory, insertTerritory, listTerritories, requireTerritory, updateTerritory } from "../store/territories.ts";
import { territoryCode, territoryCreate, territoryPatch } from "./schemas.ts";
import { territoryAnswer, territoryView } from "./views.ts";

export const territoryRoutes = routes();

const tags = ["admin"];
const params = z.object({ code: territoryCode });

territoryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    summary: "Create a territory",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { body: jsonBody(territoryCreate) },
    responses: { 201: json(territoryAnswer, "Created"), ...errors(400, 409, 413, 415, ...SECURED) },
  }),
  async (c) => c.json(territoryView(await insertTerritory(c.env.DB, c.req.valid("json"), Date.now())), 201),
);

territoryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "List territories",
    tags,
    security: ADMIN_KEY,
    responses: { 200: json(z.object({ territories: z.array(territoryAnswer) }), "The territories"), ...errors(...SECURED) },
  }),
  async (c) => c.json({ territories: (await listTerritories(c.env.DB)).map(territoryView) }, 200),
);

territoryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{code}",
    summary: "One territory",
    tags,
    security: ADMIN_KEY,
    request: { params },
    responses: { 200: json(territoryAnswer, "The territory"), ...errors(404, ...SECURED) },
  }),
  async (c) => c.json(territoryView(await requireTerritory(c.env.DB, c.req.valid("param").code)), 200),
);

territoryRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{code}",
    summary: "Rename a territory",
    tags,
    security: ADMIN_KEY,
    middleware: [jsonGuard()] as const,
    request: { params, body: jsonBody(territoryPatch) },
    responses: { 200: json(territoryAnswer, "The territory as changed"), ...errors(400, 404, 413, 415, ...SECURED) },
  }),
  async (c) => c.json(territoryView(await updateTerritory(c.env.DB, c.req.valid("param").code, c.req.valid("json"), Date.now())), 200),
);

territoryRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{code}",
    summary: "Delete a territory without communes or active ingest tokens",
    tags,
    security: ADMIN_KEY,
    request: { params },
    responses: { 204: { description: "Deleted" }, ...errors(404, 409, ...SECURED) },
  }),
  async (c) => {
    await deleteTerritory(c.env.DB, c.req.valid("param").code);
    return c.body(null, 204);
  },
);
