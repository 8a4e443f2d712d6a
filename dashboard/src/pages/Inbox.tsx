import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import type { Channel, ConversationStatus, InboxItem, Me } from "../api/client";
import { type StreamEvent, useEventStream } from "../api/events";
import { type InboxFilters, keys, useConversations } from "../api/queries";
import { strings } from "../strings";
import { ConversationView } from "./Conversation";

const STATUSES = Object.keys(strings.status) as ConversationStatus[];
const CHANNELS = Object.keys(strings.channel) as Channel[];

/** The filters live in the address (?status=...&channel=...&assignee=me&needs_human=1), so a
 * filtered inbox can be bookmarked and the back button works. */
function useFilters(me: Me): [InboxFilters, URLSearchParams, (name: string, value: string) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<InboxFilters>(() => {
    const status = params.get("status");
    const channel = params.get("channel");
    return {
      status: STATUSES.includes(status as ConversationStatus)
        ? (status as ConversationStatus)
        : undefined,
      channel: CHANNELS.includes(channel as Channel) ? (channel as Channel) : undefined,
      assignee: params.get("assignee") === "me" ? (me.member_id ?? undefined) : undefined,
      needsHuman: params.get("needs_human") === "1" ? true : undefined,
    };
  }, [params, me.member_id]);
  const set = (name: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  return [filters, params, set];
}

export function Inbox({ me }: { me: Me }) {
  const { conversationId } = useParams();
  const [filters, params, setFilter] = useFilters(me);
  const conversations = useConversations(me.org_id, filters);
  const queryClient = useQueryClient();

  // Any event but a streamed token can change the list (a new conversation, a handoff, a
  // status): refetch it, at most every 300 ms while events pour in.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);
  const stream = useEventStream(`/api/orgs/${me.org_id}/inbox/events`, (event: StreamEvent) => {
    if (event.type === "token") return;
    pending.current ??= setTimeout(() => {
      pending.current = null;
      void queryClient.invalidateQueries({ queryKey: keys.conversations(me.org_id) });
    }, 300);
  });

  const items = conversations.data?.pages.flatMap((page) => page.items) ?? [];
  const total = conversations.data?.pages[0]?.total ?? 0;
  const search = params.toString() ? `?${params.toString()}` : "";

  return (
    <div className={`inbox${conversationId ? " has-selection" : ""}`}>
      <section className="inbox-list" aria-labelledby="inbox-title">
        <div className="inbox-head">
          <h1 id="inbox-title">{strings.inbox.title}</h1>
          <span className={`live live-${stream}`} data-testid="stream-state">
            {stream === "reconnecting" ? strings.inbox.reconnecting : strings.inbox.live}
          </span>
        </div>
        <fieldset className="filters">
          <legend className="visually-hidden">{strings.inbox.filters}</legend>
          <label>
            {strings.inbox.status}
            <select
              data-testid="filter-status"
              value={params.get("status") ?? ""}
              onChange={(event) => setFilter("status", event.target.value)}
            >
              <option value="">{strings.inbox.any}</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {strings.status[status]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {strings.inbox.channel}
            <select
              data-testid="filter-channel"
              value={params.get("channel") ?? ""}
              onChange={(event) => setFilter("channel", event.target.value)}
            >
              <option value="">{strings.inbox.any}</option>
              {CHANNELS.map((channel) => (
                <option key={channel} value={channel}>
                  {strings.channel[channel]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {strings.inbox.assignee}
            <select
              data-testid="filter-assignee"
              value={params.get("assignee") === "me" ? "me" : ""}
              onChange={(event) => setFilter("assignee", event.target.value)}
            >
              <option value="">{strings.inbox.anyone}</option>
              {me.member_id && <option value="me">{strings.inbox.me}</option>}
            </select>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="filter-needs-human"
              checked={params.get("needs_human") === "1"}
              onChange={(event) => setFilter("needs_human", event.target.checked ? "1" : "")}
            />
            {strings.inbox.needsHuman}
          </label>
        </fieldset>

        {conversations.isPending ? (
          <p>{strings.loading}</p>
        ) : conversations.isError ? (
          <p role="alert">{strings.error(conversations.error.message)}</p>
        ) : items.length === 0 ? (
          <p className="empty">{strings.inbox.empty}</p>
        ) : (
          <>
            <p className="count" aria-live="polite">
              {strings.inbox.count(items.length, total)}
            </p>
            <ul className="conversations" data-testid="conversation-list">
              {items.map((conversation) => (
                <ConversationRow
                  key={conversation.id}
                  conversation={conversation}
                  me={me}
                  selected={conversation.id === conversationId}
                  search={search}
                />
              ))}
            </ul>
            {conversations.hasNextPage && (
              <button
                type="button"
                disabled={conversations.isFetchingNextPage}
                onClick={() => void conversations.fetchNextPage()}
              >
                {conversations.isFetchingNextPage ? strings.loading : strings.inbox.more}
              </button>
            )}
          </>
        )}
      </section>
      <section className="inbox-detail" aria-label={strings.conversation.transcript}>
        {conversationId ? (
          <ConversationView key={conversationId} me={me} conversationId={conversationId} />
        ) : (
          <p className="empty">{strings.inbox.select}</p>
        )}
      </section>
    </div>
  );
}

const time = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "short" });

export function ConversationRow({
  conversation,
  me,
  selected,
  search,
}: {
  conversation: InboxItem;
  me: Me;
  selected: boolean;
  search: string;
}) {
  const at = conversation.last_message_at ?? conversation.updated_at;
  return (
    <li>
      <Link
        to={`/inbox/${conversation.id}${search}`}
        className={`row${selected ? " selected" : ""}`}
        aria-current={selected ? "page" : undefined}
        data-testid="conversation-row"
        data-conversation-id={conversation.id}
      >
        <span className="row-top">
          <span className="who">
            {conversation.contact?.name ?? conversation.contact?.email ?? strings.inbox.unnamed}
          </span>
          <time dateTime={at}>{time.format(new Date(at))}</time>
        </span>
        <span className="row-bottom">
          <span className={`status status-${conversation.status}`}>
            {strings.status[conversation.status]}
          </span>
          <span className="channel">{strings.channel[conversation.channel]}</span>
          {conversation.needs_human && (
            <span className="badge" data-testid="needs-human">
              {strings.inbox.needsHumanBadge}
            </span>
          )}
          {conversation.assignee_id !== null && conversation.assignee_id === me.member_id && (
            <span className="badge subtle">{strings.inbox.assignedToYou}</span>
          )}
        </span>
      </Link>
    </li>
  );
}
