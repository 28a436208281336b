-- Job records in PostgreSQL through Orleans' ADO.NET grain storage (invariant Npgsql).
-- The provider reads its three statements from orleansquery when the silo starts and binds
-- @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
-- @GrainIdExtensionString, @ServiceId, @GrainStateVersion and @PayloadBinary; only the ones
-- that identify a record are used here, since the key columns are indexed as they are.
-- The silo runs this file once, under an advisory lock, when the tables are missing.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) PRIMARY KEY,
    querytext text        NOT NULL
);

-- One row per grain state. grainkey holds a string key, or the key extension of an integer or
-- GUID key ('' when there is none), so that the primary key needs no nullable column.
CREATE TABLE IF NOT EXISTS orleansstorage
(
    serviceid     text        NOT NULL,
    graintype     text        NOT NULL,
    grainidn0     bigint      NOT NULL,
    grainidn1     bigint      NOT NULL,
    grainkey      text        NOT NULL,
    payloadbinary bytea,
    version       integer     NOT NULL,
    modifiedon    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (serviceid, graintype, grainidn0, grainidn1, grainkey)
);

-- A read returns no row for a grain never written; the version is the grain's ETag.
INSERT INTO orleansquery (querykey, querytext) VALUES ('ReadFromStorageKey', '
SELECT payloadbinary, version
FROM orleansstorage
WHERE serviceid = @ServiceId AND graintype = @GrainTypeString
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND grainkey = coalesce(@GrainIdExtensionString, '''')
') ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- A write always answers one row: the new version when it took effect; otherwise the ETag the
-- grain sent (or NULL when it sent none), which the provider reports as a version conflict
-- (another activation wrote first).
INSERT INTO orleansquery (querykey, querytext) VALUES ('WriteToStorageKey', '
WITH updated AS (
    UPDATE orleansstorage
    SET payloadbinary = @PayloadBinary, version = version + 1, modifiedon = now()
    WHERE serviceid = @ServiceId AND graintype = @GrainTypeString
      AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
      AND grainkey = coalesce(@GrainIdExtensionString, '''')
      AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version),
inserted AS (
    INSERT INTO orleansstorage (serviceid, graintype, grainidn0, grainidn1, grainkey, payloadbinary, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''''), @PayloadBinary, 1
    WHERE CAST(@GrainStateVersion AS integer) IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT coalesce((SELECT version FROM updated), (SELECT version FROM inserted), CAST(@GrainStateVersion AS integer)) AS newgrainstateversion
') ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- Clearing keeps the row and its version history (the provider's default, DeleteStateOnClear
-- false) and answers like a write.
INSERT INTO orleansquery (querykey, querytext) VALUES ('ClearStorageKey', '
WITH cleared AS (
    UPDATE orleansstorage
    SET payloadbinary = NULL, version = version + 1, modifiedon = now()
    WHERE serviceid = @ServiceId AND graintype = @GrainTypeString
      AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
      AND grainkey = coalesce(@GrainIdExtensionString, '''')
      AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version)
SELECT coalesce((SELECT version FROM cleared), CAST(@GrainStateVersion AS integer)) AS newgrainstateversion
') ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
