import { describe, expect, it } from "vitest";
import { FAILURE_MESSAGES, classifyMediaError, VoiceFailureError, type VoiceFailure } from "../src/voice/failure";
import { encodeSample } from "../src/voice/mulaw";
import { MediaStreamProtocol, parseServerMessage } from "../src/voice/call";
import { PlaybackQueue, type AudioSink } from "../src/voice/playback";
import { fromBase64 } from "../src/voice/framer";
import { t } from "../src/strings";

/** An output clock the test moves by hand, recording what was scheduled and stopped. */
class FakeSink implements AudioSink {
  time = 0;
  played: { at: number; samples: number; stopped: boolean }[] = [];
  now(): number {
    return this.time;
  }
  play(samples: Int16Array, at: number) {
    const entry = { at, samples: samples.length, stopped: false };
    this.played.push(entry);
    return { stop: () => (entry.stopped = true) };
  }
}

const frames = (count: number) => new Uint8Array(160 * count).fill(encodeSample(1000));

function queue(lead = 0.06) {
  const sink = new FakeSink();
  const marks: string[] = [];
  const playback = new PlaybackQueue(sink, (name) => marks.push(name), lead);
  return { sink, marks, playback };
}

describe("playback queue", () => {
  it("schedules chunks back to back, without gaps, in the order they came", () => {
    const { sink, playback } = queue();
    sink.time = 1;
    playback.enqueue(frames(5)); // 100 ms
    playback.enqueue(frames(1)); // 20 ms
    sink.time = 1.05; // the next chunk arrives while the first still plays
    playback.enqueue(frames(2));
    const starts = sink.played.map((entry) => entry.at);
    expect(starts[0]).toBeCloseTo(1.06); // the first after silence waits `lead`
    expect(starts[1]).toBeCloseTo(1.16);
    expect(starts[2]).toBeCloseTo(1.18);
    expect(sink.played.map((entry) => entry.samples)).toEqual([800, 160, 320]);
    expect(playback.speaking).toBe(true);
  });

  it("starts afresh after the queue ran dry", () => {
    const { sink, playback } = queue();
    playback.enqueue(frames(1));
    sink.time = 5;
    playback.update();
    expect(playback.speaking).toBe(false);
    playback.enqueue(frames(1));
    expect(sink.played[1]!.at).toBeCloseTo(5.06);
  });

  it("echoes a mark only once the audio queued before it has played, and in order", () => {
    const { sink, marks, playback } = queue(0);
    playback.enqueue(frames(10)); // 0 .. 0.2 s
    playback.mark("sentence-1");
    playback.enqueue(frames(5)); // .. 0.3 s
    playback.mark("sentence-2");
    sink.time = 0.19;
    playback.update();
    expect(marks).toEqual([]);
    sink.time = 0.2;
    playback.update();
    expect(marks).toEqual(["sentence-1"]);
    expect(playback.playedFrames).toBe(10);
    sink.time = 0.31;
    playback.update();
    expect(marks).toEqual(["sentence-1", "sentence-2"]);
    expect(playback.playedFrames).toBe(15);
    expect(playback.speaking).toBe(false);
  });

  it("echoes a mark at once when nothing is queued", () => {
    const { marks, playback } = queue();
    playback.mark("greeting-done");
    expect(marks).toEqual(["greeting-done"]);
  });

  it("clear stops everything queued at once, drops it, and answers the waiting marks as Twilio does", () => {
    const { sink, marks, playback } = queue(0);
    playback.enqueue(frames(50)); // one second
    playback.mark("a");
    playback.enqueue(frames(50));
    playback.mark("b");
    sink.time = 0.3; // barge-in, 300 ms into the answer
    playback.clear();
    expect(sink.played.every((entry) => entry.stopped)).toBe(true);
    expect(marks).toEqual(["a", "b"]);
    expect(playback.speaking).toBe(false);
    // what comes after the clear plays now, not after the dropped audio
    playback.enqueue(frames(1));
    expect(sink.played[2]!.at).toBeCloseTo(0.3);
    expect(sink.played[2]!.stopped).toBe(false);
    sink.time = 2;
    playback.update();
    expect(playback.playedFrames).toBe(1); // the dropped frames never count as played
    expect(marks).toEqual(["a", "b"]);
  });

  it("stop (the call ended) drops everything and echoes nothing", () => {
    const { sink, marks, playback } = queue(0);
    playback.enqueue(frames(5));
    playback.mark("late");
    playback.stop();
    sink.time = 1;
    playback.update();
    expect(marks).toEqual([]);
    expect(sink.played[0]!.stopped).toBe(true);
  });
});

describe("media stream protocol (the browser's side)", () => {
  it("opens with connected then start, streams 160-byte media frames, echoes marks and stops", () => {
    const sent: Record<string, unknown>[] = [];
    const protocol = new MediaStreamProtocol((message) => sent.push(message as Record<string, unknown>), "call-1", "MZtest");
    protocol.open();
    protocol.audio(new Int16Array(400).fill(1000)); // 50 ms: two whole frames, 80 samples wait
    protocol.mark("m1");
    protocol.stop();
    expect(sent.map((message) => message.event)).toEqual(["connected", "start", "media", "media", "mark", "media", "stop"]);
    expect(sent[1]).toMatchObject({
      event: "start",
      streamSid: "MZtest",
      start: { streamSid: "MZtest", callSid: "call-1", mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 } },
    });
    const media = sent.filter((message) => message.event === "media") as { media: { payload: string; chunk: string; timestamp: string; track: string } }[];
    expect(media.map((message) => fromBase64(message.media.payload).length)).toEqual([160, 160, 160]);
    expect(media.map((message) => [message.media.chunk, message.media.timestamp, message.media.track])).toEqual([
      ["1", "0", "inbound"],
      ["2", "20", "inbound"],
      ["3", "40", "inbound"],
    ]);
    expect(sent[4]).toEqual({ event: "mark", streamSid: "MZtest", mark: { name: "m1" } });
    expect(sent[6]).toMatchObject({ event: "stop", streamSid: "MZtest" });
  });

  it("reads the server's media, mark and clear, and ignores anything else", () => {
    const payload = Buffer.from(new Uint8Array(160).fill(0xff)).toString("base64");
    const media = parseServerMessage(JSON.stringify({ event: "media", streamSid: "S", media: { payload } }));
    expect(media?.event).toBe("media");
    expect(media && media.event === "media" ? media.payload.length : 0).toBe(160);
    expect(parseServerMessage(JSON.stringify({ event: "mark", streamSid: "S", mark: { name: "x" } }))).toEqual({ event: "mark", name: "x" });
    expect(parseServerMessage(JSON.stringify({ event: "clear", streamSid: "S" }))).toEqual({ event: "clear" });
    expect(parseServerMessage("not json")).toBeNull();
    expect(parseServerMessage(JSON.stringify({ event: "media", media: {} }))).toBeNull();
    expect(parseServerMessage(JSON.stringify({ event: "dance" }))).toBeNull();
    expect(parseServerMessage(new ArrayBuffer(4))).toBeNull();
  });
});

describe("voice errors", () => {
  const dom = (name: string) => Object.assign(new Error(name), { name });

  it("tells a refused microphone from a missing or busy one", () => {
    expect(classifyMediaError(dom("NotAllowedError"))).toBe("denied");
    expect(classifyMediaError(dom("SecurityError"))).toBe("denied");
    expect(classifyMediaError(dom("NotFoundError"))).toBe("no-microphone");
    expect(classifyMediaError(dom("OverconstrainedError"))).toBe("no-microphone");
    expect(classifyMediaError(dom("NotReadableError"))).toBe("microphone-busy");
    expect(classifyMediaError(dom("Weird"))).toBe("microphone");
    expect(classifyMediaError(new VoiceFailureError("lost"))).toBe("lost");
    // raised by the voice bundle, whose VoiceFailureError is another copy of the class
    expect(classifyMediaError(Object.assign(new Error("denied"), { name: "VoiceFailureError", failure: "denied" }))).toBe("denied");
    expect(classifyMediaError(Object.assign(new Error("?"), { name: "VoiceFailureError", failure: "bogus" }))).toBe("microphone");
  });

  it("has a clear message for every failure, each saying the chat still works", () => {
    const failures = Object.keys(FAILURE_MESSAGES) as VoiceFailure[];
    expect(failures.sort()).toEqual(["denied", "insecure", "load", "lost", "microphone", "microphone-busy", "no-microphone", "refused", "unavailable"]);
    const texts = failures.map((failure) => t(FAILURE_MESSAGES[failure]));
    expect(new Set(texts).size).toBe(texts.length);
    for (const text of texts) expect(text).toMatch(/keep typing/);
    expect(t(FAILURE_MESSAGES.denied)).toMatch(/Microphone access is blocked/);
    expect(t(FAILURE_MESSAGES["no-microphone"])).toMatch(/No microphone/);
    expect(t(FAILURE_MESSAGES.insecure)).toMatch(/secure \(https\)/);
    expect(t(FAILURE_MESSAGES.unavailable)).toMatch(/Voice isn't available/);
    expect(t(FAILURE_MESSAGES.lost)).toMatch(/disconnected/);
  });
});
