// The widget's look (with a live preview running the real widget script), its install
// snippet and the sites allowed to load it.
import { type FormEvent, useEffect, useId, useState } from "react";
import type { Me } from "../../api/client";
import { type Organization, reason, useOrganization, useUpdateSettings } from "../../api/settings";
import { strings } from "../../strings";
import { CopyButton, NotLoaded, PageHead, SaveActions, SaveState } from "./common";

const s = strings.settings;
const w = s.widget;

export interface Branding {
  greeting: string;
  color: string;
  position: "right" | "left";
  avatar_url: string | null;
  theme: "light" | "dark" | "auto";
  pre_chat: "off" | "optional" | "required";
}

const DEFAULTS: Branding = {
  greeting: "Hi! Ask me anything about our products.",
  color: "#4f46e5",
  position: "right",
  avatar_url: null,
  theme: "auto",
  pre_chat: "off",
};

export function brandingOf(organization: Organization): Branding {
  const stored = (organization.settings.widget ?? {}) as Partial<Branding>;
  return { ...DEFAULTS, ...stored };
}

export function originsOf(organization: Organization): string[] {
  const stored = organization.settings.allowed_origins;
  return Array.isArray(stored) ? stored.filter((item): item is string => typeof item === "string") : [];
}

/** The preview page with these settings; only changes the iframe after typing pauses. */
export function previewUrl(branding: Branding): string {
  return `/widget-preview?settings=${encodeURIComponent(JSON.stringify(branding))}`;
}

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

export function WidgetSettings({ me }: { me: Me }) {
  const organization = useOrganization(me.org_id);
  if (!organization.isSuccess) return <NotLoaded query={organization} />;
  return (
    <section aria-labelledby="widget-title" className="settings-section">
      <PageHead id="widget-title" title={w.title} intro={w.intro} />
      <BrandingForm me={me} organization={organization.data} key={organization.data.id} />
      <Install organization={organization.data} />
      <Origins me={me} organization={organization.data} />
    </section>
  );
}

function BrandingForm({ me, organization }: { me: Me; organization: Organization }) {
  const [draft, setDraft] = useState<Branding>(() => brandingOf(organization));
  const update = useUpdateSettings(me.org_id);
  const preview = useDebounced(previewUrl(draft), 400);
  const id = useId();
  const set = <K extends keyof Branding>(field: K, value: Branding[K]) => {
    update.reset();
    setDraft((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ widget: { ...draft, avatar_url: draft.avatar_url?.trim() || null } });
  };
  const hexColor = /^#[0-9a-f]{6}$/i.test(draft.color) ? draft.color : "#4f46e5";
  return (
    <div className="widget-layout">
      <form className="card form" onSubmit={submit} aria-label={w.appearance}>
        <h3>{w.appearance}</h3>
        <div className="field">
          <label htmlFor={`${id}-color`}>{w.color}</label>
          <div className="color-row">
            <input
              id={`${id}-color`}
              type="color"
              value={hexColor}
              onChange={(event) => set("color", event.target.value)}
            />
            <input
              aria-label={w.colorText}
              data-testid="widget-color"
              value={draft.color}
              maxLength={80}
              onChange={(event) => set("color", event.target.value)}
            />
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-position`}>{w.position}</label>
            <select
              id={`${id}-position`}
              value={draft.position}
              onChange={(event) => set("position", event.target.value as Branding["position"])}
            >
              <option value="right">{w.right}</option>
              <option value="left">{w.left}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-theme`}>{w.theme}</label>
            <select
              id={`${id}-theme`}
              value={draft.theme}
              onChange={(event) => set("theme", event.target.value as Branding["theme"])}
            >
              <option value="auto">{w.auto}</option>
              <option value="light">{w.light}</option>
              <option value="dark">{w.dark}</option>
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-greeting`}>{w.greeting}</label>
          <textarea
            id={`${id}-greeting`}
            data-testid="widget-greeting"
            value={draft.greeting}
            maxLength={500}
            rows={3}
            onChange={(event) => set("greeting", event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-avatar`}>{w.avatar}</label>
          <input
            id={`${id}-avatar`}
            type="url"
            value={draft.avatar_url ?? ""}
            placeholder="https://"
            aria-describedby={`${id}-avatar-hint`}
            onChange={(event) => set("avatar_url", event.target.value || null)}
          />
          <p id={`${id}-avatar-hint`} className="muted small">
            {w.avatarHint}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-prechat`}>{w.preChat}</label>
          <select
            id={`${id}-prechat`}
            value={draft.pre_chat}
            onChange={(event) => set("pre_chat", event.target.value as Branding["pre_chat"])}
          >
            <option value="off">{w.preChatOff}</option>
            <option value="optional">{w.preChatOptional}</option>
            <option value="required">{w.preChatRequired}</option>
          </select>
        </div>
        <SaveActions update={update} />
      </form>
      <div className="preview card">
        <iframe title={w.preview} src={preview} data-testid="widget-preview" />
      </div>
    </div>
  );
}

function Install({ organization }: { organization: Organization }) {
  const snippet = `<script src="${window.location.origin}/widget.js" data-key="${organization.public_key}" async></script>`;
  return (
    <div className="card">
      <h3>{w.install}</h3>
      <p className="muted">{w.installHint}</p>
      <div className="secret-row">
        <code aria-label={w.snippet} data-testid="install-snippet">
          {snippet}
        </code>
        <CopyButton text={snippet} />
      </div>
    </div>
  );
}

function Origins({ me, organization }: { me: Me; organization: Organization }) {
  const origins = originsOf(organization);
  const [value, setValue] = useState("");
  const update = useUpdateSettings(me.org_id);
  const id = useId();
  const save = (next: string[], after?: () => void) =>
    update.mutate({ allowed_origins: next }, { onSuccess: () => after?.() });
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim()) return;
    save([...origins, value.trim()], () => setValue(""));
  };
  return (
    <div className="card">
      <h3>{w.origins}</h3>
      <p className="muted">{w.originsHint}</p>
      {origins.length === 0 ? (
        <p className="empty">{w.originsEmpty}</p>
      ) : (
        <ul className="chips" data-testid="origins">
          {origins.map((origin) => (
            <li key={origin}>
              <span>{origin}</span>
              <button
                type="button"
                className="danger-link"
                aria-label={w.removeOrigin(origin)}
                disabled={update.isPending}
                onClick={() => save(origins.filter((item) => item !== origin))}
              >
                {w.remove}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={add}>
        <label htmlFor={`${id}-origin`}>{w.origin}</label>
        <input
          id={`${id}-origin`}
          data-testid="origin-input"
          value={value}
          placeholder={w.originPlaceholder}
          onChange={(event) => {
            update.reset();
            setValue(event.target.value);
          }}
        />
        <button type="submit" disabled={update.isPending}>
          {w.addOrigin}
        </button>
      </form>
      <SaveState pending={update.isPending} saved={false} error={update.isError ? reason(update.error) : null} />
    </div>
  );
}
