// Prints the raw and gzipped size of the JavaScript the dashboard loads first, and fails
// above the budget (250 KB gzipped).
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET = 250 * 1024;
const assets = new URL("../dist/assets/", import.meta.url);
let files;
try {
  files = readdirSync(assets).filter((name) => name.endsWith(".js"));
} catch {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(1);
}
let raw = 0;
let gzipped = 0;
for (const name of files) {
  const code = readFileSync(new URL(name, assets));
  raw += code.length;
  gzipped += gzipSync(code, { level: 9 }).length;
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`dashboard JavaScript: ${kb(raw)} raw, ${kb(gzipped)} gzipped (budget ${kb(BUDGET)})`);
if (gzipped > BUDGET) {
  console.error("over budget");
  process.exit(1);
}
