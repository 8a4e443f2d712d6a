/**
 * One conversation as the visitor sees it, and how each server event changes it.
 *
 * Events are applied once (by event id) and messages exist once (by message id), so a
 * reconnect that replays events, a history load that overlaps the stream and a retried
 * send all converge on the same list. A running turn is a streaming bubble `turn:<id>`
 * that tokens grow, `turn.restarted` empties and `message.done` replaces with the final
 * message.
 */

import { t } from "./strings";
import type { Citation, ConversationEvent, MessageJson, Operator, Role } from "./types";

export type ItemRole = Role | "notice";

export interface ChatMessage {
  id: string;
  role: ItemRole;
  content: string;
  citations: Citation[];
  feedback: number | null;
  created_at: string;
  /** Local states: a visitor message on its way or refused; an answer still streaming. */
  state?: "sending" | "failed" | "streaming";
  turnId?: string;
}

export interface ChatState {
  conversationId: string | null;
  messages: ChatMessage[];
  lastEventId: number;
  /** Running turns: turn id -> the id of its turn.started event. */
  turns: Record<string, number>;
  operator: Operator | null;
  status: string;
}

export interface Applied {
  /** False when the event was a duplicate and changed nothing. */
  changed: boolean;
  /** Messages that appeared (for the unread badge). */
  added: ChatMessage[];
}

/** What survives a reload besides the history endpoint's messages. */
export interface Snapshot {
  conversation_id: string;
  /** Stream from after this id: the last event, or just before a turn still running. */
  resume_after: number;
  operator: Operator | null;
  status: string;
  notices: ChatMessage[];
}

export function emptyConversation(conversationId: string | null): ChatState {
  return { conversationId, messages: [], lastEventId: 0, turns: {}, operator: null, status: "open" };
}

export function fromMessage(message: MessageJson): ChatMessage {
  return {
    id: String(message.id),
    role: message.role,
    content: String(message.content ?? ""),
    citations: Array.isArray(message.citations) ? message.citations : [],
    feedback: typeof message.feedback === "number" ? message.feedback : null,
    created_at: String(message.created_at ?? ""),
  };
}

export function findMessage(state: ChatState, id: string): ChatMessage | undefined {
  return state.messages.find((message) => message.id === id);
}

/** Merge the history endpoint's messages (idempotent) and order everything by time. */
export function mergeHistory(state: ChatState, history: MessageJson[]): void {
  for (const message of history) upsert(state, fromMessage(message));
  const position = new Map(state.messages.map((message, index) => [message, index]));
  const time = (message: ChatMessage) => {
    const parsed = Date.parse(message.created_at);
    return Number.isNaN(parsed) ? Number.MAX_SAFE_INTEGER : parsed;
  };
  state.messages.sort(
    (a, b) =>
      // streaming bubbles stay last; otherwise by time, then by previous position
      Number(a.state === "streaming") - Number(b.state === "streaming") ||
      time(a) - time(b) ||
      position.get(a)! - position.get(b)!,
  );
}

export function applyEvent(state: ChatState, event: ConversationEvent): Applied {
  const id = Number(event.id);
  if (Number.isFinite(id) && id > 0) {
    if (id <= state.lastEventId) return { changed: false, added: [] };
    state.lastEventId = id;
  }
  const data = (event.data ?? {}) as Record<string, unknown>;
  const turnId = typeof data.turn_id === "string" ? data.turn_id : "";
  const added: ChatMessage[] = [];
  switch (event.type) {
    case "message.created": {
      const message = fromMessage(data as unknown as MessageJson);
      if (!message.id) break;
      if (message.role === "operator" || message.role === "system") finishTurns(state);
      if (upsert(state, message)) added.push(message);
      break;
    }
    case "turn.started":
      state.turns[turnId] = id;
      streamingBubble(state, turnId, event.created_at);
      break;
    case "token": {
      if (!(turnId in state.turns)) state.turns[turnId] = id;
      const bubble = streamingBubble(state, turnId, event.created_at);
      bubble.content += typeof data.text === "string" ? data.text : "";
      break;
    }
    case "turn.restarted": {
      const bubble = findMessage(state, `turn:${turnId}`);
      if (bubble) bubble.content = "";
      break;
    }
    case "message.done": {
      const final = fromMessage(data as unknown as MessageJson);
      const bubbleIndex = state.messages.findIndex((message) => message.id === `turn:${turnId}`);
      delete state.turns[turnId];
      if (!final.id) {
        if (bubbleIndex >= 0) state.messages.splice(bubbleIndex, 1);
        break;
      }
      const existing = findMessage(state, final.id);
      if (existing) {
        if (bubbleIndex >= 0) state.messages.splice(bubbleIndex, 1);
        Object.assign(existing, final, { state: undefined });
      } else if (bubbleIndex >= 0) {
        state.messages.splice(bubbleIndex, 1, final);
        added.push(final);
      } else {
        state.messages.push(final);
        added.push(final);
      }
      break;
    }
    case "operator.joined": {
      const operator = toOperator(data.operator);
      state.operator = operator;
      state.status = typeof data.status === "string" ? data.status : "with_operator";
      finishTurns(state);
      notice(state, event, t("operatorJoined", { name: operator.name }));
      break;
    }
    case "operator.left": {
      const operator = toOperator(data.operator ?? state.operator);
      state.operator = null;
      if (typeof data.status === "string") state.status = data.status;
      notice(state, event, t("operatorLeft", { name: operator.name }));
      break;
    }
    case "handoff.requested":
      state.status = typeof data.status === "string" ? data.status : "waiting_for_human";
      notice(state, event, t("handoffRequested"));
      break;
    case "status.changed": {
      const status = typeof data.status === "string" ? data.status : state.status;
      const was = state.status;
      state.status = status;
      if (status !== "with_operator") state.operator = null;
      if (status === "closed") {
        finishTurns(state);
        if (was !== "closed") notice(state, event, t("conversationEnded"));
      } else if (status === "resolved" && was !== "resolved") {
        notice(state, event, t("conversationResolved"));
      }
      break;
    }
    default:
      break; // unknown event types still advance the cursor
  }
  return { changed: true, added };
}

/** Insert a message or update the one with its id; true when it is new. */
export function upsert(state: ChatState, message: ChatMessage): boolean {
  const existing = findMessage(state, message.id);
  if (existing) {
    Object.assign(existing, message, { state: undefined });
    return false;
  }
  state.messages.push(message);
  return true;
}

/** The event id to stream after on the next page: never in the middle of a running turn. */
export function resumeAfter(state: ChatState): number {
  let after = state.lastEventId;
  for (const started of Object.values(state.turns)) after = Math.min(after, started - 1);
  return Math.max(0, after);
}

export function snapshot(state: ChatState): Snapshot | null {
  if (!state.conversationId) return null;
  return {
    conversation_id: state.conversationId,
    resume_after: resumeAfter(state),
    operator: state.operator,
    status: state.status,
    notices: state.messages.filter((message) => message.role === "notice").slice(-20),
  };
}

export function restore(state: ChatState, saved: Snapshot | null): void {
  if (!saved || saved.conversation_id !== state.conversationId) return;
  state.lastEventId = Math.max(0, Number(saved.resume_after) || 0);
  state.operator = saved.operator ?? null;
  state.status = saved.status || "open";
  for (const item of saved.notices ?? []) upsert(state, { ...item, role: "notice" });
}

export function isTurnRunning(state: ChatState): boolean {
  return Object.keys(state.turns).length > 0;
}

function streamingBubble(state: ChatState, turnId: string, createdAt: string): ChatMessage {
  const id = `turn:${turnId}`;
  let bubble = findMessage(state, id);
  if (!bubble) {
    bubble = {
      id,
      role: "assistant",
      content: "",
      citations: [],
      feedback: null,
      created_at: createdAt,
      state: "streaming",
      turnId,
    };
    state.messages.push(bubble);
  }
  return bubble;
}

/** A turn that ended without message.done (failed, or a person took over). */
function finishTurns(state: ChatState): void {
  state.turns = {};
  state.messages = state.messages.filter((message) => message.state !== "streaming");
}

function notice(state: ChatState, event: ConversationEvent, text: string): void {
  upsert(state, {
    id: `event:${event.id}`,
    role: "notice",
    content: text,
    citations: [],
    feedback: null,
    created_at: event.created_at,
  });
}

function toOperator(value: unknown): Operator {
  const operator = (value ?? {}) as Partial<Operator>;
  return {
    id: String(operator.id ?? ""),
    name: typeof operator.name === "string" && operator.name ? operator.name : t("someone"),
  };
}
