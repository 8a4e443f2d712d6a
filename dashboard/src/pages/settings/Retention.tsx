// Data retention and deletion grace periods (GET/PUT /api/orgs/{org}/privacy/settings).
import { type FormEvent, useId, useState } from "react";
import type { Me } from "../../api/client";
import { type PrivacySettings, usePrivacySettings, useUpdatePrivacy } from "../../api/settings";
import { strings } from "../../strings";
import { NotLoaded, NumberField, PageHead, SaveActions } from "./common";

const s = strings.settings;
const r = s.retention;

type Draft = Record<"ip" | "conversations" | "deletionGrace" | "erasureGrace", string>;

export function Retention({ me }: { me: Me }) {
  const settings = usePrivacySettings(me.org_id);
  if (!settings.isSuccess) return <NotLoaded query={settings} />;
  return (
    <section aria-labelledby="retention-title" className="settings-section">
      <PageHead id="retention-title" title={r.title} intro={r.intro} />
      <RetentionForm me={me} settings={settings.data} />
    </section>
  );
}

function RetentionForm({ me, settings }: { me: Me; settings: PrivacySettings }) {
  const [draft, setDraft] = useState<Draft>(() => ({
    ip: String(settings.ip_retention_days),
    conversations: settings.conversation_retention_days == null ? "" : String(settings.conversation_retention_days),
    deletionGrace: String(settings.deletion_grace_days),
    erasureGrace: String(settings.contact_erasure_grace_days),
  }));
  const update = useUpdatePrivacy(me.org_id);
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      ip_retention_days: Number(draft.ip),
      conversation_retention_days: draft.conversations.trim() === "" ? null : Number(draft.conversations),
      deletion_grace_days: Number(draft.deletionGrace),
      contact_erasure_grace_days: Number(draft.erasureGrace),
    });
  };
  const field = (name: keyof Draft, label: string, hint: string, step: string) => (
    <NumberField
      id={`${id}-${name}`}
      label={label}
      hint={hint}
      testId={`retention-${name}`}
      step={step}
      value={draft[name]}
      onChange={(value) => {
        update.reset();
        setDraft((current) => ({ ...current, [name]: value }));
      }}
    />
  );
  return (
    <form className="card form narrow" onSubmit={submit} aria-label={r.title}>
      {field("ip", r.ip, r.ipHint, "1")}
      {field("conversations", r.conversations, r.conversationsHint, "1")}
      {field("deletionGrace", r.deletionGrace, r.deletionGraceHint, "any")}
      {field("erasureGrace", r.erasureGrace, r.erasureGraceHint, "any")}
      <SaveActions update={update} />
    </form>
  );
}
