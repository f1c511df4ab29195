-- Daily statistics of hourly means, per device × quantity × Europe/Paris local day, for the
-- indicators whose regulation builds a day out of hourly means: ATMO (the day's maximum hourly
-- mean of NO2, O3 and SO2, the mean of the hourly means of PM10 and PM2.5, at least 18 hours) and
-- Lden (energetic means of the hourly LAeq of 06–18, 18–22 and 22–06). Reading a year of either
-- from rollup_hour aggregates 8,760 rows per station and pollutant on every request; this table
-- holds the 365 that answer it (issue 9 §6).
--
-- Kept for the quantities those indicators read, chosen by unit so that a new pollutant or sound
-- level of a profile is covered without touching this file: concentrations (ug/m3) and levels (dB).
-- Maintained by triggers on rollup_hour, which the triggers on readings (migration 0006) change in
-- the transaction that writes the readings: each change of an hour recomputes its day from that
-- day's 23 to 25 rollup_hour rows (one short range seek), so a late, duplicate, re-decoded or
-- purged reading leaves the same figures as a rebuild. A recompute, not an increment, because the
-- maximum of the hourly means can fall when a reading joins or leaves its hour.
--
-- Units as in rollup_hour: means in stored units (÷ 10^quantities.decimals for real units); the
-- energies are Σ over hours of energy / count = Σ 10^(LAeq_h/10) over real dB, NULL for a
-- concentration. The 22–06 night of a noise day D is the 22–24 band of D and the 00–06 band of D+1.
CREATE TABLE rollup_day_hourly (
  device_id INTEGER NOT NULL,
  quantity_id INTEGER NOT NULL,
  day TEXT NOT NULL,                -- local date 'YYYY-MM-DD'
  hours INTEGER NOT NULL,           -- hours of the day with data
  mean_sum REAL NOT NULL,           -- Σ hourly means
  mean_min REAL NOT NULL,           -- smallest hourly mean
  mean_max REAL NOT NULL,           -- largest hourly mean
  hours_0006 INTEGER NOT NULL,     -- hours with data starting 00:00 … 05:00 local
  energy_0006 REAL,
  hours_0618 INTEGER NOT NULL,      -- 06:00 … 17:00
  energy_0618 REAL,
  hours_1822 INTEGER NOT NULL,      -- 18:00 … 21:00
  energy_1822 REAL,
  hours_2224 INTEGER NOT NULL,      -- 22:00 and 23:00
  energy_2224 REAL,
  PRIMARY KEY (device_id, quantity_id, day)
) WITHOUT ROWID;

-- The recompute of the day of an hour, written once: inserting (device_id, quantity_id, hour) into
-- this view runs it (SQLite triggers cannot share a body, nor use WITH; an INSTEAD OF trigger on a
-- view can be called from the three triggers on rollup_hour below). The day's row is deleted, then
-- inserted again from its hours (no row when none is left). The day of an hour: the offset in force
-- at it is that of the last paris_offsets row (migration 0006) with from_ms <= hour. The bounds of
-- a local day D (k below), from D's UTC midnight d0: Europe/Paris changes offset at 01:00 UTC, so
-- the offset at d0 − 2 h is that of D's local midnight and the offset at d0 + 22 h that of the rest
-- of the day after the change; D is [start_ms, end_ms) (23 or 25 hours at a change), its 06:00,
-- 18:00 and 22:00 local are at06, at18, at22: one range seek on rollup_hour, no per-hour lookup.
-- (LIMIT 1 keeps SQLite from flattening k into the join, which would evaluate its offset lookups
-- once per hour row instead of once.)
CREATE VIEW rollup_day_hourly_refresh AS SELECT device_id, quantity_id, hour FROM rollup_hour WHERE 0;

CREATE TRIGGER rollup_day_hourly_refresh INSTEAD OF INSERT ON rollup_day_hourly_refresh
BEGIN
  DELETE FROM rollup_day_hourly WHERE device_id = NEW.device_id AND quantity_id = NEW.quantity_id AND day = date((NEW.hour + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= NEW.hour ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch');
  INSERT INTO rollup_day_hourly
  SELECT h.device_id, h.quantity_id, k.day, count(*), total(h.sum / h.count), min(h.sum / h.count), max(h.sum / h.count),
    total(h.hour < k.at06), sum(CASE WHEN h.hour < k.at06 THEN h.energy / h.count END),
    total(h.hour >= k.at06 AND h.hour < k.at18), sum(CASE WHEN h.hour >= k.at06 AND h.hour < k.at18 THEN h.energy / h.count END),
    total(h.hour >= k.at18 AND h.hour < k.at22), sum(CASE WHEN h.hour >= k.at18 AND h.hour < k.at22 THEN h.energy / h.count END),
    total(h.hour >= k.at22), sum(CASE WHEN h.hour >= k.at22 THEN h.energy / h.count END)
  FROM (SELECT day, d0 - off_start AS start_ms, d0 + 86400000 - off_end AS end_ms,
          d0 + 21600000 - off_end AS at06, d0 + 64800000 - off_end AS at18, d0 + 79200000 - off_end AS at22
        FROM (SELECT day, d0, (SELECT offset_ms FROM paris_offsets WHERE from_ms <= d0 - 7200000 ORDER BY from_ms DESC LIMIT 1) AS off_start,
                (SELECT offset_ms FROM paris_offsets WHERE from_ms <= d0 + 79200000 ORDER BY from_ms DESC LIMIT 1) AS off_end
              FROM (SELECT day, unixepoch(day) * 1000 AS d0 FROM (SELECT date((NEW.hour + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= NEW.hour ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch') AS day)) LIMIT 1) LIMIT 1) AS k
  CROSS JOIN rollup_hour AS h
  WHERE h.device_id = NEW.device_id AND h.quantity_id = NEW.quantity_id AND h.hour >= k.start_ms AND h.hour < k.end_ms
  GROUP BY h.device_id, h.quantity_id, k.day;
END;

CREATE TRIGGER rollup_hour_daily_insert AFTER INSERT ON rollup_hour
WHEN (SELECT unit FROM quantities WHERE id = NEW.quantity_id) IN ('ug/m3', 'dB')
BEGIN
  INSERT INTO rollup_day_hourly_refresh VALUES (NEW.device_id, NEW.quantity_id, NEW.hour);
END;

CREATE TRIGGER rollup_hour_daily_update AFTER UPDATE ON rollup_hour
WHEN (SELECT unit FROM quantities WHERE id = NEW.quantity_id) IN ('ug/m3', 'dB')
BEGIN
  INSERT INTO rollup_day_hourly_refresh VALUES (NEW.device_id, NEW.quantity_id, NEW.hour);
END;

CREATE TRIGGER rollup_hour_daily_delete AFTER DELETE ON rollup_hour
WHEN (SELECT unit FROM quantities WHERE id = OLD.quantity_id) IN ('ug/m3', 'dB')
BEGIN
  INSERT INTO rollup_day_hourly_refresh VALUES (OLD.device_id, OLD.quantity_id, OLD.hour);
END;

-- The days of the hours already rolled up: each local day once, from any of its hours.
INSERT INTO rollup_day_hourly_refresh
SELECT device_id, quantity_id, min(hour) FROM rollup_hour
WHERE quantity_id IN (SELECT id FROM quantities WHERE unit IN ('ug/m3', 'dB'))
GROUP BY device_id, quantity_id,
  date((hour + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= hour ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch');
