import { env } from "./env.ts";
import { footfall } from "./footfall.ts";
import { furniture } from "./furniture.ts";
import { infra } from "./infra.ts";
import { meter } from "./meter.ts";
import { mobility } from "./mobility.ts";
import { noise } from "./noise.ts";
import type { Profile } from "./schema.ts";
import { waste } from "./waste.ts";

/** The first-generation Cigale sensor profiles, in code order. */
export const PROFILES = [env, noise, footfall, waste, meter, mobility, furniture, infra] as const satisfies readonly Profile[];

export type ProfileId = (typeof PROFILES)[number]["id"];

const byId: ReadonlyMap<string, Profile> = new Map(PROFILES.map((p) => [p.id, p]));

export function isProfileId(id: string): id is ProfileId {
  return byId.has(id);
}

/** The profile registered under `id`, or an error listing the ones that exist. */
export function profile(id: string): Profile {
  const found = byId.get(id);
  if (!found) throw new Error(`unknown profile "${id}"; known profiles: ${PROFILES.map((p) => p.id).join(", ")}`);
  return found;
}

export * from "./schema.ts";
export { QUANTITIES, quantity, isQuantityKey, type QuantityKey } from "./quantities.ts";
export { COMMANDS, ACK_RESULTS, RESET_CAUSES } from "./common.ts";
