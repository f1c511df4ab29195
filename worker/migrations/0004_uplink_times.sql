-- The time policy (worker/README.md, "Time"): beside `time`, the time the network server chose
-- (readings are dated from it), each uplink keeps the network server's own receive time and the
-- time the Worker received it. Null in rows stored before this migration.
ALTER TABLE uplinks ADD COLUMN ns_time INTEGER;       -- ChirpStack: earliest rxInfo[].nsTime; The Things Stack: uplink_message.received_at
ALTER TABLE uplinks ADD COLUMN received_at INTEGER;   -- when the Worker accepted the event
