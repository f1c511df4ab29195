import { z } from "@hono/zod-openapi";
import type { DatasetColumn, OpenDataset } from "./datasets.ts";
import { LICENCE } from "./licence.ts";
import type { Publisher } from "./publisher.ts";

/**
 * The frictionless Table Schema of a dataset's CSV (https://specs.frictionlessdata.io/table-schema/),
 * in the shape schema.data.gouv.fr publishes: name, title, description, licenses, contributors,
 * fields with title/description/example/constraints, primaryKey, missingValues. Units live here
 * (title and description of each quantity field), since a CSV has no place for them.
 */

const tableField = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  type: z.enum(["string", "number", "boolean", "datetime"]),
  format: z.string().optional(),
  example: z.union([z.string(), z.number()]).optional(),
  trueValues: z.array(z.string()).optional(),
  falseValues: z.array(z.string()).optional(),
  constraints: z.object({ required: z.boolean(), pattern: z.string().optional(), minimum: z.number().optional(), maximum: z.number().optional(), enum: z.array(z.string()).optional() }),
});
type TableField = z.infer<typeof tableField>;

const link = z.object({ title: z.string(), path: z.string() });

/** What GET /open/datasets/{dataset}/tableschema.json answers. */
export const tableSchemaDoc = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    countryCode: z.string(),
    homepage: z.string(),
    path: z.string(),
    resources: z.array(link),
    version: z.string(),
    lastModified: z.string(),
    contributors: z.array(z.object({ title: z.string(), email: z.string(), path: z.string(), role: z.string() })),
    licenses: z.array(link.extend({ name: z.string() })),
    fields: z.array(tableField),
    primaryKey: z.array(z.string()),
    missingValues: z.array(z.string()),
  })
  .openapi("TableSchema");
/** The document also names its own meta-schema (`$schema`), left out of the OpenAPI description. */
export type TableSchemaDoc = z.infer<typeof tableSchemaDoc> & { $schema: string };

const TYPE: Record<DatasetColumn["kind"], TableField["type"]> = { number: "number", boolean: "boolean", enum: "string" };

function quantityField(c: DatasetColumn): TableField {
  const unit = c.symbol ? ` (${c.symbol})` : "";
  return {
    name: c.key,
    title: `${c.description}${unit}`,
    description: `${c.description}. Unité UCUM / UCUM unit: ${c.unit}.${c.smartDataModel ? ` FIWARE Smart Data Model: ${c.smartDataModel.entity}.${c.smartDataModel.attribute}${c.smartDataModel.factor ? ` (× ${c.smartDataModel.factor})` : ""}.` : ""} Vide si non mesuré / empty when not measured.`,
    type: TYPE[c.kind],
    ...(c.kind === "boolean" ? { trueValues: ["true"], falseValues: ["false"] } : {}),
    ...(c.kind === "enum" && c.values ? { constraints: { required: false, enum: [...c.values] } } : { constraints: { required: false } }),
  };
}

export function tableSchema(dataset: OpenDataset, base: string, modified: string, publisher: Publisher): TableSchemaDoc {
  return {
    $schema: "https://frictionlessdata.io/schemas/table-schema.json",
    name: `cigale-${dataset.id}`,
    title: dataset.title.fr,
    description: `${dataset.description.fr}\n\n${dataset.description.en}`,
    countryCode: "FR",
    homepage: `${base}/open/datasets/${dataset.id}/tableschema.json`,
    path: `${base}/open/datasets/${dataset.id}/tableschema.json`,
    resources: [{ title: "CSV", path: `${base}/open/datasets/${dataset.id}.csv` }],
    version: "1.0.0",
    lastModified: modified,
    contributors: [{ title: publisher.name.fr, email: publisher.email, path: publisher.url, role: "author" }],
    licenses: [{ name: LICENCE.spdx, title: LICENCE.title.fr, path: LICENCE.url }],
    fields: [
      { name: "time", title: "Horodatage (UTC)", description: "Instant de la mesure, ISO 8601 en UTC / time of the measurement, ISO 8601 UTC.", type: "datetime", format: "default", example: "2026-01-15T08:30:00.000Z", constraints: { required: true } },
      { name: "device", title: "Identifiant du capteur (DevEUI)", description: "DevEUI LoRaWAN du capteur / LoRaWAN DevEUI of the sensor.", type: "string", example: "70b3d57ed0001234", constraints: { required: true, pattern: "^[0-9a-f]{16}$" } },
      { name: "name", title: "Nom du capteur", description: "Nom du capteur / sensor name.", type: "string", constraints: { required: true } },
      { name: "commune", title: "Code INSEE de la commune", description: "Code officiel géographique de la commune / INSEE code of the commune.", type: "string", example: "13001", constraints: { required: true, pattern: "^[0-9][0-9AB][0-9]{3}$" } },
      { name: "latitude", title: "Latitude (WGS 84)", description: "Latitude en degrés décimaux (WGS 84) / latitude in decimal degrees.", type: "number", example: 43.5297, constraints: { required: false, minimum: -90, maximum: 90 } },
      { name: "longitude", title: "Longitude (WGS 84)", description: "Longitude en degrés décimaux (WGS 84) / longitude in decimal degrees.", type: "number", example: 5.4474, constraints: { required: false, minimum: -180, maximum: 180 } },
      ...dataset.columns.map(quantityField),
    ],
    primaryKey: ["device", "time"],
    missingValues: [""],
  };
}
