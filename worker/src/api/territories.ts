import { Hono } from "hono";
import type { AppEnv } from "../http/types.ts";
import { deleteTerritory, insertTerritory, listTerritories, requireTerritory, updateTerritory } from "../store/territories.ts";
import { territoryCode, territoryCreate, territoryPatch } from "./schemas.ts";
import { jsonBody, param } from "./validate.ts";
import { territoryView } from "./views.ts";

export const territoryRoutes = new Hono<AppEnv>();

territoryRoutes.post("/", async (c) => {
  const input = await jsonBody(c, territoryCreate);
  return c.json(territoryView(await insertTerritory(c.env.DB, input, Date.now())), 201);
});

territoryRoutes.get("/", async (c) => c.json({ territories: (await listTerritories(c.env.DB)).map(territoryView) }));

territoryRoutes.get("/:code", async (c) => c.json(territoryView(await requireTerritory(c.env.DB, param(territoryCode, c.req.param("code"), "territory code")))));

territoryRoutes.patch("/:code", async (c) => {
  const code = param(territoryCode, c.req.param("code"), "territory code");
  const patch = await jsonBody(c, territoryPatch);
  return c.json(territoryView(await updateTerritory(c.env.DB, code, patch, Date.now())));
});

territoryRoutes.delete("/:code", async (c) => {
  await deleteTerritory(c.env.DB, param(territoryCode, c.req.param("code"), "territory code"));
  return c.body(null, 204);
});
