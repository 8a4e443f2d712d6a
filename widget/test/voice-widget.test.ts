import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { memoryStorage } from "../src/storage";
import type { WidgetConfig } from "../src/types";
import { voiceLoader } from "../src/voice";
import { VoiceFailureError, type VoiceFailure } from "../src/voice/failure";
import { VOICE_READY_EVENT, type VoiceCallOptions, type VoiceModule } from "../src/voice/module";
import { Widget } from "../src/widget";
import { FakeServer, header, settle } from "./fake-server";

const last = <T>(items: T[]): T | undefined => items[items.length - 1];

/** The voice bundle as the widget sees it, driven by the test. */
class FakeVoice implements VoiceModule {
  microphoneFailure: VoiceFailure | null = null;
  startFailure: VoiceFailure | null = null;
  tracks: { stopped: boolean; stop(): void }[] = [];
  calls: { options: VoiceCallOptions; hungUp: boolean }[] = [];
  loads = 0;

  openMicrophone(): Promise<MediaStream> {
    if (this.microphoneFailure) return Promise.reject(new VoiceFailureError(this.microphoneFailure));
    const track = { stopped: false, stop: () => (track.stopped = true) };
    this.tracks.push(track);
    return Promise.resolve({ getTracks: () => [track] } as unknown as MediaStream);
  }

  createCall(options: VoiceCallOptions) {
    const entry = { options, hungUp: false };
    this.calls.push(entry);
    return {
      start: async () => {
        if (this.startFailure) {
          options.onEnd(this.startFailure);
          throw new VoiceFailureError(this.startFailure);
        }
        options.onState("listening");
      },
      hangUp: () => {
        entry.hungUp = true;
        for (const track of options.microphone.getTracks()) track.stop();
        options.onState("ended");
        options.onEnd(null);
      },
    };
  }

  get last() {
    return last(this.calls)!;
  }
}

let widgets: Widget[] = [];
const realMediaDevices = Object.getOwnPropertyDescriptor(navigator, "mediaDevices");

function offerVoice(server: FakeServer, available = true): void {
  server.override("POST", /^\/api\/widget\/voice$/, (request) => {
    if (!available) return { status: 503, body: { detail: "voice is not available on this server" } };
    const token = (header(request, "authorization") ?? "").slice(7);
    const contact = server.visitors.get(token)!;
    const asked = request.body ? (JSON.parse(request.body) as { conversation_id?: string }).conversation_id : undefined;
    const id = asked ?? "conv-voice";
    if (!server.conversations.has(id)) server.conversations.set(id, { id, contact, status: "open", messages: [] });
    return { status: 201, body: { call_id: "call-1", conversation_id: id, stream_url: "/api/widget/voice/tok-1" } };
  });
}

async function mount(config: Partial<WidgetConfig> = { voice: true }, voice = new FakeVoice(), server = new FakeServer()) {
  server.config = { ...server.config, ...config };
  offerVoice(server);
  let loads = 0;
  const widget = new Widget({
    key: "pk_test",
    api: server.base,
    assets: "https://cdn.test/static/",
    win: window,
    doc: document,
    realm: {},
    trackPageView: false,
    http: server,
    storage: memoryStorage(),
    voiceModule: () => {
      voice.loads = ++loads;
      return Promise.resolve(voice);
    },
  });
  widgets.push(widget);
  await widget.ready;
  await settle();
  widget.open();
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => widget.view.shadow.querySelector(`[data-testid="${id}"]`) as T;
  const press = async () => {
    $("voice").click();
    await settle();
  };
  return { widget, server, voice, $, press };
}

beforeEach(() => {
  Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
  Object.defineProperty(navigator, "mediaDevices", { value: { getUserMedia: () => Promise.reject(new Error("unused")) }, configurable: true });
});

afterEach(() => {
  for (const widget of widgets) widget.destroy(true);
  widgets = [];
  document.body.replaceChildren();
  document.head.replaceChildren();
  if (realMediaDevices) Object.defineProperty(navigator, "mediaDevices", realMediaDevices);
  else delete (navigator as { mediaDevices?: unknown }).mediaDevices;
});

describe("the microphone button", () => {
  it("shows only when the server offers voice", async () => {
    expect((await mount({})).$("voice").hidden).toBe(true);
    expect((await mount({ voice: true })).$("voice").hidden).toBe(false);
  });

  it("starts a call: asks the API, streams to the call's socket and follows the call's conversation", async () => {
    const { server, voice, $, press, widget } = await mount();
    await press();
    const [posted] = server.requestsTo("POST", /^\/api\/widget\/voice$/);
    expect(header(posted!, "authorization")).toMatch(/^Bearer vt-/);
    const options = voice.last.options;
    expect(options.streamUrl).toBe("wss://api.test/api/widget/voice/tok-1");
    expect(options.callId).toBe("call-1");
    expect(options.workletUrl).toBe("https://cdn.test/static/widget-voice-worklet.js");
    expect(widget.state.conversationId).toBe("conv-voice");
    expect($("voice").getAttribute("aria-pressed")).toBe("true");
    expect($("voice").getAttribute("aria-label")).toBe("End voice call");
    expect($("voice-status").textContent).toContain("Listening");

    // The transcript arrives as chat does: through the conversation's event stream.
    const heard = server.addMessage("conv-voice", "visitor", "What are your opening hours?");
    server.emit("conv-voice", "message.created", { ...heard });
    server.answer("conv-voice", heard.id, "We're open nine to five.");
    await settle();
    const texts = Array.from(widget.view.shadow.querySelectorAll('[data-testid="message"]')).map((node) => node.textContent);
    expect(texts[0]).toContain("What are your opening hours?");
    expect(texts[1]).toContain("We're open nine to five.");

    options.onState("speaking");
    options.onPlayed!(25);
    expect($("voice-status").getAttribute("data-state")).toBe("speaking");
    expect($("voice-status").getAttribute("data-played-frames")).toBe("25");
    expect($("voice-status").textContent).toContain("assistant is speaking");
  });

  it("continues the conversation already open in the chat", async () => {
    const { server, $, press, widget } = await mount();
    const composer = $<HTMLTextAreaElement>("composer");
    composer.value = "hello";
    composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    await settle();
    const chat = widget.state.conversationId!;
    await press();
    const [posted] = server.requestsTo("POST", /^\/api\/widget\/voice$/);
    expect(JSON.parse(posted!.body!)).toEqual({ conversation_id: chat });
    expect(widget.state.conversationId).toBe(chat);
  });

  it("hangs up when pressed again, or on Escape, releasing the microphone", async () => {
    const { voice, $, press } = await mount();
    await press();
    await press();
    expect(voice.calls[0]!.hungUp).toBe(true);
    expect(voice.tracks[0]!.stopped).toBe(true);
    expect($("voice").getAttribute("aria-pressed")).toBe("false");
    expect($("voice-status").textContent).toBe("Call ended.");

    await press();
    expect(voice.calls).toHaveLength(2);
    $("panel").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await settle();
    expect(voice.calls[1]!.hungUp).toBe(true);
    expect($("panel").hidden).toBe(false); // Escape ended the call, not the chat
    $("panel").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect($("panel").hidden).toBe(true);
  });

  it("hangs up when the visitor leaves the page", async () => {
    const { voice, press } = await mount();
    await press();
    window.dispatchEvent(new Event("pagehide"));
    expect(voice.calls[0]!.hungUp).toBe(true);
    expect(voice.tracks[0]!.stopped).toBe(true);
  });

  it("loads the voice code only when pressed", async () => {
    const { voice, press } = await mount();
    expect(voice.loads).toBe(0);
    await press();
    expect(voice.loads).toBe(1);
  });
});

describe("when voice cannot work, the visitor is told why and the chat keeps working", () => {
  async function failing(setup: (context: { voice: FakeVoice; server: FakeServer }) => void) {
    const voice = new FakeVoice();
    const server = new FakeServer();
    const mounted = await mount({ voice: true }, voice, server);
    setup({ voice, server });
    await mounted.press();
    const error = mounted.$("error");
    const message = error.hidden ? "" : (error.textContent ?? "");
    // the chat still sends
    const composer = mounted.$<HTMLTextAreaElement>("composer");
    composer.value = "can I type instead?";
    composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    await settle();
    const sent = server.requestsTo("POST", /\/messages$/).map((request) => JSON.parse(request.body!).text);
    return { ...mounted, message, sent };
  }

  it("the microphone permission is denied", async () => {
    const result = await failing(({ voice }) => (voice.microphoneFailure = "denied"));
    expect(result.message).toMatch(/Microphone access is blocked/);
    expect(result.server.requestsTo("POST", /^\/api\/widget\/voice$/)).toHaveLength(0);
    expect(result.$("voice").getAttribute("aria-pressed")).toBe("false");
    expect(result.sent).toEqual(["can I type instead?"]);
  });

  it("there is no microphone", async () => {
    const result = await failing(({ voice }) => (voice.microphoneFailure = "no-microphone"));
    expect(result.message).toMatch(/No microphone was found/);
    expect(result.sent).toEqual(["can I type instead?"]);
  });

  it("the page is not a secure context (no mediaDevices)", async () => {
    const result = await failing(() => delete (navigator as { mediaDevices?: unknown }).mediaDevices);
    expect(result.message).toMatch(/secure \(https\) page/);
    expect(result.voice.loads).toBe(0);
    expect(result.sent).toEqual(["can I type instead?"]);
  });

  it("the server says voice is unavailable (and the microphone is released)", async () => {
    const result = await failing(({ server }) => offerVoice(server, false));
    expect(result.message).toMatch(/Voice isn't available right now/);
    expect(result.voice.tracks[0]!.stopped).toBe(true);
    expect(result.voice.calls).toHaveLength(0);
    expect(result.sent).toEqual(["can I type instead?"]);
  });

  it("the call's socket is refused", async () => {
    const result = await failing(({ voice }) => (voice.startFailure = "refused"));
    expect(result.message).toMatch(/couldn't connect the call/);
    expect(result.$("voice-status").getAttribute("data-state")).toBe("ended");
    expect(result.sent).toEqual(["can I type instead?"]);
  });

  it("the call is lost midway", async () => {
    const result = await failing(() => undefined);
    result.voice.last.options.onEnd("lost");
    expect(result.$("error").textContent).toMatch(/call was disconnected/);
    expect(result.$("voice").getAttribute("aria-pressed")).toBe("false");
    expect(result.sent).toEqual(["can I type instead?"]);
  });
});

describe("loading the voice bundle", () => {
  // (happy-dom loads no script files here: the elements are caught as they are added)
  function added(): HTMLScriptElement[] {
    const scripts: HTMLScriptElement[] = [];
    vi.spyOn(document.head, "appendChild").mockImplementation(<T extends Node>(node: T) => {
      scripts.push(node as unknown as HTMLScriptElement);
      return node;
    });
    return scripts;
  }

  it("adds one script from beside widget.js and takes the module from its event, adding no global", async () => {
    const scripts = added();
    const load = voiceLoader(document, "https://cdn.test/static/widget-voice.js");
    const first = load();
    expect(load()).toBe(first); // loaded once
    expect(scripts.map((script) => script.src)).toEqual(["https://cdn.test/static/widget-voice.js"]);
    const module = new FakeVoice();
    scripts[0]!.dispatchEvent(new CustomEvent(VOICE_READY_EVENT, { detail: module }));
    await expect(first).resolves.toBe(module);
    expect(Object.keys(window).filter((name) => /voice/i.test(name))).toEqual([]);
  });

  it("a script that fails to load rejects, and the next press tries again", async () => {
    const scripts = added();
    const load = voiceLoader(document, "https://cdn.test/static/widget-voice.js");
    const first = load();
    scripts[0]!.dispatchEvent(new Event("error"));
    await expect(first).rejects.toEqual(new VoiceFailureError("load"));
    expect(load()).not.toBe(first);
  });
});
