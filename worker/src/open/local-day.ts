/**
 * Local days of Europe/Paris (DESIGN.md: indicator and bulk days follow local days) as UTC
 * instants: a day is 23, 24 or 25 hours long around the clock changes.
 */

const ZONE = "Europe/Paris";
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const parts = new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** Offset of Paris from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
function offsetAt(ms: number): number {
  const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p["year"]), Number(p["month"]) - 1, Number(p["day"]), Number(p["hour"]), Number(p["minute"]), Number(p["second"]));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of local midnight starting `day` (YYYY-MM-DD). */
function localMidnight(day: string): number {
  const m = DAY_PATTERN.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Two passes settle the offset even when midnight is near a clock change.
  let guess = naive - offsetAt(naive);
  guess = naive - offsetAt(guess);
  return guess;
}

export function isDay(day: string): boolean {
  const m = DAY_PATTERN.exec(day);
  return m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === day;
}

/** [start, end) of a local day in epoch ms. */
export function localDayWindow(day: string): { from: number; to: number } {
  const next = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { from: localMidnight(day), to: localMidnight(next) };
}

/** The local day an instant falls in. */
export function localDayOf(ms: number): string {
  return new Date(ms + offsetAt(ms)).toISOString().slice(0, 10);
}

/** The local day before the one `ms` falls in: what the nightly bulk run writes. */
export function previousLocalDay(ms: number): string {
  const today = localDayOf(ms);
  return new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
