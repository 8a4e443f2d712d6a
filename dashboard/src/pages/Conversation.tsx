import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { ApiError, type Me, type TranscriptMessage } from "../api/client";
import { type StreamEvent, useEventStream } from "../api/events";
import {
  type ConversationAction,
  keys,
  useConversation,
  useConversationAction,
  useReply,
} from "../api/queries";
import { strings } from "../strings";

const ENDED = new Set(["resolved", "closed"]);

export function ConversationView({ me, conversationId }: { me: Me; conversationId: string }) {
  const conversation = useConversation(me.org_id, conversationId);
  const action = useConversationAction(me.org_id, conversationId);
  const reply = useReply(me.org_id, conversationId);
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [text, setText] = useState("");

  // Tokens of an answer being written show as a draft; any other event refetches the
  // transcript (the stored message replaces its draft).
  useEventStream(
    `/api/orgs/${me.org_id}/conversations/${conversationId}/events`,
    (event: StreamEvent) => {
      const turn = typeof event.data.turn_id === "string" ? event.data.turn_id : null;
      if (event.type === "token" && turn !== null) {
        const piece = typeof event.data.text === "string" ? event.data.text : "";
        setDrafts((current) => ({ ...current, [turn]: (current[turn] ?? "") + piece }));
        return;
      }
      if (event.type.startsWith("message.")) setDrafts({});
      void queryClient.invalidateQueries({ queryKey: keys.conversation(me.org_id, conversationId) });
      void queryClient.invalidateQueries({ queryKey: keys.conversations(me.org_id) });
    },
  );

  if (conversation.isPending) return <p>{strings.loading}</p>;
  if (conversation.isError) {
    const missing = conversation.error instanceof ApiError && conversation.error.status === 404;
    return (
      <p role="alert">
        {missing ? strings.conversation.notFound : strings.error(conversation.error.message)}
      </p>
    );
  }

  const { conversation: summary, contact, live, messages } = conversation.data;
  const operator = live?.operator ?? null;
  const joinedByMe = operator !== null && operator.id === me.member_id;
  const ended = ENDED.has(summary.status);
  const busy = action.isPending || reply.isPending;
  const failure = action.error ?? reply.error;

  const run = (name: ConversationAction) => action.mutate(name);
  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body) return;
    reply.mutate(body, { onSuccess: () => setText("") });
  };

  return (
    <article className="conversation" data-testid="conversation" data-status={summary.status}>
      <header className="conversation-head">
        <Link to="/inbox" className="back">
          {strings.conversation.back}
        </Link>
        <h2>{contact?.name ?? contact?.email ?? strings.inbox.unnamed}</h2>
        <p className="meta">
          <span className={`status status-${summary.status}`}>{strings.status[summary.status]}</span>{" "}
          {strings.channel[summary.channel]}
          {contact?.email && contact.name ? ` · ${contact.email}` : ""}
        </p>
        {operator !== null && (
          <p className="notice" data-testid="operator-state">
            {strings.conversation.operatorIn(operator.name)}
          </p>
        )}
        {live?.pending_handoff && operator === null && (
          <p className="notice warn">{strings.conversation.pendingHandoff}</p>
        )}
        <div className="actions" role="group" aria-label={strings.conversation.transcript}>
          {ended ? (
            <button type="button" disabled={busy} onClick={() => run("reopen")}>
              {strings.conversation.reopen}
            </button>
          ) : (
            <>
              {joinedByMe ? (
                <button type="button" disabled={busy} onClick={() => run("leave")}>
                  {strings.conversation.leave}
                </button>
              ) : (
                <button
                  type="button"
                  className="primary"
                  disabled={busy}
                  onClick={() => run("join")}
                  data-testid="join"
                >
                  {strings.conversation.join}
                </button>
              )}
              <button type="button" disabled={busy} onClick={() => run("resolve")}>
                {strings.conversation.resolve}
              </button>
            </>
          )}
        </div>
        {failure && <p role="alert">{strings.error(failure.message)}</p>}
      </header>

      <ol className="transcript" aria-label={strings.conversation.transcript} aria-live="polite">
        {messages.map((message) => (
          <Message key={message.id} message={message} />
        ))}
        {Object.entries(drafts).map(([turn, draft]) => (
          <li key={turn} className="message role-assistant draft">
            <span className="author">{strings.conversation.aiAnswering}</span>
            <p>{draft}</p>
          </li>
        ))}
        {messages.length === 0 && Object.keys(drafts).length === 0 && (
          <li className="empty">{strings.inbox.noMessagesYet}</li>
        )}
      </ol>

      {!ended &&
        (joinedByMe ? (
          <form className="composer" onSubmit={send}>
            <label htmlFor="reply" className="visually-hidden">
              {strings.conversation.replyLabel}
            </label>
            <textarea
              id="reply"
              data-testid="reply-text"
              value={text}
              maxLength={4000}
              placeholder={strings.conversation.replyPlaceholder}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) send();
              }}
            />
            <button type="submit" className="primary" disabled={busy || !text.trim()} data-testid="send-reply">
              {reply.isPending ? strings.conversation.sending : strings.conversation.reply}
            </button>
          </form>
        ) : (
          <p className="hint">{strings.conversation.joinToReply}</p>
        ))}
    </article>
  );
}

function Message({ message }: { message: TranscriptMessage }) {
  const citations = message.citations as { number?: number; title?: string; source_url?: string | null }[];
  return (
    <li className={`message role-${message.role}`} data-testid="message" data-role={message.role}>
      <span className="author">
        {strings.conversation.role[message.role] ?? message.role}
        <time dateTime={message.created_at}>
          {new Date(message.created_at).toLocaleTimeString(undefined, { timeStyle: "short" })}
        </time>
      </span>
      <p>{message.content}</p>
      {citations.length > 0 && (
        <details className="sources">
          <summary>{strings.conversation.sources}</summary>
          <ol>
            {citations.map((citation, index) => (
              <li key={citation.number ?? index}>
                {citation.source_url ? (
                  <a href={citation.source_url} target="_blank" rel="noreferrer">
                    {citation.title ?? citation.source_url}
                  </a>
                ) : (
                  (citation.title ?? "")
                )}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}
