/**
 * Europe/Paris local time for the indicators: local dates, local hours and the UTC instants where
 * local days start. Days are 23 h (last Sunday of March) or 25 h (last Sunday of October) at DST
 * changes; Paris offsets are whole hours, so a local hour [h, h+1) is always a UTC hour.
 * Uses the runtime's tz database through Intl.DateTimeFormat (Workers and Node both ship it).
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

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** Parts are cached per UTC hour: offsets change on hour boundaries only, and rollups come per hour. */
const partsCache = new Map<number, LocalParts>();

function hourParts(hourStart: number): LocalParts {
  const cached = partsCache.get(hourStart);
  if (cached) return cached;
  const out: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
  for (const p of formatter.formatToParts(new Date(hourStart))) {
    if (p.type === "year" || p.type === "month" || p.type === "day" || p.type === "hour" || p.type === "minute") out[p.type] = Number(p.value);
  }
  if (partsCache.size > 50_000) partsCache.clear();
  partsCache.set(hourStart, out);
  return out;
}

function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** Local wall-clock parts of an instant. */
export function localParts(ms: number): LocalParts {
  const start = floorHour(ms);
  const p = hourParts(start);
  return { ...p, minute: p.minute + Math.floor((ms - start) / 60_000) };
}

/** Offset of Paris time from UTC at an instant, in ms (3 600 000 in winter, 7 200 000 in summer). */
export function parisOffsetMs(ms: number): number {
  const p = hourParts(floorHour(ms));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - floorHour(ms);
}

/** Local date of an instant. */
export function localDate(ms: number): LocalDate {
  const p = hourParts(floorHour(ms));
  return formatDate(p.year, p.month, p.day);
}

/** Local hour (0–23) of an instant; 02 does not exist on the spring day and occurs twice on the autumn day. */
export function localHour(ms: number): number {
  return hourParts(floorHour(ms)).hour;
}

/** Start of the UTC hour containing an instant (= the start of its local hour). */
export function hourStart(ms: number): number {
  return floorHour(ms);
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
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
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
