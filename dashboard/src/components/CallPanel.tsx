// The call of a phone or voice conversation: number, direction, status, duration, outcome,
// transfer target and, while it is live, "End call" (after a confirmation). For the roles that
// may see calls (mayHandleCalls): the conversation view renders it only for them.
import { useEffect, useState } from "react";
import type { Me } from "../api/client";
import { type Call, isLive, useCalls, useEndCall } from "../api/phone";
import { strings } from "../strings";
import { Confirmation } from "./Confirmation";
import { ErrorMessage } from "./ErrorMessage";
import { When } from "./When";

const c = strings.phone.call;

export function CallPanel({ me, conversationId }: { me: Me; conversationId: string }) {
  const calls = useCalls(me.org_id, conversationId);
  if (calls.isPending) return null;
  if (calls.isError) {
    return (
      <section className="call-panel card" aria-label={c.title} data-testid="call-panel">
        <ErrorMessage error={calls.error} />
      </section>
    );
  }
  const [latest, ...earlier] = calls.data;
  if (!latest) {
    return (
      <section className="call-panel card" aria-label={c.title} data-testid="call-panel">
        <p className="muted">{c.none}</p>
      </section>
    );
  }
  return <CallDetails me={me} conversationId={conversationId} call={latest} earlier={earlier.length} />;
}

function CallDetails({ me, conversationId, call, earlier }: { me: Me; conversationId: string; call: Call; earlier: number }) {
  const live = isLive(call);
  const end = useEndCall(me.org_id, conversationId);
  const [asking, setAsking] = useState(false);
  const elapsed = useElapsed(call.started_at, live);
  const duration = live ? elapsed : call.duration_seconds;
  const number = call.direction === "browser" ? c.browser : (call.from_number ?? call.to_number ?? "—");
  return (
    <section
      className={`call-panel card${live ? " live" : ""}`}
      aria-label={live ? c.titleLive : c.title}
      data-testid="call-panel"
      data-live={live ? "true" : "false"}
    >
      <h3>{live ? c.titleLive : c.title}</h3>
      <dl>
        <dt>{c.number}</dt>
        <dd data-testid="call-number">{number}</dd>
        <dt>{c.direction}</dt>
        <dd>{c.directions[call.direction] ?? call.direction}</dd>
        <dt>{c.status}</dt>
        <dd data-testid="call-status">
          {c.statuses[call.status] ?? call.status} · <When at={call.started_at} format="clock" />
        </dd>
        <dt>{c.duration}</dt>
        <dd data-testid="call-duration">{duration === null ? "—" : c.seconds(duration)}</dd>
        {call.outcome && (
          <>
            <dt>{c.outcome}</dt>
            <dd data-testid="call-outcome">{c.outcomes[call.outcome] ?? call.outcome}</dd>
          </>
        )}
        {call.transfer_target && (
          <>
            <dt>{c.transferredTo}</dt>
            <dd data-testid="call-transfer">{call.transfer_target}</dd>
          </>
        )}
        {call.recorded && (
          <>
            <dt>{c.recorded}</dt>
            <dd>✓</dd>
          </>
        )}
      </dl>
      {live && (
        <div className="call-actions">
          {asking ? (
            <Confirmation
              question={c.endQuestion}
              confirm={c.endConfirm}
              cancel={strings.settings.cancel}
              busy={end.isPending}
              onConfirm={() => end.mutate(call.id, { onSettled: () => setAsking(false) })}
              onCancel={() => setAsking(false)}
            />
          ) : (
            <button type="button" className="danger" data-testid="end-call" disabled={end.isPending} onClick={() => setAsking(true)}>
              {end.isPending ? c.ending : c.end}
            </button>
          )}
        </div>
      )}
      <ErrorMessage error={end.error} />
      {earlier > 0 && <p className="muted small">{c.earlier(earlier)}</p>}
    </section>
  );
}

/** Seconds since `from`, ticking every second while `running`. */
function useElapsed(from: string, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
}
