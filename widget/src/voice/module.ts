/**
 * What the voice bundle (dist/voice.js) hands the widget once loaded. The widget imports only
 * these types, so none of the voice code lands in widget.js.
 */

import type { VoiceFailure } from "./failure";

export type VoiceState = "connecting" | "listening" | "speaking" | "ended";

export interface VoiceCallOptions {
  win: Window & typeof globalThis;
  microphone: MediaStream;
  /** ws:// or wss:// URL of the call's media stream. */
  streamUrl: string;
  /** The server's call id, sent as the start message's callSid. */
  callId: string;
  /** dist/voice-worklet.js, the microphone's AudioWorklet processor. */
  workletUrl: string;
  onState(state: VoiceState): void;
  /** The microphone's level, 0..1, about every 20 ms. */
  onLevel?(level: number): void;
  /** Frames (20 ms) of the assistant's audio played so far. */
  onPlayed?(frames: number): void;
  /** Once: null after a hang-up, else why the call went away. */
  onEnd(failure: VoiceFailure | null): void;
}

export interface VoiceCallHandle {
  /** Resolves once the socket is open and the microphone streams; rejects with a VoiceFailureError. */
  start(): Promise<void>;
  hangUp(): void;
}

export interface VoiceModule {
  /** The microphone, with echo cancellation and noise suppression; rejects with a VoiceFailureError. */
  openMicrophone(win: Window & typeof globalThis): Promise<MediaStream>;
  createCall(options: VoiceCallOptions): VoiceCallHandle;
}

/** The event the voice bundle dispatches on its own <script> element, with the module. */
export const VOICE_READY_EVENT = "perceptron:voice";
