// Conversation timeouts: idle and hand-off, edited in minutes, stored in seconds.
import { type FormEvent, useId, useState } from "react";
import type { Me } from "../../api/client";
import { type Organization, reason, useOrganization, useUpdateSettings } from "../../api/settings";
import { strings } from "../../strings";
import { PageHead, SaveState } from "./common";

const s = strings.settings;
const c = s.conversations;

function minutes(organization: Organization, key: string, fallback: number): string {
  const stored = organization.settings[key];
  return String(typeof stored === "number" ? Math.round(stored / 60) : fallback);
}

export function ConversationSettings({ me }: { me: Me }) {
  const organization = useOrganization(me.org_id);
  if (organization.isPending) return <p>{strings.loading}</p>;
  if (organization.isError) return <p role="alert">{strings.error(reason(organization.error))}</p>;
  return (
    <section aria-labelledby="conversations-title" className="settings-section">
      <PageHead id="conversations-title" title={c.title} intro={c.intro} />
      <TimeoutsForm me={me} organization={organization.data} />
    </section>
  );
}

function TimeoutsForm({ me, organization }: { me: Me; organization: Organization }) {
  const [idle, setIdle] = useState(() => minutes(organization, "idle_timeout_seconds", 30));
  const [handoff, setHandoff] = useState(() => minutes(organization, "handoff_timeout_seconds", 5));
  const update = useUpdateSettings(me.org_id);
  const id = useId();
  const seconds = (value: string) => Math.round(Number(value) * 60);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ idle_timeout_seconds: seconds(idle), handoff_timeout_seconds: seconds(handoff) });
  };
  return (
    <form className="card form narrow" onSubmit={submit} aria-label={c.title}>
      <div className="field">
        <label htmlFor={`${id}-idle`}>{c.idle}</label>
        <input
          id={`${id}-idle`}
          data-testid="idle-timeout"
          type="number"
          inputMode="numeric"
          step="1"
          value={idle}
          aria-describedby={`${id}-idle-hint`}
          onChange={(event) => {
            update.reset();
            setIdle(event.target.value);
          }}
        />
        <p id={`${id}-idle-hint`} className="muted small">
          {c.idleHint}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-handoff`}>{c.handoff}</label>
        <input
          id={`${id}-handoff`}
          data-testid="handoff-timeout"
          type="number"
          inputMode="numeric"
          step="1"
          value={handoff}
          aria-describedby={`${id}-handoff-hint`}
          onChange={(event) => {
            update.reset();
            setHandoff(event.target.value);
          }}
        />
        <p id={`${id}-handoff-hint`} className="muted small">
          {c.handoffHint}
        </p>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {s.save}
        </button>
        <SaveState pending={update.isPending} saved={update.isSuccess} error={update.isError ? reason(update.error) : null} />
      </div>
    </form>
  );
}
