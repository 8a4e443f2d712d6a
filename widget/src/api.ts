/** The widget's calls to /api/widget, typed, with the server's errors as ApiError. */

import type { Http, HttpResponse } from "./transport";
import type {
  ConversationSummary,
  MessageJson,
  PageEvent,
  Posted,
  VisitorSession,
  VoiceStarted,
  WidgetConfig,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** Seconds to wait, from Retry-After (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(detail || `HTTP ${status}`);
    this.name = "ApiError";
  }
}

export class WidgetApi {
  constructor(
    private readonly http: Http,
    readonly base: string,
    private readonly key: string,
    private readonly visitorToken: () => string | null,
  ) {}

  config(): Promise<Partial<WidgetConfig>> {
    return this.call("GET", "/config", { keyed: true });
  }

  startVisitor(details: { name?: string; email?: string }): Promise<VisitorSession> {
    return this.call("POST", "/visitors", { keyed: true, body: details });
  }

  identify(token: string): Promise<VisitorSession> {
    return this.call("POST", "/identify", { keyed: true, authorized: true, body: { token } });
  }

  conversations(): Promise<ConversationSummary[]> {
    return this.call("GET", "/conversations", { authorized: true });
  }

  startConversation(): Promise<{ conversation: ConversationSummary; message_id?: string }> {
    return this.call("POST", "/conversations", { authorized: true, body: {} });
  }

  postMessage(conversationId: string, text: string, clientMessageId: string): Promise<Posted> {
    return this.call("POST", `/conversations/${enc(conversationId)}/messages`, {
      authorized: true,
      body: { text, client_message_id: clientMessageId },
    });
  }

  messages(conversationId: string): Promise<MessageJson[]> {
    return this.call("GET", `/conversations/${enc(conversationId)}/messages`, {
      authorized: true,
    });
  }

  feedback(conversationId: string, messageId: string, value: 1 | -1): Promise<void> {
    return this.call(
      "POST",
      `/conversations/${enc(conversationId)}/messages/${enc(messageId)}/feedback`,
      { authorized: true, body: { value } },
    );
  }

  requestHuman(conversationId: string): Promise<void> {
    return this.call("POST", `/conversations/${enc(conversationId)}/human`, {
      authorized: true,
      body: {},
    });
  }

  end(conversationId: string): Promise<void> {
    return this.call("POST", `/conversations/${enc(conversationId)}/end`, {
      authorized: true,
      body: {},
    });
  }

  /** Start a voice call (in the given conversation, else in a new one). */
  startVoice(conversationId: string | null): Promise<VoiceStarted> {
    return this.call("POST", "/voice", {
      authorized: true,
      body: conversationId ? { conversation_id: conversationId } : {},
    });
  }

  /** The call's media socket: ws(s) on the API's host for a path, as given for a URL. */
  voiceSocketUrl(streamUrl: string): string {
    const url = new URL(streamUrl, `${this.base}/`);
    if (url.protocol === "http:") url.protocol = "ws:";
    else if (url.protocol === "https:") url.protocol = "wss:";
    return url.href;
  }

  pageEvents(events: PageEvent[], keepalive: boolean): Promise<void> {
    return this.call("POST", "/events", {
      keyed: true,
      authorized: true,
      body: { events },
      keepalive,
    });
  }

  eventsUrl(conversationId: string): string {
    return `${this.base}/api/widget/conversations/${enc(conversationId)}/events`;
  }

  authorization(): Record<string, string> {
    const token = this.visitorToken();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  private async call<T>(
    method: string,
    path: string,
    options: { keyed?: boolean; authorized?: boolean; body?: unknown; keepalive?: boolean },
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (options.keyed) headers["x-perceptron-key"] = this.key;
    if (options.authorized) Object.assign(headers, this.authorization());
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await this.http.request({
      method,
      url: `${this.base}/api/widget${path}`,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      keepalive: options.keepalive,
    });
    if (response.status >= 200 && response.status < 300) {
      return (response.text ? safeJson(response.text) : undefined) as T;
    }
    throw toApiError(response);
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function toApiError(response: HttpResponse): ApiError {
  const body = safeJson(response.text) as { detail?: unknown } | undefined;
  return new ApiError(
    response.status,
    detailText(body?.detail),
    retryAfterSeconds(response.header("retry-after")),
  );
}

/** FastAPI sends `detail` as a string, or as a list of validation errors with `msg`. */
function detailText(detail: unknown): string {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => (item && typeof item.msg === "string" ? item.msg : ""))
      .filter(Boolean)
      .join("; ");
  }
  return "";
}

export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
