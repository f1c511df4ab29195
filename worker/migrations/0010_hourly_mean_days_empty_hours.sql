-- The day recompute of migration 0007 without the hours whose readings are all gone. The readings
-- triggers (0006) take a deleted or moved reading out of its hour (count − 1) before they delete an
-- hour left at 0; the recompute fired by that update read the empty hour, whose mean is 0 / 0 (NULL
-- in SQLite): a day whose only hour it was failed on mean_min NOT NULL, which made the purge and
-- the re-decode of a concentration or sound-level device fail, and a day with other hours counted
-- the empty one until its delete recomputed the day again. Days already stored are right: every
-- transaction that passed ended with the hour deleted and its day recomputed without it.
DROP TRIGGER rollup_day_hourly_refresh;

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
  WHERE h.device_id = NEW.device_id AND h.quantity_id = NEW.quantity_id AND h.hour >= k.start_ms AND h.hour < k.end_ms AND h.count > 0
  GROUP BY h.device_id, h.quantity_id, k.day;
END;
