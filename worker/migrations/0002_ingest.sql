-- Ingest: raw uplinks (kept forever for re-decoding), compact readings, device state and events,
-- quarantine. Hot tables carry no foreign keys (one lookup less per row); the registry API
-- refuses to delete a device that still has data unless asked to purge it.

-- Quantity ids replace key strings in readings. Ids are assigned here, once, and never change;
-- the Worker adds keys that appear in codecs/profiles/quantities.ts later (worker/src/store/quantities.ts).
CREATE TABLE quantities (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,             -- normalized key, "air.temperature"
  unit TEXT NOT NULL,                   -- UCUM
  encoding TEXT NOT NULL,               -- how value is stored: number | boolean (0/1) | enum (index in labels) | version (M·65536 + m·256 + p)
  labels TEXT,                          -- JSON array of enum labels, index = stored value
  decimals INTEGER NOT NULL             -- numbers are stored × 10^decimals (21.35 °C → 2135: 2 bytes, not an 8-byte REAL); never changes once set
);

-- Every accepted uplink of a registered device, decodable again from payload + f_port.
-- The key makes a redelivered uplink (same device, time and frame counter) a no-op.
CREATE TABLE uplinks (
  device_id INTEGER NOT NULL,
  time INTEGER NOT NULL,                -- network time of the uplink
  f_cnt INTEGER NOT NULL,
  f_port INTEGER NOT NULL,
  payload BLOB NOT NULL,                -- FRMPayload as received
  dedup_id BLOB,                        -- ChirpStack deduplicationId / TTS as:up ULID, 16 bytes
  rssi INTEGER,                         -- best gateway, dBm
  snr_cdb INTEGER,                      -- best gateway SNR in hundredths of a dB (9.25 dB → 925): 2 bytes instead of an 8-byte REAL
  dr INTEGER,                           -- LoRaWAN data rate index
  gateways INTEGER NOT NULL,            -- gateways that heard it
  source INTEGER NOT NULL,              -- 1 ChirpStack, 2 The Things Stack
  decode INTEGER NOT NULL,              -- 0 decoded, 1 failed, 2 partly (see note), 3 no application payload
  note TEXT,                            -- why decoding failed or what was left out
  PRIMARY KEY (device_id, time, f_cnt)
) WITHOUT ROWID;

-- One stored value: about 20 bytes on disk. value = reading × 10^quantities.decimals, so that it is
-- integral, and NUMERIC affinity stores an integral value as a 1-3 byte integer (a REAL column
-- would keep 8 bytes in this WITHOUT ROWID table); a non-integral value stays an exact REAL.
CREATE TABLE readings (
  device_id INTEGER NOT NULL,
  quantity_id INTEGER NOT NULL,
  time INTEGER NOT NULL,
  value NUMERIC NOT NULL,
  PRIMARY KEY (device_id, quantity_id, time)
) WITHOUT ROWID;

-- What an operator checks first: when a device was last heard and how it is doing.
CREATE TABLE device_state (
  device_id INTEGER PRIMARY KEY,
  last_seen_at INTEGER,
  f_cnt INTEGER,
  f_port INTEGER,
  rssi INTEGER,
  snr REAL,
  dr INTEGER,
  battery REAL,                         -- volts, from the device's own frames
  firmware TEXT,
  battery_level REAL,                   -- %, from LoRaWAN DevStatusAns (status events)
  margin INTEGER,                       -- dB, demodulation margin (status events)
  external_power INTEGER,
  status_at INTEGER,
  dev_addr TEXT,
  joined_at INTEGER,
  location_at INTEGER,                  -- last network-resolved position (location events)
  location_latitude REAL,
  location_longitude REAL,
  location_altitude REAL,
  location_accuracy REAL,
  location_source TEXT
);

-- Join, status, log, ack, txack and location events, one row each, as the network server sent them.
CREATE TABLE device_events (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,                   -- join | status | log | ack | txack | location
  event_key TEXT NOT NULL,              -- what makes a redelivery a duplicate (deduplicationId, downlinkId, …)
  level TEXT,                           -- log events: INFO | WARNING | ERROR
  code TEXT,                            -- log events: UPLINK_CODEC, OTAA, …
  detail TEXT NOT NULL,                 -- JSON: the fields of the event
  UNIQUE (device_id, kind, event_key)
);
CREATE INDEX device_events_by_time ON device_events (device_id, time);

-- Events that could not be attributed: unknown device, device outside the token's scope.
-- The normalized event is kept whole so POST /v1/admin/redecode can process it again.
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  event_key TEXT NOT NULL UNIQUE,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL,                 -- chirpstack | ttn
  kind TEXT NOT NULL,
  dev_eui TEXT NOT NULL,
  time INTEGER NOT NULL,
  reason_code TEXT NOT NULL,
  reason TEXT NOT NULL,
  token_id INTEGER,
  event TEXT NOT NULL,
  resolved_at INTEGER,
  resolution TEXT
);
CREATE INDEX quarantine_open ON quarantine (resolved_at, id);
