/**
 * The demo metropolis of the local platform: one territory, the four pilot communes, one demo
 * device of every own profile plus a commercial sensor, and the documented dev credentials
 * (stored as SHA-256, like any credential). Plain SQL, idempotent (INSERT OR IGNORE), applied to
 * the local D1 only (`wrangler d1 execute --local`).
 */

export interface DemoDevice {
  devEui: string;
  name: string;
  commune: string;
  profile?: string;
  codec?: string;
  latitude: number;
  longitude: number;
}

export const DEMO_TERRITORY = { code: "amp", name: "Métropole d'Aix-Marseille-Provence" };

export const DEMO_COMMUNES = [
  { insee: "13001", name: "Aix-en-Provence" },
  { insee: "13055", name: "Marseille" },
  { insee: "13005", name: "Aubagne" },
  { insee: "13056", name: "Martigues" },
];

/** DevEUIs 0c1a1e00000000xx ("cigale"): one per profile, then commercial sensors. */
export const DEMO_DEVICES: DemoDevice[] = [
  { devEui: "0c1a1e0000000001", name: "Qualité de l'air — Cours Mirabeau", commune: "13001", profile: "env", latitude: 43.52633, longitude: 5.44541 },
  { devEui: "0c1a1e0000000002", name: "Bruit — Vieux-Port", commune: "13055", profile: "noise", latitude: 43.29513, longitude: 5.37437 },
  { devEui: "0c1a1e0000000003", name: "Comptage piétons — La Canebière", commune: "13055", profile: "footfall", latitude: 43.29841, longitude: 5.38012 },
  { devEui: "0c1a1e0000000004", name: "Colonne à verre — Cours Foch", commune: "13005", profile: "waste", latitude: 43.29251, longitude: 5.57063 },
  { devEui: "0c1a1e0000000005", name: "Compteur d'eau — Hôtel de ville", commune: "13056", profile: "meter", latitude: 43.40449, longitude: 5.04771 },
  { devEui: "0c1a1e0000000006", name: "Station vélos — Gare Saint-Charles", commune: "13055", profile: "mobility", latitude: 43.30262, longitude: 5.38063 },
  { devEui: "0c1a1e0000000007", name: "Candélabre — La Rotonde", commune: "13001", profile: "furniture", latitude: 43.52622, longitude: 5.44462 },
  { devEui: "0c1a1e0000000008", name: "Pont levant — Canal de Caronte", commune: "13056", profile: "infra", latitude: 43.40594, longitude: 5.05302 },
  { devEui: "0c1a1e0000000101", name: "CO2 salle de classe — École Jean Jaurès (Elsys ERS CO2)", commune: "13005", codec: "elsys/ers-co2-codec", latitude: 43.29362, longitude: 5.56504 },
];

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function sha256Hex(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return Buffer.from(digest).toString("hex");
}

export async function seedSql(credentials: { adminKey: string; ingestToken: string; readKey?: string }, now: number): Promise<string> {
  const lines = [
    "-- Cigale local demo seed (worker/scripts/seed.ts). Local D1 only.",
    `INSERT OR IGNORE INTO territories (code, name, created_at, updated_at) VALUES (${q(DEMO_TERRITORY.code)}, ${q(DEMO_TERRITORY.name)}, ${now}, ${now});`,
    ...DEMO_COMMUNES.map(
      (c) =>
        `INSERT OR IGNORE INTO communes (insee, name, territory_id, created_at, updated_at) SELECT ${q(c.insee)}, ${q(c.name)}, id, ${now}, ${now} FROM territories WHERE code = ${q(DEMO_TERRITORY.code)};`,
    ),
    ...DEMO_DEVICES.map(
      (d) =>
        `INSERT OR IGNORE INTO devices (dev_eui, name, commune, profile, codec, latitude, longitude, installed_at, public, tags, created_at, updated_at) VALUES (${q(d.devEui)}, ${q(d.name)}, ${q(d.commune)}, ${d.profile ? q(d.profile) : "NULL"}, ${d.codec ? q(d.codec) : "NULL"}, ${d.latitude}, ${d.longitude}, ${Date.UTC(2026, 0, 15)}, 1, '{"demo":"true"}', ${now}, ${now});`,
    ),
    `INSERT OR IGNORE INTO admin_keys (name, hash, prefix, created_at) VALUES ('local development (.dev.vars)', X'${await sha256Hex(credentials.adminKey)}', ${q(credentials.adminKey.slice(0, 7))}, ${now});`,
    `INSERT OR IGNORE INTO ingest_tokens (name, hash, prefix, territory_id, created_at) SELECT 'local development (.dev.vars)', X'${await sha256Hex(credentials.ingestToken)}', ${q(credentials.ingestToken.slice(0, 7))}, id, ${now} FROM territories WHERE code = ${q(DEMO_TERRITORY.code)};`,
  ];
  if (credentials.readKey !== undefined) {
    // A read:private key for the public API: local dashboards and SDK examples see private devices too.
    lines.push(
      `INSERT OR IGNORE INTO api_keys (name, hash, prefix, scope, created_at) VALUES ('local development (.dev.vars)', X'${await sha256Hex(credentials.readKey)}', ${q(credentials.readKey.slice(0, 7))}, 'read:private', ${now});`,
    );
  }
  return `${lines.join("\n")}\n`;
}
