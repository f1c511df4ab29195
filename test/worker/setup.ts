import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The schema under test is the migrations folder itself, applied to the real local D1.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
