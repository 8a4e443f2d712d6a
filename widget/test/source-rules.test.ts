import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve("src"); // vitest runs from the widget folder
const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));

describe("source rules", () => {
  it.each(files)("%s builds no HTML from strings, touches no cookie and evaluates no code", (name) => {
    const code = readFileSync(join(SRC, name), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\.cookie\b|\beval\(|new Function|srcdoc/);
  });

  it("takes every visible string from strings.ts", () => {
    const view = readFileSync(join(SRC, "view.ts"), "utf8");
    // text children and labels go through t("…"); the only literal strings are class names,
    // attribute names and test ids.
    expect(view).not.toMatch(/"aria-label": "[A-Z]/);
    expect(view).not.toMatch(/title: "[A-Z]/);
  });
});
