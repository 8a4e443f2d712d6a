import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { VoiceCall } from "../src/voice/call";
import { VoiceFailureError, type VoiceFailure } from "../src/voice/failure";
import { fromBase64 } from "../src/voice/framer";
import type { VoiceState } from "../src/voice/module";

const last = <T>(items: T[]): T | undefined => items[items.length - 1];

// Fakes of the Web APIs the call uses, recording what it does with them ---------------------

class FakeTrack {
  stopped = false;
  stop() {
    this.stopped = true;
  }
}

class FakeNode {
  connected: unknown[] = [];
  disconnected = false;
  connect<T>(target: T): T {
    this.connected.push(target);
    return target;
  }
  disconnect() {
    this.disconnected = true;
  }
}

class FakeSource extends FakeNode {
  buffer: { length: number } | null = null;
  startedAt: number | null = null;
  stopped = false;
  onended: (() => void) | null = null;
  start(at: number) {
    this.startedAt = at;
  }
  stop() {
    this.stopped = true;
  }
}

class FakeAudioContext {
  static last: FakeAudioContext;
  sampleRate = 48000;
  currentTime = 0;
  closed = false;
  destination = new FakeNode();
  modules: string[] = [];
  sources: FakeSource[] = [];
  audioWorklet = { addModule: async (url: string) => void this.modules.push(url) };
  constructor() {
    FakeAudioContext.last = this;
  }
  resume() {
    return Promise.resolve();
  }
  close() {
    this.closed = true;
    return Promise.resolve();
  }
  createMediaStreamSource() {
    return new FakeNode();
  }
  createGain() {
    return Object.assign(new FakeNode(), { gain: { value: 1 } });
  }
  createBuffer(_channels: number, length: number, rate: number) {
    const data = new Float32Array(length);
    return { length, sampleRate: rate, getChannelData: () => data };
  }
  createBufferSource() {
    const source = new FakeSource();
    this.sources.push(source);
    return source;
  }
}

class FakeWorkletNode extends FakeNode {
  static last: FakeWorkletNode;
  port: { onmessage: ((event: { data: unknown }) => void) | null } = { onmessage: null };
  constructor(
    readonly context: unknown,
    readonly name: string,
  ) {
    super();
    FakeWorkletNode.last = this;
  }
}

class FakeSocket {
  static last: FakeSocket;
  readyState = 0;
  sent: Record<string, any>[] = [];
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close(code: number) {
    this.closedWith = code;
    this.readyState = 3;
  }
  // the server's side
  accept() {
    this.readyState = 1;
    this.onopen?.();
  }
  deliver(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

function setup() {
  const tracks = [new FakeTrack()];
  const states: VoiceState[] = [];
  const ends: (VoiceFailure | null)[] = [];
  const played: number[] = [];
  const win = { AudioContext: FakeAudioContext, AudioWorkletNode: FakeWorkletNode, WebSocket: FakeSocket } as unknown as Window & typeof globalThis;
  const call = new VoiceCall({
    win,
    microphone: { getTracks: () => tracks } as unknown as MediaStream,
    streamUrl: "wss://api.test/api/widget/voice/tok",
    callId: "call-7",
    workletUrl: "https://api.test/widget-voice-worklet.js",
    onState: (state) => states.push(state),
    onPlayed: (frames) => played.push(frames),
    onEnd: (failure) => ends.push(failure),
  });
  return { call, tracks, states, ends, played };
}

const frame = (count: number) => Buffer.from(new Uint8Array(160 * count).fill(0x80)).toString("base64");
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }));
afterEach(() => vi.useRealTimers());

describe("a voice call in the browser", () => {
  it("loads the worklet, opens the socket with connected + start, then streams the microphone as 20 ms mu-law frames", async () => {
    const { call, states } = setup();
    const started = call.start();
    await flush();
    expect(FakeAudioContext.last.modules).toEqual(["https://api.test/widget-voice-worklet.js"]);
    expect(FakeWorkletNode.last.name).toBe("perceptron-capture");
    const socket = FakeSocket.last;
    expect(socket.url).toBe("wss://api.test/api/widget/voice/tok");
    socket.accept();
    await started;
    expect(states).toEqual(["listening"]);
    expect(socket.sent.map((message) => message.event)).toEqual(["connected", "start"]);
    expect(socket.sent[1]!.start.callSid).toBe("call-7");
    // 20 ms at 48 kHz from the worklet: exactly one 160-byte frame
    FakeWorkletNode.last.port.onmessage!({ data: new Float32Array(960).fill(0.1) });
    FakeWorkletNode.last.port.onmessage!({ data: new Float32Array(480).fill(0.1) });
    const media = socket.sent.filter((message) => message.event === "media");
    expect(media).toHaveLength(1);
    expect(fromBase64(media[0]!.media.payload).length).toBe(160);
    expect(media[0]!.streamSid).toBe(socket.sent[1]!.streamSid);
    FakeWorkletNode.last.port.onmessage!({ data: new Float32Array(480).fill(0.1) });
    expect(socket.sent.filter((message) => message.event === "media")).toHaveLength(2);
  });

  it("plays the server's audio gap-free, echoes its mark after it has played and says who is speaking", async () => {
    const { call, states, played } = setup();
    const started = call.start();
    await flush();
    const socket = FakeSocket.last;
    socket.accept();
    await started;
    const context = FakeAudioContext.last;
    socket.deliver({ event: "media", streamSid: "S", media: { payload: frame(5) } });
    socket.deliver({ event: "media", streamSid: "S", media: { payload: frame(5) } });
    socket.deliver({ event: "mark", streamSid: "S", mark: { name: "s1" } });
    const [first, second] = context.sources;
    expect(second!.startedAt! - first!.startedAt!).toBeCloseTo(0.1);
    expect(last(states)).toBe("speaking");
    expect(socket.sent.some((message) => message.event === "mark")).toBe(false);
    context.currentTime = 1;
    vi.advanceTimersByTime(20);
    expect(socket.sent.filter((message) => message.event === "mark")).toEqual([{ event: "mark", streamSid: socket.sent[1]!.streamSid, mark: { name: "s1" } }]);
    expect(last(states)).toBe("listening");
    expect(last(played)).toBe(10);
  });

  it("clear (barge-in) stops the queued audio at once", async () => {
    const { call } = setup();
    const started = call.start();
    await flush();
    FakeSocket.last.accept();
    await started;
    FakeSocket.last.deliver({ event: "media", streamSid: "S", media: { payload: frame(50) } });
    FakeSocket.last.deliver({ event: "clear", streamSid: "S" });
    expect(FakeAudioContext.last.sources[0]!.stopped).toBe(true);
  });

  it("hanging up sends stop, closes the socket, stops the microphone's tracks and the audio", async () => {
    const { call, tracks, ends, states } = setup();
    const started = call.start();
    await flush();
    const socket = FakeSocket.last;
    socket.accept();
    await started;
    call.hangUp();
    expect(last(socket.sent)!.event).toBe("stop");
    expect(socket.closedWith).toBe(1000);
    expect(tracks.every((track) => track.stopped)).toBe(true);
    expect(FakeAudioContext.last.closed).toBe(true);
    expect(ends).toEqual([null]);
    expect(last(states)).toBe("ended");
    call.hangUp();
    expect(ends).toEqual([null]); // once
  });

  it("a socket refused before it opens rejects start; one lost during the call ends it as lost", async () => {
    const refused = setup();
    const starting = refused.call.start();
    await flush();
    FakeSocket.last.drop();
    await expect(starting).rejects.toEqual(new VoiceFailureError("refused"));
    expect(refused.ends).toEqual(["refused"]);
    expect(refused.tracks[0]!.stopped).toBe(true);

    const lost = setup();
    const started = lost.call.start();
    await flush();
    FakeSocket.last.accept();
    await started;
    FakeSocket.last.drop();
    expect(lost.ends).toEqual(["lost"]);
    expect(lost.tracks[0]!.stopped).toBe(true);
  });

  it("hanging up while the socket is still connecting settles start and releases the microphone", async () => {
    const { call, tracks, ends } = setup();
    const starting = call.start();
    await flush();
    call.hangUp();
    await expect(starting).rejects.toBeInstanceOf(VoiceFailureError);
    expect(ends).toEqual([null]);
    expect(tracks[0]!.stopped).toBe(true);
    expect(FakeSocket.last.closedWith).toBe(1000);
  });
});
