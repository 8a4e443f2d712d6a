// @vitest-environment-options {"url": "http://localhost:3000/", "settings": {"disableJavaScriptFileLoading": true, "disableCSSFileLoading": true, "enableIframePageLoading": true}}
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPristineHttp, fetchHttp, NetworkError, xhrHttp } from "../src/transport";
import { startLocalApi } from "./local-api";

let api: Awaited<ReturnType<typeof startLocalApi>>;

beforeAll(async () => {
  api = await startLocalApi();
});

afterAll(async () => {
  await api.close();
});

describe("createPristineHttp", () => {
  it("takes fetch from its own iframe, not the page's replaced window.fetch", async () => {
    const pageFetch = vi.fn(() => Promise.reject(new Error("hijacked")));
    const original = window.fetch;
    window.fetch = pageFetch as unknown as typeof fetch;
    try {
      const host = document.createElement("div");
      document.body.appendChild(host);
      const shadow = host.attachShadow({ mode: "open" });
      const http = createPristineHttp(document, (frame) => shadow.appendChild(frame), { fetch: window.fetch });
      expect(http.kind).toBe("fetch");
      const frame = shadow.querySelector("iframe")!;
      expect(frame.style.getPropertyValue("display")).toBe("none");
      expect(frame.contentWindow!.fetch).not.toBe(pageFetch);
      const response = await http.request({ method: "GET", url: `${api.url}/api/widget/config`, headers: { "x-perceptron-key": "pk_x" } });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text).organization_name).toBe("Local Org");
      expect(pageFetch).not.toHaveBeenCalled();
      host.remove();
    } finally {
      window.fetch = original;
    }
  });

  it("falls back to XMLHttpRequest when no iframe realm can be had", () => {
    const http = createPristineHttp(
      document,
      () => {
        throw new Error("the page forbids iframes");
      },
      { fetch: window.fetch, XMLHttpRequest: window.XMLHttpRequest },
    );
    expect(http.kind).toBe("xhr");
  });
});

describe("fetchHttp", () => {
  it("uses the fallback realm's fetch when its iframe is gone", async () => {
    const fallback = vi.fn(async () => new Response("{}", { status: 200 }));
    const http = fetchHttp(() => null, { fetch: fallback as unknown as typeof fetch });
    const response = await http.request({ method: "POST", url: "https://api.test/x", body: "{}", keepalive: true });
    expect(response.status).toBe(200);
    const init = (fallback.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init).toMatchObject({ method: "POST", keepalive: true, credentials: "omit" });
  });

  it("reports a failed connection as NetworkError", async () => {
    const http = fetchHttp(() => null, { fetch: (() => Promise.reject(new TypeError("Failed to fetch"))) as unknown as typeof fetch });
    await expect(http.request({ method: "GET", url: "https://api.test/x" })).rejects.toBeInstanceOf(NetworkError);
  });

  it("streams a body chunk by chunk, decoding UTF-8 split across chunks", async () => {
    const bytes = new TextEncoder().encode("data: héllo\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 8)); // splits the two bytes of "é"
        controller.enqueue(bytes.slice(8));
        controller.close();
      },
    });
    const realm = {
      fetch: (async () => new Response(body, { status: 200 })) as unknown as typeof fetch,
      TextDecoder,
      AbortController,
    };
    const chunks: string[] = [];
    const handle = fetchHttp(() => realm, {}).stream({ method: "GET", url: "https://api.test/s" }, (chunk) => chunks.push(chunk));
    expect((await handle.result).status).toBe(200);
    expect(chunks.join("")).toBe("data: héllo\n\n");
  });
});

describe("xhrHttp", () => {
  it("streams progress text and reports status", async () => {
    class FakeXhr {
      static last: FakeXhr;
      status = 0;
      responseText = "";
      withCredentials = true;
      headers: Record<string, string> = {};
      onprogress: (() => void) | null = null;
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      ontimeout: (() => void) | null = null;
      onabort: (() => void) | null = null;
      constructor() {
        FakeXhr.last = this;
      }
      open() {}
      setRequestHeader(name: string, value: string) {
        this.headers[name] = value;
      }
      getResponseHeader() {
        return null;
      }
      send() {}
      abort() {
        this.onabort?.();
      }
    }
    const chunks: string[] = [];
    const handle = xhrHttp(FakeXhr as unknown as typeof XMLHttpRequest).stream(
      { method: "GET", url: "https://api.test/s", headers: { "Last-Event-ID": "4" } },
      (chunk) => chunks.push(chunk),
    );
    const xhr = FakeXhr.last;
    expect(xhr.headers["Last-Event-ID"]).toBe("4");
    expect(xhr.withCredentials).toBe(false);
    xhr.status = 200;
    xhr.responseText = "id: 5\n";
    xhr.onprogress!();
    xhr.responseText += "data: x\n\n";
    xhr.onload!();
    expect((await handle.result).status).toBe(200);
    expect(chunks).toEqual(["id: 5\n", "data: x\n\n"]);
  });
});
