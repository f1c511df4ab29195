import { type OpenDataset, DATASETS } from "./datasets.ts";
import { exportFile } from "./dataset-files.ts";
import { CSV } from "./formats.ts";
import { LICENCE } from "./licence.ts";
import { publisherOf } from "./publisher.ts";
import { localDayOf, localDayWindow } from "./local-day.ts";

/**
 * Daily bulk files: each dataset's CSV of one local day, gzip-compressed, in the OPEN_DATA bucket.
 * Written by the nightly cron for the day before, by the backfill command
 * (worker/scripts/backfill-open-data.ts), or on the first request for a finished day that has none.
 * The CSV streams out of D1 through CompressionStream into an R2 multipart upload, so a busy day
 * never sits in memory: one part (5 MiB) at a time.
 */

export const bulkKey = (dataset: string, day: string) => `open/bulk/${dataset}/${day}.csv.gz`;

/** R2 multipart parts must all have the same size (but the last), at least 5 MiB. */
const PART_BYTES = 5 * 1024 * 1024;

export interface BulkResult {
  dataset: string;
  day: string;
  key: string;
  bytes: number;
  written: boolean;
}

/** Stores a stream under `key` in parts of `partBytes`; one put when it fits in one part. Returns its size. */
export async function putStream(bucket: R2Bucket, key: string, stream: ReadableStream<Uint8Array>, options: R2PutOptions, partBytes = PART_BYTES): Promise<number> {
  const PART_BYTES = partBytes;
  const reader = stream.getReader();
  let buffer = new Uint8Array(PART_BYTES);
  let filled = 0;
  let total = 0;
  let upload: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let offset = 0;
      while (offset < value.length) {
        const n = Math.min(PART_BYTES - filled, value.length - offset);
        buffer.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        total += n;
        if (filled === PART_BYTES) {
          upload ??= await bucket.createMultipartUpload(key, options);
          parts.push(await upload.uploadPart(parts.length + 1, buffer));
          buffer = new Uint8Array(PART_BYTES);
          filled = 0;
        }
      }
    }
    if (!upload) {
      await bucket.put(key, buffer.subarray(0, filled), options);
      return total;
    }
    if (filled > 0) parts.push(await upload.uploadPart(parts.length + 1, buffer.subarray(0, filled)));
    await upload.complete(parts);
    return total;
  } catch (error) {
    await upload?.abort().catch(() => undefined);
    throw error;
  }
}

/** Writes one dataset's file of one finished local day (again, if `replace`). */
export async function writeBulkFile(env: Env, dataset: OpenDataset, day: string, replace = false): Promise<BulkResult> {
  const key = bulkKey(dataset.id, day);
  if (!replace) {
    const existing = await env.OPEN_DATA.head(key);
    if (existing) return { dataset: dataset.id, day, key, bytes: existing.size, written: false };
  }
  const publisher = publisherOf(env);
  const csv = await exportFile(env, dataset, CSV, localDayWindow(day));
  const gzip = csv.pipeThrough(new CompressionStream("gzip"));
  const bytes = await putStream(env.OPEN_DATA, key, gzip, {
    httpMetadata: { contentType: "application/gzip", contentDisposition: `attachment; filename="cigale-${dataset.id}-${day}.csv.gz"`, cacheControl: "public, max-age=86400" },
    customMetadata: { license: LICENCE.spdx, licenseUrl: LICENCE.url, publisher: publisher.url, publisherEmail: publisher.email, dataset: dataset.id, day, timeZone: "Europe/Paris", writtenAt: new Date().toISOString() },
  });
  return { dataset: dataset.id, day, key, bytes, written: true };
}

/** The nightly run: every dataset's file of the given day; one dataset failing does not stop the others. */
export async function writeDailyBulk(env: Env, day: string): Promise<BulkResult[]> {
  const out: BulkResult[] = [];
  for (const d of DATASETS) {
    try {
      out.push(await writeBulkFile(env, d, day));
    } catch (error) {
      console.error(`open-data bulk ${d.id} ${day} failed:`, error);
    }
  }
  return out;
}

/** A day whose file may exist: finished (before today, local time). */
export function isFinishedDay(day: string, now: number): boolean {
  return day < localDayOf(now);
}

/** The cron expression of the nightly bulk run (wrangler.toml [triggers]). */
export const BULK_CRON = "30 0 * * *";
