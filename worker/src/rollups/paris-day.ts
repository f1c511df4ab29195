/**
 * Europe/Paris local days in JavaScript, for code that must agree with the SQL of migration 0006
 * (paris_offsets) without a database: the rollup tests' oracle, the backfill's ranges, the bench
 * seed. Uses the runtime's IANA zone data (Intl), an independent source from the SQL table.
 */

const HOUR_MS = 3_600_000;

const dateFormat = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });

/** The Europe/Paris local date of an instant, "YYYY-MM-DD". */
export function parisDay(ms: number): string {
  return dateFormat.format(ms);
}

/** The UTC hour start of an instant (epoch ms), as rollup_hour.hour. */
export function hourOf(ms: number): number {
  return ms - (ms % HOUR_MS);
}

/**
 * The UTC instants [start, end) of a local day: 24 hours, 23 on the last Sunday of March,
 * 25 on the last Sunday of October.
 */
export function parisDayRange(day: string): { start: number; end: number } {
  return { start: parisMidnight(day), end: parisMidnight(nextDay(day)) };
}

/** The day after a "YYYY-MM-DD" date. */
export function nextDay(day: string): string {
  return new Date(dayNumber(day) * 86_400_000 + 86_400_000).toISOString().slice(0, 10);
}

/** The day before a "YYYY-MM-DD" date. */
export function previousDay(day: string): string {
  return new Date(dayNumber(day) * 86_400_000 - 86_400_000).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a "YYYY-MM-DD" date: consecutive dates are consecutive integers. */
export function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 86_400_000;
}

/** Local midnight of `day` in Paris: UTC midnight minus one or two hours, whichever lands on that day. */
function parisMidnight(day: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  for (const offset of [2, 1]) {
    const candidate = utcMidnight - offset * HOUR_MS;
    if (parisDay(candidate) === day && parisDay(candidate - 1) !== day) return candidate;
  }
  throw new Error(`no Europe/Paris midnight found for ${day}`);
}
