/**
 * The commercial codecs Cigale decodes, keyed by The Things Network's codec id
 * (`vendor/elsys/ers-codec.yaml` → `elsys/ers-codec`). The registry stores this id on a device;
 * the engine number and the normalizer follow from it. Plain data: no decoding here.
 */
import * as P from "../../vendors/protocol.ts";

/** Families, one AssemblyScript file each under codecs/vendors/ (and one ChirpStack build each). */
export const VENDOR_FAMILIES = {
  elsys: P.FAMILY_ELSYS,
  milesight: P.FAMILY_MILESIGHT,
  decentlab: P.FAMILY_DECENTLAB,
  netvox: P.FAMILY_NETVOX,
  bosch: P.FAMILY_BOSCH,
  imbuildings: P.FAMILY_IMBUILDINGS,
  adeunis: P.FAMILY_ADEUNIS,
  sensative: P.FAMILY_SENSATIVE,
  dragino: P.FAMILY_DRAGINO,
  example: P.FAMILY_EXAMPLE,
} as const;

export type VendorFamily = keyof typeof VENDOR_FAMILIES;

export interface VendorCodecInfo {
  /** The Things Network codec id, `<vendor>/<codec-id>`. */
  readonly id: string;
  /** Engine codec number (codecs/vendors/protocol.ts). */
  readonly code: number;
  readonly family: VendorFamily;
  readonly vendor: string;
  readonly devices: readonly string[];
  /** What the device measures, for people choosing a codec. */
  readonly category: string;
  /** The vendor's decoder this one reproduces (TTN device repository path), for provenance. */
  readonly decoderFile: string;
  /** Downlink encoding and decoding is available. */
  readonly downlink: boolean;
  /** The fPort its downlinks go on. */
  readonly downlinkPort?: number;
}

function codec(
  id: string,
  code: number,
  family: VendorFamily,
  vendor: string,
  devices: readonly string[],
  category: string,
  decoderFile: string,
  downlinkPort?: number,
): VendorCodecInfo {
  return { id, code, family, vendor, devices, category, decoderFile, downlink: downlinkPort !== undefined, ...(downlinkPort !== undefined ? { downlinkPort } : {}) };
}

export const VENDOR_CODECS: readonly VendorCodecInfo[] = [
  codec("elsys/ers-codec", P.ELSYS_ERS, "elsys", "Elsys", ["ERS"], "temperature, humidity, light, motion", "vendor/elsys/elsys.js"),
  codec("elsys/ers-co2-codec", P.ELSYS_ERS_CO2, "elsys", "Elsys", ["ERS CO2"], "air quality (CO2), temperature, humidity, light, motion", "vendor/elsys/elsys.js"),
  codec("elsys/ers-sound-codec", P.ELSYS_ERS_SOUND, "elsys", "Elsys", ["ERS Sound"], "noise, temperature, humidity, light, motion", "vendor/elsys/elsys.js"),
  codec("elsys/elt-ultrasonic-codec", P.ELSYS_ELT_ULTRASONIC, "elsys", "Elsys", ["ELT Ultrasonic"], "fill level (ultrasonic distance)", "vendor/elsys/elsys.js"),
  codec("elsys/elt-2-codec", P.ELSYS_ELT_2, "elsys", "Elsys", ["ELT-2"], "external probes, temperature, humidity, pressure", "vendor/elsys/elsys.js"),
  codec("milesight-iot/em300-th-codec", P.MILESIGHT_EM300_TH, "milesight", "Milesight", ["EM300-TH"], "temperature, humidity", "vendor/milesight-iot/em300-th.js"),
  codec("milesight-iot/em300-zld-codec", P.MILESIGHT_EM300_ZLD, "milesight", "Milesight", ["EM300-ZLD"], "water leak", "vendor/milesight-iot/em300-zld.js"),
  codec("milesight-iot/em300-di-codec", P.MILESIGHT_EM300_DI, "milesight", "Milesight", ["EM300-DI"], "metering (pulse counter)", "vendor/milesight-iot/em300-di.js"),
  codec("milesight-iot/am307-codec", P.MILESIGHT_AM307, "milesight", "Milesight", ["AM307"], "air quality (CO2, TVOC), temperature, humidity, pressure, motion", "vendor/milesight-iot/am307l.js"),
  codec("milesight-iot/am319-codec", P.MILESIGHT_AM319, "milesight", "Milesight", ["AM319"], "air quality (CO2, PM, HCHO, O3, TVOC), temperature, humidity, pressure, motion", "vendor/milesight-iot/am319.js"),
  codec("milesight-iot/em310-udl-codec", P.MILESIGHT_EM310_UDL, "milesight", "Milesight", ["EM310-UDL"], "fill level (ultrasonic distance), tilt", "vendor/milesight-iot/em310-udl.js"),
  codec("milesight-iot/em500-udl-codec", P.MILESIGHT_EM500_UDL, "milesight", "Milesight", ["EM500-UDL"], "fill level (ultrasonic distance)", "vendor/milesight-iot/em500-udl.js"),
  codec("milesight-iot/em400-mud-codec", P.MILESIGHT_EM400_MUD, "milesight", "Milesight", ["EM400-MUD"], "fill level (ultrasonic distance), tilt, temperature", "vendor/milesight-iot/em400-mud.js"),
  codec("milesight-iot/ws202-codec", P.MILESIGHT_WS202, "milesight", "Milesight", ["WS202"], "occupancy (PIR), light", "vendor/milesight-iot/ws202.js"),
  codec("milesight-iot/vs133-codec", P.MILESIGHT_VS133, "milesight", "Milesight", ["VS133"], "people counting (line crossing)", "vendor/milesight-iot/vs133.js"),
  codec("milesight-iot/vs121-codec", P.MILESIGHT_VS121, "milesight", "Milesight", ["VS121"], "people counting (occupancy by region)", "vendor/milesight-iot/vs121.js"),
  codec("decentlab/dl-pm-codec", P.DECENTLAB_DL_PM, "decentlab", "Decentlab", ["DL-PM"], "air quality (PM), temperature, humidity, pressure", "vendor/decentlab/dl-pm.js", 1),
  codec("decentlab/dl-lp8p-codec", P.DECENTLAB_DL_LP8P, "decentlab", "Decentlab", ["DL-LP8P"], "air quality (CO2), temperature, humidity, pressure", "vendor/decentlab/dl-lp8p.js", 1),
  codec("decentlab/dl-mbx-codec", P.DECENTLAB_DL_MBX, "decentlab", "Decentlab", ["DL-MBX"], "fill level (ultrasonic distance)", "vendor/decentlab/dl-mbx.js", 1),
  codec("netvox/ra0715-codec", P.NETVOX_RA0715, "netvox", "Netvox", ["RA0715", "R72615", "RA0715Y"], "air quality (PM, gases, CO2, noise), weather", "vendor/netvox/payload/ra0715_r72615_ra0715y_r72615a.js", 7),
  codec("netvox/r718ab-codec", P.NETVOX_R718AB, "netvox", "Netvox", ["R718AB"], "temperature, humidity", "vendor/netvox/payload/r711_r718a_r718ab_r720a.js", 7),
  codec("netvox/r311w-codec", P.NETVOX_R311W, "netvox", "Netvox", ["R311W"], "water leak", "vendor/netvox/payload/r311w.js", 7),
  codec("bosch/tps110-0292-codec", P.BOSCH_TPS110, "bosch", "Bosch", ["TPS110 Parking Lot Sensor"], "parking", "vendor/bosch/tpl110-0292.js"),
  codec("imbuildings/imbuildings-codec", P.IMBUILDINGS_PEOPLE_COUNTER, "imbuildings", "IMBuildings", ["People Counter"], "people counting (bidirectional)", "vendor/imbuildings/imbuildings.js"),
  codec("adeunis/pulse-codec", P.ADEUNIS_PULSE, "adeunis", "Adeunis", ["Pulse 4"], "metering (pulse counter, history)", "vendor/adeunis/pulse_lib.js"),
  codec("sensative/strips-codec", P.SENSATIVE_STRIPS, "sensative", "Sensative", ["Strips"], "temperature, humidity, light, door, presence, flood", "vendor/sensative/strips.js"),
  codec("dragino/lht65-codec", P.DRAGINO_LHT65, "dragino", "Dragino", ["LHT65"], "temperature, humidity", "vendor/dragino/lht65.js"),
  codec("dragino/laq4-codec", P.DRAGINO_LAQ4, "dragino", "Dragino", ["LAQ4"], "air quality (CO2, TVOC), temperature, humidity", "vendor/dragino/laq4.js"),
  codec("example/windsensor-codec", P.EXAMPLE_WINDSENSOR, "example", "The Things Network (reference example)", ["Wind Sensor"], "wind", "vendor/example/windsensor.js", 2),
];

const byId: ReadonlyMap<string, VendorCodecInfo> = new Map(VENDOR_CODECS.map((c) => [c.id, c]));

/** The codec registered under `id`, or undefined. */
export function vendorCodec(id: string): VendorCodecInfo | undefined {
  return byId.get(id);
}

/** Every commercial codec, for listings (CLI `list`, the registry's device form). */
export function listVendorCodecs(): Array<Pick<VendorCodecInfo, "id" | "vendor" | "devices" | "category" | "downlink" | "downlinkPort">> {
  return VENDOR_CODECS.map(({ id, vendor, devices, category, downlink, downlinkPort }) => ({ id, vendor, devices: [...devices], category, downlink, ...(downlinkPort !== undefined ? { downlinkPort } : {}) }));
}
