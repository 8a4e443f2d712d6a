import { describe, expect, it } from "vitest";
import { ConversationStream, SseParser, type SseMessage, type Timers } from "../src/sse";
import type { Http, HttpRequest, StreamHandle, StreamResult } from "../src/transport";
import { NetworkError } from "../src/transport";
import type { ConversationEvent } from "../src/types";

const SAMPLE =
  "retry: 1000\n\n" +
  'id: 7\nevent: token\ndata: {"id":7,"type":"token","data":{"text":"Hé"}}\n\n' +
  ": keepalive\n\n" +
  "id: 8\r\nevent: message.done\r\ndata: line one\r\ndata: line two\r\n\r\n" +
  "data: no id\rdata:  leading space kept after the first\r\r";

function parseInChunks(text: string, sizes: number[]): SseMessage[] {
  const parser = new SseParser();
  const out: SseMessage[] = [];
  let offset = 0;
  let index = 0;
  while (offset < text.length) {
    const size = sizes[index++ % sizes.length]!;
    out.push(...parser.push(text.slice(offset, offset + size)));
    offset += size;
  }
  return out;
}

describe("SseParser", () => {
  const whole = parseInChunks(SAMPLE, [SAMPLE.length]);

  it("parses ids, event types, multi-line data, retry and comments", () => {
    expect(whole).toEqual([
      { id: null, event: "message", data: "", retry: 1000 },
      { id: "7", event: "token", data: '{"id":7,"type":"token","data":{"text":"Hé"}}', retry: null },
      { id: "8", event: "message.done", data: "line one\nline two", retry: null },
      { id: null, event: "message", data: "no id\n leading space kept after the first", retry: null },
    ]);
  });

  it.each([[1], [2], [3], [5], [7], [13], [1, 4, 2, 9]])("gives the same messages for chunks of %s characters", (...sizes) => {
    expect(parseInChunks(SAMPLE, sizes)).toEqual(whole);
  });

  it("does not treat a CR at a chunk end followed by LF as two line ends", () => {
    const parser = new SseParser();
    expect(parser.push("data: a\r")).toEqual([]);
    expect(parser.push("\ndata: b\r")).toEqual([]);
    expect(parser.push("\n\r\n")).toEqual([{ id: null, event: "message", data: "a\nb", retry: null }]);
  });

  it("waits for the blank line before dispatching", () => {
    const parser = new SseParser();
    expect(parser.push("id: 1\ndata: x\n")).toEqual([]);
    expect(parser.push("\n")).toHaveLength(1);
  });
});

/** A scripted Http whose streams the test drives by hand. */
class ScriptedHttp implements Http {
  readonly kind = "fetch" as const;
  readonly opened: { request: HttpRequest; onChunk(text: string): void; resolve(r: StreamResult): void; reject(e: Error): void; aborted: boolean }[] = [];

  request(): never {
    throw new Error("not used");
  }

  stream(request: HttpRequest, onChunk: (text: string) => void): StreamHandle {
    let entry!: ScriptedHttp["opened"][number];
    const result = new Promise<StreamResult>((resolve, reject) => {
      entry = { request, onChunk, resolve, reject, aborted: false };
    });
    this.opened.push(entry);
    return { result, abort: () => void (entry.aborted = true) };
  }

  get last() {
    return this.opened[this.opened.length - 1]!;
  }
}

class ManualTimers implements Timers {
  pending: { callback: () => void; ms: number; id: number }[] = [];
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.push({ callback, ms, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }
  /** Fire the earliest reconnect timer (ignores the long idle timer). */
  fireRetry(): number {
    const timer = this.pending.filter((t) => t.ms < 40_000).sort((a, b) => a.ms - b.ms)[0]!;
    this.clearTimeout(timer.id);
    timer.callback();
    return timer.ms;
  }
  fireIdle(): void {
    const timer = this.pending.find((t) => t.ms >= 40_000)!;
    this.clearTimeout(timer.id);
    timer.callback();
  }
}

function event(id: number, type = "token"): string {
  const body: ConversationEvent = { id, type, conversation_id: "c1", data: { text: `t${id}` }, created_at: "2024-01-01T00:00:00Z" };
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(body)}\n\n`;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(after = 0) {
  const http = new ScriptedHttp();
  const timers = new ManualTimers();
  const received: number[] = [];
  const rejected: number[] = [];
  const states: string[] = [];
  const stream = new ConversationStream({
    http,
    url: "https://api.test/api/widget/conversations/c1/events",
    headers: () => ({ Authorization: "Bearer vt" }),
    after,
    onEvent: (e) => received.push(e.id),
    onRejected: (status) => rejected.push(status),
    onState: (state) => states.push(state),
    timers,
    random: () => 1,
  });
  return { http, timers, received, rejected, states, stream };
}

describe("ConversationStream", () => {
  it("sends the bearer token and resumes after the given event id", () => {
    const { http, stream } = setup(41);
    stream.start();
    expect(http.last.request.headers).toMatchObject({ Authorization: "Bearer vt", "Last-Event-ID": "41", Accept: "text/event-stream" });
  });

  it("reconnects after a network loss with Last-Event-ID and delivers nothing twice", async () => {
    const { http, timers, received, stream } = setup();
    stream.start();
    expect(http.last.request.headers!["Last-Event-ID"]).toBeUndefined();
    http.last.onChunk("retry: 1000\n\n" + event(1) + event(2) + "id: 3\nda");
    http.last.reject(new NetworkError("reset"));
    await tick();
    timers.fireRetry();
    expect(http.opened).toHaveLength(2);
    expect(http.last.request.headers!["Last-Event-ID"]).toBe("2");
    // the server replays from 2 on, and also (wrongly) an old one: both deduped by id
    http.last.onChunk(event(2) + event(1) + event(3) + event(4));
    expect(received).toEqual([1, 2, 3, 4]);
    expect(stream.lastEventId).toBe(4);
  });

  it("backs off exponentially up to about ten seconds", async () => {
    const { http, timers, stream } = setup();
    stream.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      http.last.reject(new NetworkError());
      await tick();
      delays.push(timers.fireRetry());
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });

  it("starts the back-off over once events flow again", async () => {
    const { http, timers, stream } = setup();
    stream.start();
    for (let i = 0; i < 3; i++) {
      http.last.reject(new NetworkError());
      await tick();
      timers.fireRetry();
    }
    http.last.onChunk(event(5));
    http.last.reject(new NetworkError());
    await tick();
    expect(timers.fireRetry()).toBe(500);
  });

  it("reconnects at once when told the network is back", async () => {
    const { http, stream } = setup();
    stream.start();
    http.last.reject(new NetworkError());
    await tick();
    stream.reconnectNow();
    expect(http.opened).toHaveLength(2);
  });

  it("treats a silent connection as dead and reconnects", () => {
    const { http, timers, stream } = setup();
    stream.start();
    http.last.onChunk(event(1));
    timers.fireIdle();
    expect(http.opened[0]!.aborted).toBe(true);
    timers.fireRetry();
    expect(http.opened).toHaveLength(2);
    expect(http.last.request.headers!["Last-Event-ID"]).toBe("1");
    // the dead connection's late data is ignored
    http.opened[0]!.onChunk(event(2));
    expect(stream.lastEventId).toBe(1);
  });

  it.each([401, 403, 404])("stops for good on %s", async (status) => {
    const { http, timers, rejected, stream } = setup();
    stream.start();
    http.last.resolve({ status, header: () => null });
    await tick();
    expect(rejected).toEqual([status]);
    expect(timers.pending).toHaveLength(0);
    stream.reconnectNow();
    expect(http.opened).toHaveLength(1);
  });

  it("retries after a server error or a clean end of stream", async () => {
    const { http, timers, stream } = setup();
    stream.start();
    http.last.resolve({ status: 503, header: () => null });
    await tick();
    timers.fireRetry();
    http.last.onChunk(event(1));
    http.last.resolve({ status: 200, header: () => null });
    await tick();
    timers.fireRetry();
    expect(http.opened).toHaveLength(3);
  });

  it("stop() aborts the connection and cancels timers", () => {
    const { http, timers, stream, states } = setup();
    stream.start();
    stream.stop();
    expect(http.last.aborted).toBe(true);
    expect(timers.pending).toHaveLength(0);
    expect(states[states.length - 1]).toBe("stopped");
  });
});
