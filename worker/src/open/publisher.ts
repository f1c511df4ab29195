import type { Localized } from "./datasets.ts";

/**
 * Who publishes the open data — the catalog's dct:publisher and dcat:contactPoint, GBFS
 * system_information's operator, contact email and url, the Table Schema's contributor, the
 * GeoJSON files' `publisher` member, the bulk files' metadata — read from the Worker's vars
 * (wrangler.toml [vars]; the local platform's values are in .dev.vars) and checked on every use:
 * a deployment that forgot them answers 500 MISCONFIGURED naming the variable, never a made-up
 * contact a harvester would copy.
 */

export interface Publisher {
  readonly name: Localized;
  readonly url: string;
  readonly email: string;
}

/** The variables, in the order the error message names them. */
export const PUBLISHER_VARS = {
  name: "OPEN_DATA_PUBLISHER_NAME",
  nameEn: "OPEN_DATA_PUBLISHER_NAME_EN",
  url: "OPEN_DATA_PUBLISHER_URL",
  email: "OPEN_DATA_PUBLISHER_EMAIL",
} as const;

/** The vars as wrangler types generates them (worker/src/env.generated.d.ts): a renamed var fails the type check. */
type PublisherEnv = Pick<Env, (typeof PUBLISHER_VARS)[keyof typeof PUBLISHER_VARS]>;

/** A configuration the Worker cannot serve with: 500 MISCONFIGURED, its message names what to fix (http/errors.ts). */
export class ConfigError extends Error {
  readonly code = "MISCONFIGURED";
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

// One address, no display name: what vCard's hasEmail (mailto:) and GBFS feed_contact_email take.
const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
// Names go into RDF literals, JSON and GBFS text: printable, one line.
const CONTROL = /[\u0000-\u001f\u007f]/;

const cache = new WeakMap<object, Publisher>();

/** The publisher of this deployment's open data, from its vars; throws ConfigError when a var is missing or malformed. */
export function publisherOf(env: PublisherEnv): Publisher {
  const cached = cache.get(env);
  if (cached) return cached;
  const problems: string[] = [];
  const read = (name: keyof PublisherEnv, required: boolean): string => {
    const raw: unknown = env[name as keyof PublisherEnv];
    const value = typeof raw === "string" ? raw.trim() : "";
    if (raw !== undefined && typeof raw !== "string") problems.push(`${name} must be a string`);
    else if (required && value === "") problems.push(`${name} is not set`);
    else if (value.length > 200 || CONTROL.test(value)) problems.push(`${name} must be one line of at most 200 characters`);
    return value;
  };
  const name = read(PUBLISHER_VARS.name, true);
  const nameEn = read(PUBLISHER_VARS.nameEn, false);
  const url = read(PUBLISHER_VARS.url, true);
  const email = read(PUBLISHER_VARS.email, true);
  if (url !== "") {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      // reported below
    }
    if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) problems.push(`${PUBLISHER_VARS.url} must be an absolute http(s) URL, not "${url}"`);
  }
  if (email !== "" && !EMAIL.test(email)) problems.push(`${PUBLISHER_VARS.email} must be one e-mail address (name@domain), not "${email}"`);
  if (problems.length > 0) {
    throw new ConfigError(`open data has no valid publisher: ${problems.join("; ")} — set them in wrangler.toml [vars] (docs/open-data.md, "Publisher")`);
  }
  const publisher: Publisher = { name: { fr: name, en: nameEn || name }, url, email };
  cache.set(env, publisher);
  return publisher;
}
