import { z } from "zod";
import { PROFILES } from "@cigale/codecs/profiles";
import { VENDOR_CODECS, vendorCodec } from "@cigale/codecs/vendors";
import type { DeviceFields } from "../store/devices.ts";
import { devEuiParam, isoTime } from "./validate.ts";

/** Request bodies of the registry API. */

export const territoryCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,31}$/, { error: "expected a slug of 2 to 32 characters: lowercase letters, digits and dashes (amp, pays-d-aix)" });

export const inseeCode = z
  .string()
  .regex(/^(\d{5}|2[AB]\d{3})$/, { error: (i) => `expected an INSEE commune code of 5 characters (13001, 2A004), got ${JSON.stringify(i.input)}` });

const name = z.string().trim().min(1, { error: "must not be empty" }).max(200, { error: "at most 200 characters" });

export const territoryCreate = z.object({ code: territoryCode, name }).strict();
export const territoryPatch = z.object({ name: name.optional() }).strict();

export const communeCreate = z.object({ insee: inseeCode, name, territory: territoryCode }).strict();
export const communePatch = z.object({ name: name.optional(), territory: territoryCode.optional() }).strict();

const PROFILE_IDS = PROFILES.map((p) => p.id);

export const profileId = z.string().refine((s) => (PROFILE_IDS as string[]).includes(s), {
  error: (i) => `unknown profile ${JSON.stringify(i.input)}: expected one of ${PROFILE_IDS.join(", ")} (or set "codec" for a commercial sensor)`,
});

/** Commercial codec ids are "<vendor>/<model>" (elsys/ers, milesight/em300-th), as codecs/vendors will name them. */
export const codecId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9._-]*$/, { error: (i) => `expected a codec id "<vendor>/<model>" in lowercase (elsys/ers), got ${JSON.stringify(i.input)}` });

/**
 * A codec id a device may be registered with: one the vendor catalog decodes. Any other id would
 * keep every uplink of the device undecoded ("no decoder"), so it is refused at registration.
 * (Listing by codec takes any well-formed id: devices registered before this check keep theirs.)
 */
export const catalogCodecId = codecId.refine((id) => vendorCodec(id) !== undefined, {
  error: (i) =>
    `codec ${JSON.stringify(i.input)} is not in the vendor catalog (npx cigale-codec list shows them): expected one of ${VENDOR_CODECS.map((c) => c.id).join(", ")}`,
});

const latitude = z.number({ error: "expected a number of degrees" }).min(-90, { error: "latitude is between -90 and 90" }).max(90, { error: "latitude is between -90 and 90" });
const longitude = z.number({ error: "expected a number of degrees" }).min(-180, { error: "longitude is between -180 and 180" }).max(180, { error: "longitude is between -180 and 180" });
const tags = z
  .record(z.string().max(64, { error: "tag names have at most 64 characters" }), z.string().max(256, { error: "tag values have at most 256 characters" }), {
    error: "expected an object of string values",
  })
  .refine((t) => Object.keys(t).length <= 32, { error: "at most 32 tags" });

const deviceShape = {
  name,
  commune: inseeCode,
  profile: profileId.nullable().optional(),
  codec: catalogCodecId.nullable().optional(),
  latitude: latitude.nullable().optional(),
  longitude: longitude.nullable().optional(),
  installedAt: isoTime.nullable().optional(),
  public: z.boolean({ error: "expected true or false" }).optional(),
  tags: tags.optional(),
};

function oneDecoder(d: { profile?: string | null | undefined; codec?: string | null | undefined }, ctx: z.RefinementCtx, required: boolean): void {
  const both = d.profile != null && d.codec != null;
  const none = d.profile == null && d.codec == null;
  if (both) ctx.addIssue({ code: "custom", path: ["codec"], message: 'give either "profile" (own Cigale sensor) or "codec" (commercial sensor), not both' });
  if (required && none) ctx.addIssue({ code: "custom", path: ["profile"], message: `"profile" (${PROFILE_IDS.join(", ")}) or "codec" (<vendor>/<model>) is required` });
}

function bothOrNeither(d: { latitude?: number | null | undefined; longitude?: number | null | undefined }, ctx: z.RefinementCtx): void {
  if ((d.latitude == null) !== (d.longitude == null)) {
    ctx.addIssue({ code: "custom", path: [d.latitude == null ? "latitude" : "longitude"], message: "give latitude and longitude together" });
  }
}

export const deviceCreate = z
  .object({ devEui: devEuiParam, ...deviceShape })
  .strict()
  .superRefine((d, ctx) => {
    oneDecoder(d, ctx, true);
    bothOrNeither(d, ctx);
  });

export const devicePatch = z
  .object(deviceShape)
  .partial()
  .strict()
  .superRefine((d, ctx) => {
    oneDecoder(d, ctx, false);
    if (d.latitude !== undefined || d.longitude !== undefined) bothOrNeither(d, ctx);
  });

export type DeviceCreate = z.output<typeof deviceCreate>;
export type DevicePatch = z.output<typeof devicePatch>;

/** A new device as the registry stores it (POST /devices, CSV import): what was left out takes its default. */
export function newDeviceFields(d: DeviceCreate): DeviceFields {
  return {
    devEui: d.devEui,
    name: d.name,
    commune: d.commune,
    profile: d.profile ?? null,
    codec: d.codec ?? null,
    latitude: d.latitude ?? null,
    longitude: d.longitude ?? null,
    installedAt: d.installedAt ?? null,
    public: d.public ?? false,
    tags: d.tags ?? {},
  };
}
