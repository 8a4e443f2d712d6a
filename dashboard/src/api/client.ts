// The typed API client: paths and bodies come from schema.d.ts (generated from the API's
// OpenAPI document), so a changed route breaks the typecheck, not the page.
//
// Signed in by the httpOnly session cookie, so every request sends credentials (same
// origin: the API serves this app). A state-changing request (anything but GET, HEAD,
// OPTIONS, TRACE) also carries the session's CSRF token in X-CSRF-Token, fetched once from
// GET /api/auth/csrf (see api/csrf.py); the browser adds the Origin header itself.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Me = Schemas["Me"];
export type ConversationSummary = Schemas["ConversationSummary"];
export type InboxItem = Schemas["InboxItem"];
export type ConversationPage = Schemas["ConversationPage"];
export type ConversationDetail = Schemas["ConversationDetail"];
export type TranscriptMessage = Schemas["TranscriptMessage"];
export type ConversationStatus = Schemas["ConversationStatus"];
export type Channel = Schemas["Channel"];

export const CSRF_HEADER = "X-CSRF-Token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** An answer that is not 2xx, with the API's `detail` when it gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail || `HTTP ${status}`);
    this.name = "ApiError";
  }
}

export interface ApiOptions {
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

export function createApi(options: ApiOptions = {}) {
  const baseUrl = options.baseUrl ?? "";
  const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let csrfToken: Promise<string> | null = null;

  const csrf = (): Promise<string> => {
    csrfToken ??= fetcher(`${baseUrl}/api/auth/csrf`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(async (response) => {
        if (!response.ok) throw await errorOf(response);
        const body = (await response.json()) as Schemas["CsrfToken"];
        return body.csrf_token;
      })
      .catch((error: unknown) => {
        csrfToken = null; // ask again next time
        throw error;
      });
    return csrfToken;
  };

  const csrfMiddleware: Middleware = {
    async onRequest({ request }) {
      if (!SAFE_METHODS.has(request.method.toUpperCase())) {
        request.headers.set(CSRF_HEADER, await csrf());
      }
      return request;
    },
    async onResponse({ response }) {
      // A new session (signed in again in another tab) has another token.
      if (response.status === 401 || response.status === 403) csrfToken = null;
      return response;
    },
  };

  const client = createClient<paths>({
    baseUrl,
    credentials: "same-origin",
    fetch: (request: Request) => fetcher(request),
  });
  client.use(csrfMiddleware);
  return { client, csrf, baseUrl };
}

export type Api = ReturnType<typeof createApi>;

async function errorOf(response: Response): Promise<ApiError> {
  let detail = "";
  try {
    const body = (await response.json()) as { detail?: unknown };
    detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail ?? "");
  } catch {
    detail = response.statusText;
  }
  return new ApiError(response.status, detail);
}

/** The data of an openapi-fetch result, or its error thrown as an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  const error = result.error as { detail?: unknown } | undefined;
  const detail =
    typeof error?.detail === "string"
      ? error.detail
      : error?.detail !== undefined
        ? JSON.stringify(error.detail)
        : result.response.statusText;
  throw new ApiError(result.response.status, detail);
}
