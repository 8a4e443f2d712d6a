// The API's server-sent event streams (api/streaming.py): the inbox's (every conversation of
// the organization) and one conversation's. EventSource reconnects by itself and resumes
// with Last-Event-ID, so no event is lost; the events only tell which queries are stale.
import { useEffect, useRef, useState } from "react";

/** The event types the conversation workflow and its activities append. */
export const EVENT_TYPES = [
  "message.created",
  "message.done",
  "message.failed",
  "message.interrupted",
  "token",
  "turn.started",
  "turn.restarted",
  "status.changed",
  "operator.joined",
  "operator.left",
  "conversation.assigned",
  "handoff.requested",
  "note.created",
  "note.updated",
  "note.deleted",
  // A call of the conversation: the media loop announces its start and end; an operator's
  // "end call" asks it to hang up.
  "call.started",
  "call.ended",
  "call.end_requested",
] as const;

export interface StreamEvent {
  id: number;
  type: string;
  conversation_id: string;
  data: Record<string, unknown>;
  created_at: string;
}

export type StreamState = "connecting" | "open" | "reconnecting";

export function useEventStream(
  url: string | null,
  onEvent: (event: StreamEvent) => void,
): StreamState {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [state, setState] = useState<StreamState>("connecting");

  useEffect(() => {
    if (url === null || typeof EventSource === "undefined") return;
    const source = new EventSource(url); // same origin: the session cookie goes along
    const listener = (message: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(message.data) as StreamEvent);
      } catch {
        // a malformed event changes nothing; the next refetch shows the truth
      }
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, listener);
    source.onmessage = listener;
    source.onopen = () => setState("open");
    source.onerror = () => setState("reconnecting");
    return () => source.close();
  }, [url]);

  return state;
}
