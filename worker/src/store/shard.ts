/**
 * Where a territory's data lives. Today one D1 database holds every territory; the metropolis-scale
 * plan (a database per territory and a small catalog database) changes these two functions only, so
 * every store access that reads or writes measurements goes through `territoryDb`, and registry-wide
 * lookups (territories, communes, credentials) through `catalogDb`.
 */
export function territoryDb(env: Pick<Env, "DB">, _territory: string): D1Database {
  return env.DB;
}

export function catalogDb(env: Pick<Env, "DB">): D1Database {
  return env.DB;
}

/**
 * The database holding a commune's registry rows and data when the caller has only its INSEE code,
 * so that a read of one commune is one statement (one round trip) that checks the commune itself.
 * Today the one database; with a database per territory, the commune's territory is looked up in
 * the catalog here first (a D1 read, or a cached map): hence a promise already, so that callers do
 * not change when that happens.
 */
export async function communeDb(env: Pick<Env, "DB">, _insee: string): Promise<D1Database> {
  return env.DB;
}
