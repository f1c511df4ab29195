import pb from "@chirpstack/chirpstack-api/integration/integration_pb.js";
import { bytesToBase64 } from "../encoding.ts";
import { malformed } from "../errors.ts";
import type { ChirpstackKind } from "./schema.ts";

/**
 * ChirpStack's protobuf bodies (integration `json=false`), read with @chirpstack/chirpstack-api
 * and rewritten into the proto3-JSON shape of the same event, so one schema validates both
 * encodings. Only the fields ingest uses are carried over.
 */

type Json = Record<string, unknown>;

interface PbTimestamp {
  getSeconds(): number;
  getNanos(): number;
}

/** google.protobuf.Timestamp → RFC 3339 with nanoseconds, as ChirpStack's JSON writes it. */
function timestamp(ts: PbTimestamp | undefined): string | undefined {
  if (!ts) return undefined;
  const whole = new Date(ts.getSeconds() * 1000).toISOString().slice(0, 19);
  return `${whole}.${String(ts.getNanos()).padStart(9, "0")}+00:00`;
}

function deviceInfo(info: pb.DeviceInfo | undefined): Json | undefined {
  if (!info) return undefined;
  return {
    devEui: info.getDevEui(),
    deviceName: info.getDeviceName(),
    applicationId: info.getApplicationId(),
    tags: Object.fromEntries(info.getTagsMap().toArray()),
  };
}

function enumName(map: object, value: number): string {
  return Object.entries(map).find(([, v]) => v === value)?.[0] ?? String(value);
}

const DECODERS: Record<ChirpstackKind, (body: Uint8Array) => Json> = {
  up(body) {
    const e = pb.UplinkEvent.deserializeBinary(body);
    return {
      deduplicationId: e.getDeduplicationId(),
      time: timestamp(e.getTime()),
      deviceInfo: deviceInfo(e.getDeviceInfo()),
      devAddr: e.getDevAddr(),
      dr: e.getDr(),
      fCnt: e.getFCnt(),
      fPort: e.getFPort(),
      confirmed: e.getConfirmed(),
      data: bytesToBase64(e.getData_asU8()),
      rxInfo: e.getRxInfoList().map((r) => ({
        gatewayId: r.getGatewayId(),
        rssi: r.getRssi(),
        // float32 on the wire: 9.25 survives, 9.3 comes back as 9.300000190734863.
        snr: Math.round(r.getSnr() * 100) / 100,
        gwTime: timestamp(r.getGwTime()),
        nsTime: timestamp(r.getNsTime()),
      })),
    };
  },
  join(body) {
    const e = pb.JoinEvent.deserializeBinary(body);
    return { deduplicationId: e.getDeduplicationId(), time: timestamp(e.getTime()), deviceInfo: deviceInfo(e.getDeviceInfo()), devAddr: e.getDevAddr() };
  },
  status(body) {
    const e = pb.StatusEvent.deserializeBinary(body);
    return {
      deduplicationId: e.getDeduplicationId(),
      time: timestamp(e.getTime()),
      deviceInfo: deviceInfo(e.getDeviceInfo()),
      margin: e.getMargin(),
      externalPowerSource: e.getExternalPowerSource(),
      batteryLevelUnavailable: e.getBatteryLevelUnavailable(),
      batteryLevel: Math.round(e.getBatteryLevel() * 100) / 100,
    };
  },
  ack(body) {
    const e = pb.AckEvent.deserializeBinary(body);
    return {
      deduplicationId: e.getDeduplicationId(),
      time: timestamp(e.getTime()),
      deviceInfo: deviceInfo(e.getDeviceInfo()),
      queueItemId: e.getQueueItemId(),
      acknowledged: e.getAcknowledged(),
      fCntDown: e.getFCntDown(),
    };
  },
  txack(body) {
    const e = pb.TxAckEvent.deserializeBinary(body);
    const tx = e.getTxInfo();
    return {
      downlinkId: e.getDownlinkId(),
      time: timestamp(e.getTime()),
      deviceInfo: deviceInfo(e.getDeviceInfo()),
      queueItemId: e.getQueueItemId(),
      fCntDown: e.getFCntDown(),
      gatewayId: e.getGatewayId(),
      txInfo: tx ? { frequency: tx.getFrequency(), power: tx.getPower() } : undefined,
    };
  },
  log(body) {
    const e = pb.LogEvent.deserializeBinary(body);
    return {
      time: timestamp(e.getTime()),
      deviceInfo: deviceInfo(e.getDeviceInfo()),
      level: enumName(pb.LogLevel, e.getLevel()),
      code: enumName(pb.LogCode, e.getCode()),
      description: e.getDescription(),
      context: Object.fromEntries(e.getContextMap().toArray()),
    };
  },
  location(body) {
    const e = pb.LocationEvent.deserializeBinary(body);
    const l = e.getLocation();
    return {
      deduplicationId: e.getDeduplicationId(),
      time: timestamp(e.getTime()),
      deviceInfo: deviceInfo(e.getDeviceInfo()),
      location: l
        ? { latitude: l.getLatitude(), longitude: l.getLongitude(), altitude: l.getAltitude(), source: locationSource(l.getSource()), accuracy: l.getAccuracy() }
        : undefined,
    };
  },
};

const LOCATION_SOURCES = ["UNKNOWN", "GPS", "CONFIG", "GEO_RESOLVER_TDOA", "GEO_RESOLVER_RSSI", "GEO_RESOLVER_GNSS", "GEO_RESOLVER_WIFI"];

function locationSource(value: number): string {
  return LOCATION_SOURCES[value] ?? String(value);
}

const MESSAGE_NAMES: Record<ChirpstackKind, string> = {
  up: "UplinkEvent",
  join: "JoinEvent",
  status: "StatusEvent",
  ack: "AckEvent",
  txack: "TxAckEvent",
  log: "LogEvent",
  location: "LocationEvent",
};

/** Decodes a protobuf body of event `kind` into its proto3-JSON shape, or throws a 400. */
export function protobufToJson(kind: ChirpstackKind, body: Uint8Array): Json {
  if (body.byteLength === 0) throw malformed("EMPTY_BODY", `body is empty: send the ${MESSAGE_NAMES[kind]} as protobuf`);
  let json: Json;
  try {
    json = DECODERS[kind](body);
  } catch {
    // google-protobuf only says "Assertion failed": name the message we expected instead.
    throw malformed(
      "INVALID_PROTOBUF",
      `body is not a protobuf integration.${MESSAGE_NAMES[kind]} (event=${kind}): check the event type and that the integration encoding is Protobuf`,
    );
  }
  // Protobuf is lenient: stray bytes can parse as unknown fields. Every ChirpStack event has deviceInfo.
  if (json["deviceInfo"] === undefined) {
    throw malformed(
      "INVALID_PROTOBUF",
      `body parsed as protobuf but has no deviceInfo, so it is not an integration.${MESSAGE_NAMES[kind]} (event=${kind}): check the event type and the integration encoding`,
    );
  }
  return json;
}
