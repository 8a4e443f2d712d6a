// A small coloured label for a state; `tone` picks its colours (pill-ready, pill-failed, ...).
import type { ReactNode } from "react";

export function Pill({ tone, testId, children }: { tone?: string; testId?: string; children: ReactNode }) {
  return (
    <span className={tone ? `pill pill-${tone}` : "pill"} data-testid={testId}>
      {children}
    </span>
  );
}
