import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Route, Routes, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../src/App";
import { GlobalKeys } from "../src/components/GlobalKeys";
import { shortcutOf } from "../src/keyboard";
import { Inbox } from "../src/pages/Inbox";
import { type Answer, MEMBER, ME, ORG, json, renderWith, summary } from "./render";
import { FakeEventSource } from "./eventSource";

const A = "00000000-0000-0000-0000-00000000000a";
const B = "00000000-0000-0000-0000-00000000000b";
const C = "00000000-0000-0000-0000-00000000000c";

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.pathname + location.search}</output>;
}

const screens = (
  <>
    <Routes>
      <Route path="/inbox" element={<Inbox me={ME} />} />
      <Route path="/inbox/:conversationId" element={<Inbox me={ME} />} />
      <Route path="*" element={<p>elsewhere</p>} />
    </Routes>
    <GlobalKeys me={ME} />
    <Where />
  </>
);

const detail = (id: string) => ({
  conversation: summary(id),
  contact: null,
  live: null,
  messages: [],
});

function answers(extra: Record<string, Answer> = {}) {
  return {
    [`GET /api/orgs/${ORG}/conversations`]: () =>
      json({ items: [summary(A), summary(B), summary(C)], total: 3, next_cursor: null }),
    [`GET /api/orgs/${ORG}/conversations/${A}`]: () => json(detail(A)),
    [`GET /api/orgs/${ORG}/conversations/${B}`]: () => json(detail(B)),
    [`GET /api/orgs/${ORG}/conversations/${C}`]: () => json(detail(C)),
    "GET /api/auth/csrf": () => json({ csrf_token: "t" }),
    ...extra,
  };
}

const press = (key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body) =>
  act(() => {
    target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, ...init }));
  });

const where = () => screen.getByTestId("where").textContent;

afterEach(cleanup);

describe("which key is which shortcut", () => {
  const event = (key: string, init: KeyboardEventInit = {}, target?: Element) => {
    const keyEvent = new KeyboardEvent("keydown", { key, bubbles: true, ...init });
    if (target) Object.defineProperty(keyEvent, "target", { value: target });
    return keyEvent;
  };

  it("maps single keys, and Ctrl+K or ⌘K to the palette", () => {
    expect(shortcutOf(event("j"))).toBe("next");
    expect(shortcutOf(event("k"))).toBe("previous");
    expect(shortcutOf(event("r"))).toBe("reply");
    expect(shortcutOf(event("e"))).toBe("resolve");
    expect(shortcutOf(event("a"))).toBe("assign");
    expect(shortcutOf(event("?", { shiftKey: true }))).toBe("help");
    expect(shortcutOf(event("k", { ctrlKey: true }))).toBe("palette");
    expect(shortcutOf(event("K", { metaKey: true, shiftKey: true }))).toBe("palette");
    expect(shortcutOf(event("x"))).toBeNull();
  });

  it("ignores keys while typing and with modifiers, but not the palette's", () => {
    for (const tag of ["input", "textarea", "select"]) {
      const field = document.createElement(tag);
      expect(shortcutOf(event("j", {}, field))).toBeNull();
      expect(shortcutOf(event("k", { ctrlKey: true }, field))).toBe("palette");
    }
    expect(shortcutOf(event("j", { ctrlKey: true }))).toBeNull();
    expect(shortcutOf(event("e", { metaKey: true }))).toBeNull();
    expect(shortcutOf(event("a", { altKey: true }))).toBeNull();
    expect(shortcutOf(event("J", { shiftKey: true }))).toBeNull();
  });
});

describe("the inbox keyboard", () => {
  it("j and k select the next and previous conversation and open them", async () => {
    renderWith(screens, answers());
    expect(await screen.findAllByTestId("conversation-row")).toHaveLength(3);
    press("j");
    expect(where()).toBe(`/inbox/${A}`);
    press("j");
    expect(where()).toBe(`/inbox/${B}`);
    await waitFor(() =>
      expect(
        screen
          .getAllByTestId("conversation-row")
          .find((row) => row.getAttribute("aria-current") === "page")
          ?.getAttribute("data-conversation-id"),
      ).toBe(B),
    );
    press("j");
    press("j"); // stays on the last
    expect(where()).toBe(`/inbox/${C}`);
    press("k");
    expect(where()).toBe(`/inbox/${B}`);
    // Typing in the search box moves nothing.
    press("j", {}, screen.getByTestId("search"));
    expect(where()).toBe(`/inbox/${B}`);
  });

  it("e resolves and a assigns the open conversation to me; r focuses the reply box", async () => {
    const posted: { path: string; body: string }[] = [];
    const record = (path: string) => async (request: Request) => {
      posted.push({ path, body: await request.text() });
      return new Response(null, { status: 202 });
    };
    renderWith(
      screens,
      answers({
        [`POST /api/orgs/${ORG}/conversations/${B}/resolve`]: record("resolve"),
        [`POST /api/orgs/${ORG}/conversations/${B}/assign`]: record("assign"),
      }),
      `/inbox/${B}`,
    );
    await screen.findAllByTestId("conversation-row");
    press("e");
    await waitFor(() => expect(posted.map((p) => p.path)).toEqual(["resolve"]));
    press("a");
    await waitFor(() => expect(posted.map((p) => p.path)).toEqual(["resolve", "assign"]));
    expect(JSON.parse(posted[1]!.body)).toEqual({ member_id: MEMBER });

    const reply = document.createElement("textarea");
    reply.dataset.testid = "reply-text";
    document.body.append(reply);
    press("r");
    expect(document.activeElement).toBe(reply);
    reply.remove();
  });

  it("? shows the shortcuts help; Escape closes it", async () => {
    renderWith(screens, answers());
    await screen.findAllByTestId("conversation-row");
    press("?", { shiftKey: true });
    const help = screen.getByRole("dialog", { name: "Keyboard shortcuts" });
    expect(within(help).getByText("Resolve the open conversation")).toBeTruthy();
    fireEvent.keyDown(help, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});

describe("the command palette", () => {
  it("opens with Ctrl+K, filters as you type and runs the chosen command", async () => {
    renderWith(screens, answers(), "/inbox");
    await screen.findAllByTestId("conversation-row");
    press("k", { ctrlKey: true });
    const palette = screen.getByRole("dialog", { name: "Command palette" });
    const input = within(palette).getByRole("combobox");
    expect(document.activeElement).toBe(input);
    // No conversation is open: nothing to resolve.
    expect(within(palette).queryByText("Resolve the open conversation")).toBeNull();

    fireEvent.change(input, { target: { value: "go know" } });
    const options = within(palette).getAllByRole("option");
    expect(options.map((option) => option.textContent)).toEqual([
      "Go to Knowledge",
      "Search conversations for “go know”",
    ]);
    expect(options[0]?.getAttribute("aria-selected")).toBe("true");
    expect(input.getAttribute("aria-activedescendant")).toBe(options[0]?.id);
    fireEvent.keyDown(input, { key: "Enter" });
    expect(where()).toBe("/knowledge");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("switches filters, searches conversations, and resolves the open one", async () => {
    const resolved: string[] = [];
    renderWith(
      screens,
      answers({
        [`POST /api/orgs/${ORG}/conversations/${A}/resolve`]: () => {
          resolved.push(A);
          return new Response(null, { status: 202 });
        },
      }),
      `/inbox/${A}`,
    );
    await screen.findAllByTestId("conversation-row");

    press("k", { metaKey: true });
    let input = screen.getByTestId("palette-input");
    fireEvent.change(input, { target: { value: "needing" } });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(where()).toBe("/inbox?needs_human=1");

    press("k", { metaKey: true });
    input = screen.getByTestId("palette-input");
    fireEvent.change(input, { target: { value: "broken lamp" } });
    fireEvent.keyDown(input, { key: "ArrowUp" }); // wraps to the last: the search
    expect(screen.getAllByRole("option").at(-1)?.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(input, { key: "Enter" });
    expect(where()).toBe("/inbox?q=broken%20lamp");

    fireEvent.click((await screen.findAllByTestId("conversation-row"))[0]!);
    await waitFor(() => expect(where()).toBe(`/inbox/${A}?q=broken+lamp`));
    press("k", { ctrlKey: true });
    fireEvent.click(screen.getByRole("option", { name: "Resolve the open conversation" }));
    await waitFor(() => expect(resolved).toEqual([A]));
  });
});

describe("filters in the address", () => {
  it("sends the search and the creation date range to the API and loads the next page", async () => {
    const { requests } = renderWith(
      screens,
      {
        [`GET /api/orgs/${ORG}/conversations`]: (request) => {
          const query = new URL(request.url).searchParams;
          return query.get("cursor") === "page-2"
            ? json({ items: [summary(C)], total: 3, next_cursor: null })
            : json({ items: [summary(A), summary(B)], total: 3, next_cursor: "page-2" });
        },
      },
      "/inbox?q=refund&from=2026-01-02&to=2026-01-04&assignee=unassigned",
    );
    // Every row measures 0 here, so the end of the list is in view: the next page loads.
    await waitFor(() => expect(screen.getAllByTestId("conversation-row")).toHaveLength(3));
    const first = new URL(requests[0]!.url).searchParams;
    expect(first.get("q")).toBe("refund");
    expect(first.get("assignee")).toBe("unassigned");
    expect(first.get("since")).toBe(new Date(2026, 0, 2).toISOString());
    expect(first.get("until")).toBe(new Date(2026, 0, 5).toISOString()); // the 4th included
    const second = new URL(requests.at(-1)!.url).searchParams;
    expect(second.get("cursor")).toBe("page-2");
    expect(second.get("q")).toBe("refund");
    expect((screen.getByTestId("search") as HTMLInputElement).value).toBe("refund");
  });

  it("writes a typed search into the address", async () => {
    renderWith(screens, answers());
    await screen.findAllByTestId("conversation-row");
    fireEvent.change(screen.getByTestId("search"), { target: { value: "lamp" } });
    await waitFor(() => expect(where()).toBe("/inbox?q=lamp"));
  });
});

describe("the needs-a-human badge", () => {
  it("counts conversations needing a human on the Inbox nav item and in the title", async () => {
    renderWith(<App />, {
      "GET /api/me": () => json(ME),
      [`GET /api/orgs/${ORG}/conversations`]: (request) => {
        const query = new URL(request.url).searchParams;
        return query.get("needs_human") === "true"
          ? json({ items: [summary(B, { needs_human: true })], total: 2, next_cursor: "x" })
          : json({ items: [summary(A)], total: 1, next_cursor: null });
      },
    });
    const badge = await screen.findByTestId("needs-human-count");
    expect(badge.textContent).toContain("2");
    expect(screen.getByRole("link", { name: /Inbox/ }).textContent).toContain("2 waiting");
    await waitFor(() => expect(document.title).toBe("(2) Inbox · Perceptron"));
  });
});

/** Stands in for the browser's Notification. */
class FakeNotification {
  static permission: NotificationPermission = "default";
  static answer: NotificationPermission = "granted";
  static shown: FakeNotification[] = [];
  static requestPermission = vi.fn(async () => {
    FakeNotification.permission = FakeNotification.answer;
    return FakeNotification.answer;
  });
  onclick: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
  close() {
    this.closed = true;
  }
}

describe("handoff notifications", () => {
  beforeEach(() => {
    FakeNotification.permission = "default";
    FakeNotification.answer = "granted";
    FakeNotification.shown = [];
    FakeNotification.requestPermission.mockClear();
    FakeEventSource.opened = [];
    localStorage.clear();
    vi.stubGlobal("Notification", FakeNotification);
    vi.stubGlobal("EventSource", FakeEventSource);
  });
  afterEach(() => vi.unstubAllGlobals());

  const handoff = (id: string) => ({
    id: 9,
    type: "handoff.requested",
    conversation_id: id,
    data: {},
    created_at: "2026-01-05T10:02:00Z",
  });

  it("asks permission once opted in, remembers it, notifies, and a click opens the conversation", async () => {
    renderWith(screens, answers());
    await screen.findAllByTestId("conversation-row");
    const stream = FakeEventSource.opened[0]!;
    stream.emit("handoff.requested", handoff(B));
    expect(FakeNotification.shown).toHaveLength(0); // not opted in

    const toggle = screen.getByLabelText("Notify me of handoffs") as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle.checked).toBe(true));
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect(localStorage.getItem("perceptron.notify-handoffs")).toBe("1");

    stream.emit("handoff.requested", handoff(B));
    expect(FakeNotification.shown).toHaveLength(1);
    const shown = FakeNotification.shown[0]!;
    expect(shown.title).toBe("A visitor is waiting for a person");
    expect(shown.options.tag).toBe(`handoff-${B}`);
    const focus = vi.spyOn(window, "focus").mockImplementation(() => undefined);
    act(() => shown.onclick?.());
    expect(focus).toHaveBeenCalled();
    expect(where()).toBe(`/inbox/${B}`);
    expect(shown.closed).toBe(true);

    // Opting out stops them.
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle.checked).toBe(false));
    stream.emit("handoff.requested", handoff(C));
    expect(FakeNotification.shown).toHaveLength(1);
  });

  it("shows nothing when the browser's permission is refused", async () => {
    FakeNotification.answer = "denied";
    renderWith(screens, answers());
    await screen.findAllByTestId("conversation-row");
    const toggle = screen.getByLabelText("Notify me of handoffs") as HTMLInputElement;
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle.disabled).toBe(true));
    expect(toggle.checked).toBe(false);
    expect(localStorage.getItem("perceptron.notify-handoffs")).toBeNull();
    FakeEventSource.opened[0]!.emit("handoff.requested", handoff(B));
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it("remembers the choice across visits when permission stays granted", async () => {
    FakeNotification.permission = "granted";
    localStorage.setItem("perceptron.notify-handoffs", "1");
    renderWith(screens, answers());
    await screen.findAllByTestId("conversation-row");
    expect((screen.getByLabelText("Notify me of handoffs") as HTMLInputElement).checked).toBe(true);
    FakeEventSource.opened[0]!.emit("handoff.requested", handoff(A));
    expect(FakeNotification.shown).toHaveLength(1);
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
  });
});
