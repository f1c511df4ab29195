/**
 * Prints a ChirpStack v4 `up` event (JSON) for a demo device, its payload encoded by the Cigale
 * codec from a reading — what a sensor in the field would send through ChirpStack.
 *   npx node worker/scripts/demo-uplink.ts [devEui] [fCnt] > worker/demo/chirpstack-up-env.json
 */
import { codec } from "../../codecs/src/node.ts";

const devEui = process.argv[2] ?? "0c1a1e0000000001";
const fCnt = Number(process.argv[3] ?? "1");
const time = new Date(Date.UTC(2026, 2, 14, 9, 30, 0));
const { bytes, fPort } = codec.encodeUplink("env", {
  air: { temperature: 14.2, relativeHumidity: 61.5, pressure: 1016.4, no2: 42, o3: 58, pm1: 6.3, pm2_5: 11.8, pm10: 19.4 },
  battery: 3.58,
} as never);

const event = {
  deduplicationId: "5d0c2a57-8f1e-4c3b-9a6d-2b7e1f0c4d88",
  time: time.toISOString().replace("Z", "000000+00:00"),
  deviceInfo: {
    tenantId: "0b7e1c44-4a1d-4d2f-8f55-3c1c6f0d9a10",
    tenantName: "Métropole Aix-Marseille-Provence",
    applicationId: "1f3a9c2e-7b64-4c1e-9d0a-5e2f8b7c6a41",
    applicationName: "cigale-env",
    deviceProfileId: "6c2d1e0f-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
    deviceProfileName: "cigale-env-eu868",
    deviceName: "env-cours-mirabeau",
    devEui,
    deviceClassEnabled: "CLASS_A",
    tags: {},
  },
  devAddr: "260b4c1d",
  adr: true,
  dr: 5,
  fCnt,
  fPort,
  confirmed: false,
  data: Buffer.from(bytes).toString("base64"),
  rxInfo: [
    {
      gatewayId: "0016c001f1530a01",
      uplinkId: 1804264011,
      nsTime: new Date(time.getTime() + 41).toISOString().replace("Z", "512000+00:00"),
      rssi: -97,
      snr: 7.5,
      channel: 1,
      context: "AAAAAA==",
      metadata: { region_config_id: "eu868", region_common_name: "EU868" },
      crcStatus: "CRC_OK",
    },
  ],
  txInfo: { frequency: 868300000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: "CR_4_5" } } },
  regionConfigId: "eu868",
};
console.log(JSON.stringify(event, null, 2));
