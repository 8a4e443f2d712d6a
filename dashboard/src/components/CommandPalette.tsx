// ⌘K / Ctrl+K: a filtered list of commands (go to a section, switch the inbox's filters,
// resolve or assign the open conversation, search conversations by text). An accessible
// combobox: the input keeps focus, arrows move the active option, Enter runs it.
import { useId, useMemo, useState } from "react";
import { useMatch, useNavigate } from "react-router";
import { maySee } from "../access";
import type { Me } from "../api/client";
import { useQuickAction } from "../api/inbox";
import { strings } from "../strings";
import { Dialog } from "./Dialog";

const text = strings.inboxList.palette;

export interface Command {
  id: string;
  label: string;
  run: () => void;
}

export function matches(label: string, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = label.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function CommandPalette({ me, onClose }: { me: Me; onClose: () => void }) {
  const navigate = useNavigate();
  const open = useMatch("/inbox/:conversationId");
  const conversationId = open?.params.conversationId;
  const quick = useQuickAction(me.org_id, me.member_id);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const listId = useId();

  const commands = useMemo<Command[]>(() => {
    const go = (path: string) => () => void navigate(path);
    const sections = (
      [
        ["inbox", strings.nav.inbox],
        ["knowledge", strings.nav.knowledge],
        ["analytics", strings.nav.analytics],
        ["simulations", strings.nav.simulations],
        ["settings", strings.nav.settings],
        ["privacy", strings.nav.privacy],
      ] as const
    )
      .filter(([path]) => maySee(me.role, path)) // as in the navigation
      .map(([path, label]) => ({ id: `go-${path}`, label: text.goTo(label), run: go(`/${path}`) }));
    const filters: Command[] = [
      { id: "filter-all", label: text.filter(text.allConversations), run: go("/inbox") },
      {
        id: "filter-needs-human",
        label: text.filter(text.needsHuman),
        run: go("/inbox?needs_human=1"),
      },
      { id: "filter-unassigned", label: text.filter(text.unassigned), run: go("/inbox?assignee=unassigned") },
      ...(me.member_id
        ? [{ id: "filter-mine", label: text.filter(text.mine), run: go("/inbox?assignee=me") }]
        : []),
      ...(Object.keys(strings.status) as (keyof typeof strings.status)[]).map((status) => ({
        id: `filter-status-${status}`,
        label: text.filter(strings.status[status].toLowerCase()),
        run: go(`/inbox?status=${status}`),
      })),
    ];
    const actions: Command[] = conversationId
      ? [
          {
            id: "resolve",
            label: text.resolve,
            run: () => quick.mutate({ action: "resolve", conversationId }),
          },
          ...(me.member_id
            ? [
                {
                  id: "assign",
                  label: text.assign,
                  run: () => quick.mutate({ action: "assign", conversationId }),
                },
              ]
            : []),
        ]
      : [];
    return [...actions, ...sections, ...filters];
  }, [navigate, conversationId, me.member_id, me.role, quick]);

  const trimmed = query.trim();
  const shown = commands.filter((command) => matches(command.label, trimmed));
  if (trimmed) {
    shown.push({
      id: "search",
      label: text.search(trimmed),
      run: () => void navigate(`/inbox?q=${encodeURIComponent(trimmed)}`),
    });
  }
  const index = Math.min(active, Math.max(shown.length - 1, 0));
  const run = (command: Command | undefined) => {
    if (!command) return;
    onClose();
    command.run();
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((index + 1) % Math.max(shown.length, 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((index - 1 + shown.length) % Math.max(shown.length, 1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      run(shown[index]);
    }
  };

  return (
    <Dialog labelledBy="palette-title" onClose={onClose} className="palette" testId="command-palette">
      <h2 id="palette-title" className="visually-hidden">
        {text.title}
      </h2>
      <input
        data-autofocus
        type="text"
        role="combobox"
        aria-label={text.input}
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown[index] ? `${listId}-${shown[index].id}` : undefined}
        placeholder={text.placeholder}
        data-testid="palette-input"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={text.title} className="palette-list">
        {shown.map((command, position) => (
          <li
            key={command.id}
            id={`${listId}-${command.id}`}
            role="option"
            aria-selected={position === index}
            data-testid="palette-option"
            data-command={command.id}
            className={position === index ? "active" : undefined}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => run(command)}
            onMouseMove={() => position !== index && setActive(position)}
          >
            {command.label}
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p className="empty">{text.empty}</p>}
    </Dialog>
  );
}
