// @vitest-environment-options {"url": "http://localhost:3000/shop/page.html", "settings": {"disableJavaScriptFileLoading": true, "disableCSSFileLoading": true, "enableIframePageLoading": true}}
import { resolve } from "node:path";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { embedOptions, findScript } from "../src/embed";
import { startLocalApi, waitFor } from "./local-api";

let api: Awaited<ReturnType<typeof startLocalApi>>;
let bundle: string;

beforeAll(async () => {
  api = await startLocalApi();
  const result = await build({
    entryPoints: [resolve("src/index.ts")], // vitest runs from the widget folder
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2019",
    write: false,
  });
  bundle = result.outputFiles[0]!.text;
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 50)); // let shutdown flushes land
  await api.close();
});

afterEach(() => {
  (window as unknown as { Perceptron?: { shutdown(): void } }).Perceptron?.shutdown();
  delete (window as unknown as { Perceptron?: unknown }).Perceptron;
  document.body.replaceChildren();
  document.head.replaceChildren();
  localStorage.clear();
});

function addTag(attributes: Record<string, string>): HTMLScriptElement {
  const script = document.createElement("script");
  script.type = "text/plain"; // a marker only: the test runs the bundle itself
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  document.head.appendChild(script);
  return script;
}

function runBundle(): void {
  new Function(bundle)();
}

describe("embedding", () => {
  it("finds its own tag and derives the API from the script's origin", () => {
    const other = addTag({ src: "https://cdn.example/analytics.js", "data-key": "nope" });
    const tag = addTag({ src: "https://widget.example:8443/static/widget.js?v=3", "data-key": "pk_live_1" });
    expect(findScript(document, null)).toBe(tag);
    expect(findScript(document, other)).toBe(other); // currentScript wins when it has data-key
    expect(embedOptions(tag, location.href)).toEqual({
      key: "pk_live_1",
      api: "https://widget.example:8443",
      assets: "https://widget.example:8443/static/",
    });
  });

  it("lets data-api override the API base, the voice bundle still coming from beside widget.js", () => {
    const tag = addTag({ src: "https://cdn.example/widget.js", "data-key": "pk_1", "data-api": "https://api.example/perceptron/" });
    expect(embedOptions(tag, location.href)).toEqual({
      key: "pk_1",
      api: "https://api.example/perceptron",
      assets: "https://cdn.example/",
    });
  });

  it("refuses a tag without data-key", () => {
    const tag = addTag({ src: "https://cdn.example/widget.js" });
    expect(embedOptions(tag, location.href)).toBeNull();
    expect(findScript(document, null)).toBeNull();
  });
});

describe("the built bundle on a page", () => {
  it("adds window.Perceptron and no other global", async () => {
    addTag({ src: `${api.url}/widget.js`, "data-key": "pk_test" });
    const windowBefore = new Set(Object.getOwnPropertyNames(window));
    const globalBefore = new Set(Object.getOwnPropertyNames(globalThis));
    runBundle();
    await waitFor(() => api.received.some((r) => r.path === "/api/widget/config"));
    const addedToWindow = Object.getOwnPropertyNames(window).filter((name) => !windowBefore.has(name));
    const addedToGlobal = Object.getOwnPropertyNames(globalThis).filter((name) => !globalBefore.has(name));
    expect(addedToWindow).toEqual(["Perceptron"]);
    expect(addedToGlobal.filter((name) => name !== "Perceptron")).toEqual([]);
    const perceptron = (window as unknown as { Perceptron: Record<string, unknown> }).Perceptron;
    expect(Object.keys(perceptron).sort()).toEqual(["close", "identify", "open", "shutdown"]);
    expect(Object.isFrozen(perceptron)).toBe(true);
    expect(document.cookie).toBe("");
  });

  it("uses a pristine fetch even when the page replaced window.fetch before loading it", async () => {
    const pageFetch = vi.fn(() => Promise.reject(new Error("hijacked")));
    const original = window.fetch;
    window.fetch = pageFetch as unknown as typeof fetch;
    try {
      addTag({ src: `${api.url}/widget.js`, "data-key": "pk_pristine" });
      const count = api.received.length;
      runBundle();
      await waitFor(() => api.received.slice(count).some((r) => r.path === "/api/widget/config"));
      const config = api.received.slice(count).find((r) => r.path === "/api/widget/config")!;
      expect(config.headers["x-perceptron-key"]).toBe("pk_pristine");
      expect(pageFetch).not.toHaveBeenCalled();
      // the settings from the server were applied (so the response came back through it)
      const host = document.querySelector("perceptron-widget")!;
      await waitFor(() => !host.hasAttribute("data-loading"));
      const root = host.shadowRoot!.querySelector(".root")!;
      expect(root.classList.contains("left")).toBe(true);
      expect(host.shadowRoot!.querySelector(".title")!.textContent).toBe("Local Org");
    } finally {
      window.fetch = original;
    }
  });

  it("records one page view per page load, flushed with keepalive on page hide", async () => {
    addTag({ src: `${api.url}/widget.js`, "data-key": "pk_views" });
    const count = api.received.length;
    runBundle();
    const host = document.querySelector("perceptron-widget")!;
    await waitFor(() => !host.hasAttribute("data-loading"));
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(() =>
      api.received.slice(count).some((r) => r.path === "/api/widget/events" && r.headers["x-perceptron-key"] === "pk_views"),
    );
    const sent = api.received
      .slice(count)
      .filter((r) => r.path === "/api/widget/events" && r.headers["x-perceptron-key"] === "pk_views");
    const events = sent.flatMap((r) => JSON.parse(r.body).events as { type: string; url: string }[]);
    expect(events.filter((e) => e.type === "page_view")).toHaveLength(1);
    expect(events[0]!.url).toBe("http://localhost:3000/shop/page.html");
    expect(sent[0]!.headers["x-perceptron-key"]).toBe("pk_views");
  });

  it("shows data-preview settings open, without asking the API or sending page events", async () => {
    localStorage.setItem("perceptron:pk_preview:visitor", "a-visitor-of-another-page");
    const preview = { organization_name: "Lumen", greeting: "Preview hello", color: "#0f766e", position: "left", pre_chat: "required" };
    addTag({ src: `${api.url}/widget.js`, "data-key": "pk_preview", "data-preview": JSON.stringify(preview) });
    const count = api.received.length;
    runBundle();
    const host = document.querySelector("perceptron-widget")!;
    await waitFor(() => !host.hasAttribute("data-loading"));
    const shadow = host.shadowRoot!;
    expect(shadow.querySelector(".title")!.textContent).toBe("Lumen");
    expect(shadow.querySelector(".root")!.classList.contains("left")).toBe(true);
    await waitFor(() => (shadow.querySelector('[data-testid="panel"]') as HTMLElement | null)?.hidden === false);
    expect(shadow.querySelector('[data-testid="prechat"]')).not.toBeNull(); // required: not skipped by a stored visitor
    window.dispatchEvent(new Event("pagehide"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.received.slice(count).filter((r) => r.headers["x-perceptron-key"] === "pk_preview")).toEqual([]);
  });

  it("does not install twice when the tag is on the page twice", async () => {
    addTag({ src: `${api.url}/widget.js`, "data-key": "pk_twice" });
    runBundle();
    const host = document.querySelector("perceptron-widget")!;
    await waitFor(() => !host.hasAttribute("data-loading"));
    const first = (window as unknown as { Perceptron: unknown }).Perceptron;
    runBundle();
    expect((window as unknown as { Perceptron: unknown }).Perceptron).toBe(first);
    expect(document.querySelectorAll("perceptron-widget")).toHaveLength(1);
  });
});
