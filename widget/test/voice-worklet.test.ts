import { beforeAll, describe, expect, it } from "vitest";

// The AudioWorklet global scope, as much of it as the processor uses.
type Processor = { port: MessagePort; process(inputs: Float32Array[][]): boolean };
let Capture: new () => Processor;
const posted: { data: Float32Array; length: number }[] = [];

beforeAll(async () => {
  const scope = globalThis as Record<string, unknown>;
  scope.sampleRate = 48000;
  scope.AudioWorkletProcessor = class {
    port = {
      postMessage: (data: Float32Array, transfer: ArrayBuffer[]) => {
        posted.push({ data: data.slice(), length: data.length });
        // a transfer detaches the buffer, as the browser does
        if (transfer.length) structuredClone(data.buffer, { transfer });
      },
    };
  };
  scope.registerProcessor = (name: string, processor: new () => Processor) => {
    expect(name).toBe("perceptron-capture");
    Capture = processor;
  };
  await import("../src/voice/worklet");
});

describe("the microphone's AudioWorklet processor", () => {
  it("hands over exactly 20 ms chunks, in order, from the browser's 128-frame blocks, and keeps going", () => {
    const capture = new Capture();
    let sample = 0;
    for (let block = 0; block < 30; block++) {
      const input = Float32Array.from({ length: 128 }, () => (sample++ % 1000) / 1000);
      expect(capture.process([[input]])).toBe(true);
    }
    // 30 x 128 = 3840 samples at 48 kHz: four whole chunks of 960
    expect(posted.map((chunk) => chunk.length)).toEqual([960, 960, 960, 960]);
    const joined = posted.flatMap((chunk) => Array.from(chunk.data));
    expect(joined.slice(955, 965).map((value) => Math.round(value * 1000))).toEqual([955, 956, 957, 958, 959, 960, 961, 962, 963, 964]);
    expect(capture.process([[]])).toBe(true); // no input (the microphone went away) is fine
  });
});
