// Document-level keyboard shortcuts. Single keys (j, k, r, e, a, ?) are ignored while the
// person types (an input, a textarea, a select, anything contenteditable) or holds a
// modifier; the command palette's Ctrl+K / ⌘K works everywhere.
import { useEffect, useRef } from "react";

export type Shortcut = "next" | "previous" | "reply" | "resolve" | "assign" | "help" | "palette";

const SINGLE: Record<string, Shortcut> = {
  j: "next",
  k: "previous",
  r: "reply",
  e: "resolve",
  a: "assign",
  "?": "help",
};

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"))
    return true;
  return (target as HTMLElement).isContentEditable === true;
}

/** Which shortcut a key press is, if any. */
export function shortcutOf(event: KeyboardEvent): Shortcut | null {
  if (event.key.toLowerCase() === "k" && (event.metaKey || event.ctrlKey) && !event.altKey)
    return "palette";
  if (event.metaKey || event.ctrlKey || event.altKey) return null;
  if (typing(event.target)) return null;
  // "?" needs Shift on most layouts; other keys with Shift are not shortcuts.
  if (event.shiftKey && event.key !== "?") return null;
  return SINGLE[event.key] ?? null;
}

/** Runs ``handlers[shortcut]`` for the shortcuts this component handles; the others pass. */
export function useShortcuts(handlers: Partial<Record<Shortcut, () => void>>, enabled = true) {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      const shortcut = shortcutOf(event);
      const handler = shortcut ? current.current[shortcut] : undefined;
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled]);
}
