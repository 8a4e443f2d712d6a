// Prints the raw and gzipped size of the built scripts and fails above their gzip budgets:
// 30 KB for dist/widget.js, which every page loads; the voice bundle, loaded only when a
// visitor presses the microphone, has a budget of its own.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGETS = {
  "widget.js": 30 * 1024,
  "voice.js": 12 * 1024,
  "voice-worklet.js": 2 * 1024,
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
let over = false;
for (const [name, budget] of Object.entries(BUDGETS)) {
  let code;
  try {
    code = readFileSync(new URL(`../dist/${name}`, import.meta.url));
  } catch {
    console.error(`dist/${name} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`dist/${name}: ${kb(code.length)} raw, ${kb(gzipped)} gzipped (budget ${kb(budget)})`);
  if (gzipped > budget) {
    console.error(`dist/${name} is over budget`);
    over = true;
  }
}
if (over) process.exit(1);
