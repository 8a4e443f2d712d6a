import { useAddressFilters } from "../../address";
import type { Me } from "../../api/client";
import { AUDIT_PAGE, type AuditEntry, type Member, useAuditLog, useMembers } from "../../api/privacy";
import { startOfDay } from "../../dates";
import { When } from "../../components/When";
import { strings } from "../../strings";
import { Listing } from "./Privacy";
import { Pager } from "./Requests";

const s = strings.privacy.audit;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function AuditLog({ me }: { me: Me }) {
  const [params, set, setParams] = useAddressFilters({ paged: true });
  const action = params.get("action") ?? "";
  const actor = params.get("actor") ?? "";
  const since = params.get("since") ?? "";
  const until = params.get("until") ?? "";
  const offset = Math.max(0, Number(params.get("offset") ?? 0) || 0);
  const members = useMembers(me.org_id);
  const log = useAuditLog(me.org_id, {
    action: action || undefined,
    actor: UUID.test(actor) ? actor : undefined,
    since: startOfDay(since),
    until: startOfDay(until, 1),
    offset,
  });
  const byId = new Map((members.data ?? []).map((member) => [member.id, member]));
  const items = log.data?.items ?? [];
  const actions = Object.keys(s.actions);
  if (action && !actions.includes(action)) actions.push(action);

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{s.title}</h1>
      <p className="intro">{s.intro}</p>
      <div className="filters" role="group" aria-label={strings.inbox.filters}>
        <label>
          {s.action}
          <select value={action} onChange={(event) => set("action", event.target.value)} data-testid="audit-action">
            {actions.map((value) => (
              <option key={value} value={value}>
                {s.actions[value] ?? value}
              </option>
            ))}
          </select>
        </label>
        <label>
          {s.actor}
          <select value={actor} onChange={(event) => set("actor", event.target.value)} data-testid="audit-actor">
            <option value="">{s.anyone}</option>
            {(members.data ?? []).map((member) => (
              <option key={member.id} value={member.id}>
                {memberName(member)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {s.since}
          <input type="date" value={since} max={until || undefined} onChange={(event) => set("since", event.target.value)} data-testid="audit-since" />
        </label>
        <label>
          {s.until}
          <input type="date" value={until} min={since || undefined} onChange={(event) => set("until", event.target.value)} data-testid="audit-until" />
        </label>
        {(action || actor || since || until) && (
          <button type="button" className="link" onClick={() => setParams({}, { replace: true })}>
            {s.clear}
          </button>
        )}
      </div>
      <Listing query={log} empty={items.length === 0} none={s.empty}>
        <>
          <div className="table-wrap">
            <table className="data" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{s.when}</th>
                  <th scope="col">{s.action}</th>
                  <th scope="col">{s.actor}</th>
                  <th scope="col">{s.target}</th>
                  <th scope="col">{s.details}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((entry) => (
                  <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                    <td>
                      <When at={entry.created_at} />
                    </td>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td>{actorOf(entry, byId)}</td>
                    <td>{entry.target_type ? `${entry.target_type} ${(entry.target_id ?? "").slice(0, 8)}` : "—"}</td>
                    <td className="details">{detailsOf(entry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} size={AUDIT_PAGE} shown={items.length} total={log.data?.total ?? 0} onOffset={(value) => set("offset", value ? String(value) : "")} />
        </>
      </Listing>
    </section>
  );
}

function memberName(member: Member): string {
  return member.name || member.email || member.id.slice(0, 8);
}

function actorOf(entry: AuditEntry, members: Map<string, Member>): string {
  if (entry.actor_member_id) {
    const member = members.get(entry.actor_member_id);
    return member ? memberName(member) : entry.actor_member_id.slice(0, 8);
  }
  if (entry.actor_api_key_id) return `${s.apiKey} ${entry.actor_api_key_id.slice(0, 8)}`;
  return s.system;
}

function detailsOf(entry: AuditEntry): string {
  return Object.entries(entry.details)
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(", ");
}
