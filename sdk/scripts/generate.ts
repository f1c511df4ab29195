import { copyFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderAnswerTypes } from "./answer-types.ts";
import { renderOpenData } from "./open-data.ts";

/**
 * Writes the SDK's generated sources: answer types from the Worker's schemas, open-data datasets
 * from the Worker's definitions, profile types from codecs/profiles.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
writeFileSync(here("../src/api.generated.ts"), renderAnswerTypes());
writeFileSync(here("../src/open.generated.ts"), renderOpenData());
copyFileSync(here("../../codecs/src/types.generated.ts"), here("../src/profiles.generated.ts"));
console.log("sdk/src/api.generated.ts, sdk/src/open.generated.ts, sdk/src/profiles.generated.ts written");
