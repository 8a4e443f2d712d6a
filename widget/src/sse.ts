/**
 * Server-sent events: an incremental parser (text chunks may split anywhere, even between
 * "\r" and "\n") and a client that keeps one conversation's stream open through network
 * loss, resuming with Last-Event-ID and dropping events it has already delivered.
 */

import type { Http, StreamHandle } from "./transport";
import type { ConversationEvent } from "./types";

export interface SseMessage {
  /** The `id:` field of this message, when it had one. */
  id: string | null;
  event: string;
  data: string;
  retry: number | null;
}

export class SseParser {
  private buffer = "";
  private skipNewline = false;
  private data: string[] = [];
  private event = "";
  private id: string | null = null;
  private retry: number | null = null;

  push(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = chunk;
    if (this.skipNewline && text.startsWith("\n")) text = text.slice(1);
    this.skipNewline = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== "\n" && c !== "\r") continue;
      this.line(this.buffer.slice(start, i), out);
      if (c === "\r") {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === "\n") i++;
        } else {
          this.skipNewline = true; // "\r" ended the chunk; a "\n" may open the next one
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === "") {
      if (this.data.length || this.retry !== null || this.id !== null) {
        out.push({ id: this.id, event: this.event || "message", data: this.data.join("\n"), retry: this.retry });
      }
      this.data = [];
      this.event = "";
      this.id = null;
      this.retry = null;
      return;
    }
    if (line.startsWith(":")) return; // comment (keepalive)
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

export type StreamState = "connecting" | "open" | "reconnecting" | "stopped";

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ConversationStreamOptions {
  http: Http;
  url: string;
  headers: () => Record<string, string>;
  /** Resume after this event id (0: from the beginning). */
  after: number;
  onEvent(event: ConversationEvent): void;
  /** 401, 403 or 404: reconnecting cannot help; the stream has stopped. */
  onRejected(status: number): void;
  onState?(state: StreamState): void;
  timers?: Timers;
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The server sends a keepalive every 15 s; silence this long means a dead connection. */
  idleTimeoutMs?: number;
}

export class ConversationStream {
  lastEventId: number;
  private attempt = 0;
  private stopped = true;
  private handle: StreamHandle | null = null;
  private retryTimer: unknown = null;
  private idleTimer: unknown = null;
  private readonly timers: Timers;
  private connection = 0;

  constructor(private readonly options: ConversationStreamOptions) {
    this.lastEventId = options.after;
    this.timers = options.timers ?? {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.handle?.abort();
    this.handle = null;
    this.options.onState?.("stopped");
  }

  /** Skip the back-off wait (the browser says it is online again). */
  reconnectNow(): void {
    if (this.stopped || this.retryTimer === null) return;
    this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const connection = ++this.connection;
    const live = () => !this.stopped && connection === this.connection;
    this.options.onState?.(this.attempt === 0 ? "connecting" : "reconnecting");
    const headers: Record<string, string> = { Accept: "text/event-stream", ...this.options.headers() };
    if (this.lastEventId > 0) headers["Last-Event-ID"] = String(this.lastEventId);
    const parser = new SseParser();
    const opened = Date.now();
    let delivered = false;
    let open = false;
    this.armIdle();
    const handle = this.options.http.stream({ method: "GET", url: this.options.url, headers }, (chunk) => {
      if (!live()) return;
      this.armIdle();
      if (!open) {
        open = true;
        this.options.onState?.("open");
      }
      for (const message of parser.push(chunk)) {
        if (!message.data) continue;
        let event: ConversationEvent;
        try {
          event = JSON.parse(message.data) as ConversationEvent;
        } catch {
          continue;
        }
        const id = Number(message.id ?? event.id);
        if (Number.isFinite(id) && id > 0) {
          if (id <= this.lastEventId) continue; // already delivered
          this.lastEventId = id;
          event.id = id;
        }
        if (!event.type) event.type = message.event;
        delivered = true;
        this.attempt = 0;
        this.options.onEvent(event);
        if (!live()) return; // a handler stopped us
      }
    });
    this.handle = handle;
    handle.result.then(
      (result) => {
        if (!live()) return;
        if (result.status === 401 || result.status === 403 || result.status === 404) {
          this.stop();
          this.options.onRejected(result.status);
          return;
        }
        if (delivered || Date.now() - opened > 10_000) this.attempt = 0;
        this.retry();
      },
      () => {
        if (live()) this.retry();
      },
    );
  }

  private retry(): void {
    this.clearTimers();
    this.handle = null;
    if (this.stopped) return;
    this.options.onState?.("reconnecting");
    const base = this.options.baseDelayMs ?? 500;
    const cap = this.options.maxDelayMs ?? 10_000;
    const exponential = Math.min(cap, base * 2 ** this.attempt);
    const jitter = 0.75 + (this.options.random ?? Math.random)() * 0.25;
    this.attempt = Math.min(this.attempt + 1, 16);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, Math.round(exponential * jitter));
  }

  private armIdle(): void {
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    const limit = this.options.idleTimeoutMs ?? 45_000;
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = null;
      if (this.stopped) return;
      this.connection++; // ignore whatever the dead connection still says
      this.handle?.abort();
      this.retry();
    }, limit);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.retryTimer = null;
    this.idleTimer = null;
  }
}
