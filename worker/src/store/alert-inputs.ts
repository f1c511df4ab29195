import { type ReadAccess, visibleDevicesSql } from "../auth/read-access.ts";
import type { FitSums } from "../indicators/math.ts";
import { d1 } from "./db.ts";
import type { IndicatorDevice, ReadingValue } from "./indicator-inputs.ts";

/**
 * What /v1/alerts reads, in one D1 statement (a round trip costs more than the whole query): the
 * devices the reader may see and, per device, its last uplink times, its declared reporting
 * interval, the least-squares sums of its battery readings (from trend_day, migration 0008) and
 * its bin readings since its last emptying. Every figure is the one the indicator definitions
 * (docs/indicators.md) take from readings and uplinks; test/worker/indicators and the query
 * benchmark compare them with the same figures computed from raw readings.
 */

const DAY_MS = 86_400_000;

/**
 * trend_day keeps τ = time − the start of the 32-day block (aligned on 1970-01-01) holding the
 * reading (migration 0008): small enough for τ² to stay exact as an integer, and a window of up to
 * 31 whole days spans at most two blocks, so that SQL adds plain sums per block.
 */
export const TREND_BLOCK_MS = 32 * DAY_MS;

/**
 * How the least-squares sums of readings with time in (fromMs, toMs] are put together: whole UTC
 * days from trend_day, as runs of days within one block (`segments`: block start, first and last
 * day), and the partial days at both ends from the readings: added (sign 1) or, when a day is
 * mostly inside the window, taken whole and the readings outside it subtracted (sign −1). Always
 * two ranges (the second empty when unused), inclusive [lo, hi] in integer ms.
 */
export interface TrendPlan {
  segments: [block: number, dayFrom: number, dayTo: number][];
  ranges: [[sign: 1 | -1, lo: number, hi: number], [sign: 1 | -1, lo: number, hi: number]];
}

/** The start of the UTC day holding t, as the triggers compute it (t − t % 86400000). */
const dayOf = (t: number) => t - (t % DAY_MS);
const blockOf = (t: number) => t - (t % TREND_BLOCK_MS);

export function trendPlan(fromMs: number, toMs: number): TrendPlan {
  const from = Math.floor(fromMs);
  const to = Math.floor(toMs);
  const b0 = dayOf(from);
  const b1 = dayOf(to);
  // Short windows, and times before 1970 (where t − t % D is not the day's start), from readings only.
  if (from < 0 || b1 - b0 < 2 * DAY_MS) return { segments: [], ranges: [[1, from + 1, to], [1, 1, 0]] };
  let dayFrom: number;
  let dayTo: number;
  let lower: TrendPlan["ranges"][0];
  let upper: TrendPlan["ranges"][1];
  if (from - b0 < DAY_MS / 2) {
    dayFrom = b0;
    lower = [-1, b0, from];
  } else {
    dayFrom = b0 + DAY_MS;
    lower = [1, from + 1, b0 + DAY_MS - 1];
  }
  if (to - b1 >= DAY_MS / 2) {
    dayTo = b1;
    upper = [-1, to + 1, b1 + DAY_MS - 1];
  } else {
    dayTo = b1 - DAY_MS;
    upper = [1, b1, to];
  }
  const segments: TrendPlan["segments"] = [];
  for (let block = blockOf(dayFrom); block <= dayTo; block += TREND_BLOCK_MS) {
    segments.push([block, Math.max(dayFrom, block), Math.min(dayTo, block + TREND_BLOCK_MS - DAY_MS)]);
  }
  return { segments, ranges: [lower, upper] };
}

/**
 * SQL columns (JSON arrays) from which trendSums puts together the least-squares sums of the
 * readings of quantity rows `rows` (a CTE of id, scale) of device `dev` over a TrendPlan, and the
 * values of their parameters, numbered from `first`; `origin` is the SQL of x's origin (ms).
 * Per segment: [n, Σv, Στ, Στ², Στv] over its days (v real); then per range [n, Σx, Σy, Σx², Σxy]
 * of its readings (trendSums applies the range's sign).
 */
export function trendSql(dev: string, rows: string, plan: TrendPlan, origin: string, first: number): { columns: string[]; params: number[] } {
  let n = first;
  const params: number[] = [];
  const param = (v: number) => {
    params.push(v);
    return `?${n++}`;
  };
  const columns = plan.segments.map(
    ([, from, to]) => `(SELECT json_array(total(b.count), total(b.sum / q.scale), total(b.t_sum), total(b.t2_sum), total(b.tv_sum / q.scale))
      FROM ${rows} AS q CROSS JOIN trend_day AS b
      WHERE b.device_id = ${dev} AND b.quantity_id = q.id AND b.day >= ${param(from)} AND b.day <= ${param(to)})`,
  );
  // Each range in its own simple aggregate (signed in JS): cheaper than a UNION, and an OR of the
  // two ranges would read every reading of the device.
  for (const [, lo, hi] of plan.ranges) {
    columns.push(`(SELECT json_array(count(*), total(x), total(y), total(x * x), total(x * y)) FROM (
      SELECT (r.time - ${origin}) / 86400000.0 AS x, r.value / q.scale AS y FROM ${rows} AS q CROSS JOIN readings AS r
      WHERE r.device_id = ${dev} AND r.quantity_id = q.id AND r.time >= ${param(lo)} AND r.time <= ${param(hi)}))`);
  }
  return { columns, params };
}

/**
 * The least-squares sums (x = (time − origin) in days) from the columns of trendSql; null without
 * any reading. For a block starting c ms after the origin: Σx = (Στ + n·c)/D,
 * Σx² = (Στ² + 2c·Στ + n·c²)/D², Σxy = (Στv + c·Σv)/D.
 */
export function trendSums(plan: TrendPlan, origin: number, columns: readonly string[]): FitSums | null {
  const s: FitSums = { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0 };
  plan.segments.forEach(([block], i) => {
    const [n, sv, st, st2, stv] = JSON.parse(columns[i]!) as number[];
    const c = (block - origin) / DAY_MS;
    const [t, t2, tv] = [st! / DAY_MS, st2! / DAY_MS / DAY_MS, stv! / DAY_MS];
    s.n += n!;
    s.sx += t + n! * c;
    s.sy += sv!;
    s.sxx += t2 + 2 * c * t + n! * c * c;
    s.sxy += tv + c * sv!;
  });
  plan.ranges.forEach(([sign], i) => {
    const [n, sx, sy, sxx, sxy] = JSON.parse(columns[plan.segments.length + i]!) as number[];
    s.n += sign * n!;
    s.sx += sign * sx!;
    s.sy += sign * sy!;
    s.sxx += sign * sxx!;
    s.sxy += sign * sxy!;
  });
  return s.n > 0 ? s : null;
}

/**
 * SQL of the latest reading of the quantity rows `rows` (a CTE of id, scale) of device `dev` with
 * time in (lo, hi]: [time, real value] as JSON, or its value or time alone: per quantity row a seek
 * for its max(time) and one for the reading there; the latest over the rows wins.
 */
function latestSql(dev: string, rows: string, lo: string, hi: string, what: "json" | "value" | "time" = "json"): string {
  return `CASE WHEN (SELECT count(*) FROM ${rows}) = 1 THEN ${latestOfOneRow(dev, rows, lo, hi, what)} ELSE ${latestOfRows(dev, rows, lo, hi, what)} END`;
}

/** The usual case, a key with one quantity row: one descending seek (its id is a constant of the statement). */
function latestOfOneRow(dev: string, rows: string, lo: string, hi: string, what: "json" | "value" | "time"): string {
  const where = `lr.device_id = ${dev} AND lr.quantity_id = (SELECT id FROM ${rows}) AND lr.time > ${lo} AND lr.time <= ${hi}`;
  if (what === "time") return `(SELECT max(lr.time) FROM readings AS lr WHERE ${where})`;
  const out = what === "json" ? `json_array(lr.time, lr.value / (SELECT scale FROM ${rows}))` : `lr.value / (SELECT scale FROM ${rows})`;
  return `(SELECT ${out} FROM readings AS lr WHERE ${where} ORDER BY lr.time DESC LIMIT 1)`;
}

/** A key with retired rows: the latest over its rows (max() of one row is a single seek; over an IN list SQLite would read the range). */
function latestOfRows(dev: string, rows: string, lo: string, hi: string, what: "json" | "value" | "time"): string {
  const time = `(SELECT max((SELECT max(lm.time) FROM readings AS lm WHERE lm.device_id = ${dev} AND lm.quantity_id = lx.id AND lm.time > ${lo} AND lm.time <= ${hi})) FROM ${rows} AS lx)`;
  if (what === "time") return time;
  const out = what === "json" ? "json_array(lr.time, lr.value / lk.scale)" : "lr.value / lk.scale";
  return `(SELECT ${out} FROM ${rows} AS lk CROSS JOIN readings AS lr WHERE lr.device_id = ${dev} AND lr.quantity_id = lk.id AND lr.time = ${time} LIMIT 1)`;
}

const BATTERY_ROWS = "(SELECT id, pow(10.0, decimals) AS scale FROM quantities WHERE key = 'battery')";


/** A fit's sums and latest reading from the statements' columns; null without any reading. */
function batteryFit(plan: TrendPlan, origin: number, columns: readonly string[], last: string | null): { sums: FitSums; last: number | null } | null {
  const sums = trendSums(plan, origin, columns);
  return sums === null ? null : { sums, last: last === null ? null : (JSON.parse(last) as [number, number])[1] };
}

/**
 * Least-squares sums of each device's `battery` readings with time in (fromMs, toMs], x = (time −
 * toMs) in days and y in volts, and its latest reading there: health's battery trend, from
 * trend_day and the readings of the window's partial days.
 */
export async function loadBatteryFits(db: D1Database, deviceIds: readonly number[], fromMs: number, toMs: number): Promise<Map<number, { sums: FitSums; last: number | null }>> {
  const out = new Map<number, { sums: FitSums; last: number | null }>();
  if (deviceIds.length === 0) return out;
  const plan = trendPlan(fromMs, toMs);
  const trend = trendSql("d.value", "qbat", plan, "?3", 4);
  const { results } = await d1(() =>
    db
      .prepare(
        `WITH qbat AS MATERIALIZED ${BATTERY_ROWS}
         SELECT d.value AS id, ${trend.columns.map((c, i) => `${c} AS bat${i}`).join(", ")}, ${latestSql("d.value", "qbat", "?2", "?3")} AS last
         FROM json_each(?1) AS d`,
      )
      .bind(JSON.stringify(deviceIds), fromMs, toMs, ...trend.params)
      .all<Record<string, string | null> & { id: number; last: string | null }>(),
  );
  for (const r of results) {
    const fit = batteryFit(plan, toMs, trend.columns.map((_, i) => r[`bat${i}`] as string), r.last);
    if (fit) out.set(r.id, fit);
  }
  return out;
}

/** One device as /v1/alerts reads it. */
export interface AlertDeviceInputs {
  device: IndicatorDevice;
  /** Times of the last `uplinks` uplinks up to `at`, oldest first. */
  uplinkTimes: number[];
  /** The latest `device.interval` reading up to `at` (seconds), if any. */
  interval: { time: number; value: number } | null;
  /** Least-squares sums of the battery readings of (at − batteryDays, at], x in days from `at`; null without any reading. */
  battery: { sums: FitSums; last: number | null } | null;
  /** `level.fill` and `alarm.pickup` readings from the bin's last emptying (or the look-back) to `at`. */
  bin: ReadingValue[];
}

export interface AlertInputsQuery {
  commune: string | null;
  at: number;
  /** Uplinks read back for the reporting interval (health: 20). */
  uplinks: number;
  /** Battery window in days (30). */
  batteryDays: number;
  /** How far back bin readings are read (days), and the drop that counts as an emptying (points). */
  wasteLookbackDays: number;
  emptyingDrop: number;
}

/** "a,b,c" → numbers (group_concat of numbers; null for none). */
const offsets = (s: string | null): number[] => (s === null ? [] : s.split(",").map(Number));

/** "ms before at:value,…" → readings of `key`. */
function pairs(s: string | null, key: string, deviceId: number, at: number): ReadingValue[] {
  if (s === null) return [];
  return s.split(",").map((p) => {
    const i = p.indexOf(":");
    return { deviceId, key, time: at - Number(p.slice(0, i)), value: Number(p.slice(i + 1)) };
  });
}

/**
 * Per visible device (of a commune, or all): the inputs of health (offline, battery) and waste.
 * The bin's last emptying — the reading before its last drop of at least `emptyingDrop` points
 * between consecutive fill readings, or its last pickup alarm, whichever is later, within the
 * look-back — is found by scanning its fill readings backwards from `at` (so a bin emptied a day
 * ago reads a day of readings), then only the readings since leave D1.
 */
export async function loadAlertInputs(db: D1Database, access: ReadAccess, q: AlertInputsQuery): Promise<AlertDeviceInputs[]> {
  const wasteFrom = q.at - q.wasteLookbackDays * DAY_MS;
  const batteryFrom = q.at - q.batteryDays * DAY_MS;
  const plan = trendPlan(batteryFrom, q.at);
  // ?1 at, ?2 commune, ?3 waste look-back start (excluded), ?4 battery window start (excluded),
  // ?5 uplinks, ?6 drop; the battery TrendPlan's values from ?7, then the visibility rule's.
  const trend = trendSql("v.id", "qbat", plan, "?1", 7);
  const rule = visibleDevicesSql(access, "d", "t.code");
  let n = 6 + trend.params.length;
  const visible = rule.sql.replace(/\?/g, () => `?${++n}`);
  const dev = "v.id";
  // A bin's readings from the later of the reading before its last drop and its last pickup, as
  // "ms before at:value" pairs (fewer bytes than JSON arrays for D1 to hand back).
  const binSql = (d: string, rows: string) => `(SELECT group_concat((?1 - r.time) || ':' || (r.value / q.scale)) FROM ${rows} AS q CROSS JOIN readings AS r
        WHERE r.device_id = ${d} AND r.quantity_id = q.id
          AND r.time >= coalesce(max(w.before, w.pickup_at), w.before, w.pickup_at, ?3 + 1) AND r.time <= ?1)`;
  // The quantity rows are CTEs joined in the outer FROM of dr and pk, so that each is read once.
  const sql = `WITH
    qfill AS MATERIALIZED (SELECT id, pow(10.0, decimals) AS scale FROM quantities WHERE key = 'level.fill'),
    qpick AS MATERIALIZED (SELECT id, pow(10.0, decimals) AS scale FROM quantities WHERE key = 'alarm.pickup'),
    qbat AS MATERIALIZED ${BATTERY_ROWS},
    qint AS MATERIALIZED (SELECT id, pow(10.0, decimals) AS scale FROM quantities WHERE key = 'device.interval'),
    v AS MATERIALIZED (
      SELECT d.id, d.dev_eui, d.name, d.commune, t.code AS territory, d.public, d.profile, d.codec, d.tags,
        -- What the device has in its windows: the other columns are read only for those that have it.
        EXISTS (SELECT 1 FROM qfill AS k CROSS JOIN readings AS r WHERE r.device_id = d.id AND r.quantity_id = k.id AND r.time > ?3 AND r.time <= ?1) AS is_bin,
        -- The latest battery reading of the window: null for a device without any there.
        ${latestSql("d.id", "qbat", "?4", "?1")} AS battery_last
      FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
      WHERE (?2 IS NULL OR d.commune = ?2) AND ${visible}),
    -- A bin's last drop: its latest fill reading whose predecessor (over every fill row) was at least ?6 points higher.
    dr AS MATERIALIZED (
      SELECT v.id, max((
        SELECT r.time FROM readings AS r
        WHERE r.device_id = ${dev} AND r.quantity_id = k.id AND r.time > ?3 AND r.time <= ?1
          AND ${latestSql(dev, "qfill", "?3", "r.time - 1", "value")} - r.value / k.scale >= ?6
        ORDER BY r.time DESC LIMIT 1)) AS drop_at
      FROM v CROSS JOIN qfill AS k WHERE v.is_bin GROUP BY v.id),
    -- Its last pickup alarm.
    pk AS MATERIALIZED (
      SELECT v.id, max((
        SELECT r.time FROM readings AS r
        WHERE r.device_id = ${dev} AND r.quantity_id = k.id AND r.time > ?3 AND r.time <= ?1 AND r.value <> 0
        ORDER BY r.time DESC LIMIT 1)) AS pickup_at
      FROM v CROSS JOIN qpick AS k WHERE v.is_bin GROUP BY v.id),
    -- Its readings count from the later of the reading before the drop and the pickup.
    w AS MATERIALIZED (
      SELECT dr.id, ${latestSql("dr.id", "qfill", "?3", "dr.drop_at - 1", "time")} AS before, pk.pickup_at
      FROM dr LEFT JOIN pk ON pk.id = dr.id)
    SELECT v.*,
      (SELECT group_concat(?1 - time) FROM (SELECT time FROM uplinks WHERE device_id = ${dev} AND time <= ?1 ORDER BY time DESC LIMIT ?5)) AS uplinks,
      ${latestSql(dev, "qint", "-9e15", "?1")} AS interval,
      ${trend.columns.map((c, i) => `CASE WHEN v.battery_last IS NOT NULL THEN ${c} END AS bat${i}`).join(",\n      ")},
      CASE WHEN v.is_bin THEN ${binSql(dev, "qfill")} END AS fills,
      CASE WHEN v.is_bin THEN ${binSql(dev, "qpick")} END AS pickups
    FROM v LEFT JOIN w ON w.id = v.id ORDER BY v.dev_eui`;
  // Rows as arrays (raw): no column names repeated in every row of what D1 hands back.
  const raw = await d1(() =>
    db
      .prepare(sql)
      .bind(q.at, q.commune, wasteFrom, batteryFrom, q.uplinks, q.emptyingDrop, ...trend.params, ...rule.params)
      .raw<unknown[]>({ columnNames: true }),
  );
  const [names, ...rows] = raw as [string[], ...unknown[][]];
  // Column positions by name, once: an object per row costs more than all the rest here.
  const position = new Map(names.map((name, i) => [name, i]));
  const p = (name: string) => position.get(name)!;
  const [id, devEui, name, commune, territory, pub, profile, codec, tags, uplinks, interval, last, fills, pickups] = [
    "id", "dev_eui", "name", "commune", "territory", "public", "profile", "codec", "tags", "uplinks", "interval", "battery_last", "fills", "pickups",
  ].map(p) as number[];
  const bat = trend.columns.map((_, i) => p(`bat${i}`));
  return rows.map((r) => {
    const deviceId = r[id!] as number;
    const declared = r[interval!] === null ? null : (JSON.parse(r[interval!] as string) as [number, number]);
    return {
      device: {
        id: deviceId,
        devEui: r[devEui!] as string,
        name: r[name!] as string,
        commune: r[commune!] as string,
        territory: r[territory!] as string,
        public: r[pub!] === 1,
        profile: r[profile!] as string | null,
        codec: r[codec!] as string | null,
        tags: JSON.parse(r[tags!] as string) as Record<string, string>,
      },
      uplinkTimes: offsets(r[uplinks!] as string | null)
        .map((x) => q.at - x)
        .sort((a, b) => a - b),
      interval: declared === null ? null : { time: declared[0], value: declared[1] },
      battery: r[last!] !== null ? batteryFit(plan, q.at, bat.map((i) => r[i] as string), r[last!] as string | null) : null,
      bin: [...pairs(r[fills!] as string | null, "level.fill", deviceId, q.at), ...pairs(r[pickups!] as string | null, "alarm.pickup", deviceId, q.at)],
    };
  });
}
