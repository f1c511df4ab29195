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
