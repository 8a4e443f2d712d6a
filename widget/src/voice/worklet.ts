/**
 * Entry point of dist/voice-worklet.js: the AudioWorklet processor that captures the
 * microphone. It runs on the audio thread and only batches the input into 20 ms chunks for
 * the main thread, which downsamples and encodes them (testable there, off this realm).
 */

declare const sampleRate: number;
declare function registerProcessor(name: string, processor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

const CHUNK = Math.round(sampleRate / 50); // 20 ms

class CaptureProcessor extends AudioWorkletProcessor {
  private buffer = new Float32Array(CHUNK);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    let offset = 0;
    while (offset < channel.length) {
      const take = Math.min(this.buffer.length - this.filled, channel.length - offset);
      this.buffer.set(channel.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.buffer.length) {
        // Transferred, not copied: the array is detached (length 0) here afterwards.
        const full = this.buffer;
        this.buffer = new Float32Array(CHUNK);
        this.filled = 0;
        this.port.postMessage(full, [full.buffer]);
      }
    }
    return true;
  }
}

registerProcessor("perceptron-capture", CaptureProcessor);

export {};
