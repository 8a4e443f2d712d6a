/**
 * The microphone button's side of a voice call, in the widget script: it loads the voice
 * bundle (dist/voice.js, from where widget.js came) only when the visitor presses the button,
 * asks the API for a call, makes the widget follow the call's conversation (the transcript
 * and the answers arrive through its event stream, as in chat) and shows the call's state.
 * The audio itself lives in src/voice/, which this file imports only as types.
 */

import { ApiError, type WidgetApi } from "./api";
import { classifyMediaError, FAILURE_MESSAGES, VoiceFailureError, type VoiceFailure } from "./voice/failure";
import { VOICE_READY_EVENT, type VoiceCallHandle, type VoiceModule, type VoiceState } from "./voice/module";
import { t } from "./strings";

export const VOICE_SCRIPT = "widget-voice.js";
export const VOICE_WORKLET = "widget-voice-worklet.js";

export interface VoiceDisplay {
  state: VoiceState | null;
  level: number;
  playedFrames: number;
}

export interface VoiceHost {
  win: Window & typeof globalThis;
  api: WidgetApi;
  /** The folder widget.js was loaded from (the voice files sit next to it). */
  assets: string;
  load: () => Promise<VoiceModule>;
  ensureVisitor(): Promise<string>;
  /** The open conversation the call should continue, if any. */
  currentConversation(): string | null;
  /** Show and follow this conversation (the call's). */
  follow(conversationId: string): void;
  show(display: VoiceDisplay): void;
  error(text: string | null): void;
}

export class VoiceCallControl {
  private call: VoiceCallHandle | null = null;
  private attempt = 0;
  private display: VoiceDisplay = { state: null, level: 0, playedFrames: 0 };

  constructor(private readonly host: VoiceHost) {}

  /** A call is starting or under way. */
  get active(): boolean {
    return this.display.state !== null && this.display.state !== "ended";
  }

  toggle(): void {
    if (this.active) this.hangUp();
    else void this.start();
  }

  async start(): Promise<void> {
    if (this.active) return;
    const attempt = ++this.attempt;
    const current = () => attempt === this.attempt;
    const { win, api } = this.host;
    this.host.error(null);
    this.update({ state: "connecting", level: 0, playedFrames: 0 });
    let microphone: MediaStream | null = null;
    let call: VoiceCallHandle | null = null;
    try {
      if (!win.isSecureContext || typeof win.navigator?.mediaDevices?.getUserMedia !== "function") {
        throw new VoiceFailureError("insecure");
      }
      const voice = await this.host.load().catch(() => Promise.reject(new VoiceFailureError("load")));
      if (!current()) return;
      microphone = await voice.openMicrophone(win);
      if (!current()) return release(microphone);
      const started = await this.host
        .ensureVisitor()
        .then(() => api.startVoice(this.host.currentConversation()))
        .catch((error: unknown) =>
          Promise.reject(new VoiceFailureError(error instanceof ApiError ? "unavailable" : "refused")),
        );
      if (!current()) return release(microphone);
      this.host.follow(started.conversation_id);
      call = voice.createCall({
        win,
        microphone,
        streamUrl: api.voiceSocketUrl(started.stream_url),
        callId: started.call_id,
        workletUrl: new URL(VOICE_WORKLET, this.host.assets).href,
        onState: (state) => current() && this.update({ state }),
        onLevel: (level) => current() && this.update({ level }),
        onPlayed: (playedFrames) => current() && this.update({ playedFrames }),
        onEnd: (failure) => {
          if (!current()) return;
          this.call = null;
          this.finish(failure);
        },
      });
      this.call = call;
      await call.start();
    } catch (error) {
      if (microphone && !call) release(microphone);
      // Once the call exists, its onEnd has already said how it ended.
      if (current() && !call) this.finish(classifyMediaError(error));
    }
  }

  /** Hang up (the button again, Escape, or the widget going away). */
  hangUp(): void {
    if (!this.active) return;
    const call = this.call;
    this.call = null;
    if (call) {
      call.hangUp(); // its onEnd finishes the display
      if (this.active) this.finish(null);
    } else {
      this.attempt++; // a start still under way stops at its next step
      this.finish(null);
    }
  }

  private finish(failure: VoiceFailure | null): void {
    this.update({ state: "ended", level: 0 });
    if (failure) this.host.error(t(FAILURE_MESSAGES[failure]));
  }

  private update(change: Partial<VoiceDisplay>): void {
    this.display = { ...this.display, ...change };
    this.host.show(this.display);
  }
}

function release(microphone: MediaStream): void {
  for (const track of microphone.getTracks()) track.stop();
}

/**
 * Load dist/voice.js once: a classic script (any browser, any page), which hands its module
 * to us through an event on its own element, so it adds no global.
 */
export function voiceLoader(doc: Document, src: string, timeoutMs = 20_000): () => Promise<VoiceModule> {
  let loading: Promise<VoiceModule> | null = null;
  return () => {
    loading ??= new Promise<VoiceModule>((resolve, reject) => {
      const script = doc.createElement("script");
      const fail = () => {
        clearTimeout(timer);
        script.remove();
        loading = null;
        reject(new VoiceFailureError("load"));
      };
      const timer = setTimeout(fail, timeoutMs);
      script.addEventListener(VOICE_READY_EVENT, (event) => {
        clearTimeout(timer);
        resolve((event as CustomEvent<VoiceModule>).detail);
      });
      script.addEventListener("error", fail);
      script.async = true;
      script.src = src;
      (doc.head ?? doc.documentElement).appendChild(script);
    });
    return loading;
  };
}
