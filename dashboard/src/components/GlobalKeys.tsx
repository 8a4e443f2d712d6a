// The shortcuts that work on every page: ? (the shortcuts help) and Ctrl+K / ⌘K (the
// command palette). The inbox adds its own (j, k, r, e, a).
import { useState } from "react";
import type { Me } from "../api/client";
import { useShortcuts } from "../keyboard";
import { CommandPalette } from "./CommandPalette";
import { ShortcutsHelp } from "./ShortcutsHelp";

export function GlobalKeys({ me }: { me: Me }) {
  const [open, setOpen] = useState<"palette" | "help" | null>(null);
  useShortcuts({
    palette: () => setOpen((now) => (now === "palette" ? null : "palette")),
    help: () => setOpen((now) => (now === null ? "help" : now)),
  });
  if (open === "palette") return <CommandPalette me={me} onClose={() => setOpen(null)} />;
  if (open === "help") return <ShortcutsHelp onClose={() => setOpen(null)} />;
  return null;
}
