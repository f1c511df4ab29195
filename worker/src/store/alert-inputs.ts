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
 * How the least-squares sums of readings with time in (fromMs, toMs] are put together: whole UTC
 * days from trend_day (days dayFrom..dayTo), and the partial days at both ends from the readings,
 * added (sign 1) or, when a day is mostly inside the window, taken whole and the readings outside
 * subtracted (sign −1). Ranges are inclusive [lo, hi] in integer ms.
 */
export interface TrendPlan {
  dayFrom: number;
  dayTo: number;
  ranges: [sign: 1 | -1, lo: number, hi: number][];
}

/** The UTC day holding t, as the triggers compute it (t − t % 86400000). */
const dayOf = (t: number) => t - (t % DAY_MS);

export function trendPlan(fromMs: number, toMs: number): TrendPlan {
  const from = Math.floor(fromMs);
  const to = Math.floor(toMs);
  const b0 = dayOf(from);
  const b1 = dayOf(to);
  // Short windows, and times before 1970 (where t − t % D is not the day's start), from readings only.
  if (from < 0 || b1 - b0 < 2 * DAY_MS) return { dayFrom: 1, dayTo: 0, ranges: [[1, from + 1, to]] };
  const ranges: TrendPlan["ranges"] = [];
  let dayFrom: number;
  let dayTo: number;
  if (from - b0 < DAY_MS / 2) {
    dayFrom = b0;
    ranges.push([-1, b0, from]);
  } else {
    dayFrom = b0 + DAY_MS;
    ranges.push([1, from + 1, b0 + DAY_MS - 1]);
  }
  if (to - b1 >= DAY_MS / 2) {
    dayTo = b1;
    ranges.push([-1, to + 1, b1 + DAY_MS - 1]);
  } else {
    dayTo = b1 - DAY_MS;
    ranges.push([1, b1, to]);
  }
  return { dayFrom, dayTo, ranges };
}

/**
 * SQL of the least-squares sums [n, Σx, Σy, Σx², Σxy] (JSON) of the readings of quantity rows
 * `rows` (a table of id, scale) of device `dev`, x = (time − origin) in days, y the real value;
 * `plan` names the parameters holding the TrendPlan (dayFrom, dayTo, ranges JSON) and the origin.
 * For a day row with c = day − origin: Σ(τ + c) = Στ + n·c, Σ(τ + c)² = Στ² + 2c·Στ + n·c²,
 * Σ(τ + c)·v = Στv + c·Σv.
 */
export function trendSumsSql(dev: string, rows: string, p: { dayFrom: string; dayTo: string; ranges: string; origin: string }): string {
  const c = `((b.day - ${p.origin}) * 1.0)`;
  return `(SELECT json_array(total(n), total(sx), total(sy), total(sxx), total(sxy)) FROM (
      SELECT b.count AS n, (b.t_sum + b.count * ${c}) / 86400000.0 AS sx, b.sum / q.scale AS sy,
             (b.t2_sum + 2.0 * ${c} * b.t_sum + b.count * ${c} * ${c}) / 7464960000000000.0 AS sxx,
             (b.tv_sum + ${c} * b.sum) / 86400000.0 / q.scale AS sxy
      FROM ${rows} AS q CROSS JOIN trend_day AS b
      WHERE b.device_id = ${dev} AND b.quantity_id = q.id AND b.day >= ${p.dayFrom} AND b.day <= ${p.dayTo}
      UNION ALL
      SELECT s.value ->> 0, (s.value ->> 0) * ((r.time - ${p.origin}) / 86400000.0), (s.value ->> 0) * (r.value / q.scale),
             (s.value ->> 0) * ((r.time - ${p.origin}) / 86400000.0) * ((r.time - ${p.origin}) / 86400000.0),
             (s.value ->> 0) * ((r.time - ${p.origin}) / 86400000.0) * (r.value / q.scale)
      FROM json_each(${p.ranges}) AS s CROSS JOIN ${rows} AS q CROSS JOIN readings AS r
      WHERE r.device_id = ${dev} AND r.quantity_id = q.id AND r.time >= s.value ->> 1 AND r.time <= s.value ->> 2))`;
}

/**
 * SQL of the latest reading of the quantity rows `rows` (a CTE of id, scale) of device `dev` with
 * time in (lo, hi]: [time, real value] as JSON, or its value or time alone. max(time) over the
 * rows is one descending seek per row; the reading at that time one more.
 */
function latestSql(dev: string, rows: string, lo: string, hi: string, what: "json" | "value" | "time" = "json"): string {
  const max = `(SELECT max(lm.time) FROM readings AS lm WHERE lm.device_id = ${dev} AND lm.quantity_id IN (SELECT id FROM ${rows}) AND lm.time > ${lo} AND lm.time <= ${hi})`;
  if (what === "time") return max;
  const out = what === "json" ? "json_array(lr.time, lr.value / lk.scale)" : "lr.value / lk.scale";
  return `(SELECT ${out} FROM ${rows} AS lk CROSS JOIN readings AS lr WHERE lr.device_id = ${dev} AND lr.quantity_id = lk.id AND lr.time = ${max} LIMIT 1)`;
}

const BATTERY_ROWS = "(SELECT id, pow(10.0, decimals) AS scale FROM quantities WHERE key = 'battery')";

/** A fit's JSON sums and latest reading as the statements return them; null without any reading. */
function batteryFit(sums: string, last: string | null): { sums: FitSums; last: number | null } | null {
  const [n, sx, sy, sxx, sxy] = JSON.parse(sums) as number[];
  if (!(n! > 0)) return null;
  return { sums: { n: n!, sx: sx!, sy: sy!, sxx: sxx!, sxy: sxy! }, last: last === null ? null : (JSON.parse(last) as [number, number])[1] };
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
  const { results } = await d1(() =>
    db
      .prepare(
        `WITH qbat AS MATERIALIZED ${BATTERY_ROWS}
         SELECT d.value AS id, ${trendSumsSql("d.value", "qbat", { dayFrom: "?4", dayTo: "?5", ranges: "?6", origin: "?3" })} AS sums,
           ${latestSql("d.value", "qbat", "?2", "?3")} AS last
         FROM json_each(?1) AS d`,
      )
      .bind(JSON.stringify(deviceIds), fromMs, toMs, plan.dayFrom, plan.dayTo, JSON.stringify(plan.ranges))
      .all<{ id: number; sums: string; last: string | null }>(),
  );
  for (const r of results) {
    const fit = batteryFit(r.sums, r.last);
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

interface Row {
  id: number;
  dev_eui: string;
  name: string;
  commune: string;
  territory: string;
  public: number;
  profile: string | null;
  codec: string | null;
  tags: string;
  uplinks: string;
  interval: string | null;
  battery: string;
  battery_last: string | null;
  bin: string;
}

/**
 * Per visible device (of a commune, or all): the inputs of health (offline, battery) and waste.
 * The bin's last emptying — the reading before its last drop of at least `emptyingDrop` points
 * between consecutive fill readings, or its last pickup alarm, whichever is later, within the
 * look-back — is found by scanning its fill readings backwards from `at` (so a bin emptied a day
 * ago reads a day of readings), then only the readings since leave D1.
 */
export async function loadAlertInputs(db: D1Database, access: ReadAccess, q: AlertInputsQuery): Promise<AlertDeviceInputs[]> {
  const rule = visibleDevicesSql(access, "d", "t.code");
  let n = 9;
  const visible = rule.sql.replace(/\?/g, () => `?${++n}`);
  const wasteFrom = q.at - q.wasteLookbackDays * DAY_MS;
  const batteryFrom = q.at - q.batteryDays * DAY_MS;
  const plan = trendPlan(batteryFrom, q.at);
  // ?1 at, ?2 commune, ?3 waste look-back start (excluded), ?4 battery window start (excluded),
  // ?5 ?6 ?7 the battery TrendPlan, ?8 uplinks, ?9 drop; the visibility rule's values from ?10.
  const dev = "v.id";
  const sql = `WITH
    qfill AS MATERIALIZED (SELECT id, pow(10.0, decimals) AS scale FROM quantities WHERE key = 'level.fill'),
    qpick AS MATERIALIZED (SELECT id, pow(10.0, decimals) AS scale FROM quantities WHERE key = 'alarm.pickup'),
    qbin AS MATERIALIZED (SELECT id, key, pow(10.0, decimals) AS scale FROM quantities WHERE key IN ('level.fill', 'alarm.pickup')),
    qbat AS MATERIALIZED ${BATTERY_ROWS},
    qint AS MATERIALIZED (SELECT id, pow(10.0, decimals) AS scale FROM quantities WHERE key = 'device.interval'),
    v AS MATERIALIZED (
      SELECT d.id, d.dev_eui, d.name, d.commune, t.code AS territory, d.public, d.profile, d.codec, d.tags
      FROM devices d JOIN communes c ON c.insee = d.commune JOIN territories t ON t.id = c.territory_id
      WHERE (?2 IS NULL OR d.commune = ?2) AND ${visible}),
    -- The bin's last drop: the latest fill reading whose predecessor (over every fill row) was at least ?9 points higher.
    e AS MATERIALIZED (
      SELECT v.id,
        (SELECT max(x) FROM (SELECT (
          SELECT r.time FROM readings AS r
          WHERE r.device_id = ${dev} AND r.quantity_id = k.id AND r.time > ?3 AND r.time <= ?1
            AND ${latestSql(dev, "qfill", "?3", "r.time - 1", "value")} - r.value / k.scale >= ?9
          ORDER BY r.time DESC LIMIT 1) AS x FROM qfill AS k)) AS drop_at,
        (SELECT max(x) FROM (SELECT (
          SELECT r.time FROM readings AS r
          WHERE r.device_id = ${dev} AND r.quantity_id = k.id AND r.time > ?3 AND r.time <= ?1 AND r.value <> 0
          ORDER BY r.time DESC LIMIT 1) AS x FROM qpick AS k)) AS pickup_at
      FROM v),
    w AS MATERIALIZED (SELECT e.id, e.pickup_at, ${latestSql("e.id", "qfill", "?3", "e.drop_at - 1", "time")} AS before FROM e)
    SELECT v.*,
      (SELECT json_group_array(time) FROM (SELECT time FROM uplinks WHERE device_id = ${dev} AND time <= ?1 ORDER BY time DESC LIMIT ?8)) AS uplinks,
      ${latestSql(dev, "qint", "-9e15", "?1")} AS interval,
      ${trendSumsSql(dev, "qbat", { dayFrom: "?5", dayTo: "?6", ranges: "?7", origin: "?1" })} AS battery,
      ${latestSql(dev, "qbat", "?4", "?1")} AS battery_last,
      (SELECT json_group_array(json_array(r.time, r.value / q.scale, q.key)) FROM qbin AS q CROSS JOIN readings AS r
        WHERE r.device_id = ${dev} AND r.quantity_id = q.id AND r.time >= coalesce(max(w.before, w.pickup_at), w.before, w.pickup_at, ?3 + 1) AND r.time <= ?1) AS bin
    FROM v JOIN w ON w.id = v.id ORDER BY v.dev_eui`;
  const { results } = await d1(() =>
    db
      .prepare(sql)
      .bind(q.at, q.commune, wasteFrom, batteryFrom, plan.dayFrom, plan.dayTo, JSON.stringify(plan.ranges), q.uplinks, q.emptyingDrop, ...rule.params)
      .all<Row>(),
  );
  return results.map((r) => {
    const interval = r.interval === null ? null : (JSON.parse(r.interval) as [number, number]);
    return {
      device: {
        id: r.id,
        devEui: r.dev_eui,
        name: r.name,
        commune: r.commune,
        territory: r.territory,
        public: r.public === 1,
        profile: r.profile,
        codec: r.codec,
        tags: JSON.parse(r.tags) as Record<string, string>,
      },
      uplinkTimes: (JSON.parse(r.uplinks) as number[]).sort((a, b) => a - b),
      interval: interval === null ? null : { time: interval[0], value: interval[1] },
      battery: batteryFit(r.battery, r.battery_last),
      bin: (JSON.parse(r.bin) as [number, number, string][]).map(([time, value, key]) => ({ deviceId: r.id, key, time, value })),
    };
  });
}
