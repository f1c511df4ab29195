import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";

/**
 * The Worker's suites (test/worker/**) run inside workerd with the bindings of wrangler.toml:
 * a real local D1 (migrations applied by test/worker/setup.ts), the local ingest queues (their
 * consumer is the Worker's own queue handler, in the tests' isolate) and a local R2 bucket.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const fixturesDir = join(root, "test/worker/fixtures");

/** Network-server fixtures (ChirpStack and The Things Stack event bodies), base64 by file name. */
function readFixtures(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of readdirSync(fixturesDir)) {
    for (const file of readdirSync(join(fixturesDir, dir))) out[`${dir}/${file}`] = readFileSync(join(fixturesDir, dir, file)).toString("base64");
  }
  return out;
}

// Tests build protobuf bodies with google-protobuf's Timestamp; it is a dependency of the worker package.
const googleProtobuf = dirname(createRequire(join(root, "worker/package.json")).resolve("google-protobuf/package.json"));

export default defineProject(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: join(root, "wrangler.toml") },
      miniflare: {
        bindings: {
          // Tests run with production settings (no dev credentials) unless a test says otherwise.
          CIGALE_ENV: "production",
          TEST_MIGRATIONS: await readD1Migrations(join(root, "worker/migrations")),
          TEST_FIXTURES: readFixtures(),
        },
        // The queues of wrangler.toml, run by the local queue broker with the same batch size and
        // dead-letter queue, but test timing: a batch waits 50 ms (not 1 s) and a retry none
        // (not 30 s), so that a message is dead-lettered after its 4th attempt within a second.
        queueConsumers: {
          "cigale-ingest": { maxBatchSize: 50, maxBatchTimeout: 0.05, maxRetries: 3, retryDelay: 0, deadLetterQueue: "cigale-ingest-dlq" },
          "cigale-ingest-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 3, retryDelay: 0 },
        },
      },
    }),
  ],
  resolve: { alias: [{ find: /^google-protobuf\//, replacement: `${googleProtobuf}/` }] },
  test: {
    name: "worker",
    root,
    include: ["test/worker/**/*.test.ts"],
    setupFiles: ["test/worker/setup.ts"],
    testTimeout: 120_000,
  },
}));
