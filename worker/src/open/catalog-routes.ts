import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { RequestError } from "../api/errors.ts";
import type { AppEnv } from "../http/types.ts";
import { catalogGraph, DEFAULT_PAGE_SIZE } from "./catalog.ts";
import { baseUrl, errorResponses, openApp } from "./http.ts";
import { jsonLdDocument, type RdfNode, toJsonLd, toTurtle } from "./rdf.ts";

const JSONLD = "application/ld+json";
const TURTLE = "text/turtle";

const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).openapi({ description: "Page of the catalog (Hydra PartialCollectionView)" }),
  pageSize: z.coerce.number().int().min(1).max(100).default(DEFAULT_PAGE_SIZE).openapi({ description: "Datasets per page" }),
});

type Serialization = "jsonld" | "ttl";

async function graph(c: Context<AppEnv>, form: Serialization, q: z.output<typeof pageQuery>): Promise<RdfNode[]> {
  const base = baseUrl(c.req.url);
  const { nodes, pages } = await catalogGraph(c.env, { base, self: `${base}/open/catalog.${form}` }, q);
  if (q.page > pages) throw new RequestError("NOT_FOUND", `the catalog has ${pages} page(s) of ${q.pageSize} datasets`, 404);
  return nodes;
}

async function render(c: Context<AppEnv>, form: Serialization, q: z.output<typeof pageQuery>): Promise<{ body: string; type: string }> {
  const nodes = await graph(c, form, q);
  return form === "jsonld" ? { body: JSON.stringify(toJsonLd(nodes)), type: JSONLD } : { body: await toTurtle(nodes), type: `${TURTLE}; charset=utf-8` };
}

const HEADERS = { "Cache-Control": "public, max-age=3600", Vary: "Accept" };

/** Turtle when the client prefers it (q-values honoured), JSON-LD otherwise. */
export function negotiate(accept: string | undefined): Serialization {
  let best: { form: Serialization; q: number } = { form: "jsonld", q: 0 };
  for (const part of (accept ?? "").split(",")) {
    const [type, ...params] = part.trim().toLowerCase().split(";");
    const q = Number(params.find((p) => p.trim().startsWith("q="))?.split("=")[1] ?? "1");
    const form: Serialization | null = type === TURTLE || type === "application/x-turtle" ? "ttl" : type === JSONLD || type === "application/json" ? "jsonld" : null;
    if (form && q > best.q) best = { form, q };
  }
  return best.form;
}

const jsonldRoute = createRoute({
  method: "get",
  path: "/catalog.jsonld",
  summary: "DCAT-AP catalog of the open datasets, JSON-LD with its @context inline (what data.gouv.fr and DataSud harvest)",
  tags: ["open data"],
  request: { query: pageQuery },
  responses: { 200: { description: "dcat:Catalog, its datasets, distributions, data services and Hydra paging", content: { [JSONLD]: { schema: jsonLdDocument } } }, ...errorResponses(400, 404, 503) },
});

const turtleRoute = createRoute({
  method: "get",
  path: "/catalog.ttl",
  summary: "DCAT-AP catalog of the open datasets, Turtle",
  tags: ["open data"],
  request: { query: pageQuery },
  responses: { 200: { description: "The same graph as catalog.jsonld", content: { [TURTLE]: { schema: z.string() } } }, ...errorResponses(400, 404, 503) },
});

const negotiatedRoute = createRoute({
  method: "get",
  path: "/catalog",
  summary: "DCAT-AP catalog by content negotiation (Accept: text/turtle or application/ld+json); HEAD tells the format",
  tags: ["open data"],
  request: { query: pageQuery },
  responses: {
    200: { description: "The catalog in the negotiated serialization", content: { [JSONLD]: { schema: jsonLdDocument }, [TURTLE]: { schema: z.string() } } },
    ...errorResponses(400, 404, 503),
  },
});

export const catalogRoutes = openApp()
  .openapi(jsonldRoute, async (c) => {
    return c.json(toJsonLd(await graph(c, "jsonld", c.req.valid("query"))), 200, { "Content-Type": JSONLD, ...HEADERS });
  })
  .openapi(turtleRoute, async (c) => {
    const { body, type } = await render(c, "ttl", c.req.valid("query"));
    return new Response(body, { headers: { "Content-Type": type, ...HEADERS } });
  })
  .openapi(negotiatedRoute, async (c) => {
    const { body, type } = await render(c, negotiate(c.req.header("accept")), c.req.valid("query"));
    return new Response(body, { headers: { "Content-Type": type, ...HEADERS } });
  });
