import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import type { Me } from "../../api/client";
import { type Deletion, privacyKeys, useDeletion, useDeletionAction, useRequestDeletion } from "../../api/privacy";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Pill } from "../../components/Pill";
import { When } from "../../components/When";
import { strings } from "../../strings";
import { StoreCounts } from "./Requests";

const s = strings.privacy.deletion;
const ACTIVE = new Set(["scheduled", "on_hold", "purging"]);
const HOLD_REASON = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{1,59}$/;

/** Who may do what, as the server decides (api/routes/account_deletion.py). */
function powers(role: string) {
  return { request: role === "owner" || role === "compliance", hold: role === "compliance" };
}

export function DeletionPage({ me }: { me: Me }) {
  const deletion = useDeletion(me.org_id);
  const request = useRequestDeletion(me.org_id);
  const action = useDeletionAction(me.org_id);
  // Shown once by the API; kept in memory only while the dashboard stays open.
  const token = useQuery({
    queryKey: privacyKeys.receiptToken(me.org_id),
    queryFn: () => null as string | null,
    enabled: false,
    staleTime: Infinity,
  }).data;
  const may = powers(me.role);

  if (deletion.isPending) return <p>{strings.loading}</p>;
  if (deletion.isError) return <ErrorMessage error={deletion.error} className="error" />;
  const state = deletion.data;
  const active = state !== null && ACTIVE.has(state.status);

  return (
    <section aria-labelledby="deletion-title" data-testid="deletion" data-status={state?.status ?? "none"}>
      <h1 id="deletion-title">{s.title}</h1>
      <p className="intro">{s.intro}</p>
      {token && (
        <div className="card receipt" data-testid="receipt">
          <h2>{s.receipt}</h2>
          <p>{s.receiptOnce}</p>
          <p>
            <a href={`/deletion-receipts/${encodeURIComponent(token)}`} target="_blank" rel="noreferrer" data-testid="receipt-link">
              {s.receiptLink}
            </a>
          </p>
          <code className="token">{`${window.location.origin}/deletion-receipts/${token}`}</code>
        </div>
      )}
      {request.data && !request.data.receipt_token && <p className="notice">{s.receiptAlready}</p>}

      {state !== null && <DeletionState state={state} />}

      {active && may.request && state.status === "scheduled" && (
        <div className="actions">
          <button type="button" disabled={action.isPending} onClick={() => action.mutate({ name: "cancel" })} data-testid="cancel-deletion">
            {action.isPending ? strings.privacy.cancelling : s.cancel}
          </button>
        </div>
      )}
      {active && may.hold && <HoldForm state={state} busy={action.isPending} onHold={(reason) => action.mutate({ name: "hold", reason })} onRelease={() => action.mutate({ name: "release" })} />}
      <ErrorMessage error={action.error} className="error" />

      {!active && (state === null || state.status !== "completed") && (
        <>
          {state === null && <p className="empty">{s.none}</p>}
          {may.request ? (
            <StartDeletion name={me.organization_name} busy={request.isPending} onConfirm={() => request.mutate()} />
          ) : (
            <p className="field-hint">{s.notAllowed}</p>
          )}
        </>
      )}
      <ErrorMessage error={request.error} className="error" />
    </section>
  );
}

function DeletionState({ state }: { state: Deletion }) {
  const now = useNow(15_000);
  const left = new Date(state.purge_after).getTime() - now;
  const counts = Object.entries(state.deleted);
  return (
    <div className="card">
      <p>
        <Pill tone={`deletion-${state.status}`} testId="deletion-status">
          {s.status[state.status]}
        </Pill>
        {state.status === "completed" && <span> {s.completed}</span>}
      </p>
      <dl className="facts">
        <dt>{s.requestedAt}</dt>
        <dd>
          <When at={state.requested_at} />
        </dd>
        <dt>{s.purgeAfter}</dt>
        <dd>
          <When at={state.purge_after} />
        </dd>
        <dt>{s.deadline}</dt>
        <dd>
          <When at={state.deadline} />
        </dd>
        {state.status === "scheduled" && (
          <>
            <dt>{s.countdown}</dt>
            <dd data-testid="countdown">{left > 0 ? strings.privacy.duration(left) : s.graceOver}</dd>
          </>
        )}
        {state.hold && (
          <>
            <dt>{s.hold}</dt>
            <dd data-testid="hold">
              {s.heldSince(state.hold.reason)} {state.hold.since && <When at={state.hold.since} />}
            </dd>
          </>
        )}
        {state.stage && (
          <>
            <dt>{s.stage}</dt>
            <dd>{state.stage}</dd>
          </>
        )}
        {state.completed_at && (
          <>
            <dt>{strings.privacy.requests.completed}</dt>
            <dd>
              <When at={state.completed_at} />
            </dd>
          </>
        )}
        {state.cancelled_at && (
          <>
            <dt>{strings.privacy.status.cancelled}</dt>
            <dd>
              <When at={state.cancelled_at} />
            </dd>
          </>
        )}
      </dl>
      {counts.length > 0 && (
        <>
          <h2>{s.deleted}</h2>
          <StoreCounts counts={counts} />
        </>
      )}
    </div>
  );
}

function StartDeletion({ name, busy, onConfirm }: { name: string; busy: boolean; onConfirm: () => void }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const matches = typed.trim() === name.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (matches) onConfirm();
  };
  if (!open) {
    return (
      <div className="actions">
        <button type="button" className="danger" onClick={() => setOpen(true)} data-testid="start-deletion">
          {s.start}
        </button>
      </div>
    );
  }
  return (
    <form className="card confirm" onSubmit={submit}>
      <label htmlFor="deletion-confirm">{s.typeToConfirm(name)}</label>
      <input id="deletion-confirm" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" data-testid="deletion-confirm" aria-invalid={typed !== "" && !matches} />
      {typed !== "" && !matches && <p className="field-hint">{s.mismatch}</p>}
      <div className="actions">
        <button type="submit" className="danger" disabled={!matches || busy} data-testid="confirm-deletion">
          {s.requestButton}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {strings.privacy.erasure.keep}
        </button>
      </div>
    </form>
  );
}

function HoldForm({ state, busy, onHold, onRelease }: { state: Deletion; busy: boolean; onHold: (reason: string) => void; onRelease: () => void }) {
  const [reason, setReason] = useState("");
  const valid = HOLD_REASON.test(reason.trim());
  if (state.hold) {
    return (
      <div className="actions">
        <button type="button" disabled={busy} onClick={onRelease} data-testid="release-hold">
          {s.release}
        </button>
      </div>
    );
  }
  return (
    <form
      className="card inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) onHold(reason.trim());
      }}
    >
      <label htmlFor="hold-reason">{s.holdReason}</label>
      <p className="field-hint" id="hold-hint">
        {s.holdHint}
      </p>
      <div className="form-row">
        <input id="hold-reason" aria-describedby="hold-hint" value={reason} onChange={(event) => setReason(event.target.value)} maxLength={60} data-testid="hold-reason" />
        <button type="submit" disabled={!valid || busy} data-testid="place-hold">
          {s.holdButton}
        </button>
      </div>
    </form>
  );
}

function useNow(every: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}
