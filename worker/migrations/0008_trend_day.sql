-- Least-squares sums of battery readings per device × quantity row × UTC day, so that the battery
-- trend of health and /v1/alerts (the least-squares slope of the `battery` readings of the 30 days
-- up to `at`, docs/indicators.md) reads a few sums per device instead of ~2,900 readings, with the
-- same result as over the readings themselves. With τ = time − the start of the 32-day block
-- (counted from 1970-01-01) holding the reading and v the stored value, Σx, Σx², Σxy for
-- x = (time − origin) / 86400000 follow from count, Σv, Στ, Στ², Στv summed over the days of a
-- block (store/alert-inputs.ts trendSql, trendSums); the partial days at both ends of a window
-- come from the readings. τ < 2.8·10^9 keeps τ² (< 7.7·10^18) an exact 64-bit integer. Maintained by the triggers
-- below in the transaction that writes the readings (as the rollups of 0006), for the `battery`
-- quantity rows only: the one quantity an indicator fits a line to over a long window. Rebuilt
-- from readings with the rollups (store/rollups.ts, `npm run rollups:backfill`).
--
-- day = UTC epoch ms of the day's start, time − time % 86400000 (as rollup_hour's hour).
CREATE TABLE trend_day (
  device_id INTEGER NOT NULL,
  quantity_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,                    -- Σ v, stored units
  t_sum REAL NOT NULL,                  -- Σ τ, τ = time % 2764800000 (ms into the 32-day block)
  t2_sum REAL NOT NULL,                 -- Σ τ²
  tv_sum REAL NOT NULL,                 -- Σ τ·v
  PRIMARY KEY (device_id, quantity_id, day)
) WITHOUT ROWID;

INSERT INTO trend_day (device_id, quantity_id, day, count, sum, t_sum, t2_sum, tv_sum)
SELECT r.device_id, r.quantity_id, r.time - r.time % 86400000, count(*), total(r.value),
       total(r.time % 2764800000), total((r.time % 2764800000) * (r.time % 2764800000)), total((r.time % 2764800000) * r.value)
FROM devices d CROSS JOIN quantities q CROSS JOIN readings r
WHERE q.key = 'battery' AND r.device_id = d.id AND r.quantity_id = q.id
GROUP BY r.device_id, r.quantity_id, r.time - r.time % 86400000;

CREATE TRIGGER readings_trend_insert AFTER INSERT ON readings
WHEN (SELECT key FROM quantities WHERE id = NEW.quantity_id) = 'battery'
BEGIN
  INSERT INTO trend_day (device_id, quantity_id, day, count, sum, t_sum, t2_sum, tv_sum)
  VALUES (NEW.device_id, NEW.quantity_id, NEW.time - NEW.time % 86400000, 1, NEW.value,
    NEW.time % 2764800000, (NEW.time % 2764800000) * (NEW.time % 2764800000), (NEW.time % 2764800000) * NEW.value)
  ON CONFLICT DO UPDATE SET count = count + 1, sum = sum + excluded.sum, t_sum = t_sum + excluded.t_sum,
    t2_sum = t2_sum + excluded.t2_sum, tv_sum = tv_sum + excluded.tv_sum;
END;

CREATE TRIGGER readings_trend_delete AFTER DELETE ON readings
WHEN (SELECT key FROM quantities WHERE id = OLD.quantity_id) = 'battery'
BEGIN
  UPDATE trend_day SET count = count - 1, sum = sum - OLD.value, t_sum = t_sum - OLD.time % 2764800000,
    t2_sum = t2_sum - (OLD.time % 2764800000) * (OLD.time % 2764800000), tv_sum = tv_sum - (OLD.time % 2764800000) * OLD.value
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND day = OLD.time - OLD.time % 86400000;
  DELETE FROM trend_day
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND day = OLD.time - OLD.time % 86400000 AND count <= 0;
END;

-- A changed value (ON CONFLICT DO UPDATE): the old reading out, the new one in.
CREATE TRIGGER readings_trend_update AFTER UPDATE ON readings
WHEN (OLD.value IS NOT NEW.value OR OLD.time IS NOT NEW.time OR OLD.device_id IS NOT NEW.device_id OR OLD.quantity_id IS NOT NEW.quantity_id)
  AND ((SELECT key FROM quantities WHERE id = OLD.quantity_id) = 'battery' OR (SELECT key FROM quantities WHERE id = NEW.quantity_id) = 'battery')
BEGIN
  UPDATE trend_day SET count = count - 1, sum = sum - OLD.value, t_sum = t_sum - OLD.time % 2764800000,
    t2_sum = t2_sum - (OLD.time % 2764800000) * (OLD.time % 2764800000), tv_sum = tv_sum - (OLD.time % 2764800000) * OLD.value
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND day = OLD.time - OLD.time % 86400000
    AND (SELECT key FROM quantities WHERE id = OLD.quantity_id) = 'battery';
  DELETE FROM trend_day
  WHERE device_id = OLD.device_id AND quantity_id = OLD.quantity_id AND day = OLD.time - OLD.time % 86400000 AND count <= 0;
  INSERT INTO trend_day (device_id, quantity_id, day, count, sum, t_sum, t2_sum, tv_sum)
  SELECT NEW.device_id, NEW.quantity_id, NEW.time - NEW.time % 86400000, 1, NEW.value,
    NEW.time % 2764800000, (NEW.time % 2764800000) * (NEW.time % 2764800000), (NEW.time % 2764800000) * NEW.value
  WHERE (SELECT key FROM quantities WHERE id = NEW.quantity_id) = 'battery'
  ON CONFLICT DO UPDATE SET count = count + 1, sum = sum + excluded.sum, t_sum = t_sum + excluded.t_sum,
    t2_sum = t2_sum + excluded.t2_sum, tv_sum = tv_sum + excluded.tv_sum;
END;
