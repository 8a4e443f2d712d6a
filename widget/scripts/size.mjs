// Prints the raw and gzipped size of dist/widget.js and fails above the 30 KB gzip budget.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET = 30 * 1024;
const file = new URL("../dist/widget.js", import.meta.url);
let code;
try {
  code = readFileSync(file);
} catch {
  console.error("dist/widget.js is missing: run `npm run build` first");
  process.exit(1);
}
const gzipped = gzipSync(code, { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`dist/widget.js: ${kb(code.length)} raw, ${kb(gzipped)} gzipped (budget ${kb(BUDGET)})`);
if (gzipped > BUDGET) {
  console.error("over budget");
  process.exit(1);
}
