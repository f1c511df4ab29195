/**
 * Europe/Paris local time for the indicators: local dates, local hours and the UTC instants where
 * local days start. Days are 23 h (last Sunday of March) or 25 h (last Sunday of October) at DST
 * changes; Paris offsets are whole hours, so a local hour [h, h+1) is always a UTC hour.
 * Uses the runtime's tz database through Intl.DateTimeFormat (Workers and Node both ship it), asked
 * a few times per year for the instants where the offset changes.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A local calendar date, "YYYY-MM-DD". */
export type LocalDate = string;

const formatter = new Intl.DateTimeFormat("en-US", {
  timeZone: "Europe/Paris",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});

/** Offset of Paris from UTC at an instant, asked of the tz database (slow: a few µs a call). */
function intlOffset(ms: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(ms))) if (part.type !== "literal") p[part.type] = Number(part.value);
  const floored = Math.floor(ms / 60_000) * 60_000;
  return Date.UTC(p["year"]!, p["month"]! - 1, p["day"]!, p["hour"]!, p["minute"]!) - floored;
}

/**
 * A year's offset segments [{ from, offset }], found with a few Intl calls: the offset on the 1st of
 * each month, then a binary search to the hour inside any month where it changed (Paris changes on
 * whole UTC hours, at most once a month). A year of hourly rollups then needs no Intl call per hour.
 */
const segmentsByYear = new Map<number, { from: number; offset: number }[]>();

function yearSegments(year: number): { from: number; offset: number }[] {
  const cached = segmentsByYear.get(year);
  if (cached) return cached;
  const segments = [{ from: Date.UTC(year, 0, 1), offset: intlOffset(Date.UTC(year, 0, 1)) }];
  for (let m = 1; m <= 12; m++) {
    const end = Date.UTC(year, m, 1);
    const before = segments.at(-1)!.offset;
    if (intlOffset(end - 1) === before) continue;
    let lo = Date.UTC(year, m - 1, 1) / HOUR_MS;
    let hi = Math.ceil(end / HOUR_MS);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (intlOffset(mid * HOUR_MS) === before) lo = mid + 1;
      else hi = mid;
    }
    segments.push({ from: lo * HOUR_MS, offset: intlOffset(lo * HOUR_MS) });
  }
  segmentsByYear.set(year, segments);
  return segments;
}

/** Offset of Paris time from UTC at an instant, in ms (3 600 000 in winter, 7 200 000 in summer). */
export function parisOffsetMs(ms: number): number {
  const segments = yearSegments(new Date(ms).getUTCFullYear());
  let offset = segments[0]!.offset;
  for (const s of segments) if (s.from <= ms) offset = s.offset;
  return offset;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** Local wall-clock parts of an instant. */
export function localParts(ms: number): LocalParts {
  const t = new Date(ms + parisOffsetMs(ms));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes() };
}

/** Local date of an instant. */
export function localDate(ms: number): LocalDate {
  const p = localParts(ms);
  return formatDate(p.year, p.month, p.day);
}

/** Local hour (0–23) of an instant; 02 does not exist on the spring day and occurs twice on the autumn day. */
export function localHour(ms: number): number {
  return localParts(ms).hour;
}

/** Start of the UTC hour containing an instant (= the start of its local hour). */
export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

export function isLocalDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * The UTC instant of local wall-clock `hour`:00 on `date`. Two offset guesses settle it; a
 * wall-clock time that does not exist (02:00 on the spring day) has no exact answer, but the
 * indicators only ask for 00:00, 05:00 and 06:00, which always exist.
 */
export function localTimeToUtc(date: LocalDate, hour = 0): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour);
  const first = wall - parisOffsetMs(wall);
  const second = wall - parisOffsetMs(first);
  return second;
}

/** UTC instant where the local day starts (00:00 local). */
export function startOfLocalDay(date: LocalDate): number {
  return localTimeToUtc(date, 0);
}

/** Length of a local day in hours: 24, or 23 / 25 at DST changes. */
export function localDayHours(date: LocalDate): number {
  return (startOfLocalDay(addDays(date, 1)) - startOfLocalDay(date)) / HOUR_MS;
}

/** Calendar arithmetic on local dates (no time zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return formatDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Every local date from `from` to `to`, both included. */
export function datesBetween(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  // One Date stepped a day at a time: a year's window is 365 dates, and parsing each date again
  // (addDays) cost more than the indicator's arithmetic.
  const [y, m, d] = from.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  for (let date = from; date <= to; t.setUTCDate(t.getUTCDate() + 1), date = formatDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())) out.push(date);
  return out;
}

/** Days from `a` to `b` (b − a) in calendar days. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  const [ya, ma, da] = a.split("-").map(Number) as [number, number, number];
  const [yb, mb, db] = b.split("-").map(Number) as [number, number, number];
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / DAY_MS);
}

function formatDate(y: number, m: number, d: number): LocalDate {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
