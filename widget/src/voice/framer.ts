/** Mu-law bytes cut into the protocol's 20 ms frames: exactly 160 bytes at 8 kHz. */

import { SILENCE } from "./mulaw";

export const FRAME_BYTES = 160;
export const FRAME_MS = 20;

export class Framer {
  private pending = new Uint8Array(FRAME_BYTES);
  private filled = 0;

  /** The whole frames the new bytes complete (the rest waits for more). */
  push(bytes: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const take = Math.min(FRAME_BYTES - this.filled, bytes.length - offset);
      this.pending.set(bytes.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === FRAME_BYTES) {
        frames.push(this.pending);
        this.pending = new Uint8Array(FRAME_BYTES);
        this.filled = 0;
      }
    }
    return frames;
  }

  /** The partial frame, padded with mu-law silence (null when there is none). */
  flush(): Uint8Array | null {
    if (!this.filled) return null;
    const frame = this.pending;
    frame.fill(SILENCE, this.filled);
    this.pending = new Uint8Array(FRAME_BYTES);
    this.filled = 0;
    return frame;
  }
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
