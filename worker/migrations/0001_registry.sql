-- Tenancy and credentials: territory → commune → device; scoped ingest tokens; admin keys.
-- Times are integer epoch milliseconds (UTC). Secrets are never stored: only their SHA-256.

CREATE TABLE territories (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,            -- stable slug used in URLs and token scopes ("amp")
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE communes (
  insee TEXT PRIMARY KEY,               -- INSEE code of the commune (COG), e.g. 13001 Aix-en-Provence
  name TEXT NOT NULL,
  territory_id INTEGER NOT NULL REFERENCES territories (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX communes_by_territory ON communes (territory_id);

CREATE TABLE devices (
  id INTEGER PRIMARY KEY AUTOINCREMENT, -- compact id used by uplinks and readings; never reused after a purge
  dev_eui TEXT NOT NULL UNIQUE,         -- 16 lowercase hex digits
  name TEXT NOT NULL,
  commune TEXT NOT NULL REFERENCES communes (insee),
  profile TEXT,                         -- own Cigale profile id (codecs/profiles) …
  codec TEXT,                           -- … or commercial codec id ("elsys/ers"): exactly one of the two
  latitude REAL,
  longitude REAL,
  installed_at INTEGER,
  public INTEGER NOT NULL DEFAULT 0,    -- 1: its readings may reach open data
  tags TEXT NOT NULL DEFAULT '{}',      -- JSON object of string values
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((profile IS NULL) <> (codec IS NULL))
);
CREATE INDEX devices_by_commune ON devices (commune);

-- One per network-server application; scoped to a territory or to one commune.
CREATE TABLE ingest_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  hash BLOB NOT NULL UNIQUE,            -- SHA-256 of the token
  prefix TEXT NOT NULL,                 -- first characters, to recognise a token in listings
  territory_id INTEGER REFERENCES territories (id),
  commune TEXT REFERENCES communes (insee),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  CHECK ((territory_id IS NULL) <> (commune IS NULL))
);

CREATE TABLE admin_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  hash BLOB NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
