#!/usr/bin/env node
// cigale-codec: the codec CLI for sensor integrators (`npx cigale-codec --help`).
// Runs on Node ≥ 22.18 (TypeScript type stripping); npm puts the repository's Node 22 on PATH.
import { main } from "./main.ts";
import { processIo } from "./process-io.ts";

process.exitCode = await main(process.argv.slice(2), processIo());
