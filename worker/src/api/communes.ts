import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/types.ts";
import { deleteCommune, insertCommune, listCommunes, requireCommune, updateCommune } from "../store/communes.ts";
import { communeCreate, communePatch, inseeCode, territoryCode } from "./schemas.ts";
import { jsonBody, param, query } from "./validate.ts";
import { communeView } from "./views.ts";

export const communeRoutes = new Hono<AppEnv>();

export const communeListQuery = z.object({ territory: territoryCode.optional() });

communeRoutes.post("/", async (c) => {
  const input = await jsonBody(c, communeCreate);
  return c.json(communeView(await insertCommune(c.env.DB, input, Date.now())), 201);
});

communeRoutes.get("/", async (c) => {
  const q = query(c, communeListQuery);
  return c.json({ communes: (await listCommunes(c.env.DB, q)).map(communeView) });
});

communeRoutes.get("/:insee", async (c) => c.json(communeView(await requireCommune(c.env.DB, param(inseeCode, c.req.param("insee"), "INSEE code")))));

communeRoutes.patch("/:insee", async (c) => {
  const insee = param(inseeCode, c.req.param("insee"), "INSEE code");
  const patch = await jsonBody(c, communePatch);
  return c.json(communeView(await updateCommune(c.env.DB, insee, patch, Date.now())));
});

communeRoutes.delete("/:insee", async (c) => {
  await deleteCommune(c.env.DB, param(inseeCode, c.req.param("insee"), "INSEE code"));
  return c.body(null, 204);
});
