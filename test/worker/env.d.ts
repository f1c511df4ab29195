// Test-only bindings added by worker/vitest.config.ts.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Fixture files (test/worker/fixtures), base64 by "<dir>/<file>". */
    TEST_FIXTURES: Record<string, string>;
  }
}
