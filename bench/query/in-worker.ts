/**
 * The benchmark's Worker: runs one query of queries.ts (or a SensorThings request) inside workerd,
 * against the D1 binding the product's Worker gets, and answers its result as JSON. Timing it from
 * Node (workerd.ts) measures what a route's D1 work costs in the runtime, without the platform
 * proxy's hop from Node to workerd, which adds a round trip and a serialisation per row that no
 * deployed Worker pays.
 */
import { staAnswer } from "../../worker/src/open/sta/routes.ts";
import * as Q from "./queries.ts";

export type QueryName = { [K in keyof typeof Q]: (typeof Q)[K] extends (c: Q.Context) => Promise<unknown> ? K : never }[keyof typeof Q];

export type BenchRequest = { query: QueryName; context: Omit<Q.Context, "db"> } | { sta: string } | { sql: string };

export default {
  async fetch(request: Request, env: { DB: D1Database }): Promise<Response> {
    const body = (await request.json()) as BenchRequest;
    if ("sql" in body) return Response.json(await env.DB.prepare(body.sql).first());
    if ("sta" in body) {
      const answer = await staAnswer(env.DB, new URL(body.sta, "http://bench.test"));
      return Response.json(answer.body, { status: answer.status });
    }
    const query = Q[body.query] as (c: Q.Context) => Promise<unknown>;
    return Response.json(await query({ ...body.context, db: env.DB }));
  },
};
