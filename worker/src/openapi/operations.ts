import type { z } from "zod";
import { apiKeyCreate } from "../api/api-keys.ts";
import { auditQuery } from "../api/audit.ts";
import { communeListQuery } from "../api/communes.ts";
import { adminKeyCreate, credentialId, tokenCreate } from "../api/credentials.ts";
import { COLUMNS, importQuery } from "../api/device-import.ts";
import { deviceDeleteQuery, deviceListQuery, eventQuery, readingQuery, uplinkQuery } from "../api/devices.ts";
import { quarantineQuery, redecodeBody, spoolQuery, statusQuery } from "../api/ingest-ops.ts";
import { communeCreate, communePatch, deviceCreate, devicePatch, inseeCode, territoryCode, territoryCreate, territoryPatch } from "../api/schemas.ts";
import { devEuiParam } from "../api/validate.ts";
import { alertQuery } from "../api/alerts.ts";
import { indicatorQuery } from "../api/indicator-scope.ts";
import { INDICATOR_SUMMARIES } from "../api/indicators.ts";
import { chirpstackQuery } from "../ingest/chirpstack/parse.ts";

/**
 * Every route of the app, as the OpenAPI document describes it: path (OpenAPI form), method,
 * summary, credential, success status and the statuses only this route answers. Request schemas
 * are the zod schemas the handlers validate with; document.ts turns them into JSON Schema and
 * adds the statuses that follow from the rest (a body: 400/413/415, a query: 400, a path
 * parameter: 404, a credential: 401/403/503).
 */

export type Security = "public" | "ingestToken" | "adminKey";

/** A request body the route reads: a zod schema (JSON), or a named component or media type described in words. */
export type Body =
  | { kind: "json"; schema: z.ZodType }
  | { kind: "chirpstack" }
  | { kind: "ttn" }
  | { kind: "csv"; description: string };

export interface Operation {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  security: Security;
  /** Path parameters by name (each `{name}` in `path`). */
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: Body;
  ok: 200 | 201 | 202 | 204;
  /** Statuses this route answers beyond the derived ones (409 conflicts, 404 of a lookup). */
  also?: readonly number[];
}

const territory = { code: territoryCode };
const commune = { insee: inseeCode };
const device = { devEui: devEuiParam };
const credential = { id: credentialId };
const json = (schema: z.ZodType): Body => ({ kind: "json", schema });

export const OPERATIONS: readonly Operation[] = [
  { method: "get", path: "/v1/health", summary: "Liveness: the Worker answers", security: "public", ok: 200 },
  { method: "get", path: "/v1/openapi.json", summary: "This document", security: "public", ok: 200 },

  {
    method: "post",
    path: "/v1/ingest/chirpstack",
    summary: "ChirpStack v4 HTTP integration event (proto3 JSON or protobuf), queued for storage",
    security: "ingestToken",
    query: chirpstackQuery,
    body: { kind: "chirpstack" },
    ok: 202,
  },
  {
    method: "post",
    path: "/v1/ingest/ttn",
    summary: "The Things Stack v3 webhook message (uplink_message → up, join_accept → join), queued for storage; other message types and simulated uplinks are answered ignored",
    security: "ingestToken",
    body: { kind: "ttn" },
    ok: 202,
  },

  { method: "post", path: "/v1/admin/territories", summary: "Create a territory", security: "adminKey", body: json(territoryCreate), ok: 201, also: [409] },
  { method: "get", path: "/v1/admin/territories", summary: "List territories", security: "adminKey", ok: 200 },
  { method: "get", path: "/v1/admin/territories/{code}", summary: "One territory", security: "adminKey", params: territory, ok: 200 },
  { method: "patch", path: "/v1/admin/territories/{code}", summary: "Rename a territory", security: "adminKey", params: territory, body: json(territoryPatch), ok: 200 },
  {
    method: "delete",
    path: "/v1/admin/territories/{code}",
    summary: "Delete a territory without communes or active ingest tokens",
    security: "adminKey",
    params: territory,
    ok: 204,
    also: [409],
  },

  { method: "post", path: "/v1/admin/communes", summary: "Create a commune in an existing territory", security: "adminKey", body: json(communeCreate), ok: 201, also: [409] },
  { method: "get", path: "/v1/admin/communes", summary: "List communes, of one territory with ?territory=", security: "adminKey", query: communeListQuery, ok: 200 },
  { method: "get", path: "/v1/admin/communes/{insee}", summary: "One commune", security: "adminKey", params: commune, ok: 200 },
  { method: "patch", path: "/v1/admin/communes/{insee}", summary: "Rename a commune or move it to another territory", security: "adminKey", params: commune, body: json(communePatch), ok: 200 },
  {
    method: "delete",
    path: "/v1/admin/communes/{insee}",
    summary: "Delete a commune without devices or active ingest tokens",
    security: "adminKey",
    params: commune,
    ok: 204,
    also: [409],
  },

  { method: "post", path: "/v1/admin/devices", summary: "Register a device (a profile or a commercial codec)", security: "adminKey", body: json(deviceCreate), ok: 201, also: [409] },
  { method: "get", path: "/v1/admin/devices", summary: "One page of devices; `next` is the `after` of the next page", security: "adminKey", query: deviceListQuery, ok: 200 },
  {
    method: "post",
    path: "/v1/admin/devices/import",
    summary: "Register devices from a CSV file; answers a per-line report (?dryRun=true checks only)",
    security: "adminKey",
    query: importQuery,
    body: { kind: "csv", description: `A header line naming any of ${COLUMNS.join(", ")} (devEui, name and commune required), one device per line; tags are written key=value;key=value.` },
    ok: 200,
  },
  { method: "get", path: "/v1/admin/devices/{devEui}", summary: "One device with its state", security: "adminKey", params: device, ok: 200 },
  { method: "patch", path: "/v1/admin/devices/{devEui}", summary: "Change a device; setting one decoder clears the other", security: "adminKey", params: device, body: json(devicePatch), ok: 200 },
  {
    method: "delete",
    path: "/v1/admin/devices/{devEui}",
    summary: "Delete a device; one with stored data only with ?purge=true",
    security: "adminKey",
    params: device,
    query: deviceDeleteQuery,
    ok: 200,
    also: [409],
  },
  { method: "get", path: "/v1/admin/devices/{devEui}/uplinks", summary: "Stored raw uplinks, oldest first, one page", security: "adminKey", params: device, query: uplinkQuery, ok: 200 },
  { method: "get", path: "/v1/admin/devices/{devEui}/readings", summary: "Stored readings, values decoded, with their unit", security: "adminKey", params: device, query: readingQuery, ok: 200 },
  { method: "get", path: "/v1/admin/devices/{devEui}/events", summary: "Stored device events (join, status, ack, txack, log, location)", security: "adminKey", params: device, query: eventQuery, ok: 200 },

  {
    method: "post",
    path: "/v1/admin/ingest-tokens",
    summary: "Create an ingest token scoped to a territory or a commune; the token is in this answer only",
    security: "adminKey",
    body: json(tokenCreate),
    ok: 201,
  },
  { method: "get", path: "/v1/admin/ingest-tokens", summary: "List ingest tokens (never the secret)", security: "adminKey", ok: 200 },
  { method: "delete", path: "/v1/admin/ingest-tokens/{id}", summary: "Revoke an ingest token", security: "adminKey", params: credential, ok: 200 },
  { method: "post", path: "/v1/admin/admin-keys", summary: "Create an admin key; the key is in this answer only", security: "adminKey", body: json(adminKeyCreate), ok: 201 },
  { method: "get", path: "/v1/admin/admin-keys", summary: "List admin keys (never the secret)", security: "adminKey", ok: 200 },
  { method: "delete", path: "/v1/admin/admin-keys/{id}", summary: "Revoke an admin key; the last active one cannot be", security: "adminKey", params: credential, ok: 200, also: [409] },
  // Defined with createRoute in api/api-keys.ts and api/audit.ts; listed here until the document is built from the routes.
  { method: "post", path: "/v1/admin/api-keys", summary: "Create a read key for the public API; the key is in this answer only", security: "adminKey", body: json(apiKeyCreate), ok: 201 },
  { method: "get", path: "/v1/admin/api-keys", summary: "List read keys (never the secret)", security: "adminKey", ok: 200 },
  { method: "delete", path: "/v1/admin/api-keys/{id}", summary: "Revoke a read key", security: "adminKey", params: credential, ok: 200 },
  { method: "get", path: "/v1/admin/audit", summary: "The audit trail of admin writes, newest first", security: "adminKey", query: auditQuery, ok: 200 },

  { method: "get", path: "/v1/admin/ingest/status", summary: "What is still on its way to D1: queue backlog, spool (?count=true adds stored counts)", security: "adminKey", query: statusQuery, ok: 200 },
  { method: "get", path: "/v1/admin/quarantine", summary: "Quarantined events with their reason, one page", security: "adminKey", query: quarantineQuery, ok: 200 },
  {
    method: "post",
    path: "/v1/admin/redecode",
    summary: "Process quarantined events again, or decode stored uplinks again; one page per call",
    security: "adminKey",
    body: json(redecodeBody),
    ok: 200,
  },
  { method: "get", path: "/v1/admin/spool", summary: "Entries of the ingest fallback (R2 spool)", security: "adminKey", query: spoolQuery, ok: 200 },
  { method: "post", path: "/v1/admin/spool/drain", summary: "Replay the spool into D1 now", security: "adminKey", ok: 200 },
  { method: "get", path: "/v1/admin/quantities", summary: "The quantity table: id, key, unit, encoding, labels, decimals", security: "adminKey", ok: 200 },

  // Public read side (worker/src/api/indicators.ts, alerts.ts): OpenAPIHono routes, listed here until the table retires.
  ...Object.entries(INDICATOR_SUMMARIES).map(
    ([name, summary]): Operation => ({ method: "get", path: `/v1/indicators/${name}`, summary, security: "public", query: indicatorQuery, ok: 200, also: name === "meters" ? [403, 404] : [404] }),
  ),
  { method: "get", path: "/v1/alerts", summary: "Alerts: bins to collect, suspected leaks, offline devices, batteries to replace", security: "public", query: alertQuery, ok: 200, also: [404] },
];
