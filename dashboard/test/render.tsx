import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { createApi } from "../src/api/client";
import { ApiContext, createQueryClient } from "../src/api/queries";

export type Answer = (request: Request) => Response | Promise<Response>;

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Renders a screen with a real API client over a fake fetch that answers by
 * "METHOD /path" and records requests. */
export function renderWith(ui: ReactNode, answers: Record<string, Answer>, path = "/inbox") {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), "http://127.0.0.1:8000"), init);
    requests.push(request.clone());
    const answer = answers[`${request.method} ${new URL(request.url).pathname}`];
    return answer ? answer(request) : json({ detail: "no such route" }, 404);
  };
  const api = createApi({ baseUrl: "http://127.0.0.1:8000", fetch: fetch as typeof globalThis.fetch });
  const queryClient = createQueryClient(false);
  const result = render(
    <ApiContext.Provider value={api}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
      </QueryClientProvider>
    </ApiContext.Provider>,
  );
  return { ...result, requests, queryClient };
}

export const ORG = "00000000-0000-0000-0000-0000000000aa";
export const MEMBER = "00000000-0000-0000-0000-0000000000bb";
export const ME = {
  member_id: MEMBER,
  api_key_id: null,
  org_id: ORG,
  organization_name: "Lumen",
  role: "owner",
  name: "Olive Owner",
  email: "olive@example.com",
  is_platform_staff: false,
};

export function summary(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    status: "open",
    channel: "chat",
    contact_id: null,
    contact: null,
    assignee_id: null,
    needs_human: false,
    created_at: "2026-01-05T10:00:00Z",
    updated_at: "2026-01-05T10:00:00Z",
    last_message_at: "2026-01-05T10:01:00Z",
    ...overrides,
  };
}
