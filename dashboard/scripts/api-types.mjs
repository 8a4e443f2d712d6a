// Generates src/api/schema.d.ts from the API's OpenAPI document, produced offline by
// `python -m api.openapi_spec` (no server needed). With --check it writes nothing and fails
// when the committed file differs from what the current API would generate (stale types).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const root = fileURLToPath(new URL("../..", import.meta.url));
const target = fileURLToPath(new URL("../src/api/schema.d.ts", import.meta.url));
const venvPython = `${root}.venv/bin/python`;
const python = process.env.PYTHON ?? (existsSync(venvPython) ? venvPython : "python3");

const spec = execFileSync(python, ["-m", "api.openapi_spec"], {
  cwd: root,
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
  env: { ...process.env, PERCEPTRON_LOG_LEVEL: "WARNING" },
});
const header =
  "// Generated from the API's OpenAPI document by `npm run api:types`. Do not edit:\n" +
  "// change the API, then regenerate. `make dashboard-check` fails when this is stale.\n\n";
const generated = header + astToString(await openapiTS(JSON.parse(spec)));

if (process.argv.includes("--check")) {
  const current = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (current !== generated) {
    console.error(
      "dashboard/src/api/schema.d.ts is stale: the API's OpenAPI document changed.\n" +
        "Run `npm run api:types` in dashboard/ and commit the result.",
    );
    process.exit(1);
  }
  console.log("dashboard/src/api/schema.d.ts matches the API");
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
