-- The state of each device × quantity pair with readings (a SensorThings Datastream): how many
-- readings it holds, the times of its first and last reading and the last reading's stored value.
-- SensorThings (open/sta/store.ts) reads its Datastreams, their phenomenonTime, their latest
-- Observation and the `$count` of Observations from these ~1 000 rows instead of two primary-key
-- seeks per pair into the readings and a pass over rollup_day. Maintained by the triggers below in
-- the transaction that writes the readings (as the rollups of 0006): they see only the rows SQLite
-- really inserted, deleted or changed, so a duplicate counts once, a late reading moves only the
-- bound it passes, and a re-decode or a purge corrects what it touches. Rebuilt from readings with
-- the rollups (store/rollups.ts, `npm run rollups:backfill`).
CREATE TABLE stream_state (
  device_id INTEGER NOT NULL,
  quantity_id INTEGER NOT NULL,
  count INTEGER NOT NULL,
  first_time INTEGER NOT NULL,
  last_time INTEGER NOT NULL,
  last_value NUMERIC NOT NULL,          -- stored units (readings.value)
  PRIMARY KEY (device_id, quantity_id)
) WITHOUT ROWID;

-- Backfill: one pass over the readings key grouped by pair, then a backward seek per pair for the
-- last value.
INSERT INTO stream_state (device_id, quantity_id, count, first_time, last_time, last_value)
SELECT g.device_id, g.quantity_id, g.n, g.first_time, g.last_time,
       (SELECT value FROM readings WHERE device_id = g.device_id AND quantity_id = g.quantity_id AND time = g.last_time)
FROM (SELECT device_id, quantity_id, count(*) AS n, min(time) AS first_time, max(time) AS last_time FROM readings GROUP BY device_id, quantity_id) g;

-- insert: count + 1, bounds widened; the value is the last one when its time is not before the
-- last (in an upsert every SET expression reads the row as it was).
-- delete: count − 1; a pair left empty is removed; a deleted bound is found again in the readings
-- (the trigger runs after the row is gone: one seek, forward for the first, backward for the last).
-- update: the old row out, the new one in (the bodies repeated: a trigger cannot call another).
-- Writers never use INSERT OR REPLACE on readings (0006): a REPLACE fires no delete trigger.
CREATE TRIGGER readings_stream_insert AFTER INSERT ON readings BEGIN
  INSERT INTO stream_state (device_id, quantity_id, count, first_time, last_time, last_value)
  VALUES (NEW.device_id, NEW.quantity_id, 1, NEW.time, NEW.time, NEW.value)
  ON CONFLICT DO UPDATE SET count = count + 1, first_time = min(first_time, excluded.first_time),
    last_time = max(last_time, excluded.last_time),
    last_value = CASE WHEN excluded.last_time >= last_time THEN excluded.last_value ELSE last_value END;
END;

CREATE TRIGGER readings_stream_delete AFTER DELETE ON readings BEGIN
  UPDATE stream_state SET count = count - 1 WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id;
  DELETE FROM stream_state WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND count <= 0;
  UPDATE stream_state SET
    first_time = (SELECT time FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id ORDER BY time LIMIT 1)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND first_time = OLD.time;
  UPDATE stream_state SET
    last_time = (SELECT time FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id ORDER BY time DESC LIMIT 1),
    last_value = (SELECT value FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id ORDER BY time DESC LIMIT 1)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND last_time = OLD.time;
END;

-- After an update the readings already hold the new row: a bound found again may be the new row
-- itself, which the insert part then leaves as it is (same time, same value).
CREATE TRIGGER readings_stream_update AFTER UPDATE ON readings
WHEN OLD.value IS NOT NEW.value OR OLD.time IS NOT NEW.time OR OLD.device_id IS NOT NEW.device_id OR OLD.quantity_id IS NOT NEW.quantity_id
BEGIN
  UPDATE stream_state SET count = count - 1 WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id;
  DELETE FROM stream_state WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND count <= 0;
  UPDATE stream_state SET
    first_time = (SELECT time FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id ORDER BY time LIMIT 1)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND first_time = OLD.time;
  UPDATE stream_state SET
    last_time = (SELECT time FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id ORDER BY time DESC LIMIT 1),
    last_value = (SELECT value FROM readings WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id ORDER BY time DESC LIMIT 1)
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND last_time = OLD.time;
  INSERT INTO stream_state (device_id, quantity_id, count, first_time, last_time, last_value)
  VALUES (NEW.device_id, NEW.quantity_id, 1, NEW.time, NEW.time, NEW.value)
  ON CONFLICT DO UPDATE SET count = count + 1, first_time = min(first_time, excluded.first_time),
    last_time = max(last_time, excluded.last_time),
    last_value = CASE WHEN excluded.last_time >= last_time THEN excluded.last_value ELSE last_value END;
END;
