// @ts-expect-error: jsonld's browser build (its Node entry loads undici, which workerd refuses); @types/jsonld describes its API
import jsonldBrowser from "jsonld/dist/jsonld.esm.min.js";
import type * as JsonLd from "jsonld";
import Parser from "n3/src/N3Parser.js";

/** RDF as harvesters read it: JSON-LD through the jsonld library, Turtle through n3's parser, as plain triples. */

const jsonld = jsonldBrowser as typeof JsonLd;

export interface Triple {
  s: string;
  p: string;
  /** IRI, or literal as `"value"@lang` / `"value"^^datatype`. */
  o: string;
}

const termString = (t: { termType: string; value: string; language?: string; datatype?: { value: string } }): string => {
  if (t.termType !== "Literal") return t.value;
  if (t.language) return `"${t.value}"@${t.language}`;
  const dt = t.datatype?.value ?? "http://www.w3.org/2001/XMLSchema#string";
  return dt === "http://www.w3.org/2001/XMLSchema#string" ? `"${t.value}"` : `"${t.value}"^^${dt}`;
};

/** JSON-LD to triples with a document loader that refuses every fetch: the document must be self-contained. */
export async function jsonLdTriples(doc: unknown): Promise<Triple[]> {
  const documentLoader = async (url: string) => {
    throw new Error(`the catalog needs a remote document: ${url}`);
  };
  const quads = (await jsonld.toRDF(doc as JsonLd.JsonLdDocument, { documentLoader } as JsonLd.Options.ToRdf)) as unknown as Array<{
    subject: { termType: string; value: string };
    predicate: { termType: string; value: string };
    object: { termType: string; value: string; language?: string; datatype?: { value: string } };
  }>;
  return quads.map((q) => ({ s: q.subject.value, p: q.predicate.value, o: termString(q.object) }));
}

export function turtleTriples(text: string): Triple[] {
  return new Parser().parse(text).map((q) => ({ s: q.subject.value, p: q.predicate.value, o: termString(q.object as never) }));
}

export const NS = {
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/",
  vcard: "http://www.w3.org/2006/vcard/ns#",
  locn: "http://www.w3.org/ns/locn#",
  hydra: "http://www.w3.org/ns/hydra/core#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  dcatap: "http://data.europa.eu/r5r/",
};

/** Query helpers over a triple list. */
export class Graph {
  readonly triples: Triple[];
  constructor(triples: Triple[]) {
    this.triples = triples;
  }
  objects(s: string, p: string): string[] {
    return this.triples.filter((t) => t.s === s && t.p === p).map((t) => t.o);
  }
  one(s: string, p: string): string | undefined {
    return this.objects(s, p)[0];
  }
  subjects(p: string, o: string): string[] {
    return this.triples.filter((t) => t.p === p && t.o === o).map((t) => t.s);
  }
  ofType(type: string): string[] {
    return this.subjects(`${NS.rdf}type`, type);
  }
  keys(): Set<string> {
    return new Set(this.triples.map((t) => `${t.s} ${t.p} ${t.o}`));
  }
}

/** The value of a literal written `"value"@lang` or `"value"^^type`. */
export function literal(o: string): { value: string; lang?: string; datatype?: string } {
  const m = /^"([\s\S]*)"(?:@([a-z-]+)|\^\^(.+))?$/.exec(o);
  if (!m) throw new Error(`not a literal: ${o}`);
  return { value: m[1]!, ...(m[2] ? { lang: m[2] } : {}), ...(m[3] ? { datatype: m[3] } : {}) };
}
