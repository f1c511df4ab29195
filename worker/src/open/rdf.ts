import type { z } from "@hono/zod-openapi";
import { type JsonLdDocument, jsonLdDocument, type jsonLdValue } from "./jsonld-document.ts";
import DataFactory from "n3/src/N3DataFactory.js";
import Writer from "n3/src/N3Writer.js";

/**
 * A small RDF graph model with its two serializations: JSON-LD whose @context is inline (prefixes
 * only, so a harvester needs no other fetch and every key is a CURIE) and Turtle (n3's Writer).
 * Both come from the same nodes, so they always say the same triples. No blank nodes: nested
 * resources get fragment IRIs, which keeps the two serializations comparable triple by triple.
 */

export const PREFIXES = {
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  dcatap: "http://data.europa.eu/r5r/",
  foaf: "http://xmlns.com/foaf/0.1/",
  vcard: "http://www.w3.org/2006/vcard/ns#",
  locn: "http://www.w3.org/ns/locn#",
  hydra: "http://www.w3.org/ns/hydra/core#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  spdx: "http://spdx.org/rdf/terms#",
  gsp: "http://www.opengis.net/ont/geosparql#",
} as const;

export type Prefix = keyof typeof PREFIXES;
/** A compact IRI of a known vocabulary: "dct:title". */
export type Curie = `${Prefix}:${string}`;

export { type JsonLdDocument, jsonLdDocument };

export type Term = { iri: string } | { value: string; lang?: "fr" | "en"; datatype?: string };

export interface RdfNode {
  id: string;
  types: Curie[];
  props: Array<[Curie, Term]>;
}

export const iri = (value: string): Term => ({ iri: value });
export const text = (value: string, lang?: "fr" | "en"): Term => (lang ? { value, lang } : { value });
export const typed = (value: string, datatype: string): Term => ({ value, datatype });
export const dateTime = (ms: number): Term => typed(new Date(ms).toISOString(), `${PREFIXES.xsd}dateTime`);
export const integer = (n: number): Term => typed(String(n), `${PREFIXES.xsd}integer`);

export function expand(curie: Curie): string {
  const i = curie.indexOf(":");
  return PREFIXES[curie.slice(0, i) as Prefix] + curie.slice(i + 1);
}

function compactIri(full: string): string {
  for (const [p, ns] of Object.entries(PREFIXES)) if (full.startsWith(ns) && /^[A-Za-z_][\w.-]*$/.test(full.slice(ns.length))) return `${p}:${full.slice(ns.length)}`;
  return full;
}

type JsonValue = z.infer<typeof jsonLdValue>;

/** Self-contained JSON-LD: inline @context (prefixes), a @graph of nodes in expanded-value form. */
export function toJsonLd(nodes: readonly RdfNode[]): JsonLdDocument {
  const graph = nodes.map((n) => {
    const out: JsonLdDocument["@graph"][number] = { "@id": n.id, "@type": n.types };
    for (const [p, t] of n.props) {
      const v: JsonValue = "iri" in t ? { "@id": t.iri } : { "@value": t.value, ...(t.lang ? { "@language": t.lang } : {}), ...(t.datatype ? { "@type": compactIri(t.datatype) } : {}) };
      const list = (out[p] ??= []) as JsonValue[];
      list.push(v);
    }
    return out;
  });
  return { "@context": { ...PREFIXES }, "@graph": graph };
}

export function toTurtle(nodes: readonly RdfNode[]): Promise<string> {
  const { namedNode, literal, quad } = DataFactory;
  const writer = new Writer({ prefixes: { ...PREFIXES }, format: "text/turtle" });
  const rdfType = namedNode(expand("rdf:type"));
  for (const n of nodes) {
    const s = namedNode(n.id);
    for (const t of n.types) writer.addQuad(quad(s, rdfType, namedNode(expand(t))));
    for (const [p, t] of n.props) {
      const o = "iri" in t ? namedNode(t.iri) : literal(t.value, t.lang ?? (t.datatype ? namedNode(t.datatype) : undefined));
      writer.addQuad(quad(s, namedNode(expand(p)), o));
    }
  }
  return new Promise((resolve, reject) => writer.end((error: Error | null, result: string) => (error ? reject(error) : resolve(result))));
}
