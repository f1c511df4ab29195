-- Rollups: hourly and daily aggregates per device × quantity, kept forever (raw readings are kept
-- for a window only, DESIGN.md §4). Maintained inside the transaction that writes readings, by the
-- triggers below: they see exactly the rows SQLite really inserted, deleted or changed, so a
-- duplicate delivery (INSERT OR IGNORE turns it away), a late or an out-of-order uplink counts
-- once and in its own hour, and a re-decode or a purge corrects what it touches. Rebuild from
-- readings: worker/src/rollups/rebuild.ts (`npm run rollups:backfill`).
--
-- Units: count is a number of readings; sum, min and max are in the stored units of
-- readings.value (the real value × 10^quantities.decimals, worker/src/store/readings.ts);
-- worker/src/store/rollups.ts returns them in real units. energy = Σ 10^(L/10) over the real dB
-- values L (quantities whose unit is "dB"), NULL for every other quantity: the energetic mean of
-- a bucket is 10·log10(energy / count) (LAeq, Lden).

-- Hour = UTC epoch ms of the start of the hour [hour, hour + 1 h) holding the reading's time.
-- Europe/Paris offsets are whole hours, so a UTC hour is also one local hour of one local day.
CREATE TABLE rollup_hour (
  device_id INTEGER NOT NULL,
  quantity_id INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min NUMERIC NOT NULL,
  max NUMERIC NOT NULL,
  energy REAL,
  PRIMARY KEY (device_id, quantity_id, hour)
) WITHOUT ROWID;

-- Day = Europe/Paris local date 'YYYY-MM-DD' of the readings (23 h on the last Sunday of March,
-- 25 h on the last Sunday of October): the days of ATMO and Lden.
CREATE TABLE rollup_day (
  device_id INTEGER NOT NULL,
  quantity_id INTEGER NOT NULL,
  day TEXT NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min NUMERIC NOT NULL,
  max NUMERIC NOT NULL,
  energy REAL,
  PRIMARY KEY (device_id, quantity_id, day)
) WITHOUT ROWID;

-- The UTC instants at which Europe/Paris changes its offset from UTC, so that SQL (the triggers,
-- the rebuild) finds a time's local day with one index seek: the offset in force at time t is
-- that of the last row with from_ms <= t. Data, not code: if the EU rule changes, a migration
-- rewrites the rows. Generated here with SQLite's own calendar for the EU rule in force since
-- 1996 (summer time from the last Sunday of March to the last Sunday of October, changing at
-- 01:00 UTC); times before 1996 are taken as CET. test/worker/rollups/paris-day.test.ts checks
-- every row against the IANA zone (Intl).
CREATE TABLE paris_offsets (
  from_ms INTEGER PRIMARY KEY,
  offset_ms INTEGER NOT NULL
);
INSERT INTO paris_offsets (from_ms, offset_ms) VALUES (-8640000000000000, 3600000);
WITH RECURSIVE years (y) AS (SELECT 1996 UNION ALL SELECT y + 1 FROM years WHERE y < 2200)
INSERT INTO paris_offsets (from_ms, offset_ms)
SELECT (unixepoch(date(y || '-03-25', 'weekday 0')) + 3600) * 1000, 7200000 FROM years
UNION ALL
SELECT (unixepoch(date(y || '-10-25', 'weekday 0')) + 3600) * 1000, 3600000 FROM years;

-- The triggers. Each reading row changes its hour and its day in place:
--   insert: count + 1, sum + v, min/max widened, energy + 10^(L/10) (upsert of the bucket);
--   delete: count − 1, sum − v, energy − 10^(L/10); a bucket left empty is removed; min/max are
--           recomputed only when the deleted value was one of them (the hour from the readings of
--           that hour, the day from the rollup_hour rows of that day: both a short range seek);
--   update: the old row out, the new row in.
-- Writers must not use INSERT OR REPLACE on readings: SQLite fires no delete trigger for the row
-- a REPLACE removes (recursive_triggers is off), so the old value would stay counted. A value
-- that changes is written with ON CONFLICT DO UPDATE (store/readings.ts).
-- The repeated expressions: the hour of t is t − t % 3600000; the day of t is
--   date((t + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= t ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch');
-- the energy of a stored value v of quantity q is
--   (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, v / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = q).

CREATE TRIGGER readings_rollup_insert AFTER INSERT ON readings BEGIN
  INSERT INTO rollup_hour (device_id, quantity_id, hour, count, sum, min, max, energy)
  VALUES (NEW.device_id, NEW.quantity_id, NEW.time - NEW.time % 3600000, 1, NEW.value, NEW.value, NEW.value,
    (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, NEW.value / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = NEW.quantity_id))
  ON CONFLICT DO UPDATE SET count = count + 1, sum = sum + excluded.sum, min = min(min, excluded.min), max = max(max, excluded.max),
    energy = energy + excluded.energy;
  INSERT INTO rollup_day (device_id, quantity_id, day, count, sum, min, max, energy)
  VALUES (NEW.device_id, NEW.quantity_id,
    date((NEW.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= NEW.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch'),
    1, NEW.value, NEW.value, NEW.value,
    (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, NEW.value / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = NEW.quantity_id))
  ON CONFLICT DO UPDATE SET count = count + 1, sum = sum + excluded.sum, min = min(min, excluded.min), max = max(max, excluded.max),
    energy = energy + excluded.energy;
END;

CREATE TRIGGER readings_rollup_delete AFTER DELETE ON readings BEGIN
  UPDATE rollup_hour SET count = count - 1, sum = sum - OLD.value,
    energy = energy - (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, OLD.value / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = OLD.quantity_id)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND hour = OLD.time - OLD.time % 3600000;
  DELETE FROM rollup_hour
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND hour = OLD.time - OLD.time % 3600000 AND count <= 0;
  UPDATE rollup_hour SET
    min = (SELECT min(value) FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id
             AND time >= OLD.time - OLD.time % 3600000 AND time < OLD.time - OLD.time % 3600000 + 3600000),
    max = (SELECT max(value) FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id
             AND time >= OLD.time - OLD.time % 3600000 AND time < OLD.time - OLD.time % 3600000 + 3600000)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND hour = OLD.time - OLD.time % 3600000
    AND (min = OLD.value OR max = OLD.value);

  UPDATE rollup_day SET count = count - 1, sum = sum - OLD.value,
    energy = energy - (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, OLD.value / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = OLD.quantity_id)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id
    AND day = date((OLD.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= OLD.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch');
  DELETE FROM rollup_day
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND count <= 0
    AND day = date((OLD.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= OLD.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch');
  -- A local day lies within [its date 00:00 UTC − 2 h, its date 24:00 UTC − 1 h): its hours are
  -- the rollup_hour rows of that range whose own day is this one.
  UPDATE rollup_day SET
    min = (SELECT min(h.min) FROM rollup_hour h WHERE h.device_id = OLD.device_id AND h.quantity_id = OLD.quantity_id
             AND h.hour >= (unixepoch(rollup_day.day) - 7200) * 1000 AND h.hour < (unixepoch(rollup_day.day) + 86400) * 1000
             AND date((h.hour + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= h.hour ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch') = rollup_day.day),
    max = (SELECT max(h.max) FROM rollup_hour h WHERE h.device_id = OLD.device_id AND h.quantity_id = OLD.quantity_id
             AND h.hour >= (unixepoch(rollup_day.day) - 7200) * 1000 AND h.hour < (unixepoch(rollup_day.day) + 86400) * 1000
             AND date((h.hour + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= h.hour ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch') = rollup_day.day)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id
    AND day = date((OLD.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= OLD.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch')
    AND (min = OLD.value OR max = OLD.value);
END;

-- A changed value (ON CONFLICT DO UPDATE: a re-decode, an earlier uplink taking a reading over):
-- the old reading out, the new one in. SQLite cannot call one trigger from another, so the bodies
-- above are repeated here. An update that changes only the reading's uplink identity is skipped.
CREATE TRIGGER readings_rollup_update AFTER UPDATE ON readings
WHEN OLD.value IS NOT NEW.value OR OLD.time IS NOT NEW.time OR OLD.device_id IS NOT NEW.device_id OR OLD.quantity_id IS NOT NEW.quantity_id
BEGIN
  UPDATE rollup_hour SET count = count - 1, sum = sum - OLD.value,
    energy = energy - (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, OLD.value / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = OLD.quantity_id)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND hour = OLD.time - OLD.time % 3600000;
  DELETE FROM rollup_hour
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND hour = OLD.time - OLD.time % 3600000 AND count <= 0;
  UPDATE rollup_day SET count = count - 1, sum = sum - OLD.value,
    energy = energy - (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, OLD.value / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = OLD.quantity_id)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id
    AND day = date((OLD.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= OLD.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch');
  DELETE FROM rollup_day
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND count <= 0
    AND day = date((OLD.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= OLD.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch');

  INSERT INTO rollup_hour (device_id, quantity_id, hour, count, sum, min, max, energy)
  VALUES (NEW.device_id, NEW.quantity_id, NEW.time - NEW.time % 3600000, 1, NEW.value, NEW.value, NEW.value,
    (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, NEW.value / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = NEW.quantity_id))
  ON CONFLICT DO UPDATE SET count = count + 1, sum = sum + excluded.sum, min = min(min, excluded.min), max = max(max, excluded.max),
    energy = energy + excluded.energy;
  INSERT INTO rollup_day (device_id, quantity_id, day, count, sum, min, max, energy)
  VALUES (NEW.device_id, NEW.quantity_id,
    date((NEW.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= NEW.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch'),
    1, NEW.value, NEW.value, NEW.value,
    (SELECT CASE WHEN unit = 'dB' THEN pow(10.0, NEW.value / pow(10.0, decimals) / 10.0) END FROM quantities WHERE id = NEW.quantity_id))
  ON CONFLICT DO UPDATE SET count = count + 1, sum = sum + excluded.sum, min = min(min, excluded.min), max = max(max, excluded.max),
    energy = energy + excluded.energy;

  -- min/max of the old hour and day, once the new row is in (it may share the hour).
  UPDATE rollup_hour SET
    min = (SELECT min(value) FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id
             AND time >= OLD.time - OLD.time % 3600000 AND time < OLD.time - OLD.time % 3600000 + 3600000),
    max = (SELECT max(value) FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id
             AND time >= OLD.time - OLD.time % 3600000 AND time < OLD.time - OLD.time % 3600000 + 3600000)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND hour = OLD.time - OLD.time % 3600000
    AND (min = OLD.value OR max = OLD.value);
  UPDATE rollup_day SET
    min = (SELECT min(h.min) FROM rollup_hour h WHERE h.device_id = OLD.device_id AND h.quantity_id = OLD.quantity_id
             AND h.hour >= (unixepoch(rollup_day.day) - 7200) * 1000 AND h.hour < (unixepoch(rollup_day.day) + 86400) * 1000
             AND date((h.hour + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= h.hour ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch') = rollup_day.day),
    max = (SELECT max(h.max) FROM rollup_hour h WHERE h.device_id = OLD.device_id AND h.quantity_id = OLD.quantity_id
             AND h.hour >= (unixepoch(rollup_day.day) - 7200) * 1000 AND h.hour < (unixepoch(rollup_day.day) + 86400) * 1000
             AND date((h.hour + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= h.hour ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch') = rollup_day.day)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id
    AND day = date((OLD.time + (SELECT offset_ms FROM paris_offsets WHERE from_ms <= OLD.time ORDER BY from_ms DESC LIMIT 1)) / 1000, 'unixepoch')
    AND (min = OLD.value OR max = OLD.value);
END;
