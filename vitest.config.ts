import { defineConfig } from "vitest/config";

/**
 * Test projects by room. Node-side suites (codecs, CLI, QuickJS scripts) run in Node 22; the
 * Worker's suites run inside workerd with a real local D1 (worker/vitest.config.ts).
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
      "worker/vitest.config.ts",
    ],
  },
});
