import { describe, expect, it } from "vitest";
import { ApiError, CSRF_HEADER, createApi, unwrap } from "../src/api/client";

/** A fetch that answers from a table and records every request it was given. */
function fakeFetch(answers: Record<string, () => Response>) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    requests.push(request);
    const path = new URL(request.url).pathname;
    const answer = answers[`${request.method} ${path}`];
    return answer ? answer() : new Response(JSON.stringify({ detail: "no such route" }), { status: 404 });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const ORG = "00000000-0000-0000-0000-000000000001";
const CID = "00000000-0000-0000-0000-000000000002";
const BASE = "http://127.0.0.1:8000";

describe("the API client", () => {
  it("sends no CSRF token on reads, and sends the session cookie", async () => {
    const { fetch, requests } = fakeFetch({
      [`GET /api/orgs/${ORG}/conversations`]: () => json({ items: [], total: 0 }),
    });
    const { client } = createApi({ baseUrl: BASE, fetch });
    const page = unwrap(
      await client.GET("/api/orgs/{org_id}/conversations", {
        params: { path: { org_id: ORG }, query: { status: "open", limit: 50 } },
      }),
    );
    expect(page.total).toBe(0);
    expect(requests).toHaveLength(1);
    const [read] = requests;
    expect(read?.headers.has(CSRF_HEADER)).toBe(false);
    expect(read?.credentials).toBe("same-origin");
    expect(new URL(read!.url).search).toBe("?status=open&limit=50");
  });

  it("puts the session's CSRF token on every write, fetching it once", async () => {
    const { fetch, requests } = fakeFetch({
      "GET /api/auth/csrf": () => json({ csrf_token: "tok-123", header: CSRF_HEADER }),
      [`POST /api/orgs/${ORG}/conversations/${CID}/join`]: () => new Response(null, { status: 202 }),
      [`POST /api/orgs/${ORG}/conversations/${CID}/reply`]: () =>
        json({ message_id: "m1" }, 202),
    });
    const { client } = createApi({ baseUrl: BASE, fetch });
    const path = { org_id: ORG, conversation_id: CID };
    unwrap(await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/join", { params: { path } }));
    const sent = unwrap(
      await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/reply", {
        params: { path },
        body: { text: "Hello from a person" },
      }),
    );
    expect(sent).toEqual({ message_id: "m1" });

    const csrfReads = requests.filter((request) => request.url.endsWith("/api/auth/csrf"));
    expect(csrfReads).toHaveLength(1);
    expect(csrfReads[0]?.credentials).toBe("same-origin");
    const writes = requests.filter((request) => request.method === "POST");
    expect(writes).toHaveLength(2);
    for (const write of writes) {
      expect(write.headers.get(CSRF_HEADER)).toBe("tok-123");
      expect(write.credentials).toBe("same-origin");
    }
    expect(await writes[1]?.json()).toEqual({ text: "Hello from a person" });
  });

  it("asks for a new token after a refusal, and reports the API's reason", async () => {
    let token = 0;
    const { fetch, requests } = fakeFetch({
      "GET /api/auth/csrf": () => json({ csrf_token: `tok-${++token}`, header: CSRF_HEADER }),
      [`POST /api/orgs/${ORG}/conversations/${CID}/resolve`]: () =>
        json({ detail: "missing or wrong CSRF token" }, 403),
    });
    const { client } = createApi({ baseUrl: BASE, fetch });
    const path = { params: { path: { org_id: ORG, conversation_id: CID } } };
    const first = await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/resolve", path);
    expect(() => unwrap(first)).toThrow(new ApiError(403, "missing or wrong CSRF token"));
    await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/resolve", path);
    const tokens = requests
      .filter((request) => request.method === "POST")
      .map((request) => request.headers.get(CSRF_HEADER));
    expect(tokens).toEqual(["tok-1", "tok-2"]);
  });

  it("turns a 401 into an ApiError the shell recognises", async () => {
    const { fetch } = fakeFetch({ "GET /api/me": () => json({ detail: "not signed in" }, 401) });
    const { client } = createApi({ baseUrl: BASE, fetch });
    const result = await client.GET("/api/me");
    expect(() => unwrap(result)).toThrowError(ApiError);
    try {
      unwrap(result);
    } catch (error) {
      expect((error as ApiError).status).toBe(401);
    }
  });
});
