/**
 * One voice call in the browser, speaking Twilio Media Streams over a WebSocket, the same
 * protocol the phone uses, so one media loop on the server serves both.
 *
 *   microphone -> AudioWorklet (voice-worklet.js) -> 8 kHz -> mu-law -> 20 ms frames -> `media`
 *   `media` -> mu-law decoded -> scheduled gap-free on the AudioContext; `mark` echoed once
 *   the audio before it has played; `clear` drops everything queued (barge-in)
 *
 * Only standard Web APIs (getUserMedia, AudioContext, AudioWorklet, WebSocket).
 */

import { classifyMediaError, VoiceFailureError, type VoiceFailure } from "./failure";
import { encode } from "./mulaw";
import { Framer, FRAME_MS, fromBase64, toBase64 } from "./framer";
import type { VoiceCallHandle, VoiceCallOptions, VoiceState } from "./module";
import { PlaybackQueue, PLAYBACK_RATE, type AudioSink } from "./playback";
import { Downsampler, level, TARGET_RATE } from "./resample";

export const CAPTURE_PROCESSOR = "perceptron-capture";

export async function openMicrophone(win: Window & typeof globalThis): Promise<MediaStream> {
  const devices = win.navigator?.mediaDevices;
  if (!win.isSecureContext || !devices || typeof devices.getUserMedia !== "function") {
    throw new VoiceFailureError("insecure");
  }
  try {
    return await devices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
  } catch (error) {
    throw new VoiceFailureError(classifyMediaError(error));
  }
}

/** The client's half of the protocol: what it sends, and what it does with what it gets. */
export class MediaStreamProtocol {
  readonly streamSid: string;
  private chunk = 0;
  private readonly framer = new Framer();

  constructor(
    private readonly send: (message: object) => void,
    private readonly callId: string,
    streamSid?: string,
  ) {
    this.streamSid = streamSid ?? `MZ${randomHex(16)}`;
  }

  /** `connected` then `start`, as Twilio opens a stream. */
  open(): void {
    this.send({ event: "connected", protocol: "Call", version: "1.0.0" });
    this.send({
      event: "start",
      sequenceNumber: "1",
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        callSid: this.callId,
        tracks: ["inbound"],
        customParameters: {},
        mediaFormat: { encoding: "audio/x-mulaw", sampleRate: TARGET_RATE, channels: 1 },
      },
    });
  }

  /** 8 kHz samples from the microphone: sent as whole 20 ms frames. */
  audio(samples: Int16Array): void {
    for (const frame of this.framer.push(encode(samples))) this.sendFrame(frame);
  }

  mark(name: string): void {
    this.send({ event: "mark", streamSid: this.streamSid, mark: { name } });
  }

  stop(): void {
    const last = this.framer.flush();
    if (last) this.sendFrame(last);
    this.send({ event: "stop", streamSid: this.streamSid, stop: { callSid: this.callId } });
  }

  private sendFrame(frame: Uint8Array): void {
    const chunk = ++this.chunk;
    this.send({
      event: "media",
      streamSid: this.streamSid,
      media: { track: "inbound", chunk: String(chunk), timestamp: String((chunk - 1) * FRAME_MS), payload: toBase64(frame) },
    });
  }
}

export type ServerMessage =
  | { event: "media"; payload: Uint8Array }
  | { event: "mark"; name: string }
  | { event: "clear" };

/** One message from the server, or null for anything else (ignored, as Twilio would). */
export function parseServerMessage(text: unknown): ServerMessage | null {
  if (typeof text !== "string") return null;
  let message: { event?: unknown; media?: { payload?: unknown }; mark?: { name?: unknown } };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    return null;
  }
  if (!message || typeof message !== "object") return null;
  if (message.event === "media" && typeof message.media?.payload === "string") {
    try {
      return { event: "media", payload: fromBase64(message.media.payload) };
    } catch {
      return null;
    }
  }
  if (message.event === "mark" && typeof message.mark?.name === "string") return { event: "mark", name: message.mark.name };
  if (message.event === "clear") return { event: "clear" };
  return null;
}

export class VoiceCall implements VoiceCallHandle {
  private context: AudioContext | null = null;
  private socket: WebSocket | null = null;
  private capture: AudioWorkletNode | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private queue: PlaybackQueue | null = null;
  private protocol: MediaStreamProtocol | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private state: VoiceState = "connecting";
  private played = -1;
  private opened = false;
  private finished = false;
  private abandon: (() => void) | null = null;

  constructor(private readonly options: VoiceCallOptions) {}

  async start(): Promise<void> {
    const { win } = this.options;
    try {
      const context = new win.AudioContext();
      this.context = context;
      void context.resume().catch(() => undefined);
      await context.audioWorklet.addModule(this.options.workletUrl);
      if (this.finished) return;
      const downsampler = new Downsampler(context.sampleRate);
      this.source = context.createMediaStreamSource(this.options.microphone);
      this.capture = new win.AudioWorkletNode(context, CAPTURE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
      const mute = context.createGain();
      mute.gain.value = 0; // the graph is pulled from the destination; nothing is heard
      this.source.connect(this.capture);
      this.capture.connect(mute).connect(context.destination);
      this.capture.port.onmessage = (event: MessageEvent) => {
        const chunk = event.data;
        if (!(chunk instanceof Float32Array)) return;
        this.options.onLevel?.(level(chunk));
        if (this.opened && !this.finished) this.protocol?.audio(downsampler.push(chunk));
      };
      this.queue = new PlaybackQueue(contextSink(context, () => this.tick()), (name) => this.protocol?.mark(name));
    } catch (error) {
      this.end("load");
      throw new VoiceFailureError(error instanceof VoiceFailureError ? error.failure : "load");
    }
    await this.connect();
    this.timer = setInterval(() => this.tick(), FRAME_MS);
  }

  hangUp(): void {
    if (this.finished) return;
    if (this.opened) {
      try {
        this.protocol?.stop();
      } catch {
        /* the socket is closing */
      }
    }
    this.end(null);
  }

  private connect(): Promise<void> {
    const { win } = this.options;
    return new Promise<void>((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new win.WebSocket(this.options.streamUrl);
      } catch {
        this.end("refused");
        reject(new VoiceFailureError("refused"));
        return;
      }
      this.socket = socket;
      this.abandon = () => reject(new VoiceFailureError("refused"));
      this.protocol = new MediaStreamProtocol((message) => {
        if (socket.readyState === 1) socket.send(JSON.stringify(message));
      }, this.options.callId);
      socket.onopen = () => {
        if (this.finished) return;
        this.opened = true;
        this.abandon = null;
        this.protocol!.open();
        this.setState("listening");
        resolve();
      };
      socket.onmessage = (event: MessageEvent) => this.receive(event.data);
      socket.onclose = () => {
        if (this.finished) return;
        const failure: VoiceFailure = this.opened ? "lost" : "refused";
        this.end(failure);
        if (!this.opened) reject(new VoiceFailureError(failure));
      };
    });
  }

  private receive(data: unknown): void {
    const message = parseServerMessage(data);
    if (!message || !this.queue || this.finished) return;
    if (message.event === "media") this.queue.enqueue(message.payload);
    else if (message.event === "mark") this.queue.mark(message.name);
    else this.queue.clear();
    this.tick();
  }

  private tick(): void {
    const queue = this.queue;
    if (!queue || this.finished) return;
    queue.update();
    if (queue.playedFrames !== this.played) {
      this.played = queue.playedFrames;
      this.options.onPlayed?.(this.played);
    }
    if (this.opened) this.setState(queue.speaking ? "speaking" : "listening");
  }

  private setState(state: VoiceState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onState(state);
  }

  /** Release everything: the socket, the microphone (its tracks stopped) and the audio. */
  private end(failure: VoiceFailure | null): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.queue?.stop();
    const socket = this.socket;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      try {
        if (socket.readyState <= 1) socket.close(1000);
      } catch {
        /* already closed */
      }
    }
    for (const track of this.options.microphone.getTracks()) track.stop();
    if (this.capture) this.capture.port.onmessage = null;
    try {
      this.source?.disconnect();
      this.capture?.disconnect();
    } catch {
      /* never connected */
    }
    void this.context?.close().catch(() => undefined);
    this.setState("ended");
    this.options.onEnd(failure);
    // Hung up before the socket opened: start() settles too.
    this.abandon?.();
    this.abandon = null;
  }
}

/** Play 8 kHz chunks on an AudioContext (which resamples them to its own rate). */
function contextSink(context: AudioContext, onEnded: () => void): AudioSink {
  return {
    now: () => context.currentTime,
    play(samples, at) {
      const buffer = context.createBuffer(1, samples.length, PLAYBACK_RATE);
      const channel = buffer.getChannelData(0);
      for (let i = 0; i < samples.length; i++) channel[i] = samples[i]! / 32768;
      const node = context.createBufferSource();
      node.buffer = buffer;
      node.connect(context.destination);
      node.onended = onEnded;
      node.start(at);
      return {
        stop() {
          node.onended = null;
          try {
            node.stop();
            node.disconnect();
          } catch {
            /* already stopped */
          }
        },
      };
    },
  };
}

function randomHex(bytes: number): string {
  const values = new Uint8Array(bytes);
  const crypto = globalThis.crypto;
  if (crypto && typeof crypto.getRandomValues === "function") crypto.getRandomValues(values);
  else for (let i = 0; i < bytes; i++) values[i] = Math.floor(Math.random() * 256);
  return Array.from(values, (value) => value.toString(16).padStart(2, "0")).join("");
}
