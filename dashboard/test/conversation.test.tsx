import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../src/api/client";
import { Inbox } from "../src/pages/Inbox";
import { slashQuery } from "../src/pages/Conversation";
import { FakeEventSource, withFakeEventSource } from "./eventSource";
import { ME, MEMBER, ORG, json, renderWith, summary } from "./render";

withFakeEventSource();

const A = "00000000-0000-0000-0000-00000000000a";
const EARLIER = "00000000-0000-0000-0000-00000000000e";
const OTHER_MEMBER = "00000000-0000-0000-0000-0000000000dd";
const NOTES = `/api/orgs/${ORG}/conversations/${A}/notes`;

const trail = {
  decision: "handoff",
  reason: "The knowledge does not say how to fix a cracked shade.",
  route: "retrieve",
  query: "cracked shade",
  judge: "keyless",
  grounding: { score: 0.2 },
  passages: [
    {
      chunk_id: "c1",
      document_id: "d1",
      title: "Returns",
      section: "Damaged items",
      score: 0.4123,
      rank: 1,
      cited: false,
      excerpt: "Damaged lamps can be returned within 30 days.",
    },
  ],
  model: "extractive",
  prompt_version: "support-v3",
  error: null,
};

function message(id: string, role: string, content: string, at: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    conversation_id: A,
    role,
    content,
    citations: [],
    feedback: null,
    created_at: at,
    trail: null,
    model: null,
    prompt_version: null,
    ...extra,
  };
}

function detail(joined: boolean, assignee: string | null = null) {
  return {
    conversation: summary(A, {
      status: joined ? "with_operator" : "waiting_for_human",
      needs_human: !joined,
      assignee_id: assignee,
    }),
    contact: { id: "cc", name: "Ada", email: "ada@example.com" },
    contact_panel: {
      id: "cc",
      name: "Ada",
      email: "ada@example.com",
      phone: null,
      verified: false,
      browser: "Firefox 128",
      device: "desktop",
      pages: [{ url: "https://shop.example/lamps", title: "Lamps", seen_at: "2026-01-05T09:59:00Z" }],
      earlier_conversations: [
        { id: EARLIER, status: "resolved", created_at: "2025-12-01T10:00:00Z", last_message_at: null },
      ],
    },
    live: {
      status: "waiting",
      operator: joined ? { id: MEMBER, name: "Olive Owner" } : null,
      pending_handoff: !joined,
      queued: 0,
    },
    messages: [
      message("m1", "visitor", "My shade cracked", "2026-01-05T10:00:00Z"),
      message("m2", "assistant", "Let me get a person. See returns [1]", "2026-01-05T10:00:05Z", {
        trail,
        model: "extractive",
        prompt_version: "support-v3",
        citations: [{ number: 1, title: "Returns", source_url: "https://help.example/returns" }],
        status: "interrupted", // spoken on a call, which the caller talked over
        heard: "Let me get a person.",
      }),
      message("m3", "system", "A person was asked for", "2026-01-05T10:00:20Z"),
    ],
  };
}

const note = (id: string, content: string, at: string, author = MEMBER) => ({
  id,
  conversation_id: A,
  author_member_id: author,
  author_name: author === MEMBER ? "Olive Owner" : "Otto Operator",
  content,
  created_at: at,
  updated_at: null,
});

const routes = (
  <Routes>
    <Route path="/inbox/:conversationId" element={<Inbox me={ME} />} />
  </Routes>
);

function answers(state: { joined: boolean; notes: ReturnType<typeof note>[]; assignee?: string | null }) {
  return {
    [`GET /api/orgs/${ORG}/conversations`]: () => json({ items: [summary(A)], total: 1 }),
    [`GET /api/orgs/${ORG}/conversations/${A}`]: () => json(detail(state.joined, state.assignee ?? null)),
    [`GET ${NOTES}`]: () => json(state.notes),
    [`GET /api/orgs/${ORG}/members`]: () =>
      json([
        { id: MEMBER, name: "Olive Owner", email: "olive@example.com", role: "owner", created_at: "2026-01-01T00:00:00Z" },
        { id: OTHER_MEMBER, name: "Otto Operator", email: null, role: "operator", created_at: "2026-01-01T00:00:00Z" },
      ]),
    [`GET /api/orgs/${ORG}/saved-replies`]: () =>
      json([
        { id: "s1", shortcut: "hours", title: "Opening hours", content: "We are open 9 to 5.", created_at: "x", updated_at: null },
        { id: "s2", shortcut: "refund", title: "Refunds", content: "Refunds take 5 days.", created_at: "x", updated_at: null },
      ]),
    "GET /api/auth/csrf": () => json({ csrf_token: "tok", header: CSRF_HEADER }),
  };
}

describe("the conversation view", () => {
  it("shows why the AI answered, with its passages, and citations as chips", async () => {
    renderWith(routes, answers({ joined: false, notes: [] }), `/inbox/${A}`);
    const why = await screen.findByTestId("why");
    expect(why.tagName).toBe("DETAILS");
    fireEvent.click(within(why).getByText("Why"));
    expect(within(why).getByTestId("why-decision").textContent).toBe("Handed off to a person");
    expect(within(why).getByTestId("why-reason").textContent).toBe(trail.reason);
    const passage = within(why).getByTestId("why-passage");
    expect(passage.textContent).toContain("Returns");
    expect(passage.textContent).toContain("score 0.41");
    expect(passage.textContent).toContain("Damaged lamps can be returned within 30 days.");
    expect(why.textContent).toContain("Model extractive · prompt support-v3");
    const chip = screen.getByRole("link", { name: "[1] Returns" });
    expect(chip.getAttribute("href")).toBe("https://help.example/returns");
    // Only the assistant's answer has a "Why".
    expect(screen.getAllByTestId("why")).toHaveLength(1);
    // A spoken answer the caller talked over says what they heard.
    expect(screen.getByTestId("interrupted").textContent).toBe(
      "Interrupted: the caller spoke over it after hearing “Let me get a person.”",
    );
  });

  it("puts notes in the transcript in time order, adds one and refreshes on a note event", async () => {
    const state = { joined: false, notes: [note("n1", "Customer is a VIP", "2026-01-05T10:00:10Z", OTHER_MEMBER)] };
    const { requests } = renderWith(
      routes,
      {
        ...answers(state),
        [`POST ${NOTES}`]: async (request) => {
          const body = (await request.json()) as { content: string };
          state.notes = [...state.notes, note("n2", body.content, "2026-01-05T10:01:00Z")];
          return json(state.notes[1], 201);
        },
      },
      `/inbox/${A}`,
    );
    const first = await screen.findByTestId("note");
    expect(first.textContent).toContain("Only your team sees this");
    expect(first.textContent).toContain("Otto Operator");
    // Between the answer (10:00:05) and the system message (10:00:20).
    const items = [...screen.getByRole("list", { name: "Transcript" }).children];
    const order = items.map((item) => item.getAttribute("data-role") ?? item.getAttribute("data-testid"));
    expect(order).toEqual(["visitor", "assistant", "note", "system"]);
    // Not the author: no edit; an owner may delete.
    expect(within(first).queryByText("Edit")).toBeNull();
    expect(within(first).getByText("Delete")).toBeTruthy();

    fireEvent.click(screen.getByTestId("mode-note"));
    fireEvent.change(screen.getByTestId("note-text"), { target: { value: "Call back tomorrow" } });
    fireEvent.click(screen.getByTestId("add-note"));
    await waitFor(() => expect(screen.getAllByTestId("note")).toHaveLength(2));
    const posted = requests.find((request) => request.method === "POST");
    expect(await posted!.json()).toEqual({ content: "Call back tomorrow" });
    expect(posted!.headers.get(CSRF_HEADER)).toBe("tok");
    expect(within(screen.getAllByTestId("note")[1]!).getByText("Edit")).toBeTruthy();

    // Another member's note arrives live.
    state.notes = [...state.notes, note("n3", "Refund approved", "2026-01-05T10:02:00Z", OTHER_MEMBER)];
    const stream = FakeEventSource.opened.find((source) => source.url.endsWith(`/conversations/${A}/events`));
    act(() => stream!.emit("note.created", { id: 9, type: "note.created", conversation_id: A, data: { note_id: "n3" } }));
    expect(await screen.findByText("Refund approved")).toBeTruthy();
  });

  it("shows the answer being written from token events, then the stored message in its place", async () => {
    const state = { joined: false, notes: [], done: false };
    const stored = message("m4", "assistant", "Lamps ship in two days.", "2026-01-05T10:03:00Z");
    renderWith(
      routes,
      {
        ...answers(state),
        [`GET /api/orgs/${ORG}/conversations/${A}`]: () => {
          const body = detail(false);
          return json(state.done ? { ...body, messages: [...body.messages, stored] } : body);
        },
      },
      `/inbox/${A}`,
    );
    await screen.findByTestId("why");
    const stream = FakeEventSource.opened.find((source) => source.url.endsWith(`/conversations/${A}/events`));
    expect(stream?.url).toBe(`/api/orgs/${ORG}/conversations/${A}/events`);
    const turn = "00000000-0000-0000-0000-0000000000f1";
    const token = (id: number, text: string) =>
      act(() => stream!.emit("token", { id, type: "token", conversation_id: A, data: { turn_id: turn, text } }));

    token(10, "Lamps ship ");
    const draft = await screen.findByTestId("draft");
    expect(draft.textContent).toContain("The AI is answering");
    expect(draft.textContent).toContain("Lamps ship ");
    token(11, "in two days.");
    await waitFor(() => expect(screen.getByTestId("draft").textContent).toContain("Lamps ship in two days."));
    // Still a draft: the transcript has only the three stored messages.
    expect(screen.getAllByTestId("message")).toHaveLength(3);

    state.done = true;
    act(() =>
      stream!.emit("message.done", {
        id: 12,
        type: "message.done",
        conversation_id: A,
        data: { ...stored, turn_id: turn, decision: "answer" },
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId("message")).toHaveLength(4));
    expect(screen.queryByTestId("draft")).toBeNull();
    const last = screen.getAllByTestId("message")[3]!;
    expect(last.getAttribute("data-role")).toBe("assistant");
    expect(last.textContent).toContain("Lamps ship in two days.");
  });

  it("inserts a saved reply with / and the arrow keys, and closes the list with Esc", async () => {
    renderWith(routes, answers({ joined: true, notes: [] }), `/inbox/${A}`);
    const box = (await screen.findByTestId("reply-text")) as HTMLTextAreaElement;
    const type = (value: string) => fireEvent.change(box, { target: { value, selectionStart: value.length } });
    type("Hello! /");
    const menu = await screen.findByTestId("slash-menu");
    await waitFor(() => expect(within(menu).getAllByRole("option")).toHaveLength(2));
    type("Hello! /re");
    await waitFor(() => expect(within(screen.getByTestId("slash-menu")).getAllByRole("option")).toHaveLength(1));
    type("Hello! /");
    await waitFor(() => expect(within(screen.getByTestId("slash-menu")).getAllByRole("option")).toHaveLength(2));
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(within(screen.getByTestId("slash-menu")).getByRole("option", { selected: true }).textContent).toContain(
      "/refund",
    );
    fireEvent.keyDown(box, { key: "Enter" });
    expect(box.value).toBe("Hello! Refunds take 5 days.");
    expect(screen.queryByTestId("slash-menu")).toBeNull();

    type("Hello! Refunds take 5 days. /ho");
    expect(await screen.findByTestId("slash-menu")).toBeTruthy();
    fireEvent.keyDown(box, { key: "Escape" });
    expect(screen.queryByTestId("slash-menu")).toBeNull();
    expect(box.value).toBe("Hello! Refunds take 5 days. /ho");
  });

  it("lets an admin manage saved replies and shows a duplicate's 409", async () => {
    renderWith(
      routes,
      {
        ...answers({ joined: true, notes: [] }),
        [`POST /api/orgs/${ORG}/saved-replies`]: () =>
          json({ detail: "a saved reply with the shortcut /hours already exists" }, 409),
      },
      `/inbox/${A}`,
    );
    fireEvent.click(await screen.findByTestId("manage-saved-replies"));
    const dialog = await screen.findByRole("dialog", { name: "Manage saved replies" });
    await waitFor(() => expect(within(dialog).getAllByTestId("saved-reply")).toHaveLength(2));
    expect(document.activeElement).toBe(within(dialog).getByTestId("saved-shortcut"));
    fireEvent.change(within(dialog).getByTestId("saved-shortcut"), { target: { value: "hours" } });
    fireEvent.change(within(dialog).getByTestId("saved-title"), { target: { value: "Hours" } });
    fireEvent.change(within(dialog).getByTestId("saved-content"), { target: { value: "9 to 5" } });
    fireEvent.click(within(dialog).getByTestId("saved-submit"));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("/hours already exists");
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("manage-saved-replies"));
  });

  it("hides saved-reply management from operators", async () => {
    renderWith(
      <Routes>
        <Route path="/inbox/:conversationId" element={<Inbox me={{ ...ME, role: "operator" }} />} />
      </Routes>,
      answers({ joined: true, notes: [] }),
      `/inbox/${A}`,
    );
    expect(await screen.findByTestId("reply-text")).toBeTruthy();
    expect(screen.queryByTestId("manage-saved-replies")).toBeNull();
  });

  it("shows the contact panel and assigns the conversation", async () => {
    const state = { joined: false, notes: [], assignee: null as string | null };
    const { requests } = renderWith(
      routes,
      {
        ...answers(state),
        [`POST /api/orgs/${ORG}/conversations/${A}/assign`]: async (request) => {
          state.assignee = ((await request.json()) as { member_id: string | null }).member_id;
          return new Response(null, { status: 202 });
        },
      },
      `/inbox/${A}`,
    );
    const panel = await screen.findByTestId("contact-panel");
    expect(panel.textContent).toContain("Firefox 128");
    expect(panel.textContent).toContain("desktop");
    expect(within(panel).getByRole("link", { name: "Lamps" }).getAttribute("href")).toBe("https://shop.example/lamps");
    expect(within(panel).getByTestId("earlier-conversation").getAttribute("href")).toBe(`/inbox/${EARLIER}`);

    await waitFor(() => expect(screen.getAllByRole("option", { name: "Otto Operator" })).toHaveLength(1));
    fireEvent.click(screen.getByText("Assign to me"));
    expect((await screen.findByTestId("assigned-to")).textContent).toBe("Assigned to Olive Owner");
    fireEvent.change(screen.getByTestId("assignee-select"), { target: { value: "" } });
    await waitFor(() => expect(screen.queryByTestId("assigned-to")).toBeNull());
    const bodies = await Promise.all(
      requests.filter((request) => request.method === "POST").map((request) => request.json()),
    );
    expect(bodies).toEqual([{ member_id: MEMBER }, { member_id: null }]);
  });
});

describe("slashQuery", () => {
  it("finds a /word at the caret only at the start of a word", () => {
    expect(slashQuery("/ref", 4)).toEqual({ start: 0, query: "ref" });
    expect(slashQuery("Hi /Re", 6)).toEqual({ start: 3, query: "re" });
    expect(slashQuery("and/or", 6)).toBeNull();
    expect(slashQuery("/ref done", 9)).toBeNull();
  });
});
