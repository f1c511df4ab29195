/**
 * Rollups: hourly and Europe/Paris daily aggregates per device × quantity.
 *
 * - Kept up to date by triggers on readings (worker/migrations/0006_rollups.sql), in the same
 *   transaction as the write: the queue consumer's batch, a status event, a re-decode, a purge.
 *   Nothing in the ingest code has to remember them, and only rows SQLite really inserted,
 *   changed or deleted count.
 * - Read with store/rollups.ts (real units); rebuilt from readings with backfill.ts
 *   (`npm run rollups:backfill`).
 * - paris-day.ts: the same local days in JavaScript (tests, scripts).
 */
export { backfillRollups, type BackfillProgress } from "./backfill.ts";
export { hourOf, nextDay, parisDay, parisDayRange } from "./paris-day.ts";
