/**
 * G.711 mu-law, the telephone codec Twilio Media Streams carry: 8-bit codes for 16-bit
 * samples, bit for bit as CPython's audioop (and Sun's g711.c) code them, so the server
 * reads what the browser encodes exactly as it reads the phone's.
 */

const BIAS = 0x84;
const SEGMENT_ENDS = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];

/** One 16-bit sample to its mu-law byte (on 14 bits, as CPython's audioop.lin2ulaw does). */
export function encodeSample(sample: number): number {
  let value = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 2;
  let mask = 0xff;
  if (value < 0) {
    value = -value;
    mask = 0x7f;
  }
  value = Math.min(value, 8159) + (BIAS >> 2);
  let segment = 0;
  while (segment < 8 && value > SEGMENT_ENDS[segment]!) segment++;
  if (segment === 8) return 0x7f ^ mask; // beyond the last segment: the loudest code
  return ((segment << 4) | ((value >> (segment + 1)) & 0x0f)) ^ mask;
}

/** One mu-law byte to its 16-bit sample. */
export function decodeSample(code: number): number {
  const value = ~code & 0xff;
  const biased = (((value & 0x0f) << 3) + BIAS) << ((value >> 4) & 0x07);
  return value & 0x80 ? BIAS - biased : biased - BIAS; // (never -0)
}

const DECODE = new Int16Array(256);
for (let code = 0; code < 256; code++) DECODE[code] = decodeSample(code);

export function encode(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = encodeSample(samples[i]!);
  return out;
}

export function decode(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE[bytes[i]!]!;
  return out;
}

/** Mu-law's silence (a zero sample). */
export const SILENCE = 0xff;
