// Small pieces the settings pages share: a copy button, a confirm step,
// a status line, dates, a number field, the save button, a page's loading or failure.
import type { UseMutationResult } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { type RoleName, reason } from "../../api/settings";
import { Confirmation } from "../../components/Confirmation";
import { formatDate } from "../../dates";
import { strings } from "../../strings";

const s = strings.settings;

export function CopyButton({ text, label = s.copy }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <span className="copy">
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="copy-state">
        {state === "copied" ? s.copied : state === "failed" ? s.copyFailed : ""}
      </span>
    </span>
  );
}

/** Creating something shown once (an invitation link, an API key's secret): what was created
 * last (cleared when another is asked for) and the call that asks; `onCreated` clears the form. */
export function useCreated<T, V>(mutation: UseMutationResult<T, Error, V>, onCreated: () => void) {
  const [created, setCreated] = useState<T | null>(null);
  const create = (variables: V) => {
    setCreated(null);
    mutation.mutate(variables, {
      onSuccess: (value) => {
        setCreated(value);
        onCreated();
      },
    });
  };
  return [created, create] as const;
}

/** A one-time value (an invitation link, an API key) with a copy button. */
export function Secret({ title, hint, value, testId }: { title: string; hint: ReactNode; value: string; testId: string }) {
  return (
    <div className="secret" role="region" aria-label={title}>
      <h3>{title}</h3>
      <p className="muted">{hint}</p>
      <div className="secret-row">
        <code data-testid={testId}>{value}</code>
        <CopyButton text={value} />
      </div>
    </div>
  );
}

/** A destructive action in two steps: the button, then "are you sure" with confirm/cancel. */
export function ConfirmButton({
  label,
  question,
  confirm,
  onConfirm,
  disabled,
}: {
  label: string;
  question: string;
  confirm: string;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger-link" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <Confirmation
      question={question}
      confirm={confirm}
      cancel={s.cancel}
      onConfirm={() => {
        setAsking(false);
        onConfirm();
      }}
      onCancel={() => setAsking(false)}
    />
  );
}

/** What happened to the last save: nothing, saving, saved, or the server's reason. */
export function SaveState({ pending, error, saved }: { pending: boolean; error: string | null; saved: boolean }) {
  if (error) {
    return (
      <p role="alert" className="form-error">
        {s.problem(error)}
      </p>
    );
  }
  return (
    <p role="status" className="form-status">
      {pending ? s.saving : saved ? s.saved : ""}
    </p>
  );
}

/** The form's save button and what became of the last save. */
export function SaveActions({ update }: { update: { isPending: boolean; isSuccess: boolean; isError: boolean; error: unknown } }) {
  return (
    <div className="form-actions">
      <button type="submit" className="primary" disabled={update.isPending}>
        {s.save}
      </button>
      <SaveState pending={update.isPending} saved={update.isSuccess} error={update.isError ? reason(update.error) : null} />
    </div>
  );
}

/** A labelled number input with its hint (the hint's id is the input's id plus "-hint"). */
export function NumberField({
  id,
  label,
  hint,
  testId,
  step,
  inputMode,
  value,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  testId: string;
  step: string;
  inputMode?: "numeric";
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        type="number"
        inputMode={inputMode}
        step={step}
        value={value}
        aria-describedby={`${id}-hint`}
        onChange={(event) => onChange(event.target.value)}
      />
      <p id={`${id}-hint`} className="muted small">
        {hint}
      </p>
    </div>
  );
}

/** A role to grant, chosen from those the member may grant. */
export function RoleField({
  id,
  label,
  testId,
  roles,
  value,
  onChange,
}: {
  id: string;
  label: string;
  testId?: string;
  roles: readonly RoleName[];
  value: RoleName;
  onChange: (role: RoleName) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={testId} value={value} onChange={(event) => onChange(event.target.value as RoleName)}>
        {roles.map((option) => (
          <option key={option} value={option}>
            {s.roleNames[option]}
          </option>
        ))}
      </select>
    </div>
  );
}

/** What a settings page shows until its data is there: loading, or the server's reason. */
export function NotLoaded({ query }: { query: { isError: boolean; error: unknown } }) {
  if (query.isError) return <p role="alert">{strings.error(reason(query.error))}</p>;
  return <p>{strings.loading}</p>;
}

export function date(value: string | null | undefined): string {
  return value ? formatDate(value, "day") : "";
}

export function PageHead({ id, title, intro }: { id: string; title: string; intro: string }) {
  return (
    <header className="page-head">
      <h2 id={id}>{title}</h2>
      <p className="muted">{intro}</p>
    </header>
  );
}
