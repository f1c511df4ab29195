import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("health", async () => {
    const r = await exports.default.fetch("http://x/v1/health");
    expect(await r.json()).toEqual({ status: "ok" });
    const t = await env.DB.prepare("SELECT count(*) AS n FROM quantities").first<{ n: number }>();
    expect(t?.n).toBe(0);
  });
});
