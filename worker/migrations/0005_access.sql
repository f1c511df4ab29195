-- Access: admin keys scoped to a territory, read keys for the public API, and the audit trail of
-- every admin write. Times are integer epoch milliseconds (UTC); secrets are stored as SHA-256 only.

-- NULL: the key administers every territory (the bootstrap key, operators of the platform).
ALTER TABLE admin_keys ADD COLUMN territory_id INTEGER REFERENCES territories (id);

-- Read keys of the public API (`cig_read_…`): `read` sees public devices, `read:private` private
-- ones too; optionally limited to one territory or one commune.
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  hash BLOB NOT NULL UNIQUE,            -- SHA-256 of the key
  prefix TEXT NOT NULL,                 -- first characters, to recognise a key in listings
  scope TEXT NOT NULL CHECK (scope IN ('read', 'read:private')),
  territory_id INTEGER REFERENCES territories (id),
  commune TEXT REFERENCES communes (insee),
  created_by INTEGER REFERENCES admin_keys (id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  CHECK (territory_id IS NULL OR commune IS NULL)
);

-- One row per admin write, never updated: who (the admin key), what (action, target, details),
-- when. `territory_id` is the territory the write concerned (NULL: platform-wide), so that a
-- territory-scoped admin key reads its own territory's trail only.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  admin_key_id INTEGER REFERENCES admin_keys (id),
  admin_key_prefix TEXT NOT NULL,
  action TEXT NOT NULL,                 -- "device.purge", "api-key.create", …
  target TEXT,                          -- what it acted on: a DevEUI, an INSEE code, a key id
  territory_id INTEGER REFERENCES territories (id),
  details TEXT NOT NULL DEFAULT '{}'    -- JSON object
);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_time ON audit_log (at);
