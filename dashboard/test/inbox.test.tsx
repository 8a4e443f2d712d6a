import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../src/api/client";
import { Inbox } from "../src/pages/Inbox";
import { MEMBER, ME, ORG, json, renderWith, summary } from "./render";

afterEach(cleanup);

const routes = (
  <Routes>
    <Route path="/inbox" element={<Inbox me={ME} />} />
    <Route path="/inbox/:conversationId" element={<Inbox me={ME} />} />
  </Routes>
);

const A = "00000000-0000-0000-0000-00000000000a";
const B = "00000000-0000-0000-0000-00000000000b";

describe("the inbox", () => {
  it("lists conversations with their state and sends the filters to the API", async () => {
    const { requests } = renderWith(routes, {
      [`GET /api/orgs/${ORG}/conversations`]: (request) => {
        const query = new URL(request.url).searchParams;
        const items =
          query.get("needs_human") === "true"
            ? [summary(B, { status: "waiting_for_human", needs_human: true })]
            : [
                summary(A, { contact: { id: "c1", name: "Ada", email: "ada@example.com" } }),
                summary(B, { status: "waiting_for_human", needs_human: true }),
              ];
        return json({ items, total: items.length });
      },
    });
    expect(await screen.findAllByTestId("conversation-row")).toHaveLength(2);
    expect(screen.getAllByTestId("needs-human")).toHaveLength(1);
    const rows = screen.getAllByTestId("conversation-row");
    expect(rows[0]?.textContent).toContain("Ada");
    expect(rows[1]?.textContent).toContain("Anonymous visitor");
    expect(rows[1]?.textContent).toContain("Waiting for a human");
    expect(rows[1]?.getAttribute("data-conversation-id")).toBe(B);

    fireEvent.click(screen.getByTestId("filter-needs-human"));
    await waitFor(() => expect(screen.getAllByTestId("conversation-row")).toHaveLength(1));
    const last = new URL(requests.at(-1)!.url).searchParams;
    expect(last.get("needs_human")).toBe("true");
    expect(last.get("limit")).toBe("50");
    expect(last.get("cursor")).toBeNull(); // the first page

    // "me" is resolved by the API to the caller's member id.
    fireEvent.change(screen.getByTestId("filter-assignee"), { target: { value: "me" } });
    await waitFor(() =>
      expect(new URL(requests.at(-1)!.url).searchParams.get("assignee")).toBe("me"),
    );
  });

  it("opens a conversation, joins it with the CSRF token, and replies", async () => {
    let joined = false;
    const detail = () => ({
      conversation: summary(A, {
        status: joined ? "with_operator" : "waiting_for_human",
        needs_human: !joined,
      }),
      contact: { id: "00000000-0000-0000-0000-0000000000cc", name: "Ada", email: "ada@example.com" },
      live: {
        status: joined ? "with_operator" : "waiting_for_human",
        operator: joined ? { id: MEMBER, name: "Olive Owner" } : null,
        pending_handoff: !joined,
        queued: 0,
      },
      messages: [
        {
          id: "m1",
          conversation_id: A,
          role: "visitor",
          content: "Can I talk to a person?",
          citations: [],
          feedback: null,
          created_at: "2026-01-05T10:00:00Z",
          trail: null,
          model: null,
        },
      ],
    });
    const { requests } = renderWith(
      routes,
      {
        [`GET /api/orgs/${ORG}/conversations`]: () => json({ items: [summary(A)], total: 1 }),
        [`GET /api/orgs/${ORG}/conversations/${A}`]: () => json(detail()),
        "GET /api/auth/csrf": () => json({ csrf_token: "tok", header: CSRF_HEADER }),
        [`POST /api/orgs/${ORG}/conversations/${A}/join`]: () => {
          joined = true;
          return new Response(null, { status: 202 });
        },
        [`POST /api/orgs/${ORG}/conversations/${A}/reply`]: () => json({ message_id: "m2" }, 202),
      },
      `/inbox/${A}`,
    );
    expect(await screen.findByText("Can I talk to a person?")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Ada" })).toBeTruthy();
    expect(screen.queryByTestId("reply-text")).toBeNull(); // join first

    fireEvent.click(screen.getByTestId("join"));
    const textarea = await screen.findByTestId("reply-text");
    fireEvent.change(textarea, { target: { value: "Hi Ada, I am here." } });
    fireEvent.click(screen.getByTestId("send-reply"));
    await waitFor(() => expect((textarea as HTMLTextAreaElement).value).toBe(""));

    const writes = requests.filter((request) => request.method === "POST");
    expect(writes.map((request) => new URL(request.url).pathname)).toEqual([
      `/api/orgs/${ORG}/conversations/${A}/join`,
      `/api/orgs/${ORG}/conversations/${A}/reply`,
    ]);
    expect(writes.every((request) => request.headers.get(CSRF_HEADER) === "tok")).toBe(true);
    expect(await writes[1]!.json()).toEqual({ text: "Hi Ada, I am here." });
  });
});
