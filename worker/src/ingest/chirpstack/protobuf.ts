import pb from "@chirpstack/chirpstack-api/integration/integration_pb.js";
import jspb from "google-protobuf";
import { bytesToBase64 } from "../encoding.ts";
import { malformed } from "../errors.ts";
import type { ChirpstackKind } from "./schema.ts";

/**
 * ChirpStack's protobuf bodies (integration `json=false`), read with @chirpstack/chirpstack-api
 * and rewritten into the proto3-JSON shape of the same event, so one schema validates both
 * encodings. Only the fields ingest uses are carried over.
 */

type Json = Record<string, unknown>;

/**
 * google-protobuf 3.21 reads a string field by looping over its declared length without looking
 * at the end of the buffer: a ten-byte body declaring a 4 GiB string (`0a ff ff ff ff 0f`), at the
 * top or inside any nested message (a tag of DeviceInfo, an rxInfo metadata entry), keeps the
 * isolate busy building a string until it runs out of CPU or memory. So before google-protobuf
 * reads a message — the event, then each nested message as the generated code reaches it (only
 * fields the schema declares as messages: strings and bytes stay opaque) — its fields are walked
 * and every length checked to fit inside it, as it does in any valid protobuf.
 */
function boundedReader(body: Uint8Array): jspb.BinaryReader {
  checkFields(body, 0, body.length);
  const reader = new jspb.BinaryReader(body);
  const readMessage = reader.readMessage;
  reader.readMessage = (message, read) => {
    const buffer = reader.getBuffer();
    const at = { i: reader.getCursor() };
    const length = varint(buffer, at, buffer.length);
    if (at.i + length > buffer.length) throw new Error(`nested message of ${length} bytes runs past the end of the body`);
    checkFields(buffer, at.i, at.i + length);
    return readMessage.call(reader, message, read);
  };
  return reader;
}

/** The fields of the message in bytes [from, to): every one well-formed and inside it. */
function checkFields(bytes: Uint8Array, from: number, to: number): void {
  const at = { i: from };
  while (at.i < to) {
    const wire = varint(bytes, at, to) % 8;
    if (wire === 0) varint(bytes, at, to);
    else if (wire === 1) at.i += 8;
    else if (wire === 5) at.i += 4;
    else if (wire === 2) {
      const length = varint(bytes, at, to);
      at.i += length;
    }
    // 3 and 4 (groups) are in no ChirpStack message, 6 and 7 in no protobuf.
    else throw new Error(`wire type ${wire} at byte ${at.i}`);
    if (at.i > to) throw new Error(`a field runs past the end of its message (byte ${to})`);
  }
}

function varint(bytes: Uint8Array, at: { i: number }, to: number): number {
  let value = 0;
  for (let shift = 0; shift < 70; shift += 7) {
    if (at.i >= to) throw new Error("truncated varint");
    const b = bytes[at.i++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return value;
  }
  throw new Error("varint longer than 10 bytes");
}

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
    const e = pb.UplinkEvent.deserializeBinaryFromReader(new pb.UplinkEvent(), boundedReader(body));
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
    const e = pb.JoinEvent.deserializeBinaryFromReader(new pb.JoinEvent(), boundedReader(body));
    return { deduplicationId: e.getDeduplicationId(), time: timestamp(e.getTime()), deviceInfo: deviceInfo(e.getDeviceInfo()), devAddr: e.getDevAddr() };
  },
  status(body) {
    const e = pb.StatusEvent.deserializeBinaryFromReader(new pb.StatusEvent(), boundedReader(body));
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
    const e = pb.AckEvent.deserializeBinaryFromReader(new pb.AckEvent(), boundedReader(body));
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
    const e = pb.TxAckEvent.deserializeBinaryFromReader(new pb.TxAckEvent(), boundedReader(body));
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
    const e = pb.LogEvent.deserializeBinaryFromReader(new pb.LogEvent(), boundedReader(body));
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
    const e = pb.LocationEvent.deserializeBinaryFromReader(new pb.LocationEvent(), boundedReader(body));
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
