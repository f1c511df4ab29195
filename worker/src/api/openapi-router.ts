/** The documented-route router of the admin API: http/openapi.ts `routes()` (one validation hook for every route). */
export { routes as openApiRouter } from "../http/openapi.ts";
