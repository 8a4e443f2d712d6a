/**
 * The assistant's audio, played gap-free in the order it came, with the protocol's marks and
 * barge-in. Chunks are scheduled back to back on the output clock; a mark is echoed once the
 * audio queued before it has played; `clear` stops everything at once. As Twilio does, the
 * marks still waiting when the buffer is cleared are echoed straight away, so the server
 * hears about every mark it sent (the ones after its `clear` were not played to the end).
 */

import { decode } from "./mulaw";
import { FRAME_BYTES } from "./framer";

export const PLAYBACK_RATE = 8000;

/** Where the audio goes: an AudioContext in the browser, a fake clock in the tests. */
export interface AudioSink {
  /** Seconds on the output clock. */
  now(): number;
  /** Play 8 kHz samples from `at` (seconds on the same clock). */
  play(samples: Int16Array, at: number): { stop(): void };
}

interface Queued {
  end: number;
  frames: number;
  handle: { stop(): void };
}

export class PlaybackQueue {
  /** Frames (20 ms) that have finished playing, for the level of service a test can see. */
  playedFrames = 0;
  private chunks: Queued[] = [];
  private marks: { name: string; at: number }[] = [];
  private end = 0;

  /**
   * @param lead seconds of slack before the first chunk after a silence, so the next chunk
   *   (arriving over the network) is there before this one ends
   */
  constructor(
    private readonly sink: AudioSink,
    private readonly onMark: (name: string) => void,
    private readonly lead = 0.06,
  ) {}

  /** Queue one payload of mu-law audio after everything queued before it. */
  enqueue(ulaw: Uint8Array): void {
    if (!ulaw.length) return;
    const now = this.sink.now();
    const start = this.end > now ? this.end : now + this.lead;
    const samples = decode(ulaw);
    const handle = this.sink.play(samples, start);
    this.end = start + samples.length / PLAYBACK_RATE;
    this.chunks.push({ end: this.end, frames: ulaw.length / FRAME_BYTES, handle });
  }

  /** Echo `name` once what is queued now has played (at once when nothing is). */
  mark(name: string): void {
    this.marks.push({ name, at: this.end });
    this.update();
  }

  /** Barge-in: stop and drop all queued audio; the waiting marks are echoed now. */
  clear(): void {
    for (const chunk of this.chunks) chunk.handle.stop();
    this.chunks = [];
    this.end = this.sink.now();
    const waiting = this.marks;
    this.marks = [];
    for (const mark of waiting) this.onMark(mark.name);
  }

  /** Account for what has played by now: count its frames, echo its marks. */
  update(): void {
    const now = this.sink.now();
    while (this.chunks.length && this.chunks[0]!.end <= now) this.playedFrames += this.chunks.shift()!.frames;
    while (this.marks.length && this.marks[0]!.at <= now) this.onMark(this.marks.shift()!.name);
  }

  /** Audio is playing or queued. */
  get speaking(): boolean {
    return this.end > this.sink.now();
  }

  /** Stop everything without echoing marks (the call is over). */
  stop(): void {
    for (const chunk of this.chunks) chunk.handle.stop();
    this.chunks = [];
    this.marks = [];
    this.end = 0;
  }
}
