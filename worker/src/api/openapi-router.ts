import { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import type { AppEnv } from "../http/types.ts";
import { RequestError } from "./errors.ts";

function problems(error: z.ZodError): string {
  const list = error.issues.slice(0, 5).map((i) => {
    const path = i.path.map(String).join(".");
    return path ? `${path}: ${i.message}` : i.message;
  });
  return list.join("; ") + (error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : "");
}

const WHAT = { json: "body", query: "query", param: "path", header: "headers", cookie: "cookies", form: "form" } as const;

/**
 * An OpenAPIHono router whose validation failures are the API's one error shape
 * (`{"error":{"code","message"}}`, 400 INVALID_REQUEST naming each bad field; 404 INVALID_PATH for
 * a path parameter, as the rest of the admin API answers).
 */
export function openApiRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const where = WHAT[result.target as keyof typeof WHAT] ?? result.target;
      if (result.target === "param") throw new RequestError("INVALID_PATH", `${where}: ${problems(result.error)}`, 404);
      throw new RequestError("INVALID_REQUEST", `${where} is invalid — ${problems(result.error)}`);
    },
  });
}
