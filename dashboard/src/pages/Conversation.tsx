import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { isManager, mayHandleCalls } from "../access";
import { ApiError, type Me, type TranscriptMessage } from "../api/client";
import {
  type ContactPanel as ContactPanelData,
  type DecisionTrail,
  type Member,
  type Note,
  type SavedReply,
  useAssign,
  useMembers,
  useNoteChange,
  useNotes,
  useSavedReplies,
  useSavedReplyChange,
  viewKeys,
} from "../api/conversationView";
import { type StreamEvent, useEventStream } from "../api/events";
import {
  type ConversationAction,
  keys,
  useConversation,
  useConversationAction,
  useReply,
} from "../api/queries";
import { CallPanel } from "../components/CallPanel";
import { ErrorMessage } from "../components/ErrorMessage";
import { phoneKeys } from "../api/phone";
import { Dialog } from "../components/Dialog";
import { When } from "../components/When";
import { formatDate } from "../dates";
import { strings } from "../strings";

const ENDED = new Set(["resolved", "closed"]);
const t = strings.conversationView;

type Entry = { kind: "message"; at: string; message: TranscriptMessage } | { kind: "note"; at: string; note: Note };

export function ConversationView({ me, conversationId }: { me: Me; conversationId: string }) {
  const conversation = useConversation(me.org_id, conversationId);
  const notes = useNotes(me.org_id, conversationId);
  const action = useConversationAction(me.org_id, conversationId);
  const reply = useReply(me.org_id, conversationId);
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, string>>({});

  // Tokens of an answer being written show as a draft; a note event refreshes the notes; any
  // other event refetches the transcript (the stored message replaces its draft).
  useEventStream(
    `/api/orgs/${me.org_id}/conversations/${conversationId}/events`,
    (event: StreamEvent) => {
      const turn = typeof event.data.turn_id === "string" ? event.data.turn_id : null;
      if (event.type === "token" && turn !== null) {
        const piece = typeof event.data.text === "string" ? event.data.text : "";
        setDrafts((current) => ({ ...current, [turn]: (current[turn] ?? "") + piece }));
        return;
      }
      if (event.type.startsWith("note.")) {
        void queryClient.invalidateQueries({ queryKey: viewKeys.notes(me.org_id, conversationId) });
        return;
      }
      if (event.type.startsWith("message.")) setDrafts({});
      if (event.type.startsWith("call.") || event.type === "status.changed") {
        void queryClient.invalidateQueries({ queryKey: phoneKeys.calls(me.org_id, conversationId) });
      }
      void queryClient.invalidateQueries({ queryKey: keys.conversation(me.org_id, conversationId) });
      void queryClient.invalidateQueries({ queryKey: keys.conversations(me.org_id) });
    },
  );

  const entries = useMemo<Entry[]>(() => {
    const messages: Entry[] = (conversation.data?.messages ?? []).map((message) => ({
      kind: "message",
      at: message.created_at,
      message,
    }));
    const noted: Entry[] = (notes.data ?? []).map((note) => ({ kind: "note", at: note.created_at, note }));
    return [...messages, ...noted].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }, [conversation.data, notes.data]);

  if (conversation.isPending) return <p className="empty">{strings.loading}</p>;
  if (conversation.isError) {
    const missing = conversation.error instanceof ApiError && conversation.error.status === 404;
    return (
      <p role="alert" className="empty">
        {missing ? strings.conversation.notFound : strings.error(conversation.error.message)}
      </p>
    );
  }

  const { conversation: summary, contact, contact_panel: panel, live } = conversation.data;
  const operator = live?.operator ?? null;
  const joinedByMe = operator !== null && operator.id === me.member_id;
  const ended = ENDED.has(summary.status);
  const busy = action.isPending || reply.isPending;
  const failure = action.error ?? reply.error;
  const run = (name: ConversationAction) => action.mutate(name);

  return (
    <article className="conversation" data-testid="conversation" data-status={summary.status}>
      <header className="conversation-head">
        <Link to="/inbox" className="back">
          {strings.conversation.back}
        </Link>
        <div className="head-row">
          <div className="head-title">
            <h2>{contact?.name ?? contact?.email ?? strings.inbox.unnamed}</h2>
            <p className="meta">
              <span className={`status status-${summary.status}`}>{strings.status[summary.status]}</span>
              {" · "}
              {strings.channel[summary.channel]}
              {contact?.email && contact.name ? ` · ${contact.email}` : ""}
            </p>
          </div>
          <div className="actions" role="group" aria-label={strings.conversation.transcript}>
            {ended ? (
              <button type="button" disabled={busy} onClick={() => run("reopen")} data-testid="reopen">
                {strings.conversation.reopen}
              </button>
            ) : (
              <>
                {joinedByMe ? (
                  <button type="button" disabled={busy} onClick={() => run("leave")} data-testid="leave">
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
                <button type="button" disabled={busy} onClick={() => run("resolve")} data-testid="resolve">
                  {strings.conversation.resolve}
                </button>
              </>
            )}
          </div>
        </div>
        <AssigneePicker me={me} conversationId={conversationId} assigneeId={summary.assignee_id} />
        {(summary.channel === "phone" || summary.channel === "voice") && mayHandleCalls(me.role) && (
          <CallPanel me={me} conversationId={conversationId} />
        )}
        {operator !== null && (
          <p className="notice" data-testid="operator-state">
            {strings.conversation.operatorIn(operator.name)}
          </p>
        )}
        {live?.pending_handoff && operator === null && (
          <p className="notice warn">{strings.conversation.pendingHandoff}</p>
        )}
        <ErrorMessage error={failure} />
      </header>

      <div className="conversation-body">
        <div className="conversation-main">
          <ol className="transcript" aria-label={strings.conversation.transcript} aria-live="polite">
            {entries.map((entry) =>
              entry.kind === "message" ? (
                <Message key={entry.message.id} message={entry.message} />
              ) : (
                <NoteItem key={entry.note.id} note={entry.note} me={me} conversationId={conversationId} />
              ),
            )}
            {Object.entries(drafts).map(([turn, draft]) => (
              <li key={turn} className="message role-assistant draft" data-testid="draft">
                <span className="author">{strings.conversation.aiAnswering}</span>
                <p>{draft}</p>
              </li>
            ))}
            {entries.length === 0 && Object.keys(drafts).length === 0 && (
              <li className="empty">{strings.inbox.noMessagesYet}</li>
            )}
          </ol>
          <Composer
            me={me}
            conversationId={conversationId}
            canReply={joinedByMe && !ended}
            ended={ended}
            busy={busy}
            sending={reply.isPending}
            onReply={(text, done) => reply.mutate(text, { onSuccess: done })}
          />
        </div>
        <ContactPanel panel={panel ?? null} />
      </div>
    </article>
  );
}

function AssigneePicker({ me, conversationId, assigneeId }: { me: Me; conversationId: string; assigneeId: string | null }) {
  const members = useMembers(me.org_id);
  const assign = useAssign(me.org_id, conversationId);
  const id = useId();
  const assignee = members.data?.find((member: Member) => member.id === assigneeId);
  return (
    <div className="assignee" data-testid="assignee">
      <label htmlFor={id}>{t.assignee}</label>
      <select
        id={id}
        data-testid="assignee-select"
        value={assigneeId ?? ""}
        disabled={assign.isPending || members.isPending}
        onChange={(event) => assign.mutate(event.target.value || null)}
      >
        <option value="">{t.unassigned}</option>
        {assigneeId && !assignee && <option value={assigneeId}>{t.unknown}</option>}
        {(members.data ?? []).map((member) => (
          <option key={member.id} value={member.id}>
            {member.name || member.email || member.id}
          </option>
        ))}
      </select>
      {me.member_id && assigneeId !== me.member_id && (
        <button type="button" className="link" disabled={assign.isPending} onClick={() => assign.mutate(me.member_id)}>
          {t.assignToMe}
        </button>
      )}
      {assignee && (
        <span className="assigned-to" data-testid="assigned-to">
          {t.assignedTo(assignee.name || assignee.email || "")}
        </span>
      )}
      {assign.error && <span role="alert">{strings.error(assign.error.message)}</span>}
    </div>
  );
}

interface Citation {
  number?: number;
  title?: string;
  section?: string;
  source_url?: string | null;
}

function Message({ message }: { message: TranscriptMessage }) {
  const citations = message.citations as Citation[];
  return (
    <li className={`message role-${message.role}`} data-testid="message" data-role={message.role}>
      <span className="author">
        {strings.conversation.role[message.role] ?? message.role}
        <When at={message.created_at} format="clock" />
      </span>
      <p>{message.content}</p>
      {message.status === "interrupted" && (
        <p className="muted small" data-testid="interrupted">
          {strings.conversation.interrupted(message.heard)}
        </p>
      )}
      {citations.length > 0 && (
        <ul className="citations" aria-label={strings.conversation.sources}>
          {citations.map((citation, index) => {
            const label = `[${citation.number ?? index + 1}] ${citation.title || t.citation(citation.number ?? index + 1)}`;
            return (
              <li key={citation.number ?? index}>
                {citation.source_url ? (
                  <a className="chip" href={citation.source_url} target="_blank" rel="noreferrer">
                    {label}
                  </a>
                ) : (
                  <span className="chip">{label}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {message.trail && <Why trail={message.trail} />}
    </li>
  );
}

export function Why({ trail }: { trail: DecisionTrail }) {
  const decision = trail.decision ? (t.decisions[trail.decision] ?? trail.decision) : t.unknown;
  return (
    <details className="why" data-testid="why">
      <summary>{t.why}</summary>
      <div className="why-body">
        <dl>
          <dt>{t.decision}</dt>
          <dd data-testid="why-decision" data-decision={trail.decision ?? ""}>
            {decision}
          </dd>
          {trail.reason && (
            <>
              <dt>{t.reason}</dt>
              <dd data-testid="why-reason">{trail.reason}</dd>
            </>
          )}
          {trail.query && (
            <>
              <dt>{t.searched}</dt>
              <dd>{trail.query}</dd>
            </>
          )}
          {trail.error && (
            <>
              <dt>{t.decision}</dt>
              <dd>{t.failed(trail.error)}</dd>
            </>
          )}
        </dl>
        <h3>{t.passages}</h3>
        {trail.passages.length === 0 ? (
          <p className="muted">{t.noPassages}</p>
        ) : (
          <ol className="passages">
            {trail.passages.map((passage, index) => (
              <li key={passage.chunk_id ?? index} data-testid="why-passage">
                <div className="passage-head">
                  <strong>{passage.title || t.unknown}</strong>
                  {passage.section && <span className="muted"> · {passage.section}</span>}
                  {passage.score !== null && <span className="score">{t.score(passage.score)}</span>}
                  {passage.cited && <span className="badge subtle">{t.cited}</span>}
                </div>
                <p className={passage.excerpt ? "excerpt" : "excerpt muted"}>{passage.excerpt ?? t.excerptGone}</p>
              </li>
            ))}
          </ol>
        )}
        <p className="muted small">{t.modelAndPrompt(trail.model ?? t.unknown, trail.prompt_version ?? t.unknown)}</p>
      </div>
    </details>
  );
}

function NoteItem({ note, me, conversationId }: { note: Note; me: Me; conversationId: string }) {
  const change = useNoteChange(me.org_id, conversationId);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(note.content);
  const id = useId();
  const mine = note.author_member_id !== null && note.author_member_id === me.member_id;
  const mayDelete = mine || isManager(me.role);
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    change.mutate({ kind: "edit", noteId: note.id, content: text }, { onSuccess: () => setEditing(false) });
  };
  return (
    <li className="note" data-testid="note">
      <span className="author">
        <span className="note-badge">{t.noteBadge}</span>
        {note.author_name ?? t.someone}
        <When at={note.created_at} format="clock" />
        {note.updated_at && <span>({t.edited})</span>}
      </span>
      {editing ? (
        <form onSubmit={save} className="note-edit">
          <label htmlFor={id} className="visually-hidden">
            {t.editNote}
          </label>
          <textarea id={id} value={text} maxLength={4000} onChange={(event) => setText(event.target.value)} />
          <div className="row-buttons">
            <button type="submit" className="primary" disabled={change.isPending || !text.trim()}>
              {t.save}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t.cancel}
            </button>
          </div>
        </form>
      ) : (
        <p>{note.content}</p>
      )}
      <span className="only-team">{t.onlyTeam}</span>
      {!editing && (mine || mayDelete) && (
        <span className="note-actions">
          {mine && (
            <button type="button" className="link" onClick={() => setEditing(true)}>
              {t.edit}
            </button>
          )}
          {mayDelete && (
            <button
              type="button"
              className="link"
              disabled={change.isPending}
              onClick={() => {
                if (window.confirm(t.confirmDelete)) change.mutate({ kind: "delete", noteId: note.id });
              }}
            >
              {t.delete}
            </button>
          )}
        </span>
      )}
      <ErrorMessage error={change.error} />
    </li>
  );
}

/** The word being typed at the caret when it starts with "/": where it starts and what follows. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)\/([\w-]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, query: query.toLowerCase() };
}

function Composer({
  me,
  conversationId,
  canReply,
  ended,
  busy,
  sending,
  onReply,
}: {
  me: Me;
  conversationId: string;
  canReply: boolean;
  ended: boolean;
  busy: boolean;
  sending: boolean;
  onReply: (text: string, done: () => void) => void;
}) {
  const [mode, setMode] = useState<"reply" | "note">(ended ? "note" : "reply");
  const [managing, setManaging] = useState(false);
  const manageButton = useRef<HTMLButtonElement>(null);
  const manager = isManager(me.role);
  return (
    <section className={`composer-box mode-${mode}`} aria-label={t.composerTabs}>
      <div className="composer-tabs" role="group" aria-label={t.composerTabs}>
        <button
          type="button"
          aria-pressed={mode === "reply"}
          onClick={() => setMode("reply")}
          data-testid="mode-reply"
          disabled={ended}
        >
          {strings.conversation.reply}
        </button>
        <button type="button" aria-pressed={mode === "note"} onClick={() => setMode("note")} data-testid="mode-note">
          {t.note}
        </button>
        {manager && (
          <button
            type="button"
            className="link manage"
            ref={manageButton}
            onClick={() => setManaging(true)}
            data-testid="manage-saved-replies"
          >
            {t.manageSavedReplies}
          </button>
        )}
      </div>
      {mode === "note" ? (
        <NoteComposer me={me} conversationId={conversationId} />
      ) : canReply ? (
        <ReplyComposer me={me} busy={busy} sending={sending} onReply={onReply} />
      ) : (
        <p className="hint">{strings.conversation.joinToReply}</p>
      )}
      {managing && (
        <SavedRepliesDialog
          me={me}
          onClose={() => {
            setManaging(false);
            manageButton.current?.focus();
          }}
        />
      )}
    </section>
  );
}

function NoteComposer({ me, conversationId }: { me: Me; conversationId: string }) {
  const change = useNoteChange(me.org_id, conversationId);
  const [text, setText] = useState("");
  const add = (event?: FormEvent) => {
    event?.preventDefault();
    if (!text.trim() || change.isPending) return;
    change.mutate({ kind: "add", content: text }, { onSuccess: () => setText("") });
  };
  return (
    <form className="composer note-composer" onSubmit={add}>
      <label htmlFor="note" className="visually-hidden">
        {t.noteLabel}
      </label>
      <textarea
        id="note"
        data-testid="note-text"
        value={text}
        maxLength={4000}
        placeholder={t.notePlaceholder}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) add();
        }}
      />
      <div className="composer-side">
        <button type="submit" className="primary" disabled={change.isPending || !text.trim()} data-testid="add-note">
          {change.isPending ? t.adding : t.addNote}
        </button>
        <span className="only-team">{t.onlyTeam}</span>
      </div>
      <ErrorMessage error={change.error} />
    </form>
  );
}

function ReplyComposer({
  me,
  busy,
  sending,
  onReply,
}: {
  me: Me;
  busy: boolean;
  sending: boolean;
  onReply: (text: string, done: () => void) => void;
}) {
  const saved = useSavedReplies(me.org_id);
  const [text, setText] = useState("");
  const [slash, setSlash] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLTextAreaElement>(null);
  const caret = useRef<number | null>(null);
  const listId = useId();

  const matches = useMemo(() => {
    if (slash === null) return [];
    return (saved.data ?? [])
      .filter((item) => item.shortcut.includes(slash.query) || item.title.toLowerCase().includes(slash.query))
      .sort((a, b) => Number(!a.shortcut.startsWith(slash.query)) - Number(!b.shortcut.startsWith(slash.query)))
      .slice(0, 8);
  }, [saved.data, slash]);

  useEffect(() => {
    if (caret.current !== null && box.current) {
      box.current.setSelectionRange(caret.current, caret.current);
      caret.current = null;
    }
  }, [text]);

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body || busy) return;
    onReply(body, () => setText(""));
  };

  const insert = (item: SavedReply) => {
    if (slash === null) return;
    const end = slash.start + 1 + slash.query.length;
    const next = text.slice(0, slash.start) + item.content + text.slice(end);
    caret.current = slash.start + item.content.length;
    setText(next);
    setSlash(null);
  };

  const update = (value: string, position: number) => {
    setText(value);
    const found = slashQuery(value, position);
    setSlash(found);
    setActive(0);
  };

  const keys = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (slash !== null) {
      if (event.key === "Escape") {
        event.preventDefault();
        setSlash(null);
        return;
      }
      if (matches.length > 0) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          const step = event.key === "ArrowDown" ? 1 : -1;
          setActive((current) => (current + step + matches.length) % matches.length);
          return;
        }
        if (event.key === "Enter" || event.key === "Tab") {
          event.preventDefault();
          const chosen = matches[Math.min(active, matches.length - 1)];
          if (chosen) insert(chosen);
          return;
        }
      }
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) send();
  };

  const open = slash !== null;
  const optionId = (index: number) => `${listId}-option-${index}`;
  return (
    <form className="composer" onSubmit={send}>
      <label htmlFor="reply" className="visually-hidden">
        {strings.conversation.replyLabel}
      </label>
      <div className="reply-field">
        <textarea
          id="reply"
          ref={box}
          data-testid="reply-text"
          value={text}
          maxLength={4000}
          placeholder={`${strings.conversation.replyPlaceholder} · ${t.savedReplyHint}`}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open && matches.length > 0 ? optionId(active) : undefined}
          onChange={(event) => update(event.target.value, event.target.selectionStart)}
          onKeyDown={keys}
          onBlur={() => setSlash(null)}
        />
        {open && (
          <ul className="slash-menu" id={listId} role="listbox" aria-label={t.savedReplies} data-testid="slash-menu">
            {matches.length === 0 ? (
              <li className="muted" role="option" aria-selected="false" aria-disabled="true">
                {t.noSavedReplies}
              </li>
            ) : (
              matches.map((item, index) => (
                <li
                  key={item.id}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === active}
                  className={index === active ? "active" : undefined}
                  onMouseDown={(event) => {
                    event.preventDefault(); // keep the focus in the reply box
                    insert(item);
                  }}
                >
                  <span className="shortcut">/{item.shortcut}</span> <span>{item.title}</span>
                </li>
              ))
            )}
          </ul>
        )}
      </div>
      <button type="submit" className="primary" disabled={busy || !text.trim()} data-testid="send-reply">
        {sending ? strings.conversation.sending : strings.conversation.reply}
      </button>
    </form>
  );
}

const EMPTY_REPLY = { shortcut: "", title: "", content: "" };

function SavedRepliesDialog({ me, onClose }: { me: Me; onClose: () => void }) {
  const saved = useSavedReplies(me.org_id);
  const change = useSavedReplyChange(me.org_id);
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState(EMPTY_REPLY);
  const first = useRef<HTMLInputElement>(null);
  const titleId = useId();

  useEffect(() => first.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const done = { onSuccess: () => (setForm(EMPTY_REPLY), setEditing(null)) };
    if (editing) change.mutate({ kind: "update", id: editing, body: form }, done);
    else change.mutate({ kind: "create", body: form }, done);
  };

  return (
    <Dialog labelledBy={titleId} onClose={onClose} testId="saved-replies-dialog">
      <div className="dialog-head">
        <h2 id={titleId}>{t.manageSavedReplies}</h2>
        <button type="button" onClick={onClose}>
          {t.close}
        </button>
      </div>
      <form className="saved-reply-form" onSubmit={submit}>
        <label>
          {t.shortcut}
          <input
            ref={first}
            value={form.shortcut}
            maxLength={41}
            required
            data-testid="saved-shortcut"
            onChange={(event) => setForm({ ...form, shortcut: event.target.value })}
          />
        </label>
        <label>
          {t.title}
          <input
            value={form.title}
            maxLength={200}
            required
            data-testid="saved-title"
            onChange={(event) => setForm({ ...form, title: event.target.value })}
          />
        </label>
        <label className="wide">
          {t.content}
          <textarea
            value={form.content}
            maxLength={4000}
            required
            data-testid="saved-content"
            onChange={(event) => setForm({ ...form, content: event.target.value })}
          />
        </label>
        <div className="row-buttons">
          <button type="submit" className="primary" disabled={change.isPending} data-testid="saved-submit">
            {editing ? t.save : t.create}
          </button>
          {editing && (
            <button type="button" onClick={() => (setEditing(null), setForm(EMPTY_REPLY))}>
              {t.cancel}
            </button>
          )}
        </div>
        <ErrorMessage error={change.error} />
      </form>
      {saved.data && saved.data.length === 0 && <p className="muted">{t.none}</p>}
      <ul className="saved-list">
        {(saved.data ?? []).map((item) => (
          <li key={item.id} data-testid="saved-reply">
            <div>
              <span className="shortcut">/{item.shortcut}</span> <strong>{item.title}</strong>
              <p className="muted">{item.content}</p>
            </div>
            <div className="row-buttons">
              <button
                type="button"
                onClick={() => {
                  setEditing(item.id);
                  setForm({ shortcut: item.shortcut, title: item.title, content: item.content });
                  first.current?.focus();
                }}
              >
                {t.edit}
              </button>
              <button
                type="button"
                disabled={change.isPending}
                onClick={() => change.mutate({ kind: "delete", id: item.id })}
              >
                {t.delete}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}

function ContactPanel({ panel }: { panel: ContactPanelData | null }) {
  return (
    <aside className="contact-panel" aria-label={t.contact} data-testid="contact-panel">
      <h3>{t.contact}</h3>
      {panel === null ? (
        <p className="muted">{t.anonymous}</p>
      ) : (
        <>
          <dl>
            <dt>{t.name}</dt>
            <dd>{panel.name ?? strings.inbox.unnamed}</dd>
            <dt>{t.email}</dt>
            <dd>
              {panel.email ?? t.unknown}
              {panel.verified && <span className="badge subtle">{t.verified}</span>}
            </dd>
            {panel.phone && (
              <>
                <dt>{t.phone}</dt>
                <dd>{panel.phone}</dd>
              </>
            )}
            <dt>{t.browser}</dt>
            <dd>{panel.browser ?? t.unknown}</dd>
            <dt>{t.device}</dt>
            <dd>{panel.device ?? t.unknown}</dd>
          </dl>
          <h4>{t.pagesSeen}</h4>
          {panel.pages.length === 0 ? (
            <p className="muted">{t.noPages}</p>
          ) : (
            <ul className="pages">
              {panel.pages.map((page, index) => (
                <li key={`${page.url}-${index}`}>
                  <a href={page.url} target="_blank" rel="noreferrer" title={page.url}>
                    {page.title || page.url}
                  </a>
                  <When at={page.seen_at} format="clock" />
                </li>
              ))}
            </ul>
          )}
          <h4>{t.earlier}</h4>
          {panel.earlier_conversations.length === 0 ? (
            <p className="muted">{t.noEarlier}</p>
          ) : (
            <ul className="earlier">
              {panel.earlier_conversations.map((item) => (
                <li key={item.id}>
                  <Link to={`/inbox/${item.id}`} data-testid="earlier-conversation">
                    {formatDate(item.last_message_at ?? item.created_at, "day")}
                  </Link>{" "}
                  <span className="muted">{strings.status[item.status]}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </aside>
  );
}
