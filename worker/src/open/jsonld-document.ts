import { z } from "@hono/zod-openapi";

/**
 * The shape of the catalog's JSON-LD (rdf.ts toJsonLd): inline @context, one flat @graph of nodes
 * whose values are {"@id"} or {"@value", "@language"?, "@type"?}. Apart from rdf.ts so that the
 * SDK's generator (sdk/scripts) reads it without loading n3.
 */
export const jsonLdValue = z.union([z.object({ "@id": z.string() }), z.object({ "@value": z.string(), "@language": z.string().optional(), "@type": z.string().optional() })]);

/** The JSON-LD document: inline @context, one flat @graph. */
export const jsonLdDocument = z
  .object({
    "@context": z.record(z.string(), z.string()),
    "@graph": z.array(z.record(z.string(), z.union([z.string(), z.array(z.string()), z.array(jsonLdValue)]))),
  })
  .openapi("JsonLdGraph");
export type JsonLdDocument = z.infer<typeof jsonLdDocument>;
