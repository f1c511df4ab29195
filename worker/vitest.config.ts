import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";

/**
 * The Worker's suites (test/worker/**) run inside workerd with the bindings of wrangler.toml:
 * a real local D1 (migrations applied by test/worker/setup.ts) and a local R2 bucket.
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
      },
    }),
  ],
  resolve: { alias: [{ find: /^google-protobuf\//, replacement: `${googleProtobuf}/` }] },
  test: {
    name: "worker",
    root,
    include: ["test/worker/**/*.test.ts"],
    setupFiles: ["test/worker/setup.ts"],
    testTimeout: 30_000,
  },
}));
