/**
 * GBFS 3.0 JSON Schemas (draft 2020-12) for the five files Cigale publishes, written from the
 * GBFS 3.0 specification (MobilityData/gbfs, gbfs.md at tag v3.0): the required fields of each
 * file, their types, ranges, enumerations and formats. gbfs-typescript-types ships TypeScript
 * types only, not the schemas.
 */

const language = { type: "string", pattern: "^[a-z]{2,3}(-[A-Z]{2})?$" } as const;
const localizedString = {
  type: "array",
  minItems: 1,
  items: { type: "object", required: ["text", "language"], properties: { text: { type: "string", minLength: 1 }, language } },
} as const;
const id = { type: "string", minLength: 1 } as const;
const count = { type: "integer", minimum: 0 } as const;

function file(data: Record<string, unknown>) {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    required: ["last_updated", "ttl", "version", "data"],
    properties: {
      last_updated: { type: "string", format: "date-time" },
      ttl: { type: "integer", minimum: 0 },
      version: { const: "3.0" },
      data,
    },
  };
}

const FEED_NAMES = ["gbfs", "gbfs_versions", "system_information", "vehicle_types", "station_information", "station_status", "vehicle_status", "system_alerts", "system_regions", "system_pricing_plans", "geofencing_zones"];

export const GBFS_SCHEMAS = {
  gbfs: file({
    type: "object",
    required: ["feeds"],
    properties: { feeds: { type: "array", minItems: 1, items: { type: "object", required: ["name", "url"], properties: { name: { enum: FEED_NAMES }, url: { type: "string", format: "uri" } } } } },
  }),
  system_information: file({
    type: "object",
    required: ["system_id", "languages", "name", "opening_hours", "feed_contact_email", "timezone"],
    properties: {
      system_id: id,
      languages: { type: "array", minItems: 1, items: language },
      name: localizedString,
      short_name: localizedString,
      operator: localizedString,
      url: { type: "string", format: "uri" },
      opening_hours: { type: "string", minLength: 1 },
      feed_contact_email: { type: "string", format: "email" },
      email: { type: "string", format: "email" },
      timezone: { type: "string", pattern: "^[A-Za-z_]+(/[A-Za-z_+-]+)*$" },
      license_id: { type: "string", minLength: 1 },
      license_url: { type: "string", format: "uri" },
    },
  }),
  vehicle_types: file({
    type: "object",
    required: ["vehicle_types"],
    properties: {
      vehicle_types: {
        type: "array",
        items: {
          type: "object",
          required: ["vehicle_type_id", "form_factor", "propulsion_type"],
          properties: {
            vehicle_type_id: id,
            form_factor: { enum: ["bicycle", "cargo_bicycle", "car", "moped", "scooter_standing", "scooter_seated", "other"] },
            propulsion_type: { enum: ["human", "electric_assist", "electric", "combustion", "combustion_diesel", "hybrid", "plug_in_hybrid", "hydrogen_fuel_cell"] },
            max_range_meters: { type: "number", minimum: 0 },
            name: localizedString,
          },
          // A motorised vehicle must state its range.
          if: { properties: { propulsion_type: { not: { const: "human" } } } },
          then: { required: ["max_range_meters"], properties: { max_range_meters: { type: "number", minimum: 0 } } },
        },
      },
    },
  }),
  station_information: file({
    type: "object",
    required: ["stations"],
    properties: {
      stations: {
        type: "array",
        items: {
          type: "object",
          required: ["station_id", "name", "lat", "lon"],
          properties: { station_id: id, name: localizedString, short_name: localizedString, lat: { type: "number", minimum: -90, maximum: 90 }, lon: { type: "number", minimum: -180, maximum: 180 }, capacity: count },
        },
      },
    },
  }),
  station_status: file({
    type: "object",
    required: ["stations"],
    properties: {
      stations: {
        type: "array",
        items: {
          type: "object",
          required: ["station_id", "num_vehicles_available", "is_installed", "is_renting", "is_returning", "last_reported"],
          properties: {
            station_id: id,
            num_vehicles_available: count,
            vehicle_types_available: { type: "array", items: { type: "object", required: ["vehicle_type_id", "count"], properties: { vehicle_type_id: id, count } } },
            num_vehicles_disabled: count,
            num_docks_available: count,
            num_docks_disabled: count,
            is_installed: { type: "boolean" },
            is_renting: { type: "boolean" },
            is_returning: { type: "boolean" },
            last_reported: { type: "string", format: "date-time" },
          },
        },
      },
    },
  }),
} as const;
