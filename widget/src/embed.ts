/** Reading the embedding <script> tag: which organization (data-key) and which API. */

import type { WidgetConfig } from "./types";

export interface EmbedOptions {
  key: string;
  api: string;
  /** The folder widget.js came from: the voice bundle is loaded from there. */
  assets: string;
  /** data-preview: settings to show instead of the saved ones (the dashboard's live preview):
   * the panel opens at once, nothing is stored and no page events are sent. */
  preview?: Partial<WidgetConfig>;
}

/** The widget's own script: document.currentScript, or the script[data-key] loading widget.js. */
export function findScript(doc: Document, current: Element | null): HTMLScriptElement | null {
  if (current && current.tagName === "SCRIPT" && current.hasAttribute("data-key")) {
    return current as HTMLScriptElement;
  }
  const scripts = Array.from(doc.querySelectorAll<HTMLScriptElement>("script[data-key]"));
  return (
    scripts.find((script) => {
      try {
        return new URL(script.src, doc.baseURI).pathname.endsWith("/widget.js");
      } catch {
        return false;
      }
    }) ?? null
  );
}

/** data-key, and the API base: data-api when given, else the origin the script came from. */
export function embedOptions(script: HTMLScriptElement | null, pageUrl: string): EmbedOptions | null {
  const key = script?.getAttribute("data-key")?.trim();
  if (!script || !key) return null;
  const override = script.getAttribute("data-api")?.trim();
  let api: string;
  let assets: string;
  try {
    const src = new URL(script.getAttribute("src") || pageUrl, pageUrl);
    api = override ? new URL(override, pageUrl).href : src.origin;
    assets = new URL(".", src).href;
  } catch {
    return null;
  }
  const options: EmbedOptions = { key, api: api.replace(/\/+$/, ""), assets };
  const preview = script.getAttribute("data-preview");
  if (preview) {
    try {
      const parsed: unknown = JSON.parse(preview);
      if (parsed && typeof parsed === "object") options.preview = parsed as Partial<WidgetConfig>;
    } catch {
      options.preview = {};
    }
  }
  return options;
}
