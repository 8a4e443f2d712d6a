/**
 * HTTP that the host page cannot tamper with.
 *
 * Pages replace `window.fetch` (analytics, error trackers, broken polyfills); the widget
 * takes `fetch` from a hidden about:blank iframe of its own, a fresh realm the page never
 * touched, and reads it again on every call so an iframe that was re-attached still works.
 * Without an iframe realm it falls back to XMLHttpRequest taken at load time. Streams (SSE)
 * go through the same transport, read chunk by chunk, so they can carry `Authorization` and
 * `Last-Event-ID` headers, which EventSource cannot.
 */

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Let the request outlive the page (page-hide analytics flush). */
  keepalive?: boolean;
}

export interface HttpResponse {
  status: number;
  header(name: string): string | null;
  text: string;
}

export interface StreamResult {
  status: number;
  header(name: string): string | null;
}

export interface StreamHandle {
  /** Settles when the body ends; rejects with NetworkError when the connection fails. */
  result: Promise<StreamResult>;
  abort(): void;
}

export interface Http {
  readonly kind: "fetch" | "xhr";
  request(request: HttpRequest): Promise<HttpResponse>;
  /** `onChunk` receives decoded body text of a 2xx response as it arrives. */
  stream(request: HttpRequest, onChunk: (text: string) => void): StreamHandle;
}

export class NetworkError extends Error {
  constructor(message = "network error") {
    super(message);
    this.name = "NetworkError";
  }
}

/** The globals one realm offers for HTTP (the iframe's window, or the page's). */
export interface Realm {
  fetch?: typeof fetch;
  AbortController?: typeof AbortController;
  TextDecoder?: typeof TextDecoder;
  XMLHttpRequest?: typeof XMLHttpRequest;
}

/**
 * Mount a hidden iframe (through `mount`, so it can live in the shadow root) and build the
 * transport on its realm; XMLHttpRequest when that realm has no fetch.
 */
export function createPristineHttp(
  doc: Document,
  mount: (frame: HTMLIFrameElement) => void,
  fallback: Realm,
): Http {
  let frame: HTMLIFrameElement | null = null;
  try {
    frame = doc.createElement("iframe");
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.setAttribute("title", "");
    frame.style.setProperty("display", "none", "important");
    mount(frame);
  } catch {
    frame = null;
  }
  const realm = (): Realm | null => {
    try {
      const win = frame?.contentWindow as unknown as Realm | null | undefined;
      return win && typeof win.fetch === "function" ? win : null;
    } catch {
      return null; // cross-origin or detached
    }
  };
  if (realm()) return fetchHttp(realm, fallback);
  return xhrHttp(fallback.XMLHttpRequest ?? XMLHttpRequest);
}

/** fetch-based transport; `realm()` is read per call (null: the fallback realm's fetch). */
export function fetchHttp(realm: () => Realm | null, fallback: Realm): Http {
  const pick = (): Required<Pick<Realm, "fetch">> & Realm => {
    const win = realm();
    if (win?.fetch) {
      const source = win;
      return {
        fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
          source.fetch!.call(source, input, init)) as typeof fetch,
        AbortController: win.AbortController ?? fallback.AbortController,
        TextDecoder: win.TextDecoder ?? fallback.TextDecoder,
      };
    }
    if (!fallback.fetch) throw new NetworkError("no fetch available");
    const source = fallback;
    return {
      ...fallback,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        source.fetch!.call(source, input, init)) as typeof fetch,
    };
  };
  const init = (request: HttpRequest, signal?: AbortSignal): RequestInit => ({
    method: request.method,
    headers: request.headers,
    body: request.body,
    keepalive: request.keepalive,
    credentials: "omit",
    cache: "no-store",
    mode: "cors",
    signal,
  });
  const wrap = (response: Response) => (name: string) => response.headers.get(name);

  return {
    kind: "fetch",
    async request(request) {
      let response: Response;
      let text: string;
      try {
        const win = pick();
        response = await win.fetch(request.url, init(request));
        text = await response.text();
      } catch (error) {
        throw new NetworkError(String((error as Error)?.message ?? error));
      }
      return { status: response.status, header: wrap(response), text };
    },
    stream(request, onChunk) {
      let aborted = false;
      let controller: AbortController | undefined;
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      const result = (async (): Promise<StreamResult> => {
        let response: Response;
        let win: ReturnType<typeof pick>;
        try {
          win = pick();
          controller = win.AbortController ? new win.AbortController() : undefined;
          response = await win.fetch(request.url, init(request, controller?.signal));
        } catch (error) {
          throw new NetworkError(String((error as Error)?.message ?? error));
        }
        const status = { status: response.status, header: wrap(response) };
        if (response.status < 200 || response.status >= 300) {
          await response.text().catch(() => "");
          return status;
        }
        try {
          if (!response.body || !win.TextDecoder) {
            const text = await response.text();
            if (!aborted) onChunk(text);
            return status;
          }
          const decoder = new win.TextDecoder();
          reader = response.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (aborted) break;
            if (done) {
              const rest = decoder.decode();
              if (rest) onChunk(rest);
              break;
            }
            const text = decoder.decode(value, { stream: true });
            if (text) onChunk(text);
          }
        } catch (error) {
          if (aborted) return status;
          throw new NetworkError(String((error as Error)?.message ?? error));
        }
        return status;
      })();
      return {
        result,
        abort() {
          aborted = true;
          try {
            controller?.abort();
          } catch {
            /* already finished */
          }
          reader?.cancel().catch(() => undefined);
        },
      };
    },
  };
}

/** XMLHttpRequest transport: streams through `progress` events and `responseText`. */
export function xhrHttp(XHR: typeof XMLHttpRequest): Http {
  const open = (request: HttpRequest): XMLHttpRequest => {
    const xhr = new XHR();
    xhr.open(request.method, request.url, true);
    xhr.withCredentials = false;
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      xhr.setRequestHeader(name, value);
    }
    return xhr;
  };
  const header = (xhr: XMLHttpRequest) => (name: string) => xhr.getResponseHeader(name);
  return {
    kind: "xhr",
    request(request) {
      return new Promise<HttpResponse>((resolve, reject) => {
        let xhr: XMLHttpRequest;
        try {
          xhr = open(request);
        } catch (error) {
          reject(new NetworkError(String(error)));
          return;
        }
        xhr.onload = () =>
          resolve({ status: xhr.status, header: header(xhr), text: xhr.responseText });
        xhr.onerror = xhr.ontimeout = () => reject(new NetworkError());
        xhr.send(request.body ?? null);
      });
    },
    stream(request, onChunk) {
      let xhr: XMLHttpRequest | undefined;
      let aborted = false;
      const result = new Promise<StreamResult>((resolve, reject) => {
        let seen = 0;
        try {
          xhr = open(request);
        } catch (error) {
          reject(new NetworkError(String(error)));
          return;
        }
        const request_ = xhr;
        const drain = () => {
          if (aborted || request_.status < 200 || request_.status >= 300) return;
          const text = request_.responseText;
          if (text.length > seen) {
            const chunk = text.slice(seen);
            seen = text.length;
            onChunk(chunk);
          }
        };
        request_.onprogress = drain;
        request_.onload = () => {
          drain();
          resolve({ status: request_.status, header: header(request_) });
        };
        request_.onerror = request_.ontimeout = () =>
          aborted ? resolve({ status: 0, header: () => null }) : reject(new NetworkError());
        request_.onabort = () => resolve({ status: 0, header: () => null });
        request_.send(null);
      });
      return {
        result,
        abort() {
          aborted = true;
          xhr?.abort();
        },
      };
    },
  };
}
