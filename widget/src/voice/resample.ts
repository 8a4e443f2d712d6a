/**
 * The microphone's audio (the AudioContext's rate, usually 48 or 44.1 kHz, as floats) down to
 * the 8 kHz 16-bit samples of the media protocol. Each output sample is the mean of the input
 * it spans (a box filter, fractional at the edges): cheap, stateful across chunks so a chunk
 * boundary changes nothing, and enough of a low-pass to keep speech from aliasing badly.
 */

export const TARGET_RATE = 8000;

export class Downsampler {
  private readonly ratio: number;
  private sum = 0;
  /** How much input the output sample in progress still needs (in input samples). */
  private remaining: number;

  constructor(readonly fromRate: number, readonly toRate = TARGET_RATE) {
    if (!(fromRate >= toRate) || toRate <= 0) throw new RangeError(`cannot downsample ${fromRate} Hz to ${toRate} Hz`);
    this.ratio = fromRate / toRate;
    this.remaining = this.ratio;
  }

  push(input: Float32Array): Int16Array {
    const out = new Int16Array(Math.ceil((input.length + this.ratio) / this.ratio));
    let count = 0;
    for (let i = 0; i < input.length; i++) {
      const x = input[i]!;
      if (this.remaining > 1) {
        this.sum += x;
        this.remaining -= 1;
        continue;
      }
      // This input sample completes the output sample; what is left of it starts the next.
      this.sum += x * this.remaining;
      out[count++] = toInt16(this.sum / this.ratio);
      const leftover = 1 - this.remaining;
      this.sum = x * leftover;
      this.remaining = this.ratio - leftover;
    }
    return out.subarray(0, count);
  }
}

export function toInt16(value: number): number {
  const clamped = Math.max(-1, Math.min(1, value));
  return Math.round(clamped < 0 ? clamped * 32768 : clamped * 32767);
}

/** Root-mean-square level of a chunk, 0..1 (for the level meter). */
export function level(input: Float32Array): number {
  if (!input.length) return 0;
  let sum = 0;
  for (let i = 0; i < input.length; i++) sum += input[i]! * input[i]!;
  return Math.min(1, Math.sqrt(sum / input.length));
}
