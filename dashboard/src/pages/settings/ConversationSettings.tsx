// Conversation timeouts: idle and hand-off, edited in minutes, stored in seconds.
import { type FormEvent, useId, useState } from "react";
import type { Me } from "../../api/client";
import { type Organization, useOrganization, useUpdateSettings } from "../../api/settings";
import { strings } from "../../strings";
import { NotLoaded, NumberField, PageHead, SaveActions } from "./common";

const s = strings.settings;
const c = s.conversations;

function minutes(organization: Organization, key: string, fallback: number): string {
  const stored = organization.settings[key];
  return String(typeof stored === "number" ? Math.round(stored / 60) : fallback);
}

export function ConversationSettings({ me }: { me: Me }) {
  const organization = useOrganization(me.org_id);
  if (!organization.isSuccess) return <NotLoaded query={organization} />;
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
      <NumberField
        id={`${id}-idle`}
        label={c.idle}
        hint={c.idleHint}
        testId="idle-timeout"
        step="1"
        inputMode="numeric"
        value={idle}
        onChange={(value) => {
          update.reset();
          setIdle(value);
        }}
      />
      <NumberField
        id={`${id}-handoff`}
        label={c.handoff}
        hint={c.handoffHint}
        testId="handoff-timeout"
        step="1"
        inputMode="numeric"
        value={handoff}
        onChange={(value) => {
          update.reset();
          setHandoff(value);
        }}
      />
      <SaveActions update={update} />
    </form>
  );
}
