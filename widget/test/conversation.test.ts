import { describe, expect, it } from "vitest";
import {
  applyEvent,
  emptyConversation,
  isTurnRunning,
  mergeHistory,
  restore,
  resumeAfter,
  snapshot,
  type ChatState,
} from "../src/conversation";
import type { ConversationEvent, MessageJson } from "../src/types";

let nextId = 0;
function ev(type: string, data: object, id = ++nextId): ConversationEvent {
  return { id, type, conversation_id: "c1", data: data as Record<string, unknown>, created_at: `2024-05-01T10:00:${String(id % 60).padStart(2, "0")}Z` };
}

function message(id: string, role: MessageJson["role"], content: string, extra: Partial<MessageJson> = {}): MessageJson {
  return { id, conversation_id: "c1", role, content, citations: [], feedback: null, created_at: "2024-05-01T10:00:00Z", ...extra };
}

function apply(state: ChatState, ...events: ConversationEvent[]) {
  return events.map((event) => applyEvent(state, event));
}

const view = (state: ChatState) => state.messages.map((m) => `${m.role}:${m.content}${m.state ? `(${m.state})` : ""}`);

describe("applyEvent", () => {
  it("streams tokens into one assistant bubble and replaces it with the final message", () => {
    const state = emptyConversation("c1");
    apply(state, ev("message.created", message("v1", "visitor", "How do I reset?")), ev("turn.started", { turn_id: "v1" }));
    expect(isTurnRunning(state)).toBe(true);
    expect(view(state)).toEqual(["visitor:How do I reset?", "assistant:(streaming)"]);
    apply(state, ev("token", { turn_id: "v1", text: "Hold the " }), ev("token", { turn_id: "v1", text: "button [1]" }));
    expect(view(state)).toEqual(["visitor:How do I reset?", "assistant:Hold the button [1](streaming)"]);
    const citations = [{ number: 1, title: "Reset", source_url: "https://help.example/reset" }];
    const [done] = apply(state, ev("message.done", { ...message("a1", "assistant", "Hold the button for 5 s [1].", { citations }), turn_id: "v1", decision: "answer" }));
    expect(view(state)).toEqual(["visitor:How do I reset?", "assistant:Hold the button for 5 s [1]."]);
    expect(state.messages[1]!.id).toBe("a1");
    expect(state.messages[1]!.citations).toEqual(citations);
    expect(done!.added.map((m) => m.id)).toEqual(["a1"]);
    expect(isTurnRunning(state)).toBe(false);
  });

  it("empties the partial answer when the turn restarts", () => {
    const state = emptyConversation("c1");
    apply(state, ev("turn.started", { turn_id: "v1" }), ev("token", { turn_id: "v1", text: "Half an ans" }), ev("turn.restarted", { turn_id: "v1" }), ev("turn.started", { turn_id: "v1" }));
    expect(view(state)).toEqual(["assistant:(streaming)"]);
    apply(state, ev("token", { turn_id: "v1", text: "A fresh answer" }));
    expect(view(state)).toEqual(["assistant:A fresh answer(streaming)"]);
  });

  it("ignores an event it has already applied", () => {
    const state = emptyConversation("c1");
    const started = ev("turn.started", { turn_id: "v1" });
    const token = ev("token", { turn_id: "v1", text: "once" });
    apply(state, started, token);
    const [again] = apply(state, token, { ...token, id: token.id - 1 });
    expect(again!.changed).toBe(false);
    expect(view(state)).toEqual(["assistant:once(streaming)"]);
  });

  it("merges a message it already has (optimistic send, history, replay) instead of duplicating it", () => {
    const state = emptyConversation("c1");
    state.messages.push({ id: "v1", role: "visitor", content: "hi", citations: [], feedback: null, created_at: "local", state: "sending" });
    const [first] = apply(state, ev("message.created", message("v1", "visitor", "hi")));
    expect(first!.added).toEqual([]);
    expect(view(state)).toEqual(["visitor:hi"]);
    mergeHistory(state, [message("v1", "visitor", "hi"), message("a1", "assistant", "hello", { created_at: "2024-05-01T10:00:01Z" })]);
    apply(state, ev("message.done", { ...message("a1", "assistant", "hello"), turn_id: "v1" }));
    expect(view(state)).toEqual(["visitor:hi", "assistant:hello"]);
  });

  it("replaces a streaming bubble with an answer the history already had", () => {
    const state = emptyConversation("c1");
    mergeHistory(state, [message("v1", "visitor", "q"), message("a1", "assistant", "answer", { created_at: "2024-05-01T10:00:01Z" })]);
    apply(state, ev("turn.started", { turn_id: "v1" }), ev("token", { turn_id: "v1", text: "ans" }));
    const [done] = apply(state, ev("message.done", { ...message("a1", "assistant", "answer"), turn_id: "v1" }));
    expect(view(state)).toEqual(["visitor:q", "assistant:answer"]);
    expect(done!.added).toEqual([]);
  });

  it("tracks an operator joining and leaving, with notices", () => {
    const state = emptyConversation("c1");
    apply(state, ev("turn.started", { turn_id: "v1" }));
    apply(state, ev("operator.joined", { operator: { id: "op1", name: "Sam" }, status: "with_operator" }));
    expect(state.operator).toEqual({ id: "op1", name: "Sam" });
    expect(state.status).toBe("with_operator");
    expect(isTurnRunning(state)).toBe(false);
    expect(view(state)).toEqual(["notice:Sam joined the conversation"]);
    const [reply] = apply(state, ev("message.created", message("o1", "operator", "Hi, Sam here")));
    expect(reply!.added.map((m) => m.role)).toEqual(["operator"]);
    apply(state, ev("operator.left", { operator: { id: "op1", name: "Sam" }, status: "open" }));
    expect(state.operator).toBeNull();
    expect(state.status).toBe("open");
    expect(view(state)).toEqual(["notice:Sam joined the conversation", "operator:Hi, Sam here", "notice:Sam left the conversation"]);
  });

  it("notes a handoff request and status changes", () => {
    const state = emptyConversation("c1");
    apply(state, ev("handoff.requested", { reason: "x", status: "waiting_for_human" }));
    expect(state.status).toBe("waiting_for_human");
    apply(state, ev("status.changed", { status: "closed", reason: "the visitor ended it" }));
    expect(state.status).toBe("closed");
    expect(view(state)).toEqual(["notice:We've asked a person to join. Please wait a moment.", "notice:This conversation has ended."]);
  });

  it("ends a turn that failed into a system apology", () => {
    const state = emptyConversation("c1");
    apply(state, ev("turn.started", { turn_id: "v1" }), ev("token", { turn_id: "v1", text: "par" }));
    apply(state, ev("message.created", message("s1", "system", "Sorry, I can't answer right now.")));
    expect(isTurnRunning(state)).toBe(false);
    expect(view(state)).toEqual(["system:Sorry, I can't answer right now."]);
  });

  it("creates the bubble when a stream resumes mid-turn", () => {
    const state = emptyConversation("c1");
    apply(state, ev("token", { turn_id: "v9", text: "…rest" }));
    expect(view(state)).toEqual(["assistant:…rest(streaming)"]);
  });
});

describe("resume snapshot", () => {
  it("resumes just before a running turn so its whole text streams again", () => {
    const state = emptyConversation("c1");
    apply(state, ev("message.created", message("v1", "visitor", "q"), 10), ev("turn.started", { turn_id: "v1" }, 11), ev("token", { turn_id: "v1", text: "a" }, 12));
    expect(resumeAfter(state)).toBe(10);
    apply(state, ev("message.done", { ...message("a1", "assistant", "a"), turn_id: "v1" }, 13));
    expect(resumeAfter(state)).toBe(13);
  });

  it("restores operator, status and notices for the same conversation only", () => {
    const state = emptyConversation("c1");
    apply(state, ev("operator.joined", { operator: { id: "op1", name: "Sam" }, status: "with_operator" }, 20));
    const saved = JSON.parse(JSON.stringify(snapshot(state)));
    const next = emptyConversation("c1");
    restore(next, saved);
    expect(next.operator).toEqual({ id: "op1", name: "Sam" });
    expect(next.lastEventId).toBe(20);
    expect(view(next)).toEqual(["notice:Sam joined the conversation"]);
    const other = emptyConversation("c2");
    restore(other, saved);
    expect(other.operator).toBeNull();
    expect(other.lastEventId).toBe(0);
  });

  it("orders history and restored notices by time", () => {
    const state = emptyConversation("c1");
    restore(state, {
      conversation_id: "c1",
      resume_after: 5,
      operator: null,
      status: "open",
      notices: [{ id: "event:3", role: "notice", content: "Sam joined", citations: [], feedback: null, created_at: "2024-05-01T10:00:02Z" }],
    });
    mergeHistory(state, [
      message("v1", "visitor", "q", { created_at: "2024-05-01T10:00:01Z" }),
      message("o1", "operator", "hi", { created_at: "2024-05-01T10:00:03Z" }),
    ]);
    expect(view(state)).toEqual(["visitor:q", "notice:Sam joined", "operator:hi"]);
  });
});
