/**
 * The widget's controller: visitor session, conversation, event stream, page activity and
 * the view, wired together. One instance per page (until `shutdown()`).
 */

import { PageActivity } from "./analytics";
import { ApiError, WidgetApi } from "./api";
import { normalizeConfig } from "./config";
import {
  applyEvent,
  emptyConversation,
  findMessage,
  mergeHistory,
  restore,
  snapshot,
  type ChatMessage,
  type ChatState,
} from "./conversation";
import { ConversationStream } from "./sse";
import { memoryStorage, pageStorage, VisitorStorage, type StorageLike } from "./storage";
import { t } from "./strings";
import { createPristineHttp, type Http, type Realm } from "./transport";
import type { ConversationEvent, WidgetConfig } from "./types";
import { WidgetView, type PrechatMode } from "./view";
import { VOICE_SCRIPT, VoiceCallControl, voiceLoader } from "./voice";
import type { VoiceModule } from "./voice/module";

export interface WidgetOptions {
  key: string;
  api: string;
  /** The folder widget.js came from (the voice bundle sits next to it); default: the API. */
  assets?: string;
  win: Window & typeof globalThis;
  doc: Document;
  /** The page's HTTP globals as they were when the script ran (fallback only). */
  realm: Realm;
  trackPageView: boolean;
  /** Show these settings instead of fetching them (see EmbedOptions.preview). */
  preview?: Partial<WidgetConfig>;
  http?: Http;
  storage?: StorageLike;
  /** Load the voice bundle (tests give their own); default: dist/voice.js from `assets`. */
  voiceModule?: () => Promise<VoiceModule>;
}

export class Widget {
  readonly view: WidgetView;
  readonly http: Http;
  readonly ready: Promise<void>;
  state: ChatState;
  config: WidgetConfig = normalizeConfig({});
  private readonly api: WidgetApi;
  private readonly store: VisitorStorage;
  private readonly activity: PageActivity;
  readonly voice: VoiceCallControl;
  private stream: ConversationStream | null = null;
  private isOpen = false;
  private unread = 0;
  private prechatDone = false;
  private historyFor: string | null = null;
  private visitorPending: Promise<string> | null = null;
  private conversationPending: Promise<string> | null = null;
  private renderQueued = false;
  private destroyed = false;
  private observer: MutationObserver | null = null;
  private readonly onOnline = () => this.stream?.reconnectNow();
  /** Leaving the page ends a call cleanly (`stop`), not as a lost connection. */
  private readonly onPageHide = () => this.voice.hangUp();

  constructor(private readonly options: WidgetOptions) {
    const { win, doc } = options;
    this.view = new WidgetView({
      open: () => this.open(),
      close: () => this.close(),
      send: (text) => void this.send(text),
      retry: (id) => void this.retry(id),
      feedback: (id, value) => void this.feedback(id, value),
      talkToHuman: () => void this.talkToHuman(),
      newConversation: () => this.newConversation(),
      prechatSubmit: (details) => void this.prechatSubmit(details),
      prechatSkip: () => this.prechatSkip(),
      voice: () => this.toggleVoice(),
      escape: () => (this.voice.active ? this.voice.hangUp() : this.close()),
    });
    this.view.host.setAttribute("data-loading", "");
    this.mount();
    this.http =
      options.http ?? createPristineHttp(doc, (frame) => this.view.shadow.appendChild(frame), options.realm);
    const preview = options.preview !== undefined;
    this.store = new VisitorStorage(
      options.storage ?? (preview ? memoryStorage() : pageStorage(win)),
      options.key,
    );
    this.api = new WidgetApi(this.http, options.api, options.key, () => this.store.visitorToken);
    this.activity = new PageActivity({
      win,
      doc,
      send: preview ? () => Promise.resolve() : (events, keepalive) => this.api.pageEvents(events, keepalive),
    });
    this.state = emptyConversation(null);
    const assets = options.assets ?? `${options.api}/`;
    this.voice = new VoiceCallControl({
      win,
      api: this.api,
      assets,
      load: options.voiceModule ?? voiceLoader(doc, new URL(VOICE_SCRIPT, assets).href),
      ensureVisitor: () => this.ensureVisitor(),
      currentConversation: () =>
        this.state.conversationId && this.state.status !== "closed" ? this.state.conversationId : null,
      follow: (id) => this.followConversation(id),
      show: (display) => this.view.setVoice(display),
      error: (text) => this.view.setError(text),
    });
    win.addEventListener("online", this.onOnline);
    win.addEventListener("pagehide", this.onPageHide);
    this.ready = this.start();
  }

  // Public actions ------------------------------------------------------------------------

  open(): void {
    if (this.destroyed) return;
    this.isOpen = true;
    this.unread = 0;
    this.view.setUnread(0);
    this.view.setOpen(true);
    this.view.setPrechat(this.prechatMode());
    this.view.focusComposer();
    this.activity.track("widget_opened");
    if (this.state.conversationId && this.historyFor !== this.state.conversationId) void this.loadHistory();
  }

  close(): void {
    if (this.destroyed || !this.isOpen) return;
    this.isOpen = false;
    this.view.setOpen(false);
    this.view.focusLauncher();
  }

  /** Exchange the customer's signed token for a visitor token of the known contact. */
  async identify(token: string): Promise<boolean> {
    await this.ready;
    if (this.destroyed || typeof token !== "string" || !token) return false;
    try {
      const session = await this.api.identify(token);
      this.store.visitorToken = session.visitor_token;
    } catch (error) {
      this.warn("identify failed", error);
      return false;
    }
    this.prechatDone = true;
    if (this.isOpen) this.view.setPrechat(null);
    // The conversation may belong to the previous contact: reload it with the new token
    // (a 404 forgets it) and stream again.
    const id = this.state.conversationId;
    if (id) {
      this.stream?.stop();
      this.historyFor = null;
      await this.loadHistory();
      if (this.state.conversationId === id) this.startStream();
    }
    return true;
  }

  /** Remove the widget and forget the visitor (log-out on a shared computer). */
  shutdown(): void {
    this.destroy(true);
  }

  /** Stop everything and remove the DOM; `forget` also clears the stored visitor. */
  destroy(forget: boolean): void {
    if (this.destroyed) return;
    this.voice.hangUp();
    this.destroyed = true;
    this.stream?.stop();
    this.activity.stop();
    this.observer?.disconnect();
    this.options.win.removeEventListener("online", this.onOnline);
    this.options.win.removeEventListener("pagehide", this.onPageHide);
    if (forget) this.store.clear();
    // The last page events go out through the iframe's fetch: remove it once they are sent.
    const host = this.view.host;
    host.style.setProperty("display", "none", "important");
    const remove = () => host.remove();
    const timer = setTimeout(remove, 3000);
    void this.activity.flush(true).then(() => {
      clearTimeout(timer);
      remove();
    });
  }

  // Start and resume ----------------------------------------------------------------------

  /** Settings first (the launcher appears with them), then the stored conversation in the
   * background: `ready` does not wait for history or the stream. */
  private async start(): Promise<void> {
    this.activity.start();
    if (this.options.trackPageView) this.activity.track("page_view");
    let raw: Partial<WidgetConfig> = {};
    if (this.options.preview !== undefined) {
      raw = this.options.preview;
    } else {
      try {
        raw = (await withTimeout(this.api.config(), CONFIG_TIMEOUT_MS)) ?? {};
      } catch (error) {
        if (!this.destroyed) this.warn("widget settings unavailable, using defaults", error);
      }
    }
    if (this.destroyed) return;
    this.config = normalizeConfig(raw);
    this.view.applyConfig(this.config);
    this.view.setVoiceAvailable(this.config.voice && this.options.preview === undefined);
    this.view.host.removeAttribute("data-loading");
    this.render();
    if (this.options.preview !== undefined) {
      // Opened without taking the focus: the page around the preview keeps it.
      this.isOpen = true;
      this.view.setOpen(true);
      this.view.setPrechat(this.prechatMode());
      return;
    }
    void this.resume();
  }

  /** After a reload or on another page: the stored conversation, its history, then its stream. */
  private async resume(): Promise<void> {
    const id = this.store.conversationId;
    if (!this.store.visitorToken || !id) return;
    this.state = emptyConversation(id);
    restore(this.state, this.store.cursor);
    await this.loadHistory();
    if (this.state.conversationId === id && !this.destroyed) this.startStream();
  }

  private async loadHistory(): Promise<void> {
    const id = this.state.conversationId;
    if (!id) return;
    try {
      const history = await this.api.messages(id);
      if (this.state.conversationId !== id) return;
      mergeHistory(this.state, Array.isArray(history) ? history : []);
      this.historyFor = id;
      this.render(true);
    } catch (error) {
      if (this.state.conversationId !== id) return;
      if (error instanceof ApiError && error.status === 401) this.forgetVisitor();
      else if (error instanceof ApiError && (error.status === 404 || error.status === 403)) this.forgetConversation();
      else this.warn("could not load the conversation", error);
    }
  }

  private startStream(): void {
    this.stream?.stop();
    const id = this.state.conversationId;
    if (!id || this.destroyed) return;
    this.stream = new ConversationStream({
      http: this.http,
      url: this.api.eventsUrl(id),
      headers: () => this.api.authorization(),
      after: this.state.lastEventId,
      onEvent: (event) => this.onEvent(id, event),
      onRejected: (status) => {
        if (this.state.conversationId !== id) return;
        if (status === 401) this.forgetVisitor();
        else this.forgetConversation();
      },
      onState: (state) => this.view.setConnection(state === "reconnecting" ? t("reconnecting") : null),
    });
    this.stream.start();
  }

  private onEvent(conversationId: string, event: ConversationEvent): void {
    if (this.state.conversationId !== conversationId) return;
    const { changed, added } = applyEvent(this.state, event);
    if (!changed) return;
    const unread = added.filter((message) => message.role === "assistant" || message.role === "operator");
    if (!this.isOpen && unread.length) {
      this.unread += unread.length;
      this.view.setUnread(this.unread);
    }
    this.store.cursor = snapshot(this.state);
    this.render();
  }

  // Sending -------------------------------------------------------------------------------

  async send(text: string): Promise<void> {
    const content = text.trim();
    if (!content || this.destroyed) return;
    await this.ready;
    const mode = this.prechatMode();
    if (mode === "required") {
      this.view.setPrechat(mode);
      return;
    }
    const message: ChatMessage = {
      id: uuid(this.options.win),
      role: "visitor",
      content,
      citations: [],
      feedback: null,
      created_at: new Date().toISOString(),
      state: "sending",
    };
    this.state.messages.push(message);
    this.render(true);
    this.activity.track("message_sent");
    await this.deliver(message, false);
  }

  private async retry(id: string): Promise<void> {
    const message = findMessage(this.state, id);
    if (!message || message.state !== "failed") return;
    message.state = "sending";
    this.render();
    await this.deliver(message, false);
  }

  /** Post one visitor message; its id is the client_message_id, so a retry is not a duplicate. */
  private async deliver(message: ChatMessage, retried: boolean): Promise<void> {
    try {
      const conversationId = await this.ensureConversation();
      await this.api.postMessage(conversationId, message.content, message.id);
      const current = findMessage(this.state, message.id);
      if (current?.state === "sending") current.state = undefined;
      this.view.setError(null);
    } catch (error) {
      if (this.destroyed) return;
      if (error instanceof ApiError && error.status === 429) {
        this.view.setError(t("slowDown"));
        const wait = Math.min(Math.max(error.retryAfter ?? 2, 1), 120);
        setTimeout(() => {
          if (findMessage(this.state, message.id) === message) void this.deliver(message, retried);
        }, wait * 1000);
        return;
      }
      if (error instanceof ApiError && (error.status === 401 || error.status === 404) && !retried) {
        if (error.status === 401) this.forgetVisitor(true);
        else this.forgetConversation(true);
        return this.deliver(message, true);
      }
      message.state = "failed";
      this.view.setError(
        error instanceof ApiError ? error.detail || t("genericError") : t("networkError"),
      );
    }
    this.render();
  }

  private ensureVisitor(details: { name?: string; email?: string } = {}): Promise<string> {
    const token = this.store.visitorToken;
    if (token) return Promise.resolve(token);
    this.visitorPending ??= this.api
      .startVisitor(details)
      .then((session) => {
        this.store.visitorToken = session.visitor_token;
        return session.visitor_token;
      })
      .finally(() => (this.visitorPending = null));
    return this.visitorPending;
  }

  /** The open conversation, started on the first message (and after "New conversation"). */
  private ensureConversation(): Promise<string> {
    const id = this.state.conversationId;
    if (id && this.state.status !== "closed") return Promise.resolve(id);
    this.conversationPending ??= (async () => {
      await this.ensureVisitor();
      const { conversation } = await this.api.startConversation();
      const keep = this.state.conversationId
        ? this.state.messages.filter((message) => message.state === "sending" || message.state === "failed")
        : this.state.messages;
      this.stream?.stop();
      this.state = emptyConversation(conversation.id);
      this.state.status = conversation.status || "open";
      this.state.messages = keep;
      this.historyFor = conversation.id;
      this.store.conversationId = conversation.id;
      this.store.cursor = snapshot(this.state);
      this.startStream();
      this.render();
      return conversation.id;
    })().finally(() => (this.conversationPending = null));
    return this.conversationPending;
  }

  // Voice ---------------------------------------------------------------------------------

  private toggleVoice(): void {
    if (!this.voice.active && this.prechatMode() === "required") {
      this.view.setPrechat("required");
      return;
    }
    this.voice.toggle();
  }

  /** The voice call's conversation becomes the one shown and streamed: the visitor's
   * utterances and the answers arrive through its events, as in chat. */
  private followConversation(id: string): void {
    if (this.destroyed) return;
    if (this.state.conversationId === id) {
      if (!this.stream) this.startStream();
      return;
    }
    this.stream?.stop();
    this.state = emptyConversation(id);
    this.state.status = "open";
    this.historyFor = null;
    this.store.conversationId = id;
    this.store.cursor = snapshot(this.state);
    this.render(true);
    void this.loadHistory();
    this.startStream();
  }

  // Other actions -------------------------------------------------------------------------

  private async feedback(messageId: string, value: 1 | -1): Promise<void> {
    const message = findMessage(this.state, messageId);
    const id = this.state.conversationId;
    if (!message || !id || message.feedback === value) return;
    const before = message.feedback;
    message.feedback = value;
    this.render();
    try {
      await this.api.feedback(id, messageId, value);
    } catch (error) {
      message.feedback = before;
      this.showError(error);
      this.render();
    }
  }

  private async talkToHuman(): Promise<void> {
    if (this.prechatMode() === "required") {
      this.view.setPrechat("required");
      return;
    }
    const before = this.state.status;
    try {
      const id = await this.ensureConversation();
      this.state.status = "waiting_for_human";
      this.render();
      await this.api.requestHuman(id);
    } catch (error) {
      if (this.state.status === "waiting_for_human") this.state.status = before;
      this.showError(error);
      this.render();
    }
  }

  newConversation(): void {
    if (this.destroyed) return;
    this.stream?.stop();
    this.stream = null;
    this.state = emptyConversation(null);
    this.historyFor = null;
    this.store.conversationId = null;
    this.view.setError(null);
    this.render(true);
    this.view.focusComposer();
  }

  private async prechatSubmit(details: { name: string; email: string }): Promise<void> {
    try {
      await this.ensureVisitor({
        ...(details.name ? { name: details.name } : {}),
        ...(details.email ? { email: details.email } : {}),
      });
      this.prechatDone = true;
      this.view.setPrechat(null);
      this.view.focusComposer();
    } catch (error) {
      this.view.setPrechatError(
        error instanceof ApiError
          ? error.status === 429
            ? t("slowDown")
            : error.detail || t("genericError")
          : t("networkError"),
      );
    }
  }

  private prechatSkip(): void {
    if (this.config.pre_chat === "required") return;
    this.prechatDone = true;
    this.view.setPrechat(null);
    this.view.focusComposer();
  }

  /** The pre-chat form to show now, if any: only before the visitor has a session. */
  prechatMode(): PrechatMode | null {
    if (this.config.pre_chat === "off" || this.prechatDone || this.store.visitorToken) return null;
    return this.config.pre_chat;
  }

  // Helpers -------------------------------------------------------------------------------

  /** Token no longer valid: start over as a new visitor (keeping unsent messages to resend). */
  private forgetVisitor(keepUnsent = false): void {
    this.store.clear();
    this.prechatDone = this.prechatDone && this.config.pre_chat !== "required";
    this.forgetConversation(keepUnsent);
    if (this.isOpen) this.view.setPrechat(this.prechatMode());
  }

  private forgetConversation(keepUnsent = false): void {
    const unsent = keepUnsent
      ? this.state.messages.filter((message) => message.state === "sending" || message.state === "failed")
      : [];
    this.stream?.stop();
    this.stream = null;
    this.store.conversationId = null;
    this.historyFor = null;
    this.state = emptyConversation(null);
    this.state.messages = unsent;
    this.render();
  }

  private showError(error: unknown): void {
    if (error instanceof ApiError && error.status === 429) this.view.setError(t("slowDown"));
    else if (error instanceof ApiError) this.view.setError(error.detail || t("genericError"));
    else this.view.setError(t("networkError"));
  }

  /** Renders are batched: a burst of replayed events redraws once. */
  private render(forceScroll = false): void {
    if (forceScroll) {
      this.view.render(this.state, true);
      return;
    }
    if (this.renderQueued) return;
    this.renderQueued = true;
    void Promise.resolve().then(() => {
      this.renderQueued = false;
      if (!this.destroyed) this.view.render(this.state);
    });
  }

  /** Pages that replace <body> (Turbo, some SPAs) would drop the widget: put it back. */
  private mount(): void {
    const { doc, win } = this.options;
    const attach = () => {
      if (!this.destroyed && !this.view.host.isConnected && doc.body) doc.body.appendChild(this.view.host);
    };
    attach();
    const Observer = (win as unknown as { MutationObserver?: typeof MutationObserver }).MutationObserver;
    if (!Observer) return;
    this.observer = new Observer(() => {
      attach();
      if (doc.body && this.observer) this.observer.observe(doc.body, { childList: true });
    });
    this.observer.observe(doc.documentElement, { childList: true });
    if (doc.body) this.observer.observe(doc.body, { childList: true });
  }

  private warn(message: string, error: unknown): void {
    try {
      this.options.win.console?.warn?.(`Perceptron: ${message}`, error instanceof Error ? error.message : error);
    } catch {
      /* no console */
    }
  }
}

const CONFIG_TIMEOUT_MS = 8000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A v4 UUID: crypto.randomUUID needs a secure context, getRandomValues does not. */
export function uuid(win: Window): string {
  const crypto = win.crypto;
  if (crypto && typeof crypto.randomUUID === "function") {
    try {
      return crypto.randomUUID();
    } catch {
      /* insecure context */
    }
  }
  const bytes = new Uint8Array(16);
  if (crypto && typeof crypto.getRandomValues === "function") crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
