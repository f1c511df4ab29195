import { runBatch } from "../store/db.ts";
import { listDevicesWithData, prepareRebuildDeviceRollups } from "../store/rollups.ts";

/**
 * Rebuilds the rollups of an existing database from its readings: for a database that had
 * readings before migration 0006, or to check or repair the triggers' work. One transaction per
 * device (a year of a device is about 10^5 readings: well within one D1 statement's limits), so
 * it can be stopped and run again at any time; while it runs, ingest keeps the rollups of the
 * devices already done up to date, and a device being done is rebuilt with its latest readings.
 */
export interface BackfillProgress {
  done: number;
  total: number;
  deviceId: number;
}

export async function backfillRollups(
  db: D1Database,
  options: { deviceIds?: readonly number[]; onProgress?: (p: BackfillProgress) => void } = {},
): Promise<{ devices: number }> {
  const deviceIds = options.deviceIds ?? (await listDevicesWithData(db));
  let done = 0;
  for (const deviceId of deviceIds) {
    await runBatch(db, prepareRebuildDeviceRollups(db, deviceId));
    done++;
    options.onProgress?.({ done, total: deviceIds.length, deviceId });
  }
  return { devices: done };
}
