// Settings -> Webhooks: the endpoints (adding one shows its signing secret once), and per
// endpoint (/settings/webhooks/:endpointId) its settings, enabling and disabling, rotating the
// secret, deleting, and the delivery log with replays. Owners and admins (OrgAdmin).
import { type FormEvent, useId, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import type { Me } from "../../api/client";
import { reason } from "../../api/settings";
import {
  type EndpointUpdate,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
  useCreateEndpoint,
  useDeleteEndpoint,
  useDeliveries,
  useReplayDelivery,
  useRotateSecret,
  useUpdateEndpoint,
  useWebhookEndpoint,
  useWebhookEndpoints,
} from "../../api/webhooks";
import { ApiError } from "../../api/client";
import { Pill } from "../../components/Pill";
import { When } from "../../components/When";
import { formatDate } from "../../dates";
import { strings } from "../../strings";
import { ConfirmButton, NotLoaded, PageHead, SaveState, Secret, date, useCreated } from "./common";

const w = strings.webhooks;
const EVENT_TYPES = Object.keys(w.eventTypes) as WebhookEventType[];

// The list ------------------------------------------------------------------------------------

export function Webhooks({ me }: { me: Me }) {
  return (
    <section aria-labelledby="webhooks-title" className="settings-section webhooks">
      <PageHead id="webhooks-title" title={w.title} intro={w.intro} />
      <EndpointList me={me} />
      <AddEndpoint me={me} />
    </section>
  );
}

function EndpointList({ me }: { me: Me }) {
  const endpoints = useWebhookEndpoints(me.org_id);
  return (
    <div className="card" role="region" aria-labelledby="webhook-endpoints-title">
      <h3 id="webhook-endpoints-title">{w.endpoints}</h3>
      {!endpoints.isSuccess ? (
        <NotLoaded query={endpoints} />
      ) : endpoints.data.length === 0 ? (
        <p className="empty" data-testid="webhooks-empty">
          {w.none}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table webhooks-table" data-testid="webhook-endpoints">
            <thead>
              <tr>
                <th scope="col">{w.endpoint}</th>
                <th scope="col">{w.events}</th>
                <th scope="col">{w.status}</th>
                <th scope="col">{w.created}</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data.map((endpoint) => (
                <tr key={endpoint.id} data-testid="webhook-endpoint-row">
                  <td className="endpoint-cell">
                    <Link to={`/settings/webhooks/${endpoint.id}`} className="endpoint-url" aria-label={w.open(endpoint.url)}>
                      {endpoint.url}
                    </Link>
                    {endpoint.description ? <span className="muted small endpoint-description">{endpoint.description}</span> : null}
                  </td>
                  <td>
                    <EventTypeList types={endpoint.event_types} />
                  </td>
                  <td>
                    <EndpointStatus endpoint={endpoint} />
                  </td>
                  <td className="nowrap">{date(endpoint.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function EventTypeList({ types }: { types: readonly string[] }) {
  return (
    <ul className="event-types" aria-label={w.eventCount(types.length)}>
      {types.map((type) => (
        <li key={type}>
          <code title={w.eventTypes[type as WebhookEventType]}>{type}</code>
        </li>
      ))}
    </ul>
  );
}

/** Enabled, or disabled with when and why (by a member, or after failed deliveries). */
function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (endpoint.enabled) {
    return (
      <span className="endpoint-status" data-testid="endpoint-status">
        <Pill tone="ready">{w.enabled}</Pill>
        {endpoint.consecutive_failures > 0 ? (
          <span className="small warn-text">{w.failing(endpoint.consecutive_failures)}</span>
        ) : null}
      </span>
    );
  }
  return (
    <span className="endpoint-status" data-testid="endpoint-status">
      <Pill tone="failed">{w.disabled}</Pill>
      <span className="small muted" data-testid="disabled-reason">
        {/* updated_at: a disabled endpoint is not delivered to, so its last change is the disabling */}
        {w.disabledSince(date(endpoint.updated_at), endpoint.disabled_reason)}
      </span>
    </span>
  );
}

function AddEndpoint({ me }: { me: Me }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<WebhookEventType[]>([]);
  const [tried, setTried] = useState(false);
  const create = useCreateEndpoint(me.org_id);
  const [created, createEndpoint] = useCreated(create, () => {
    setUrl("");
    setDescription("");
    setTypes([]);
    setTried(false);
  });
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (types.length === 0) return;
    createEndpoint({ url: url.trim(), description: description.trim(), event_types: types });
  };
  return (
    <div className="card" role="region" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{w.add}</h3>
      <form className="form" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-url`}>{w.url}</label>
            <input
              id={`${id}-url`}
              data-testid="webhook-url"
              type="url"
              required
              maxLength={2000}
              spellCheck={false}
              autoComplete="off"
              placeholder={w.urlPlaceholder}
              aria-describedby={`${id}-url-hint`}
              value={url}
              onChange={(event) => {
                create.reset();
                setUrl(event.target.value);
              }}
            />
            <p id={`${id}-url-hint`} className="muted small">
              {w.urlHint}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-description`}>{w.description}</label>
            <input
              id={`${id}-description`}
              data-testid="webhook-description"
              maxLength={200}
              placeholder={w.descriptionPlaceholder}
              aria-describedby={`${id}-description-hint`}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
            <p id={`${id}-description-hint`} className="muted small">
              {w.descriptionHint}
            </p>
          </div>
        </div>
        <EventTypeChoices value={types} onChange={setTypes} missing={tried && types.length === 0} />
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="webhook-add" disabled={create.isPending}>
            {create.isPending ? w.adding : w.addButton}
          </button>
        </div>
      </form>
      <SaveState pending={false} saved={false} error={create.isError ? reason(create.error) : null} />
      {created ? (
        <>
          <Secret title={w.secretTitle} hint={w.secretHint} value={created.secret} testId="webhook-secret" />
          <p className="small">
            <Link to={`/settings/webhooks/${created.id}`}>{w.openEndpoint}</Link>
          </p>
        </>
      ) : null}
    </div>
  );
}

/** The event types as checkboxes, with their meaning; "select all" and "clear". */
function EventTypeChoices({
  value,
  onChange,
  missing,
}: {
  value: readonly WebhookEventType[];
  onChange: (types: WebhookEventType[]) => void;
  missing: boolean;
}) {
  const id = useId();
  const chosen = new Set(value);
  const toggle = (type: WebhookEventType, on: boolean) =>
    onChange(EVENT_TYPES.filter((each) => (each === type ? on : chosen.has(each))));
  return (
    <fieldset className="event-choices" data-testid="event-types" aria-describedby={missing ? `${id}-missing` : undefined}>
      <legend>{w.chooseEvents}</legend>
      <div className="event-choice-actions">
        <button type="button" className="link small" onClick={() => onChange([...EVENT_TYPES])}>
          {w.selectAll}
        </button>
        <button type="button" className="link small" onClick={() => onChange([])}>
          {w.selectNone}
        </button>
      </div>
      <ul>
        {EVENT_TYPES.map((type) => (
          <li key={type}>
            <label className="event-choice">
              <input type="checkbox" value={type} checked={chosen.has(type)} onChange={(event) => toggle(type, event.target.checked)} />
              <span>
                <code>{type}</code>
                <span className="muted small">{w.eventTypes[type]}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {missing ? (
        <p id={`${id}-missing`} role="alert" className="form-error">
          {w.chooseAtLeastOne}
        </p>
      ) : null}
    </fieldset>
  );
}

// One endpoint ---------------------------------------------------------------------------------

export function WebhookEndpointPage({ me }: { me: Me }) {
  const { endpointId = "" } = useParams();
  const endpoint = useWebhookEndpoint(me.org_id, endpointId);
  const back = (
    <Link to="/settings/webhooks" className="back-link">
      ← {w.back}
    </Link>
  );
  if (!endpoint.isSuccess) {
    const gone = endpoint.error instanceof ApiError && (endpoint.error.status === 404 || endpoint.error.status === 422);
    return (
      <section className="settings-section webhooks">
        {back}
        {gone ? <p role="alert">{w.notFound}</p> : <NotLoaded query={endpoint} />}
      </section>
    );
  }
  const data = endpoint.data;
  return (
    <section aria-labelledby="webhook-endpoint-title" className="settings-section webhooks">
      {back}
      <header className="page-head endpoint-head">
        <h2 id="webhook-endpoint-title" className="endpoint-url" data-testid="endpoint-url">
          {data.url}
        </h2>
        <EndpointStatus endpoint={data} />
        {data.description ? <p className="muted">{data.description}</p> : null}
      </header>
      <EnableCard me={me} endpoint={data} />
      <DeliveryLog me={me} endpoint={data} />
      <EditEndpoint key={data.id} me={me} endpoint={data} />
      <SigningSecret me={me} endpoint={data} />
      <DeleteEndpoint me={me} endpoint={data} />
    </section>
  );
}

function EnableCard({ me, endpoint }: { me: Me; endpoint: WebhookEndpoint }) {
  const update = useUpdateEndpoint(me.org_id, endpoint.id);
  return (
    <div className="card endpoint-enable">
      <div className="card-row">
        <p className="grow">{endpoint.enabled ? w.enabledSending : w.disabledNotSending}</p>
        <button
          type="button"
          className={endpoint.enabled ? undefined : "primary"}
          data-testid="endpoint-toggle"
          disabled={update.isPending}
          onClick={() => update.mutate({ enabled: !endpoint.enabled })}
        >
          {endpoint.enabled ? w.disable : w.enable}
        </button>
      </div>
      {!endpoint.enabled ? <p className="muted small">{w.enableHint}</p> : null}
      {update.isError ? (
        <p role="alert" className="form-error">
          {strings.settings.problem(reason(update.error))}
        </p>
      ) : null}
    </div>
  );
}

function EditEndpoint({ me, endpoint }: { me: Me; endpoint: WebhookEndpoint }) {
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description);
  const [types, setTypes] = useState<WebhookEventType[]>(
    EVENT_TYPES.filter((type) => endpoint.event_types.includes(type)),
  );
  const update = useUpdateEndpoint(me.org_id, endpoint.id);
  const id = useId();
  // Only what changed is sent.
  const change: EndpointUpdate = {};
  if (url.trim() !== endpoint.url) change.url = url.trim();
  if (description.trim() !== endpoint.description) change.description = description.trim();
  if (types.join() !== EVENT_TYPES.filter((type) => endpoint.event_types.includes(type)).join()) change.event_types = types;
  const changed = Object.keys(change).length > 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (changed && types.length > 0) update.mutate(change);
  };
  return (
    <div className="card" role="region" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{w.settings}</h3>
      <form className="form" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-url`}>{w.url}</label>
            <input
              id={`${id}-url`}
              data-testid="edit-url"
              type="url"
              required
              maxLength={2000}
              spellCheck={false}
              autoComplete="off"
              value={url}
              onChange={(event) => {
                update.reset();
                setUrl(event.target.value);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-description`}>{w.description}</label>
            <input
              id={`${id}-description`}
              data-testid="edit-description"
              maxLength={200}
              value={description}
              onChange={(event) => {
                update.reset();
                setDescription(event.target.value);
              }}
            />
          </div>
        </div>
        <EventTypeChoices
          value={types}
          onChange={(next) => {
            update.reset();
            setTypes(next);
          }}
          missing={types.length === 0}
        />
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="edit-save" disabled={update.isPending || !changed || types.length === 0}>
            {w.save}
          </button>
          <SaveState pending={update.isPending} saved={update.isSuccess} error={update.isError ? reason(update.error) : null} />
        </div>
      </form>
    </div>
  );
}

function SigningSecret({ me, endpoint }: { me: Me; endpoint: WebhookEndpoint }) {
  const rotate = useRotateSecret(me.org_id, endpoint.id);
  const [rotated, rotateSecret] = useCreated(rotate, () => undefined);
  const id = useId();
  return (
    <div className="card" role="region" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{w.signing}</h3>
      <p className="muted small">{w.signingHint}</p>
      {endpoint.previous_secret_expires_at && Date.parse(endpoint.previous_secret_expires_at) > Date.now() ? (
        <p className="small" data-testid="previous-secret">
          {w.previousSigns(formatDate(endpoint.previous_secret_expires_at, "medium"))}
        </p>
      ) : null}
      <ConfirmButton
        label={w.rotate}
        question={w.confirmRotate}
        confirm={w.rotateConfirm}
        disabled={rotate.isPending}
        onConfirm={() => rotateSecret(undefined)}
      />
      {rotate.isError ? (
        <p role="alert" className="form-error">
          {strings.settings.problem(reason(rotate.error))}
        </p>
      ) : null}
      {rotated ? (
        <Secret title={w.newSecretTitle} hint={w.secretHint} value={rotated.secret} testId="webhook-secret" />
      ) : null}
    </div>
  );
}

function DeleteEndpoint({ me, endpoint }: { me: Me; endpoint: WebhookEndpoint }) {
  const remove = useDeleteEndpoint(me.org_id);
  const navigate = useNavigate();
  return (
    <div className="card danger-zone">
      <div className="card-row">
        <p className="grow muted small">{w.removeHint}</p>
        <ConfirmButton
          label={w.remove}
          question={w.confirmRemove(endpoint.url)}
          confirm={w.removeConfirm}
          disabled={remove.isPending}
          onConfirm={() => remove.mutate(endpoint.id, { onSuccess: () => void navigate("/settings/webhooks") })}
        />
      </div>
      {remove.isError ? (
        <p role="alert" className="form-error">
          {strings.settings.problem(reason(remove.error))}
        </p>
      ) : null}
    </div>
  );
}

// The delivery log -----------------------------------------------------------------------------

const STATUS_TONE = { pending: "pending", succeeded: "ready", failed: "failed" } as const;

function DeliveryLog({ me, endpoint }: { me: Me; endpoint: WebhookEndpoint }) {
  const log = useDeliveries(me.org_id, endpoint.id);
  const replay = useReplayDelivery(me.org_id, endpoint.id);
  const id = useId();
  const deliveries = log.data?.pages.flatMap((page) => page.deliveries) ?? [];
  const replayed = replay.isSuccess ? replay.data : null;
  return (
    <div className="card" role="region" aria-labelledby={`${id}-title`}>
      <div className="card-row">
        <h3 id={`${id}-title`} className="grow">
          {w.deliveries}
        </h3>
        <button type="button" className="link small" disabled={log.isFetching} onClick={() => void log.refetch()}>
          {w.refresh}
        </button>
      </div>
      <p className="muted small">{w.deliveriesHint}</p>
      <p role="status" className="form-status" data-testid="replay-status">
        {replayed ? w.replayed(replayed.event_type) : ""}
      </p>
      {replay.isError ? (
        <p role="alert" className="form-error">
          {reason(replay.error)}
        </p>
      ) : null}
      {!log.isSuccess ? (
        <NotLoaded query={log} />
      ) : deliveries.length === 0 ? (
        <p className="empty" data-testid="deliveries-empty">
          {w.noDeliveries}
        </p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table deliveries-table" data-testid="deliveries">
              <thead>
                <tr>
                  <th scope="col">{w.event}</th>
                  <th scope="col">{w.status}</th>
                  <th scope="col">{w.response}</th>
                  <th scope="col" className="numeric">
                    {w.duration}
                  </th>
                  <th scope="col" className="numeric">
                    {w.attempts}
                  </th>
                  <th scope="col">{w.time}</th>
                  <th scope="col">
                    <span className="visually-hidden">{w.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((delivery) => (
                  <DeliveryRow
                    key={delivery.id}
                    delivery={delivery}
                    fresh={delivery.id === replayed?.id}
                    canReplay={endpoint.enabled}
                    replaying={replay.isPending && replay.variables === delivery.id}
                    onReplay={() => replay.mutate(delivery.id)}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <div className="log-foot">
            <span className="muted small" data-testid="deliveries-shown">
              {w.shown(deliveries.length)}
            </span>
            {log.hasNextPage ? (
              <button type="button" data-testid="deliveries-more" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                {log.isFetchingNextPage ? w.loadingMore : w.more}
              </button>
            ) : null}
          </div>
        </>
      )}
    </div>
  );
}

function DeliveryRow({
  delivery,
  fresh,
  canReplay,
  replaying,
  onReplay,
}: {
  delivery: WebhookDelivery;
  fresh: boolean;
  canReplay: boolean;
  replaying: boolean;
  onReplay: () => void;
}) {
  return (
    <tr data-testid="delivery-row" data-status={delivery.status} data-fresh={fresh || undefined} className={fresh ? "fresh" : undefined}>
      <td>
        <code title={w.eventTypes[delivery.event_type as WebhookEventType]}>{delivery.event_type}</code>
        {delivery.replay_of ? <span className="role-badge replay-badge">{w.replayOf}</span> : null}
      </td>
      <td>
        <Pill tone={STATUS_TONE[delivery.status]} testId="delivery-status">
          {w.deliveryStatus[delivery.status]}
        </Pill>
      </td>
      <td className="delivery-response">
        <span data-testid="delivery-code">{delivery.response_status ?? "—"}</span>
        {delivery.last_error && delivery.status !== "succeeded" ? (
          <span className="muted small delivery-error">{delivery.last_error}</span>
        ) : null}
      </td>
      <td className="numeric" data-testid="delivery-duration">
        {delivery.duration_ms === null ? "—" : w.ms(delivery.duration_ms)}
      </td>
      <td className="numeric" data-testid="delivery-attempts">
        {delivery.attempts}
      </td>
      <td className="delivery-time">
        <When at={delivery.created_at} format="short" />
      </td>
      <td className="row-actions">
        <button
          type="button"
          disabled={!canReplay || replaying}
          title={canReplay ? undefined : w.replayDisabled}
          onClick={onReplay}
        >
          {w.replay}
        </button>
      </td>
    </tr>
  );
}
