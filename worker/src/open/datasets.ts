import { type Field, PROFILES, type ProfileId, QUANTITIES, type Quantity } from "@cigale/codecs/profiles";
import { VENDOR_CODECS } from "@cigale/codecs/vendors";
import { quantitySpecs } from "../ingest/decode/quantities.ts";

/**
 * The open datasets, one per use case, DERIVED from the sensor profiles: profile → its measurement
 * fields → their quantities (unit, label, Smart Data Model) → the dataset's columns. Only what no
 * profile can say is written here: the dataset's slug, its French text and its catalog themes.
 * Adding a field to a profile adds a column to its dataset, its Table Schema and its catalog entry.
 */

export type Lang = "fr" | "en";
export type Localized = Readonly<Record<Lang, string>>;

/** One column of a dataset: a quantity, how it is stored and how it is published. */
export interface DatasetColumn {
  readonly key: string;
  readonly unit: string;
  readonly symbol: string;
  readonly description: string;
  readonly kind: "number" | "boolean" | "enum";
  /** Enum labels (the CSV carries the label). */
  readonly values?: readonly string[];
  readonly smartDataModel?: Quantity["smartDataModel"];
}

export interface OpenDataset {
  /** Stable slug used in URLs and as the last segment of the dataset's URI. */
  readonly id: string;
  readonly profile: ProfileId;
  /** Commercial codecs whose devices belong to this use case (from their catalog category). */
  readonly codecs: readonly string[];
  readonly title: Localized;
  readonly description: Localized;
  readonly keywords: Readonly<Record<Lang, readonly string[]>>;
  /** EU data themes (http://publications.europa.eu/resource/authority/data-theme/…). */
  readonly themes: readonly string[];
  /** High-value dataset category (EU 2023/138) when the use case is one. */
  readonly hvdCategory?: string;
  /** FIWARE Smart Data Model entity most of its quantities map to (null: none does). */
  readonly entity: string | null;
  readonly columns: readonly DatasetColumn[];
}

/** What only people can say about a use case. */
interface UseCase {
  readonly id: string;
  readonly title: Localized;
  readonly description: Localized;
  readonly keywords: Readonly<Record<Lang, readonly string[]>>;
  readonly themes: readonly string[];
  readonly hvdCategory?: string;
  /** Commercial codecs whose catalog category names this use case. */
  readonly vendorCategory?: RegExp;
}

const THEME = "http://publications.europa.eu/resource/authority/data-theme/";
const HVD = "http://data.europa.eu/bna/";

/** Building meters (profile `meter`) have no open dataset: they measure private premises. */
const USE_CASES = {
  env: {
    id: "air-quality",
    title: { fr: "Qualité de l'air et climat urbain", en: "Air quality and urban climate" },
    description: {
      fr: "Mesures des capteurs de qualité de l'air de la voirie : dioxyde d'azote, ozone, particules (PM1, PM2,5, PM10), température, humidité et pression.",
      en: "Measurements of street-level air-quality sensors: nitrogen dioxide, ozone, particulate matter (PM1, PM2.5, PM10), temperature, humidity and pressure.",
    },
    keywords: { fr: ["qualité de l'air", "pollution", "particules fines", "capteurs", "IoT"], en: ["air quality", "pollution", "particulate matter", "sensors", "IoT"] },
    themes: [`${THEME}ENVI`, `${THEME}HEAL`],
    hvdCategory: `${HVD}c_dd313021`,
    vendorCategory: /^air quality/,
  },
  noise: {
    id: "noise",
    title: { fr: "Bruit ambiant", en: "Ambient noise" },
    description: {
      fr: "Niveaux sonores pondérés A mesurés par les sonomètres connectés : LAeq, LAmax, LAmin, LA10 et LA90 sur chaque intervalle.",
      en: "A-weighted sound levels measured by connected sound meters: LAeq, LAmax, LAmin, LA10 and LA90 over each interval.",
    },
    keywords: { fr: ["bruit", "environnement sonore", "capteurs", "IoT"], en: ["noise", "soundscape", "sensors", "IoT"] },
    themes: [`${THEME}ENVI`],
    hvdCategory: `${HVD}c_dd313021`,
    vendorCategory: /^noise/,
  },
  footfall: {
    id: "footfall",
    title: { fr: "Fréquentation piétonne", en: "Pedestrian footfall" },
    description: {
      fr: "Comptages de piétons par sens de passage et par période, mesurés par des compteurs connectés.",
      en: "Pedestrians counted in each direction over each period by connected counters.",
    },
    keywords: { fr: ["fréquentation", "piétons", "comptage", "IoT"], en: ["footfall", "pedestrians", "counting", "IoT"] },
    themes: [`${THEME}TRAN`, `${THEME}ECON`],
    vendorCategory: /^people counting/,
  },
  waste: {
    id: "waste",
    title: { fr: "Remplissage des conteneurs à déchets", en: "Waste container fill levels" },
    description: {
      fr: "Taux de remplissage, distance mesurée, température et inclinaison des conteneurs et points d'apport volontaire équipés.",
      en: "Fill level, measured distance, temperature and tilt of equipped bins and drop-off points.",
    },
    keywords: { fr: ["déchets", "conteneurs", "remplissage", "IoT"], en: ["waste", "bins", "fill level", "IoT"] },
    themes: [`${THEME}ENVI`, `${THEME}GOVE`],
    vendorCategory: /^fill level/,
  },
  mobility: {
    id: "shared-mobility",
    title: { fr: "Stations de mobilité partagée", en: "Shared mobility stations" },
    description: {
      fr: "Vélos, vélos électriques, trottinettes et voitures disponibles, bornes libres et état de chaque station (aussi publié en GBFS 3.0).",
      en: "Bikes, e-bikes, scooters and cars available, free docks and status of each station (also published as GBFS 3.0).",
    },
    keywords: { fr: ["mobilité", "vélos en libre-service", "GBFS", "IoT"], en: ["mobility", "bike sharing", "GBFS", "IoT"] },
    themes: [`${THEME}TRAN`],
    hvdCategory: `${HVD}c_b79e35eb`,
  },
  furniture: {
    id: "street-furniture",
    title: { fr: "Mobilier urbain connecté", en: "Connected street furniture" },
    description: {
      fr: "État de fonctionnement, gradation, index d'énergie, puissance et usage de l'éclairage public, des bancs, kiosques et bornes de recharge.",
      en: "Operating state, dimming, energy index, power and use of streetlights, benches, kiosks and charging points.",
    },
    keywords: { fr: ["mobilier urbain", "éclairage public", "énergie", "IoT"], en: ["street furniture", "street lighting", "energy", "IoT"] },
    themes: [`${THEME}ENER`, `${THEME}GOVE`],
  },
  infra: {
    id: "infrastructure-health",
    title: { fr: "Santé des ouvrages et équipements", en: "Infrastructure health" },
    description: {
      fr: "Vibrations, inclinaison, température, niveau d'eau et codes de défaut des ponts, murs, pompes et ouvrages hydrauliques instrumentés.",
      en: "Vibration, tilt, temperature, water level and fault codes of instrumented bridges, walls, pumps and culverts.",
    },
    keywords: { fr: ["ouvrages d'art", "maintenance", "inondation", "IoT"], en: ["infrastructure", "maintenance", "flood", "IoT"] },
    themes: [`${THEME}GOVE`, `${THEME}ENVI`],
  },
} as const satisfies Readonly<Partial<Record<ProfileId, UseCase>>>;

/** The datasets' ids as a type: the SDK's generated DatasetId is type-tested against it (test/worker/sdk). */
export type DatasetId = (typeof USE_CASES)[keyof typeof USE_CASES]["id"];

/** Device health, not a measurement of the city: stays out of the open files. */
const NOT_PUBLISHED = new Set(["battery"]);

const quantityByKey = new Map<string, Quantity>(QUANTITIES.map((q) => [q.key, q]));
/** How each key is stored (number, boolean, enum with its labels): the same rule ingest applies. */
const specByKey = new Map(quantitySpecs().map((s) => [s.key, s]));

function columnOf(key: string): DatasetColumn | null {
  const q = quantityByKey.get(key);
  const spec = specByKey.get(key);
  if (!q || !spec || spec.encoding === "version" || NOT_PUBLISHED.has(key)) return null;
  return {
    key: q.key,
    unit: q.unit,
    symbol: q.symbol,
    description: q.description,
    kind: spec.encoding,
    ...(spec.encoding === "enum" && spec.labels ? { values: spec.labels } : {}),
    ...(q.smartDataModel ? { smartDataModel: q.smartDataModel } : {}),
  };
}

const measured = (f: Field) => f.kind === "number" || f.kind === "boolean" || f.kind === "enum";

/** The entity most of the columns map to. */
function majorityEntity(columns: readonly DatasetColumn[]): string | null {
  const counts = new Map<string, number>();
  for (const c of columns) if (c.smartDataModel) counts.set(c.smartDataModel.entity, (counts.get(c.smartDataModel.entity) ?? 0) + 1);
  let best: string | null = null;
  for (const [entity, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = entity;
  return best;
}

function buildDatasets(): OpenDataset[] {
  const out: OpenDataset[] = [];
  for (const profile of PROFILES) {
    const useCase: UseCase | undefined = (USE_CASES as Readonly<Partial<Record<ProfileId, UseCase>>>)[profile.id];
    if (!useCase) continue;
    const columns = new Map<string, DatasetColumn>();
    // Every layout the profile ever had: old devices keep their columns.
    for (const layout of profile.measurement) {
      for (const field of layout.fields) {
        const column = measured(field) ? columnOf(field.key) : null;
        if (column && !columns.has(column.key)) columns.set(column.key, column);
      }
    }
    const entity = majorityEntity([...columns.values()]);
    // Commercial sensors of the use case can measure more of the same Smart Data Model (CO2, TVOC, wind).
    if (useCase.vendorCategory && entity) {
      for (const q of QUANTITIES) {
        const column = q.smartDataModel?.entity === entity && !columns.has(q.key) ? columnOf(q.key) : null;
        if (column) columns.set(column.key, column);
      }
    }
    const pattern = useCase.vendorCategory;
    out.push({
      id: useCase.id,
      profile: profile.id,
      codecs: pattern ? VENDOR_CODECS.filter((c) => pattern.test(c.category)).map((c) => c.id) : [],
      title: useCase.title,
      description: useCase.description,
      keywords: useCase.keywords,
      themes: useCase.themes,
      ...(useCase.hvdCategory ? { hvdCategory: useCase.hvdCategory } : {}),
      entity,
      columns: [...columns.values()],
    });
  }
  return out;
}

export const DATASETS: readonly OpenDataset[] = buildDatasets();

export const DATASET_IDS = DATASETS.map((d) => d.id) as [DatasetId, ...DatasetId[]];

const byId = new Map(DATASETS.map((d) => [d.id, d]));

export function findDataset(id: string): OpenDataset | undefined {
  return byId.get(id);
}
