// A modal dialog: labelled, focus moved in on open and back out on close, Escape closes,
// Tab stays inside, a click on the backdrop closes.
import { type ReactNode, useEffect, useRef } from "react";

export function Dialog({
  labelledBy,
  onClose,
  className,
  testId,
  children,
}: {
  labelledBy: string;
  onClose: () => void;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Focus goes back where it was (not to the page's body, so that an opener may place it).
    const active = document.activeElement;
    const before = active instanceof HTMLElement && active !== document.body ? active : null;
    const first = panel.current?.querySelector<HTMLElement>("[data-autofocus], input, button");
    (first ?? panel.current)?.focus();
    return () => before?.focus();
  }, []);
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === "Tab" && panel.current) {
      const focusable = [
        ...panel.current.querySelectorAll<HTMLElement>("input, button, [href], [tabindex='0']"),
      ];
      const first = focusable[0];
      const last = focusable.at(-1);
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  };
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        className={`dialog ${className ?? ""}`}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>
  );
}
