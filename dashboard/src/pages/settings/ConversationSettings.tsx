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
      <AnsweringForm me={me} organization={organization.data} />
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

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** The keyless judge's operating point: a slider from "answer more" to "hand off more". */
function AnsweringForm({ me, organization }: { me: Me; organization: Organization }) {
  const stored = organization.settings.answer_threshold;
  const calibrated = organization.calibrated_answer_threshold ?? 0.5;
  const [threshold, setThreshold] = useState(() =>
    typeof stored === "number" ? stored : calibrated,
  );
  const update = useUpdateSettings(me.org_id);
  const id = useId();
  const curve = organization.answering_curve ?? [];
  const nearest = curve.reduce<(typeof curve)[number] | null>(
    (best, point) =>
      best === null || Math.abs(point.threshold - threshold) < Math.abs(best.threshold - threshold)
        ? point
        : best,
    null,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ answer_threshold: threshold === calibrated ? null : threshold });
  };
  return (
    <form className="card form narrow" onSubmit={submit} aria-label={c.answering}>
      <h2 className="form-title">{c.answering}</h2>
      <p className="field-hint">{c.answeringHint}</p>
      <label htmlFor={`${id}-threshold`}>{c.threshold}</label>
      <div className="range-row">
        <span aria-hidden="true">{c.answerMore}</span>
        <input
          id={`${id}-threshold`}
          type="range"
          min={0.05}
          max={0.95}
          step={0.01}
          value={threshold}
          data-testid="answer-threshold"
          aria-valuetext={threshold.toFixed(2)}
          onChange={(event) => {
            update.reset();
            setThreshold(Number(event.target.value));
          }}
        />
        <span aria-hidden="true">{c.handOffMore}</span>
        <output htmlFor={`${id}-threshold`}>{threshold.toFixed(2)}</output>
      </div>
      <p className="field-hint">{c.calibrated(calibrated.toFixed(2))}</p>
      {nearest && (
        <p className="field-hint" data-testid="answering-measured">
          {c.measured(percent(nearest.answered), percent(nearest.declined))}
        </p>
      )}
      <button
        type="button"
        className="button secondary"
        onClick={() => {
          update.reset();
          setThreshold(calibrated);
        }}
      >
        {c.useCalibrated}
      </button>
      <SaveActions update={update} />
    </form>
  );
}
