/**
 * An in-memory stand-in for /api/widget behind the widget's Http interface: visitors,
 * conversations, messages, the event log and its SSE streams (with Last-Event-ID), and
 * per-route overrides for errors.
 */

import type { Http, HttpRequest, HttpResponse, StreamHandle, StreamResult } from "../src/transport";
import { NetworkError } from "../src/transport";
import type { ConversationEvent, MessageJson, WidgetConfig } from "../src/types";

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Override = (request: HttpRequest, match: RegExpMatchArray) => Reply | undefined;

interface Conversation {
  id: string;
  contact: string;
  status: string;
  messages: MessageJson[];
}

interface OpenStream {
  conversationId: string;
  onChunk(text: string): void;
  resolve(result: StreamResult): void;
  reject(error: Error): void;
  closed: boolean;
}

export class FakeServer implements Http {
  readonly kind = "fetch" as const;
  readonly requests: HttpRequest[] = [];
  readonly events: ConversationEvent[] = [];
  readonly conversations = new Map<string, Conversation>();
  readonly visitors = new Map<string, string>(); // token -> contact id
  readonly visitorDetails: unknown[] = [];
  readonly pageEvents: { events: unknown[]; keepalive: boolean }[] = [];
  config: Partial<WidgetConfig> = { organization_name: "Acme", greeting: "Hello from Acme!", color: "#0ea5e9" };
  /** Answer each visitor message with this text (null: no automatic answer). */
  autoAnswer: string | null = null;
  offline = false;
  private streams: OpenStream[] = [];
  private overrides: { method: string; path: RegExp; reply: Override }[] = [];
  private nextId = 1;

  constructor(readonly base = "https://api.test") {}

  override(method: string, path: RegExp, reply: Override): void {
    this.overrides.unshift({ method, path, reply });
  }

  clearOverrides(): void {
    this.overrides = [];
  }

  requestsTo(method: string, path: RegExp): HttpRequest[] {
    return this.requests.filter((request) => request.method === method && path.test(this.path(request.url)));
  }

  // Http ----------------------------------------------------------------------------------

  async request(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    await Promise.resolve();
    if (this.offline) throw new NetworkError("offline");
    const reply = this.route(request);
    const headers = Object.fromEntries(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      status: reply.status,
      header: (name) => headers[name.toLowerCase()] ?? null,
      text: reply.body === undefined ? "" : JSON.stringify(reply.body),
    };
  }

  stream(request: HttpRequest, onChunk: (text: string) => void): StreamHandle {
    this.requests.push(request);
    let stream: OpenStream | undefined;
    const result = new Promise<StreamResult>((resolve, reject) => {
      const match = /\/conversations\/([^/]+)\/events$/.exec(this.path(request.url));
      const conversation = match ? this.conversations.get(decodeURIComponent(match[1]!)) : undefined;
      const contact = this.contactOf(request);
      if (this.offline) return queueMicrotask(() => reject(new NetworkError("offline")));
      if (!contact) return resolve({ status: 401, header: () => null });
      if (!conversation || conversation.contact !== contact) return resolve({ status: 404, header: () => null });
      stream = { conversationId: conversation.id, onChunk, resolve, reject, closed: false };
      this.streams.push(stream);
      const after = Number(header(request, "last-event-id") ?? 0);
      const backlog = this.events.filter((event) => event.conversation_id === conversation.id && event.id > after);
      const open = stream;
      queueMicrotask(() => {
        if (open.closed) return;
        open.onChunk("retry: 1000\n\n");
        for (const event of backlog) open.onChunk(sse(event));
      });
    });
    return {
      result,
      abort: () => {
        if (stream && !stream.closed) {
          stream.closed = true;
          this.streams = this.streams.filter((other) => other !== stream);
          stream.resolve({ status: 200, header: () => null });
        }
      },
    };
  }

  // Test controls -------------------------------------------------------------------------

  get openStreams(): number {
    return this.streams.length;
  }

  /** Drop every open stream as a network failure would. */
  disconnect(): void {
    for (const stream of this.streams) {
      stream.closed = true;
      stream.reject(new NetworkError("connection reset"));
    }
    this.streams = [];
  }

  emit(conversationId: string, type: string, data: Record<string, unknown>): ConversationEvent {
    const event: ConversationEvent = {
      id: this.nextId++,
      type,
      conversation_id: conversationId,
      data,
      created_at: new Date(Date.now() + this.nextId).toISOString(),
    };
    this.events.push(event);
    for (const stream of this.streams) {
      if (stream.conversationId === conversationId && !stream.closed) stream.onChunk(sse(event));
    }
    return event;
  }

  addMessage(conversationId: string, role: MessageJson["role"], content: string, extra: Partial<MessageJson> = {}): MessageJson {
    const conversation = this.conversations.get(conversationId)!;
    const message: MessageJson = {
      id: `m-${this.nextId++}`,
      conversation_id: conversationId,
      role,
      content,
      citations: [],
      feedback: null,
      created_at: new Date(Date.now() + this.nextId).toISOString(),
      ...extra,
    };
    conversation.messages.push(message);
    return message;
  }

  /** A whole agent turn: started, tokens, done. */
  answer(conversationId: string, turnId: string, text: string, extra: Partial<MessageJson> = {}): MessageJson {
    this.emit(conversationId, "turn.started", { turn_id: turnId });
    const half = Math.ceil(text.length / 2);
    this.emit(conversationId, "token", { turn_id: turnId, text: text.slice(0, half) });
    this.emit(conversationId, "token", { turn_id: turnId, text: text.slice(half) });
    const message = this.addMessage(conversationId, "assistant", text, extra);
    this.emit(conversationId, "message.done", { ...message, turn_id: turnId, decision: "answer" });
    return message;
  }

  get onlyConversation(): Conversation {
    const [conversation] = this.conversations.values();
    return conversation!;
  }

  // Routes --------------------------------------------------------------------------------

  private route(request: HttpRequest): Reply {
    const path = this.path(request.url);
    for (const override of this.overrides) {
      const match = override.method === request.method ? path.match(override.path) : null;
      if (match) {
        const reply = override.reply(request, match);
        if (reply) return reply;
      }
    }
    const body = request.body ? JSON.parse(request.body) : undefined;
    const key = header(request, "x-perceptron-key");
    if (request.method === "GET" && path === "/api/widget/config") {
      return key ? { status: 200, body: this.config } : { status: 422, body: { detail: "key" } };
    }
    if (request.method === "POST" && path === "/api/widget/visitors") {
      if (!key) return { status: 401, body: { detail: "unknown widget key" } };
      const token = `vt-${this.nextId++}`;
      const contact = `c-${this.nextId++}`;
      this.visitors.set(token, contact);
      this.visitorDetails.push(body);
      return { status: 201, body: { visitor_token: token, contact_id: contact, organization_name: "Acme" } };
    }
    if (request.method === "POST" && path === "/api/widget/identify") {
      const token = `vt-${this.nextId++}`;
      const contact = `c-identified-${String(body.token)}`;
      this.visitors.set(token, contact);
      return { status: 200, body: { visitor_token: token, contact_id: contact } };
    }
    if (request.method === "POST" && path === "/api/widget/events") {
      this.pageEvents.push({ events: body.events, keepalive: Boolean(request.keepalive) });
      return { status: 202 };
    }
    const contact = this.contactOf(request);
    if (!contact) return { status: 401, body: { detail: "invalid visitor token" } };
    if (path === "/api/widget/conversations") {
      if (request.method === "GET") {
        return { status: 200, body: [...this.conversations.values()].filter((c) => c.contact === contact).reverse() };
      }
      const conversation: Conversation = { id: `conv-${this.nextId++}`, contact, status: "open", messages: [] };
      this.conversations.set(conversation.id, conversation);
      return { status: 201, body: { conversation: { id: conversation.id, status: "open", channel: "web" } } };
    }
    const match = /^\/api\/widget\/conversations\/([^/]+)\/(.+)$/.exec(path);
    const conversation = match ? this.conversations.get(match[1]!) : undefined;
    if (!match || !conversation || conversation.contact !== contact) {
      return { status: 404, body: { detail: "no such conversation" } };
    }
    const rest = match[2]!;
    if (rest === "messages" && request.method === "GET") return { status: 200, body: conversation.messages };
    if (rest === "messages" && request.method === "POST") {
      if (conversation.status === "closed") return { status: 409, body: { detail: "the conversation has ended" } };
      const id = String(body.client_message_id);
      if (!conversation.messages.some((message) => message.id === id)) {
        const message = this.addMessage(conversation.id, "visitor", body.text, { id });
        this.emit(conversation.id, "message.created", { ...message });
        if (this.autoAnswer !== null) this.answer(conversation.id, id, this.autoAnswer);
      }
      return { status: 202, body: { conversation_id: conversation.id, message_id: id } };
    }
    const feedback = /^messages\/([^/]+)\/feedback$/.exec(rest);
    if (feedback && request.method === "POST") {
      const message = conversation.messages.find((item) => item.id === feedback[1]);
      if (!message) return { status: 404, body: { detail: "no such message" } };
      message.feedback = body.value;
      return { status: 204 };
    }
    if (rest === "human" && request.method === "POST") {
      conversation.status = "waiting_for_human";
      this.emit(conversation.id, "handoff.requested", { reason: "the visitor asked for a person", status: "waiting_for_human", needs_human: true });
      return { status: 202 };
    }
    if (rest === "end" && request.method === "POST") {
      conversation.status = "closed";
      this.emit(conversation.id, "status.changed", { reason: "the visitor ended it", status: "closed" });
      return { status: 202 };
    }
    return { status: 404, body: { detail: "Not Found" } };
  }

  private contactOf(request: HttpRequest): string | undefined {
    const authorization = header(request, "authorization") ?? "";
    return authorization.startsWith("Bearer ") ? this.visitors.get(authorization.slice(7)) : undefined;
  }

  private path(url: string): string {
    return new URL(url).pathname;
  }
}

export function header(request: HttpRequest, name: string): string | undefined {
  const entry = Object.entries(request.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

export function sse(event: ConversationEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Let promises, microtasks and a macrotask run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
