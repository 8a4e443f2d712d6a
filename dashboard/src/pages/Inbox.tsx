import { useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import type { Channel, ConversationStatus, InboxItem, Me } from "../api/client";
import { type StreamEvent, useEventStream } from "../api/events";
import { useQuickAction } from "../api/inbox";
import { ErrorMessage } from "../components/ErrorMessage";
import { FilterSelect } from "../components/FilterSelect";
import { When } from "../components/When";
import { type InboxFilters, keys, useConversations } from "../api/queries";
import { useAddressFilters } from "../address";
import { startOfDay } from "../dates";
import { useShortcuts } from "../keyboard";
import { notifyHandoff, useHandoffNotifications } from "../notifications";
import { strings } from "../strings";
import { ConversationView } from "./Conversation";

const STATUSES = Object.keys(strings.status) as ConversationStatus[];
const CHANNELS = Object.keys(strings.channel) as Channel[];
const text = strings.inboxList;

/** The filters live in the address (?status=...&channel=...&assignee=me|unassigned
 * &needs_human=1&q=...&from=yyyy-mm-dd&to=yyyy-mm-dd), so a filtered inbox can be bookmarked,
 * shared and reloaded, and the back button works. The dates are on creation, both days
 * included. */
export function filtersOf(params: URLSearchParams): InboxFilters {
  const status = params.get("status");
  const channel = params.get("channel");
  const assignee = params.get("assignee");
  return {
    status: STATUSES.includes(status as ConversationStatus)
      ? (status as ConversationStatus)
      : undefined,
    channel: CHANNELS.includes(channel as Channel) ? (channel as Channel) : undefined,
    assignee: assignee === "me" || assignee === "unassigned" ? assignee : undefined,
    needsHuman: params.get("needs_human") === "1" ? true : undefined,
    q: params.get("q")?.trim() || undefined,
    since: startOfDay(params.get("from")),
    until: startOfDay(params.get("to"), 1),
  };
}

function useFilters(): [InboxFilters, URLSearchParams, (name: string, value: string) => void] {
  const [params, set] = useAddressFilters();
  const filters = useMemo(() => filtersOf(params), [params]);
  return [filters, params, set];
}

/** The search box: typed freely, written to the address 300 ms after the last key. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [draft, setDraft] = useState(value);
  const latest = useRef(onSearch);
  latest.current = onSearch;
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft === value) return;
    const timer = setTimeout(() => latest.current(draft), 300);
    return () => clearTimeout(timer);
  }, [draft, value]);
  return (
    <label className="search">
      <span className="visually-hidden">{text.search}</span>
      <input
        type="search"
        data-testid="search"
        placeholder={text.searchPlaceholder}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") latest.current(draft);
        }}
      />
    </label>
  );
}

function NotifyToggle() {
  const [state, toggle] = useHandoffNotifications();
  if (state === "unsupported") return null;
  return (
    <label className="checkbox notify" title={state === "blocked" ? text.notifyBlocked : undefined}>
      <input
        type="checkbox"
        data-testid="notify-handoffs"
        checked={state === "on"}
        disabled={state === "blocked"}
        onChange={(event) => void toggle(event.target.checked)}
      />
      {text.notify}
    </label>
  );
}

export function Inbox({ me }: { me: Me }) {
  const { conversationId } = useParams();
  const navigate = useNavigate();
  const [filters, params, setFilter] = useFilters();
  const conversations = useConversations(me.org_id, filters);
  const queryClient = useQueryClient();
  const quick = useQuickAction(me.org_id, me.member_id);
  const search = params.toString() ? `?${params.toString()}` : "";
  const open = (id: string) => void navigate(`/inbox/${id}${search}`);

  // Any event but a streamed token can change the list (a new conversation, a handoff, a
  // status): refetch it at once, then at most every 300 ms while events pour in (those
  // arriving in the window are caught by one refetch at its end). A new handoff also
  // notifies, when the operator opted in.
  const window_ = useRef<{ timer: ReturnType<typeof setTimeout>; dirty: boolean } | null>(null);
  useEffect(() => () => clearTimeout(window_.current?.timer), []);
  const stream = useEventStream(`/api/orgs/${me.org_id}/inbox/events`, (event: StreamEvent) => {
    if (event.type === "token") return;
    if (event.type === "handoff.requested") notifyHandoff(event.conversation_id, open);
    const refetch = () =>
      void queryClient.invalidateQueries({ queryKey: keys.conversations(me.org_id) });
    if (window_.current) {
      window_.current.dirty = true;
      return;
    }
    refetch();
    const close = (): void => {
      const dirty = window_.current?.dirty === true;
      window_.current = null;
      if (dirty) {
        refetch();
        window_.current = { timer: setTimeout(close, 300), dirty: false };
      }
    };
    window_.current = { timer: setTimeout(close, 300), dirty: false };
  });

  const items = useMemo(
    () => conversations.data?.pages.flatMap((page) => page.items) ?? [],
    [conversations.data],
  );
  const total = conversations.data?.pages[0]?.total ?? 0;

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 76,
    overscan: 8,
    initialRect: { width: 360, height: 640 },
    getItemKey: (index) => items[index]?.id ?? index,
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = conversations;
  useEffect(() => {
    // Infinite scroll: the next page loads while the last rows come into view.
    if (hasNextPage && !isFetchingNextPage && lastShown >= items.length - 10) {
      void fetchNextPage();
    }
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastShown, items.length]);

  const selected = items.findIndex((item) => item.id === conversationId);
  const move = (step: 1 | -1) => {
    if (items.length === 0) return;
    const target =
      selected < 0 ? (step === 1 ? 0 : items.length - 1) : Math.max(0, Math.min(items.length - 1, selected + step));
    const item = items[target];
    if (!item) return;
    virtualizer.scrollToIndex(target, { align: "auto" });
    open(item.id);
  };
  useShortcuts({
    next: () => move(1),
    previous: () => move(-1),
    reply: () => document.querySelector<HTMLElement>('[data-testid="reply-text"]')?.focus(),
    resolve: () => {
      if (conversationId) quick.mutate({ action: "resolve", conversationId });
    },
    assign: () => {
      if (conversationId && me.member_id) quick.mutate({ action: "assign", conversationId });
    },
  });

  const filtered = [...params.keys()].length > 0;

  return (
    <div className={`inbox${conversationId ? " has-selection" : ""}`}>
      <section className="inbox-list" aria-labelledby="inbox-title">
        <div className="inbox-head">
          <h1 id="inbox-title">{strings.inbox.title}</h1>
          <span className={`live live-${stream}`} data-testid="stream-state">
            {stream === "reconnecting" ? strings.inbox.reconnecting : strings.inbox.live}
          </span>
        </div>
        <SearchBox value={params.get("q") ?? ""} onSearch={(q) => setFilter("q", q.trim())} />
        <fieldset className="filters">
          <legend className="visually-hidden">{strings.inbox.filters}</legend>
          <FilterSelect
            label={strings.inbox.status}
            testId="filter-status"
            value={filters.status ?? ""}
            any={strings.inbox.any}
            choices={STATUSES}
            names={strings.status}
            onChange={(value) => setFilter("status", value)}
          />
          <FilterSelect
            label={strings.inbox.channel}
            testId="filter-channel"
            value={filters.channel ?? ""}
            any={strings.inbox.any}
            choices={CHANNELS}
            names={strings.channel}
            onChange={(value) => setFilter("channel", value)}
          />
          <label>
            {strings.inbox.assignee}
            <select
              data-testid="filter-assignee"
              value={filters.assignee ?? ""}
              onChange={(event) => setFilter("assignee", event.target.value)}
            >
              <option value="">{strings.inbox.anyone}</option>
              {me.member_id && <option value="me">{strings.inbox.me}</option>}
              <option value="unassigned">{text.unassigned}</option>
            </select>
          </label>
          <label>
            {text.createdFrom}
            <input
              type="date"
              data-testid="filter-from"
              value={params.get("from") ?? ""}
              max={params.get("to") ?? undefined}
              onChange={(event) => setFilter("from", event.target.value)}
            />
          </label>
          <label>
            {text.createdTo}
            <input
              type="date"
              data-testid="filter-to"
              value={params.get("to") ?? ""}
              min={params.get("from") ?? undefined}
              onChange={(event) => setFilter("to", event.target.value)}
            />
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="filter-needs-human"
              checked={filters.needsHuman === true}
              onChange={(event) => setFilter("needs_human", event.target.checked ? "1" : "")}
            />
            {strings.inbox.needsHuman}
          </label>
        </fieldset>
        <div className="inbox-tools">
          <NotifyToggle />
          {filtered && (
            <Link className="clear" to="/inbox" data-testid="clear-filters">
              {text.clearFilters}
            </Link>
          )}
        </div>

        {conversations.isPending ? (
          <p>{strings.loading}</p>
        ) : conversations.isError ? (
          <ErrorMessage error={conversations.error} />
        ) : items.length === 0 ? (
          <p className="empty">{strings.inbox.empty}</p>
        ) : (
          <p className="count" aria-live="polite" data-testid="conversation-count">
            {strings.inbox.count(items.length, total)}
          </p>
        )}
        <div className="inbox-scroll" ref={scroller} data-testid="conversation-scroller">
          {items.length > 0 && (
            <ul
              className="conversations"
              data-testid="conversation-list"
              style={{ height: virtualizer.getTotalSize() }}
            >
              {rows.map((row) => {
                const conversation = items[row.index];
                if (!conversation) return null;
                return (
                  <ConversationRow
                    key={row.key}
                    index={row.index}
                    measure={virtualizer.measureElement}
                    offset={row.start}
                    conversation={conversation}
                    me={me}
                    selected={conversation.id === conversationId}
                    search={search}
                  />
                );
              })}
            </ul>
          )}
          {isFetchingNextPage && <p className="count">{text.loadingMore}</p>}
        </div>
        <p className="hint shortcuts-hint">{text.shortcuts.hint}</p>
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


export function ConversationRow({
  conversation,
  me,
  selected,
  search,
  index,
  offset,
  measure,
}: {
  conversation: InboxItem;
  me: Me;
  selected: boolean;
  search: string;
  index?: number;
  offset?: number;
  measure?: (element: Element | null) => void;
}) {
  const at = conversation.last_message_at ?? conversation.updated_at;
  return (
    <li
      ref={measure}
      data-index={index}
      className={offset === undefined ? undefined : "virtual"}
      style={offset === undefined ? undefined : { transform: `translateY(${offset}px)` }}
    >
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
          <When at={at} format="short" />
        </span>
        {conversation.preview && (
          <span className="preview" data-testid="row-preview">
            {conversation.preview}
          </span>
        )}
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
