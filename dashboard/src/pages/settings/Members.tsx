// Members (role changes, removal) and invitations (invite, the one-time link, revoke).
import { type FormEvent, useId, useState } from "react";
import { grantable, mayGrant } from "../../access";
import type { Me } from "../../api/client";
import {
  type MemberRow,
  type RoleName,
  reason,
  useChangeRole,
  useInvitations,
  useInvite,
  useMembers,
  useRemoveMember,
  useRevokeInvitation,
} from "../../api/settings";
import { strings } from "../../strings";
import { ConfirmButton, NotLoaded, PageHead, RoleField, SaveState, Secret, date, useCreated } from "./common";

const s = strings.settings;
const m = s.members;

export function Members({ me }: { me: Me }) {
  return (
    <section aria-labelledby="members-title" className="settings-section">
      <PageHead id="members-title" title={m.title} intro={m.intro} />
      <MemberTable me={me} />
      <InviteForm me={me} />
      <PendingInvitations me={me} />
    </section>
  );
}

function displayName(member: MemberRow): string {
  return member.name || member.email || member.id.slice(0, 8);
}

function MemberTable({ me }: { me: Me }) {
  const members = useMembers(me.org_id);
  const change = useChangeRole(me.org_id);
  const remove = useRemoveMember(me.org_id);
  const failure = change.isError ? reason(change.error) : remove.isError ? reason(remove.error) : null;
  if (!members.isSuccess) return <NotLoaded query={members} />;
  return (
    <div className="card">
      <div className="table-wrap">
        <table className="table" data-testid="members">
          <thead>
            <tr>
              <th scope="col">{m.name}</th>
              <th scope="col">{m.email}</th>
              <th scope="col">{m.role}</th>
              <th scope="col">{m.joined}</th>
              <th scope="col">
                <span className="visually-hidden">{m.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => {
              const name = displayName(member);
              const inReach = mayGrant(me.role, member.role);
              return (
                <tr key={member.id} data-testid="member-row">
                  <td>
                    {name} {member.id === me.member_id ? <span className="muted">{m.you}</span> : null}
                  </td>
                  <td>{member.email ?? ""}</td>
                  <td>
                    {inReach ? (
                      <select
                        aria-label={m.roleOf(name)}
                        value={member.role}
                        disabled={change.isPending}
                        onChange={(event) =>
                          change.mutate({ memberId: member.id, role: event.target.value as RoleName })
                        }
                      >
                        {grantable(me.role).map((role) => (
                          <option key={role} value={role}>
                            {s.roleNames[role]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className="role-badge">{s.roleNames[member.role] ?? member.role}</span>
                    )}
                  </td>
                  <td>{date(member.created_at)}</td>
                  <td className="row-actions">
                    {inReach ? (
                      <ConfirmButton
                        label={m.remove}
                        question={m.confirmRemove(name)}
                        confirm={m.confirm}
                        disabled={remove.isPending}
                        onConfirm={() => remove.mutate(member.id)}
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {failure ? (
        <p role="alert" className="form-error">
          {failure}
        </p>
      ) : null}
    </div>
  );
}

function InviteForm({ me }: { me: Me }) {
  const roles = grantable(me.role);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<RoleName>("operator");
  const invite = useInvite(me.org_id);
  const [created, sendInvitation] = useCreated(invite, () => setEmail(""));
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    sendInvitation({ email, role });
  };
  return (
    <div className="card">
      <h3>{m.invite}</h3>
      <form className="invite-form" onSubmit={submit}>
        <div className="field grow">
          <label htmlFor={`${id}-email`}>{m.inviteEmail}</label>
          <input
            id={`${id}-email`}
            data-testid="invite-email"
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={(event) => {
              invite.reset();
              setEmail(event.target.value);
            }}
          />
        </div>
        <RoleField
          id={`${id}-role`}
          label={m.inviteRole}
          testId="invite-role"
          roles={roles}
          value={role}
          onChange={setRole}
        />
        <button type="submit" className="primary" disabled={invite.isPending}>
          {m.send}
        </button>
      </form>
      <p className="muted small">
        {s.roleNames[role]}: {m.roleHelp[role]}
      </p>
      <SaveState pending={invite.isPending} saved={false} error={invite.isError ? reason(invite.error) : null} />
      {created?.link ? (
        <Secret
          title={m.linkTitle}
          testId="invite-link"
          value={created.link}
          hint={
            <>
              {m.linkHint} {created.emailed ? m.emailed : created.email_error}
            </>
          }
        />
      ) : null}
    </div>
  );
}

function PendingInvitations({ me }: { me: Me }) {
  const invitations = useInvitations(me.org_id);
  const revoke = useRevokeInvitation(me.org_id);
  if (invitations.isPending) return null;
  if (invitations.isError) return <p role="alert">{strings.error(reason(invitations.error))}</p>;
  const pending = invitations.data.filter((invitation) => invitation.status === "pending");
  return (
    <div className="card">
      <h3>{m.pending}</h3>
      {pending.length === 0 ? (
        <p className="empty">{m.noPending}</p>
      ) : (
        <ul className="list" data-testid="invitations">
          {pending.map((invitation) => (
            <li key={invitation.id}>
              <span className="grow">
                <strong>{invitation.email}</strong>{" "}
                <span className="role-badge">{s.roleNames[invitation.role]}</span>
              </span>
              <span className="muted small">
                {m.expires} {date(invitation.expires_at)}
              </span>
              {mayGrant(me.role, invitation.role) ? (
                <button
                  type="button"
                  className="danger-link"
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate(invitation.id)}
                >
                  {m.revoke}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {revoke.isError ? (
        <p role="alert" className="form-error">
          {reason(revoke.error)}
        </p>
      ) : null}
    </div>
  );
}
