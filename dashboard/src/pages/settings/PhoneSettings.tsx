// Settings -> Phone: the Twilio account (its SID and auth token, then only its hint), the
// numbers the assistant answers, and how calls are handled (hand-off number, business hours,
// greeting, recording). Owners and admins, like every settings page.
import { type FormEvent, useEffect, useId, useState } from "react";
import type { Me } from "../../api/client";
import {
  type BusinessHours,
  type PhoneNumber,
  type PhoneSettings as PhoneSettingsData,
  type Telephony,
  type Weekday,
  WEEKDAYS,
  useConnectAccount,
  useDisconnectAccount,
  useImportNumbers,
  usePhoneNumbers,
  useRemoveNumber,
  useTelephony,
  useUpdateNumber,
  useUpdatePhoneSettings,
} from "../../api/phone";
import { reason } from "../../api/settings";
import { strings } from "../../strings";
import { ConfirmButton, NotLoaded, PageHead, SaveActions, date } from "./common";

const p = strings.phone.settings;

export function PhoneSettings({ me }: { me: Me }) {
  const telephony = useTelephony(me.org_id);
  if (!telephony.isSuccess) return <NotLoaded query={telephony} />;
  const { voice, account } = telephony.data;
  return (
    <section aria-labelledby="phone-title" className="settings-section">
      <PageHead id="phone-title" title={p.title} intro={p.intro} />
      <p className={voice.speaks ? "muted" : "notice warn"} data-testid="voice-description">
        {voice.speaks ? p.voice(voice.description) : p.voiceMissing}
      </p>
      <AccountCard me={me} telephony={telephony.data} />
      <NumbersCard me={me} connected={account !== null} />
      <CallHandlingForm me={me} settings={telephony.data.settings} />
    </section>
  );
}

function AccountCard({ me, telephony }: { me: Me; telephony: Telephony }) {
  const connect = useConnectAccount(me.org_id);
  const disconnect = useDisconnectAccount(me.org_id);
  const [sid, setSid] = useState("");
  const [token, setToken] = useState("");
  const id = useId();
  const a = p.account;
  const account = telephony.account;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate(
      { account_sid: sid.trim(), auth_token: token },
      {
        onSuccess: () => {
          setSid("");
          setToken("");
        },
      },
    );
  };
  return (
    <div className="card form narrow" role="region" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{a.title}</h3>
      <p className="muted small">{a.intro}</p>
      {account ? (
        <>
          <p data-testid="account-hint">
            {a.connected(account.account_hint)} <span className="muted">{a.connectedAt(date(account.connected_at))}</span>
          </p>
          <ConfirmButton
            label={a.disconnect}
            question={a.disconnectQuestion}
            confirm={a.disconnectConfirm}
            disabled={disconnect.isPending}
            onConfirm={() => disconnect.mutate()}
          />
          {disconnect.isError && (
            <p role="alert" className="form-error">
              {strings.settings.problem(reason(disconnect.error))}
            </p>
          )}
        </>
      ) : (
        <form onSubmit={submit} aria-label={a.title}>
          <div className="field">
            <label htmlFor={`${id}-sid`}>{a.sid}</label>
            <input
              id={`${id}-sid`}
              data-testid="account-sid"
              autoComplete="off"
              spellCheck={false}
              required
              value={sid}
              aria-describedby={`${id}-sid-hint`}
              onChange={(event) => {
                connect.reset();
                setSid(event.target.value);
              }}
            />
            <p id={`${id}-sid-hint`} className="muted small">
              {a.sidHint}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-token`}>{a.token}</label>
            <input
              id={`${id}-token`}
              data-testid="account-token"
              type="password"
              autoComplete="off"
              required
              value={token}
              onChange={(event) => {
                connect.reset();
                setToken(event.target.value);
              }}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" data-testid="account-connect" disabled={connect.isPending}>
              {connect.isPending ? a.connecting : a.connect}
            </button>
            {connect.isError && (
              <p role="alert" className="form-error">
                {strings.settings.problem(reason(connect.error))}
              </p>
            )}
          </div>
        </form>
      )}
    </div>
  );
}

function NumbersCard({ me, connected }: { me: Me; connected: boolean }) {
  const numbers = usePhoneNumbers(me.org_id);
  const importing = useImportNumbers(me.org_id);
  const n = p.numbers;
  const id = useId();
  const failure = importing.error;
  return (
    <div className="card" role="region" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{n.title}</h3>
      <p className="muted small">{n.intro}</p>
      <div className="form-actions">
        <button
          type="button"
          data-testid="import-numbers"
          disabled={!connected || importing.isPending}
          onClick={() => importing.mutate()}
        >
          {importing.isPending ? n.importing : n.import}
        </button>
        {!connected && <p className="muted small">{n.needsAccount}</p>}
      </div>
      {failure && (
        <p role="alert" className="form-error">
          {strings.settings.problem(reason(failure))}
        </p>
      )}
      {!numbers.isSuccess ? (
        <NotLoaded query={numbers} />
      ) : numbers.data.length === 0 ? (
        <p className="muted">{n.empty}</p>
      ) : (
        <table className="table" data-testid="phone-numbers">
          <thead>
            <tr>
              <th scope="col">{n.number}</th>
              <th scope="col">{n.label}</th>
              <th scope="col">{n.assistant}</th>
              <th scope="col">
                <span className="visually-hidden">{n.remove}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {numbers.data.map((number) => (
              <NumberRow key={number.id} me={me} number={number} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function NumberRow({ me, number }: { me: Me; number: PhoneNumber }) {
  const update = useUpdateNumber(me.org_id);
  const remove = useRemoveNumber(me.org_id);
  const [label, setLabel] = useState(number.label ?? "");
  // The switch moves at once; the server's answer (or its refusal) settles it.
  const [enabled, setEnabled] = useState(number.assistant_enabled);
  useEffect(() => setEnabled(number.assistant_enabled), [number.assistant_enabled]);
  const n = p.numbers;
  const saveLabel = () => {
    const next = label.trim(); // "" clears it (null would mean "unchanged")
    if (next !== (number.label ?? "")) update.mutate({ id: number.id, label: next });
  };
  return (
    <tr data-testid="phone-number">
      <td>
        <code>{number.number}</code>
        <div className="muted small">{n.source[number.source] ?? number.source}</div>
      </td>
      <td>
        <input
          aria-label={n.labelFor(number.number)}
          data-testid="number-label"
          value={label}
          maxLength={100}
          onChange={(event) => setLabel(event.target.value)}
          onBlur={saveLabel}
          onKeyDown={(event) => {
            if (event.key === "Enter") saveLabel();
          }}
        />
      </td>
      <td>
        <input
          type="checkbox"
          role="switch"
          aria-label={n.assistantFor(number.number)}
          data-testid="number-assistant"
          checked={enabled}
          onChange={(event) => {
            const next = event.target.checked;
            setEnabled(next);
            update.mutate(
              { id: number.id, assistant_enabled: next },
              { onError: () => setEnabled(number.assistant_enabled) },
            );
          }}
        />
        {update.isError && (
          <p role="alert" className="form-error">
            {strings.settings.problem(reason(update.error))}
          </p>
        )}
      </td>
      <td>
        <ConfirmButton
          label={n.remove}
          question={n.removeQuestion(number.number)}
          confirm={n.removeConfirm}
          disabled={remove.isPending}
          onConfirm={() => remove.mutate(number.id)}
        />
      </td>
    </tr>
  );
}

/** A day's first opening range is edited here; any further ones (a lunch break) are kept. */
type DayHours = { open: boolean; from: string; to: string; more: string[] };

function hoursOf(hours: BusinessHours | null): Record<Weekday, DayHours> {
  const days = {} as Record<Weekday, DayHours>;
  for (const day of WEEKDAYS) {
    const [range, ...more] = hours?.weekly?.[day] ?? [];
    const [from, to] = (range ?? "").split("-");
    const weekday = day !== "sat" && day !== "sun";
    days[day] = range
      ? { open: true, from: from ?? "09:00", to: to ?? "17:00", more }
      : { open: hours === null && weekday, from: "09:00", to: "17:00", more: [] };
  }
  return days;
}

function CallHandlingForm({ me, settings }: { me: Me; settings: PhoneSettingsData }) {
  const update = useUpdatePhoneSettings(me.org_id);
  const [handoff, setHandoff] = useState(settings.handoff_number ?? "");
  const [greeting, setGreeting] = useState(settings.call_greeting);
  const [record, setRecord] = useState(settings.record_calls);
  const [alwaysOpen, setAlwaysOpen] = useState(settings.business_hours == null);
  const [timezone, setTimezone] = useState(
    settings.business_hours?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC",
  );
  const [days, setDays] = useState(() => hoursOf(settings.business_hours ?? null));
  const [invalid, setInvalid] = useState<string | null>(null);
  const id = useId();
  const c = p.calls;
  const h = p.hours;
  const change = <T,>(set: (value: T) => void) => (value: T) => {
    update.reset();
    setInvalid(null);
    set(value);
  };
  const setDay = (day: Weekday, patch: Partial<DayHours>) =>
    change(setDays)({ ...days, [day]: { ...days[day], ...patch } });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let business_hours: BusinessHours | null = null;
    if (!alwaysOpen) {
      const weekly: BusinessHours["weekly"] = {};
      for (const day of WEEKDAYS) {
        const hours = days[day];
        if (!hours.open) {
          weekly[day] = [];
          continue;
        }
        if (hours.to <= hours.from) {
          setInvalid(h.invalid(h.weekday[day]));
          return;
        }
        weekly[day] = [`${hours.from}-${hours.to}`, ...hours.more];
      }
      business_hours = { timezone: timezone.trim(), weekly };
    }
    update.mutate({
      handoff_number: handoff.trim() || null,
      business_hours,
      call_greeting: greeting,
      record_calls: record,
    });
  };

  return (
    <form className="card form narrow" onSubmit={submit} aria-label={c.title}>
      <h3>{c.title}</h3>
      <div className="field">
        <label htmlFor={`${id}-handoff`}>{c.handoff}</label>
        <input
          id={`${id}-handoff`}
          data-testid="handoff-number"
          type="tel"
          inputMode="tel"
          placeholder="+15551230000"
          value={handoff}
          aria-describedby={`${id}-handoff-hint`}
          onChange={(event) => change(setHandoff)(event.target.value)}
        />
        <p id={`${id}-handoff-hint`} className="muted small">
          {c.handoffHint}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-greeting`}>{c.greeting}</label>
        <textarea
          id={`${id}-greeting`}
          data-testid="call-greeting"
          rows={2}
          maxLength={300}
          value={greeting}
          aria-describedby={`${id}-greeting-hint`}
          onChange={(event) => change(setGreeting)(event.target.value)}
        />
        <p id={`${id}-greeting-hint`} className="muted small">
          {c.greetingHint}
        </p>
      </div>
      <div className="field checkbox">
        <label>
          <input
            type="checkbox"
            role="switch"
            data-testid="record-calls"
            checked={record}
            aria-describedby={`${id}-record-hint`}
            onChange={(event) => change(setRecord)(event.target.checked)}
          />{" "}
          {c.record}
        </label>
        <p id={`${id}-record-hint`} className="muted small" data-testid="record-hint">
          {c.recordHint}
        </p>
      </div>

      <fieldset className="hours" data-testid="business-hours">
        <legend>{h.title}</legend>
        <p className="muted small">{h.intro}</p>
        <label>
          <input
            type="checkbox"
            data-testid="always-open"
            checked={alwaysOpen}
            onChange={(event) => change(setAlwaysOpen)(event.target.checked)}
          />{" "}
          {h.alwaysOpen}
        </label>
        {!alwaysOpen && (
          <>
            <div className="field">
              <label htmlFor={`${id}-tz`}>{h.timezone}</label>
              <input
                id={`${id}-tz`}
                data-testid="timezone"
                value={timezone}
                aria-describedby={`${id}-tz-hint`}
                onChange={(event) => change(setTimezone)(event.target.value)}
              />
              <p id={`${id}-tz-hint`} className="muted small">
                {h.timezoneHint}
              </p>
            </div>
            <table className="table hours-table">
              <tbody>
                {WEEKDAYS.map((day) => {
                  const name = h.weekday[day];
                  const hours = days[day];
                  return (
                    <tr key={day} data-testid={`hours-${day}`}>
                      <th scope="row">{name}</th>
                      <td>
                        <label>
                          <input
                            type="checkbox"
                            aria-label={h.closedFor(name)}
                            checked={!hours.open}
                            onChange={(event) => setDay(day, { open: !event.target.checked })}
                          />{" "}
                          {h.closed}
                        </label>
                      </td>
                      <td>
                        <input
                          type="time"
                          aria-label={h.open(name)}
                          disabled={!hours.open}
                          value={hours.from}
                          onChange={(event) => setDay(day, { from: event.target.value })}
                        />
                        {" – "}
                        <input
                          type="time"
                          aria-label={h.close(name)}
                          disabled={!hours.open}
                          value={hours.to}
                          onChange={(event) => setDay(day, { to: event.target.value })}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </fieldset>
      {invalid && (
        <p role="alert" className="form-error">
          {invalid}
        </p>
      )}
      <SaveActions update={update} />
    </form>
  );
}
