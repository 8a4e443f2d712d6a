/**
 * Installing the widget on a page: read the embedding tag, capture the page's HTTP globals
 * as they are now, define `window.Perceptron` (the only global) and boot once <body> exists.
 */

import { embedOptions, findScript } from "./embed";
import { Widget } from "./widget";

export interface PerceptronApi {
  open(): void;
  close(): void;
  /** Resolves true when the token was accepted and the visitor is now that contact. */
  identify(token: string): Promise<boolean>;
  /** Remove the widget and forget the visitor (a later open() or identify() starts afresh). */
  shutdown(): void;
}

export function install(win: Window & typeof globalThis, doc: Document, current: Element | null): PerceptronApi | null {
  const existing = (win as unknown as { Perceptron?: PerceptronApi }).Perceptron;
  if (existing) return existing; // the tag is on the page twice
  const options = embedOptions(findScript(doc, current), doc.baseURI || String(win.location?.href ?? ""));
  if (!options) {
    win.console?.warn?.("Perceptron: the widget <script> tag needs a data-key attribute");
    return null;
  }
  const realm = {
    fetch: win.fetch,
    AbortController: win.AbortController,
    TextDecoder: win.TextDecoder,
    XMLHttpRequest: win.XMLHttpRequest,
  };
  let widget: Widget | null = null;
  let pageViewTracked = false;
  let booting: Promise<Widget> | null = null;

  const boot = (): Promise<Widget> => {
    if (widget) return Promise.resolve(widget);
    booting ??= new Promise<Widget>((resolve) => {
      const create = () => {
        widget = new Widget({ ...options, win, doc, realm, trackPageView: !pageViewTracked });
        pageViewTracked = true;
        booting = null;
        resolve(widget);
      };
      if (doc.body) create();
      else doc.addEventListener("DOMContentLoaded", create, { once: true });
    });
    return booting;
  };
  const whenReady = (action: (widget: Widget) => void) =>
    void boot().then((widget) => widget.ready.then(() => action(widget)));

  const api: PerceptronApi = Object.freeze({
    open: () => whenReady((widget) => widget.open()),
    close: () => whenReady((widget) => widget.close()),
    identify: (token: string) => boot().then((widget) => widget.identify(token)),
    shutdown: () => {
      const current = widget;
      widget = null;
      current?.shutdown();
    },
  });
  Object.defineProperty(win, "Perceptron", { value: api, enumerable: true, configurable: true, writable: false });
  void boot();
  return api;
}

