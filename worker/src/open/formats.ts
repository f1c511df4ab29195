import { z } from "@hono/zod-openapi";
import type { ReadingValue } from "../ingest/decode/values.ts";
import type { DatasetColumn, OpenDataset } from "./datasets.ts";
import { LICENCE } from "./licence.ts";
import type { Publisher } from "./publisher.ts";
import type { ExportRow } from "./rows.ts";
import type { OpenDevice } from "../store/open-data.ts";

/**
 * The two file formats of a dataset, written row by row so that an export streams: CSV
 * (RFC 4180, UTF-8, comma, header row — what DataSud's datastore indexes, `latitude`/`longitude`
 * giving it a map) and GeoJSON (RFC 7946).
 */

/** Columns every file starts with, before one column per quantity. */
export const FIXED_COLUMNS = ["time", "device", "name", "commune", "latitude", "longitude"] as const;

export interface FileFormat {
  mediaType: string;
  head(dataset: OpenDataset, publisher: Publisher): string;
  row(dataset: OpenDataset, row: ExportRow, first: boolean): string;
  tail(dataset: OpenDataset): string;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const csvValue = (v: ReadingValue | null | undefined): string => (v === null || v === undefined ? "" : csvField(String(v)));

export const CSV: FileFormat = {
  mediaType: "text/csv; charset=utf-8; header=present",
  head: (d) => [...FIXED_COLUMNS, ...d.columns.map((c) => c.key)].join(",") + "\r\n",
  row: (_d, r) =>
    [new Date(r.time).toISOString(), r.device.devEui, csvField(r.device.name), r.device.commune, csvValue(r.device.latitude), csvValue(r.device.longitude), ...r.values.map(csvValue)].join(",") + "\r\n",
  tail: () => "",
};

const point = z.object({ type: z.literal("Point"), coordinates: z.tuple([z.number(), z.number()]) });
const feature = z.object({
  type: z.literal("Feature"),
  id: z.string(),
  geometry: point.nullable(),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
const publisherMember = z.object({ name: z.string(), url: z.string(), email: z.string() });
/** A dataset as an RFC 7946 FeatureCollection, with the licence and the publisher as foreign members. */
export const featureCollection = z
  .object({
    type: z.literal("FeatureCollection"),
    name: z.string(),
    title: z.string(),
    license: z.string(),
    licenseUrl: z.string(),
    publisher: publisherMember,
    features: z.array(feature),
  })
  .openapi("DatasetFeatureCollection");
export type FeatureCollection = z.infer<typeof featureCollection>;
export type Feature = z.infer<typeof feature>;

/** RFC 7946 Point, longitude first; null geometry for a device without a position (allowed by §3.2). */
export function pointOf(device: OpenDevice): { type: "Point"; coordinates: [number, number] } | null {
  return device.latitude === null || device.longitude === null ? null : { type: "Point", coordinates: [device.longitude, device.latitude] };
}

export function featureProperties(columns: readonly DatasetColumn[], device: OpenDevice, time: number | null, values: ReadonlyArray<ReadingValue | null>): Feature["properties"] {
  const props: Feature["properties"] = { time: time === null ? null : new Date(time).toISOString(), device: device.devEui, name: device.name, commune: device.commune };
  columns.forEach((c, i) => {
    props[c.key] = values[i] ?? null;
  });
  return props;
}

/** Foreign members of the collection (RFC 7946 §6.1): the licence and who publishes travel with the file. */
export function collectionMembers(d: OpenDataset, publisher: Publisher): Pick<FeatureCollection, "name" | "title" | "license" | "licenseUrl" | "publisher"> {
  return { name: d.id, title: d.title.fr, license: LICENCE.spdx, licenseUrl: LICENCE.url, publisher: { name: publisher.name.fr, url: publisher.url, email: publisher.email } };
}

export const GEOJSON: FileFormat = {
  mediaType: "application/geo+json",
  head: (d, publisher) => {
    const members = JSON.stringify({ type: "FeatureCollection", ...collectionMembers(d, publisher) });
    return `${members.slice(0, -1)},"features":[`;
  },
  row: (d, r, first) =>
    (first ? "" : ",") +
    JSON.stringify({ type: "Feature", id: `${r.device.devEui}/${new Date(r.time).toISOString()}`, geometry: pointOf(r.device), properties: featureProperties(d.columns, r.device, r.time, r.values) }),
  tail: () => "]}",
};

/** Bytes gathered before a chunk goes out: few enqueues, little memory. */
const CHUNK_BYTES = 64 * 1024;

/**
 * A byte stream of the file, pulled: the next rows are read from D1 only when the consumer asks
 * for more (ReadableStream pull), so a month-long export holds one chunk and one page at a time.
 */
export function fileStream(format: FileFormat, dataset: OpenDataset, publisher: Publisher, rows: AsyncIterator<ExportRow>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  let first = true;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let text = started ? "" : format.head(dataset, publisher);
        started = true;
        while (text.length < CHUNK_BYTES) {
          const next = await rows.next();
          if (next.done) {
            text += format.tail(dataset);
            controller.enqueue(encoder.encode(text));
            controller.close();
            return;
          }
          text += format.row(dataset, next.value, first);
          first = false;
        }
        controller.enqueue(encoder.encode(text));
      },
      async cancel() {
        await rows.return?.(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
