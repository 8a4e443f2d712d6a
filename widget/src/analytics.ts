/**
 * Page activity for the operator's view of a visitor: page views, widget opens, messages
 * sent. Batched every few seconds, and flushed on page hide with a keepalive request (no
 * sendBeacon: it cannot carry the widget key header).
 */

import type { PageEvent, PageEventType } from "./types";

export interface PageActivityOptions {
  send(events: PageEvent[], keepalive: boolean): Promise<void>;
  win: Window;
  doc: Document;
  intervalMs?: number;
}

export class PageActivity {
  private queue: PageEvent[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly onHide = () => this.flush(true);
  private readonly onVisibility = () => {
    if (this.options.doc.visibilityState === "hidden") this.flush(true);
  };

  constructor(private readonly options: PageActivityOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flush(false), this.options.intervalMs ?? 5000);
    this.options.win.addEventListener("pagehide", this.onHide);
    this.options.doc.addEventListener("visibilitychange", this.onVisibility);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.options.win.removeEventListener("pagehide", this.onHide);
    this.options.doc.removeEventListener("visibilitychange", this.onVisibility);
  }

  track(type: PageEventType): void {
    const { win, doc } = this.options;
    this.queue.push({
      type,
      url: String(win.location?.href ?? ""),
      referrer: String(doc.referrer ?? ""),
      title: String(doc.title ?? ""),
      at: new Date().toISOString(),
    });
    if (this.queue.length >= 50) this.flush(false);
  }

  get pending(): readonly PageEvent[] {
    return this.queue;
  }

  flush(keepalive: boolean): Promise<void> {
    if (!this.queue.length) return Promise.resolve();
    const events = this.queue;
    this.queue = [];
    // Lost events are not worth retrying loops or errors in the visitor's console.
    return this.options.send(events, keepalive).catch(() => undefined);
  }
}
