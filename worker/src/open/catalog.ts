import { readingTimeSpan } from "../store/open-data.ts";
import { territoryDb } from "../store/shard.ts";
import { type DatasetColumn, DATASETS, type OpenDataset } from "./datasets.ts";
import { devicesOf, quantityMap } from "./dataset-files.ts";
import { LICENCE } from "./licence.ts";
import { publisherOf } from "./publisher.ts";
import { dateTime, integer, iri, PREFIXES, type RdfNode, type Term, text, typed } from "./rdf.ts";

/**
 * The DCAT-AP catalog of the open datasets (DCAT-AP 2.1/3 classes and properties; what
 * data.gouv.fr's udata DCAT harvester reads: dct:identifier and dct:title on every dcat:Dataset,
 * distributions with dcat:downloadURL/accessURL, dcat:mediaType, dct:format, dct:license by URL,
 * frequency from the EU vocabulary, dct:temporal with dcat:startDate/endDate, dct:spatial as a
 * GeoJSON locn:geometry, Hydra PartialCollectionView paging).
 */

const EU = "http://publications.europa.eu/resource/authority/";
const IANA = "http://www.iana.org/assignments/media-types/";
const HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj";
const GEOJSON_LITERAL = "https://www.iana.org/assignments/media-types/application/vnd.geo+json";

/** What the store says about a dataset: its devices' extent in space and time. */
export interface DatasetFacts {
  devices: number;
  /** [west, south, east, north] of the positioned devices. */
  bbox: [number, number, number, number] | null;
  first: number | null;
  last: number | null;
  issued: number | null;
  modified: number | null;
}

export async function datasetFacts(env: Env, dataset: OpenDataset): Promise<DatasetFacts> {
  const [quantities, devices] = await Promise.all([quantityMap(env), devicesOf(env, dataset)]);
  const quantityIds = dataset.columns.flatMap((c: DatasetColumn) => {
    const q = quantities.get(c.key);
    return q ? [q.id] : [];
  });
  const byTerritory = new Map<string, number[]>();
  for (const d of devices) byTerritory.set(d.territory, [...(byTerritory.get(d.territory) ?? []), d.id]);
  let first: number | null = null;
  let last: number | null = null;
  for (const [territory, ids] of byTerritory) {
    const span = await readingTimeSpan(territoryDb(env, territory), ids, quantityIds);
    if (!span) continue;
    first = first === null ? span.first : Math.min(first, span.first);
    last = last === null ? span.last : Math.max(last, span.last);
  }
  const placed = devices.filter((d) => d.latitude !== null && d.longitude !== null);
  const bbox: DatasetFacts["bbox"] =
    placed.length === 0
      ? null
      : [Math.min(...placed.map((d) => d.longitude!)), Math.min(...placed.map((d) => d.latitude!)), Math.max(...placed.map((d) => d.longitude!)), Math.max(...placed.map((d) => d.latitude!))];
  const issued = devices.length === 0 ? null : Math.min(...devices.map((d) => d.createdAt));
  const changed = devices.length === 0 ? null : Math.max(...devices.map((d) => d.updatedAt));
  const modified = changed === null ? last : last === null ? changed : Math.max(changed, last);
  return { devices: devices.length, bbox, first, last, issued, modified };
}

/** A box as a closed GeoJSON Polygon (udata reads Polygon/MultiPolygon only); a point gets a small box around it. */
function bboxPolygon([w, s, e, n]: [number, number, number, number]): string {
  const pad = (a: number, b: number) => (a === b ? [a - 0.0005, b + 0.0005] : [a, b]);
  const [x0, x1] = pad(w, e);
  const [y0, y1] = pad(s, n);
  return JSON.stringify({ type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
}

export interface CatalogPage {
  page: number;
  pageSize: number;
}

export interface Urls {
  base: string;
  /** The catalog's own URL without query, per serialization (.jsonld or .ttl). */
  self: string;
}

/** An API that serves datasets: a dcat:DataService. */
interface Service {
  id: string;
  title: { fr: string; en: string };
  endpoint: string;
  description: string;
  conformsTo?: string;
  /** Dataset ids served; all when omitted. */
  datasets?: readonly string[];
}

function services(base: string): Service[] {
  return [
    {
      id: "files",
      title: { fr: "API des fichiers de données ouvertes Cigale", en: "Cigale open-data files API" },
      endpoint: `${base}/open/`,
      description: `${base}/v1/openapi.json`,
      conformsTo: "https://spec.openapis.org/oas/v3.1.0",
    },
    {
      id: "gbfs",
      title: { fr: "Flux GBFS 3.0 des stations de mobilité partagée", en: "GBFS 3.0 feed of the shared mobility stations" },
      endpoint: `${base}/gbfs/gbfs.json`,
      description: "https://github.com/MobilityData/gbfs/blob/v3.0/gbfs.md",
      conformsTo: "https://github.com/MobilityData/gbfs/blob/v3.0/gbfs.md",
      datasets: ["shared-mobility"],
    },
    {
      id: "ngsi-ld",
      title: { fr: "API NGSI-LD (FIWARE Smart Data Models)", en: "NGSI-LD API (FIWARE Smart Data Models)" },
      endpoint: `${base}/ngsi-ld/v1/entities`,
      description: `${base}/v1/openapi.json`,
      conformsTo: "https://www.etsi.org/deliver/etsi_gs/CIM/001_099/009/01.08.01_60/gs_CIM009v010801p.pdf",
      datasets: DATASETS.filter((d) => d.entity !== null).map((d) => d.id),
    },
  ];
}

const licenceTerm = iri(LICENCE.url);

function distribution(id: string, title: { fr: string; en: string }, opts: { download?: string; access: string; media: string; format: string; service?: string; conformsTo?: string }): RdfNode {
  return {
    id,
    types: ["dcat:Distribution"],
    props: [
      ["dct:identifier", text(id)],
      ["dct:title", text(title.fr, "fr")],
      ["dct:title", text(title.en, "en")],
      ["dcat:accessURL", iri(opts.access)],
      ...(opts.download ? ([["dcat:downloadURL", iri(opts.download)]] as Array<[`dcat:${string}`, Term]>) : []),
      ["dcat:mediaType", iri(`${IANA}${opts.media}`)],
      ["dct:format", iri(`${EU}file-type/${opts.format}`)],
      ["dct:license", licenceTerm],
      ...(opts.service ? ([["dcat:accessService", iri(opts.service)]] as Array<[`dcat:${string}`, Term]>) : []),
      ...(opts.conformsTo ? ([["dct:conformsTo", iri(opts.conformsTo)]] as Array<[`dct:${string}`, Term]>) : []),
    ],
  };
}

export function datasetUri(base: string, id: string): string {
  return `${base}/open/datasets/${id}`;
}

function datasetNodes(d: OpenDataset, facts: DatasetFacts, base: string, serviceIds: string[]): RdfNode[] {
  const uri = datasetUri(base, d.id);
  const files = `${base}/open/datasets/${d.id}`;
  const nodes: RdfNode[] = [];
  const dists = [
    distribution(`${uri}#csv`, { fr: `${d.title.fr} — CSV (dernières 24 h ; ?from=&to= pour une période)`, en: `${d.title.en} — CSV (last 24 h; ?from=&to= for a period)` }, { access: `${files}.csv`, download: `${files}.csv`, media: "text/csv", format: "CSV", conformsTo: `${files}/tableschema.json` }),
    distribution(`${uri}#geojson`, { fr: `${d.title.fr} — GeoJSON (dernières 24 h)`, en: `${d.title.en} — GeoJSON (last 24 h)` }, { access: `${files}.geojson`, download: `${files}.geojson`, media: "application/geo+json", format: "GEOJSON" }),
    distribution(`${uri}#latest`, { fr: `${d.title.fr} — dernières valeurs (GeoJSON)`, en: `${d.title.en} — latest values (GeoJSON)` }, { access: `${files}/latest.geojson`, download: `${files}/latest.geojson`, media: "application/geo+json", format: "GEOJSON" }),
    distribution(`${uri}#bulk`, { fr: `${d.title.fr} — fichiers quotidiens (CSV compressé)`, en: `${d.title.en} — daily files (gzip CSV)` }, { access: `${base}/open/bulk/${d.id}/index.json`, media: "application/gzip", format: "GZIP" }),
    ...serviceIds.map((s) =>
      distribution(`${uri}#api-${s.split("/").pop()}`, { fr: `${d.title.fr} — API`, en: `${d.title.en} — API` }, { access: `${base}/open/`, media: "application/json", format: "JSON", service: s }),
    ),
  ];
  const props: Array<[RdfNode["props"][number][0], Term]> = [
    ["dct:identifier", text(uri)],
    ["dct:title", text(d.title.fr, "fr")],
    ["dct:title", text(d.title.en, "en")],
    ["dct:description", text(d.description.fr, "fr")],
    ["dct:description", text(d.description.en, "en")],
    ...d.keywords.fr.map((k): [`dcat:${string}`, Term] => ["dcat:keyword", text(k, "fr")]),
    ...d.keywords.en.map((k): [`dcat:${string}`, Term] => ["dcat:keyword", text(k, "en")]),
    ...d.themes.map((t): [`dcat:${string}`, Term] => ["dcat:theme", iri(t)]),
    ["dct:publisher", iri(`${base}/open/catalog#publisher`)],
    ["dcat:contactPoint", iri(`${base}/open/catalog#contact`)],
    ["dct:accrualPeriodicity", iri(`${EU}frequency/UPDATE_CONT`)],
    ["dct:license", licenceTerm],
    ["dct:accessRights", iri(`${EU}access-right/PUBLIC`)],
    ["dct:language", iri(`${EU}language/FRA`)],
    ["dct:conformsTo", iri(`${files}/tableschema.json`)],
    ...dists.map((x): [`dcat:${string}`, Term] => ["dcat:distribution", iri(x.id)]),
  ];
  if (facts.issued !== null) props.push(["dct:issued", dateTime(facts.issued)]);
  if (facts.modified !== null) props.push(["dct:modified", dateTime(facts.modified)]);
  if (facts.first !== null && facts.last !== null) {
    props.push(["dct:temporal", iri(`${uri}#temporal`)]);
    nodes.push({ id: `${uri}#temporal`, types: ["dct:PeriodOfTime"], props: [["dcat:startDate", dateTime(facts.first)], ["dcat:endDate", dateTime(facts.last)]] });
  }
  if (facts.bbox) {
    props.push(["dct:spatial", iri(`${uri}#spatial`)]);
    const polygon = bboxPolygon(facts.bbox);
    const [w, s, e, n] = facts.bbox;
    nodes.push({
      id: `${uri}#spatial`,
      types: ["dct:Location"],
      props: [
        ["locn:geometry", typed(polygon, GEOJSON_LITERAL)],
        ["dcat:bbox", typed(`POLYGON((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s}))`, `${PREFIXES.gsp}wktLiteral`)],
      ],
    });
  }
  if (d.hvdCategory) {
    props.push(["dcatap:applicableLegislation", iri(HVD_LEGISLATION)], ["dcatap:hvdCategory", iri(d.hvdCategory)]);
  }
  return [{ id: uri, types: ["dcat:Dataset"], props }, ...nodes, ...dists];
}

/** The nodes of one catalog page: the catalog, its agents and licence, the page's datasets, the services, the Hydra view. */
export async function catalogGraph(env: Env, urls: Urls, page: CatalogPage): Promise<{ nodes: RdfNode[]; pages: number }> {
  const { base, self } = urls;
  const publisher = publisherOf(env);
  const pages = Math.max(1, Math.ceil(DATASETS.length / page.pageSize));
  const slice = DATASETS.slice((page.page - 1) * page.pageSize, page.page * page.pageSize);
  const facts = await Promise.all(slice.map((d) => datasetFacts(env, d)));
  const catalog = `${base}/open/catalog`;
  const svc = services(base);
  const svcIri = (s: Service) => `${catalog}#service-${s.id}`;
  const nodes: RdfNode[] = [];
  const modified = facts.reduce<number | null>((m, f) => (f.modified === null ? m : Math.max(m ?? 0, f.modified)), null);
  nodes.push({
    id: catalog,
    types: ["dcat:Catalog"],
    props: [
      ["dct:identifier", text(catalog)],
      ["dct:title", text("Données ouvertes des capteurs Cigale", "fr")],
      ["dct:title", text("Cigale sensor open data", "en")],
      ["dct:description", text("Mesures des capteurs publics du programme Cigale (Métropole Aix-Marseille-Provence), sous Licence Ouverte 2.0.", "fr")],
      ["dct:description", text("Measurements of the public sensors of the Cigale programme (Aix-Marseille-Provence), under the Open Licence 2.0.", "en")],
      ["dct:publisher", iri(`${catalog}#publisher`)],
      ["dcat:contactPoint", iri(`${catalog}#contact`)],
      ["dct:license", licenceTerm],
      ["dct:language", iri(`${EU}language/FRA`)],
      ["foaf:homepage", iri(publisher.url)],
      ...(modified !== null ? ([["dct:modified", dateTime(modified)]] as Array<[`dct:${string}`, Term]>) : []),
      ...slice.map((d): [`dcat:${string}`, Term] => ["dcat:dataset", iri(datasetUri(base, d.id))]),
      ...svc.map((s): [`dcat:${string}`, Term] => ["dcat:service", iri(svcIri(s))]),
    ],
  });
  nodes.push({ id: `${catalog}#publisher`, types: ["foaf:Organization", "foaf:Agent"], props: [["foaf:name", text(publisher.name.fr, "fr")], ["foaf:name", text(publisher.name.en, "en")], ["foaf:homepage", iri(publisher.url)], ["foaf:mbox", iri(`mailto:${publisher.email}`)]] });
  nodes.push({ id: `${catalog}#contact`, types: ["vcard:Organization", "vcard:Kind"], props: [["vcard:fn", text(publisher.name.fr, "fr")], ["vcard:hasEmail", iri(`mailto:${publisher.email}`)], ["vcard:hasURL", iri(publisher.url)]] });
  nodes.push({ id: LICENCE.url, types: ["dct:LicenseDocument"], props: [["dct:identifier", text(LICENCE.spdx)], ["dct:title", text(LICENCE.title.fr, "fr")], ["dct:title", text(LICENCE.title.en, "en")]] });
  slice.forEach((d, i) => nodes.push(...datasetNodes(d, facts[i]!, base, svc.filter((s) => !s.datasets || s.datasets.includes(d.id)).map(svcIri))));
  for (const s of svc) {
    const served = DATASETS.filter((d) => !s.datasets || s.datasets.includes(d.id));
    nodes.push({
      id: svcIri(s),
      types: ["dcat:DataService"],
      props: [
        ["dct:identifier", text(svcIri(s))],
        ["dct:title", text(s.title.fr, "fr")],
        ["dct:title", text(s.title.en, "en")],
        ["dcat:endpointURL", iri(s.endpoint)],
        ["dcat:endpointDescription", iri(s.description)],
        ["dct:license", licenceTerm],
        ["dct:publisher", iri(`${catalog}#publisher`)],
        ["dcat:contactPoint", iri(`${catalog}#contact`)],
        ...(s.conformsTo ? ([["dct:conformsTo", iri(s.conformsTo)]] as Array<[`dct:${string}`, Term]>) : []),
        ...served.map((d): [`dcat:${string}`, Term] => ["dcat:servesDataset", iri(datasetUri(base, d.id))]),
      ],
    });
  }
  const pageUrl = (n: number) => `${self}?page=${n}${page.pageSize !== DEFAULT_PAGE_SIZE ? `&pageSize=${page.pageSize}` : ""}`;
  nodes.push({
    id: pageUrl(page.page),
    types: ["hydra:PartialCollectionView"],
    props: [
      ["hydra:first", iri(pageUrl(1))],
      ["hydra:last", iri(pageUrl(pages))],
      ...(page.page < pages ? ([["hydra:next", iri(pageUrl(page.page + 1))]] as Array<[`hydra:${string}`, Term]>) : []),
      ...(page.page > 1 ? ([["hydra:previous", iri(pageUrl(page.page - 1))]] as Array<[`hydra:${string}`, Term]>) : []),
      ["hydra:totalItems", integer(DATASETS.length)],
      ["hydra:itemsPerPage", integer(page.pageSize)],
    ],
  });
  return { nodes, pages };
}

export const DEFAULT_PAGE_SIZE = 50;
