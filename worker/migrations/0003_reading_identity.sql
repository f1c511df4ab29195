-- Readings know their uplink, and a quantity's stored meaning never changes.
--
-- 1. Each reading carries the identity of the uplink that wrote it: that uplink's time, as an
--    offset from the reading's own time, and its frame counter. (device_id, time + uplink_lag,
--    uplink_f_cnt) is the key of the uplinks row. The offset is 0 for a one-sample frame, which
--    SQLite stores in no bytes at all; a buffered sample's offset is its age when sent.
--    Both are NULL for a reading a network-server status event wrote (DevStatusAns battery %).
--    Re-decoding an uplink replaces exactly the readings it wrote (worker/src/store/readings.ts).
-- 2. Two uplinks that decode to the same (device, quantity, time) — a sample the firmware resent
--    from its buffer, a frame replayed with another counter — are resolved by one rule, whatever
--    order they arrive in: the earliest uplink (by time, then frame counter) owns the reading
--    (worker/README.md, "Readings and their uplink").
-- 3. The uplink records the time span of the readings it decoded, so that finding them again
--    seeks the readings key instead of scanning the device.
-- 4. quantities: a key may have several rows over time. A change of unit, encoding, labels (other
--    than appending) or decimals retires the row and adds a new one with a new id: stored values
--    keep the row that says how to read them.

CREATE TABLE readings_v3 (
  device_id INTEGER NOT NULL,
  quantity_id INTEGER NOT NULL,
  time INTEGER NOT NULL,
  value NUMERIC NOT NULL,
  uplink_lag INTEGER,                   -- uplink time − reading time, ms; NULL: written by a status event
  uplink_f_cnt INTEGER,                 -- frame counter of the uplink that wrote it; NULL with uplink_lag
  PRIMARY KEY (device_id, quantity_id, time)
) WITHOUT ROWID;

-- Readings stored before this migration: those at an uplink's own time belong to that uplink (the
-- lowest frame counter if several); others (buffered samples, status events) keep no identity
-- until their uplink is decoded again.
INSERT INTO readings_v3 (device_id, quantity_id, time, value, uplink_lag, uplink_f_cnt)
SELECT r.device_id, r.quantity_id, r.time, r.value,
       CASE WHEN u.f_cnt IS NULL THEN NULL ELSE 0 END, u.f_cnt
FROM readings r
LEFT JOIN (SELECT device_id, time, min(f_cnt) AS f_cnt FROM uplinks GROUP BY device_id, time) u
  ON u.device_id = r.device_id AND u.time = r.time;

DROP TABLE readings;
ALTER TABLE readings_v3 RENAME TO readings;

ALTER TABLE uplinks ADD COLUMN readings_from INTEGER;   -- earliest reading time it decoded to; NULL: none
ALTER TABLE uplinks ADD COLUMN readings_to INTEGER;     -- latest reading time it decoded to

UPDATE uplinks SET readings_from = time, readings_to = time
WHERE EXISTS (SELECT 1 FROM readings r WHERE r.device_id = uplinks.device_id AND r.time = uplinks.time
                AND r.uplink_lag = 0 AND r.uplink_f_cnt = uplinks.f_cnt);

CREATE TABLE quantities_v3 (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,                    -- normalized key, "air.temperature"; one current row per key
  unit TEXT NOT NULL,                   -- UCUM
  encoding TEXT NOT NULL,               -- number | boolean (0/1) | enum (index in labels) | version (M·65536 + m·256 + p)
  labels TEXT,                          -- JSON array of enum labels, index = stored value; only ever appended to
  decimals INTEGER NOT NULL,            -- numbers are stored × 10^decimals
  retired_at INTEGER                    -- when a changed definition replaced this row (epoch ms); NULL: current
);
INSERT INTO quantities_v3 (id, key, unit, encoding, labels, decimals, retired_at)
SELECT id, key, unit, encoding, labels, decimals, NULL FROM quantities;
DROP TABLE quantities;
ALTER TABLE quantities_v3 RENAME TO quantities;
CREATE UNIQUE INDEX quantities_current ON quantities (key) WHERE retired_at IS NULL;
