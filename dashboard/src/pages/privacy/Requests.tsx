import { Link, useParams } from "react-router";
import { useAddressFilters } from "../../address";
import type { Me } from "../../api/client";
import {
  type PrivacyRequest,
  type PrivacyRequestKind,
  type PrivacyRequestStatus,
  REQUESTS_PAGE,
  useCancelErasure,
  useMembers,
  usePrivacyRequest,
  usePrivacyRequests,
} from "../../api/privacy";
import { FilterSelect } from "../../components/FilterSelect";
import { Pill } from "../../components/Pill";
import { ErrorMessage } from "../../components/ErrorMessage";
import { When } from "../../components/When";
import { strings } from "../../strings";
import { DownloadButton } from "./Exports";
import { Listing } from "./Privacy";

const s = strings.privacy;
const KINDS = Object.keys(s.kind) as PrivacyRequestKind[];
const STATUSES = Object.keys(s.status) as PrivacyRequestStatus[];

export function subjectOf(request: { contact_id: string | null; kind: string }): string {
  return request.contact_id ? s.requests.contact(request.contact_id) : s.requests.organization;
}

export function Requests({ me }: { me: Me }) {
  const [params, set] = useAddressFilters({ paged: true });
  const kind = KINDS.find((value) => value === params.get("kind"));
  const status = STATUSES.find((value) => value === params.get("status"));
  const offset = Math.max(0, Number(params.get("offset") ?? 0) || 0);
  const requests = usePrivacyRequests(me.org_id, { kind, status, offset });
  const total = requests.data?.total ?? 0;
  const items = requests.data?.items ?? [];

  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">{s.requests.title}</h1>
      <p className="intro">{s.requests.intro}</p>
      <div className="filters">
        <FilterSelect
          label={s.requests.kind}
          testId="requests-kind"
          value={kind ?? ""}
          any={s.any}
          choices={KINDS}
          names={s.kind}
          onChange={(value) => set("kind", value)}
        />
        <FilterSelect
          label={s.requests.status}
          testId="requests-status"
          value={status ?? ""}
          any={s.any}
          choices={STATUSES}
          names={s.status}
          onChange={(value) => set("status", value)}
        />
      </div>
      <Listing query={requests} empty={items.length === 0} none={s.requests.empty}>
        <>
          <div className="table-wrap">
            <table className="data" data-testid="requests-table">
              <thead>
                <tr>
                  <RequestHeadings />
                  <th scope="col">{s.requests.completed}</th>
                  <th scope="col">
                    <span className="visually-hidden">{s.requests.open}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((request) => (
                  <tr key={request.id} data-testid="request-row" data-kind={request.kind} data-status={request.status}>
                    <td>{s.kind[request.kind]}</td>
                    <RequestCells request={request} />
                    <td>
                      <When at={request.completed_at} />
                    </td>
                    <td>
                      <Link to={`/privacy/requests/${request.id}`}>{s.requests.open}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} size={REQUESTS_PAGE} shown={items.length} total={total} onOffset={(value) => set("offset", value ? String(value) : "")} />
        </>
      </Listing>
    </section>
  );
}

/** The columns every request list opens with: kind, status, subject, requested. */
export function RequestHeadings() {
  return (
    <>
      <th scope="col">{s.requests.kind}</th>
      <th scope="col">{s.requests.status}</th>
      <th scope="col">{s.requests.subject}</th>
      <th scope="col">{s.requests.requested}</th>
    </>
  );
}

/** A request's status, subject and when it was requested, as table cells (after its kind). */
export function RequestCells({
  request,
}: {
  request: { status: PrivacyRequestStatus; contact_id: string | null; kind: string; created_at: string };
}) {
  return (
    <>
      <td>
        <StatusPill status={request.status} />
      </td>
      <td>{subjectOf(request)}</td>
      <td>
        <When at={request.created_at} />
      </td>
    </>
  );
}

export function StatusPill({ status }: { status: PrivacyRequestStatus }) {
  return <Pill tone={status}>{s.status[status]}</Pill>;
}

export function Pager({
  offset,
  size,
  shown,
  total,
  onOffset,
}: {
  offset: number;
  size: number;
  shown: number;
  total: number;
  onOffset: (offset: number) => void;
}) {
  return (
    <div className="pager">
      <span aria-live="polite">{s.requests.page(total === 0 ? 0 : offset + 1, offset + shown, total)}</span>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - size))}>
        {s.requests.previous}
      </button>
      <button type="button" disabled={offset + shown >= total} onClick={() => onOffset(offset + size)} data-testid="next-page">
        {s.requests.next}
      </button>
    </div>
  );
}

export function RequestDetail({ me }: { me: Me }) {
  const { requestId = "" } = useParams();
  const request = usePrivacyRequest(me.org_id, requestId);
  const members = useMembers(me.org_id);
  const cancel = useCancelErasure(me.org_id, requestId);
  if (request.isPending) return <p>{strings.loading}</p>;
  if (request.isError) {
    return (
      <section>
        <Link to="/privacy/requests">{s.detail.back}</Link>
        <p role="alert">{request.error.message.includes("no such") ? s.detail.notFound : strings.error(request.error.message)}</p>
      </section>
    );
  }
  const data: PrivacyRequest = request.data;
  const by = members.data?.find((member) => member.id === data.requested_by_member_id);
  const counts = countsOf(data.receipt);
  const isExport = data.kind !== "contact_erasure";
  return (
    <section aria-labelledby="request-title" data-testid="request-detail" data-status={data.status}>
      <Link to="/privacy/requests">{s.detail.back}</Link>
      <h1 id="request-title">
        {s.kind[data.kind]} <StatusPill status={data.status} />
      </h1>
      <dl className="facts">
        <dt>{s.requests.subject}</dt>
        <dd>{subjectOf(data)}</dd>
        <dt>{s.detail.id}</dt>
        <dd>
          <code>{data.id}</code>
        </dd>
        <dt>{s.detail.requestedBy}</dt>
        <dd>{by ? by.name || by.email : (data.requested_by_member_id ?? s.audit.system)}</dd>
        <dt>{s.requests.requested}</dt>
        <dd>
          <When at={data.created_at} />
        </dd>
        <dt>{s.requests.completed}</dt>
        <dd>
          <When at={data.completed_at} />
        </dd>
        {data.reason && (
          <>
            <dt>{s.detail.reason}</dt>
            <dd>{data.reason === "reported_minor" ? s.detail.reportedMinor : data.reason}</dd>
          </>
        )}
        {data.failure_reason && (
          <>
            <dt>{s.detail.failure}</dt>
            <dd>{data.failure_reason}</dd>
          </>
        )}
        {isExport && (
          <>
            <dt>{s.detail.size}</dt>
            <dd>{data.size_bytes !== null ? s.bytes(data.size_bytes) : "—"}</dd>
            <dt>{s.detail.expires}</dt>
            <dd>
              <When at={data.expires_at} />
            </dd>
            <dt>{s.detail.downloaded}</dt>
            <dd>
              <When at={data.downloaded_at} />
            </dd>
          </>
        )}
      </dl>
      <h2>{s.detail.receipt}</h2>
      {counts.length === 0 ? (
        <p className="empty">{s.detail.nothingYet}</p>
      ) : (
        <StoreCounts counts={counts} />
      )}
      <div className="actions">
        {isExport && data.status === "completed" && <DownloadButton me={me} exportId={data.id} expired={!data.expires_at || new Date(data.expires_at) < new Date()} />}
        {data.kind === "contact_erasure" && data.status === "scheduled" && (
          <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
            {cancel.isPending ? s.cancelling : s.detail.cancel}
          </button>
        )}
      </div>
      <ErrorMessage error={cancel.error} className="error" />
    </section>
  );
}

/** How many items each store held (deleted, or exported), one row a store. */
export function StoreCounts({ counts }: { counts: [string, number][] }) {
  return (
    <table className="data counts">
      <tbody>
        {counts.map(([store, count]) => (
          <tr key={store}>
            <th scope="row">{store}</th>
            <td>{count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A receipt's counts per store (an erasure's, or an export's files and rows). */
export function countsOf(receipt: Record<string, unknown>): [string, number][] {
  const nested = receipt.deleted ?? receipt.counts;
  const source = (typeof nested === "object" && nested !== null ? nested : {}) as Record<string, unknown>;
  return Object.entries(source).filter((entry): entry is [string, number] => typeof entry[1] === "number");
}
