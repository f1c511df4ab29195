import { defineConfig } from "vitest/config";

/**
 * Test projects by room. Node-side suites (codecs, CLI, QuickJS scripts) run in Node 22; the
 * Worker's suites run inside workerd with a real local D1 (worker/vitest.config.ts); the platform
 * suite starts the local platform as the README does.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "codecs",
          include: ["test/codecs/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
        },
      },
      {
        // The firmware WASM in Node (firmware/src/device.ts), and its Cortex-M4 build in QEMU.
        test: {
          name: "firmware",
          include: ["test/firmware/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
        },
      },
      "worker/vitest.config.ts",
      {
        // The indicators' pure functions (worker/src/indicators): hand-computed cases, no Worker needed.
        test: {
          name: "indicators",
          include: ["test/indicators/**/*.test.ts"],
          environment: "node",
          env: { TZ: "UTC" },
        },
      },
      {
        // The whole local platform as the README runs it: npm run dev (wrangler dev), then curl.
        test: {
          name: "platform",
          include: ["test/platform/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
        },
      },
    ],
  },
});
