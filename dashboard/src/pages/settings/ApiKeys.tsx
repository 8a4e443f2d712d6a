// API keys: the list, a new key (its secret shown once, with copy) and revoking (confirmed).
import { type FormEvent, useId, useState } from "react";
import { grantable, mayGrant } from "../../access";
import type { Me } from "../../api/client";
import { type RoleName, reason, useApiKeys, useCreateKey, useRevokeKey } from "../../api/settings";
import { strings } from "../../strings";
import { ConfirmButton, PageHead, RoleField, SaveState, Secret, date, useCreated } from "./common";

const s = strings.settings;
const k = s.apiKeys;

export function ApiKeys({ me }: { me: Me }) {
  const keys = useApiKeys(me.org_id);
  const revoke = useRevokeKey(me.org_id);
  return (
    <section aria-labelledby="api-keys-title" className="settings-section">
      <PageHead id="api-keys-title" title={k.title} intro={k.intro} />
      <CreateKey me={me} />
      <div className="card">
        {keys.isPending ? (
          <p>{strings.loading}</p>
        ) : keys.isError ? (
          <p role="alert">{strings.error(reason(keys.error))}</p>
        ) : keys.data.length === 0 ? (
          <p className="empty">{k.none}</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="api-keys">
              <thead>
                <tr>
                  <th scope="col">{k.name}</th>
                  <th scope="col">{k.prefix}</th>
                  <th scope="col">{k.role}</th>
                  <th scope="col">{k.created}</th>
                  <th scope="col">{k.lastUsed}</th>
                  <th scope="col">{k.status}</th>
                  <th scope="col">
                    <span className="visually-hidden">{s.members.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => (
                  <tr key={key.id} data-testid="api-key-row">
                    <td>{key.name}</td>
                    <td>
                      <code>{key.prefix}…</code>
                    </td>
                    <td>{s.roleNames[key.role] ?? key.role}</td>
                    <td>{date(key.created_at)}</td>
                    <td>{key.last_used_at ? date(key.last_used_at) : k.never}</td>
                    <td>{key.revoked_at ? <span className="muted">{k.revoked}</span> : k.active}</td>
                    <td className="row-actions">
                      {!key.revoked_at && mayGrant(me.role, key.role) ? (
                        <ConfirmButton
                          label={k.revoke}
                          question={k.confirmRevoke(key.name)}
                          confirm={k.confirm}
                          disabled={revoke.isPending}
                          onConfirm={() => revoke.mutate(key.id)}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {revoke.isError ? (
          <p role="alert" className="form-error">
            {reason(revoke.error)}
          </p>
        ) : null}
      </div>
    </section>
  );
}

function CreateKey({ me }: { me: Me }) {
  const roles = grantable(me.role).filter((role) => role !== "owner"); // keys are never owners
  const [name, setName] = useState("");
  const [role, setRole] = useState<RoleName>("operator");
  const create = useCreateKey(me.org_id);
  const [created, createKey] = useCreated(create, () => setName(""));
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    createKey({ name, role });
  };
  return (
    <div className="card">
      <h3>{k.create}</h3>
      <form className="invite-form" onSubmit={submit}>
        <div className="field grow">
          <label htmlFor={`${id}-name`}>{k.keyName}</label>
          <input
            id={`${id}-name`}
            data-testid="key-name"
            required
            maxLength={200}
            placeholder={k.keyNamePlaceholder}
            value={name}
            onChange={(event) => {
              create.reset();
              setName(event.target.value);
            }}
          />
        </div>
        <RoleField id={`${id}-role`} label={k.keyRole} roles={roles} value={role} onChange={setRole} />
        <button type="submit" className="primary" disabled={create.isPending}>
          {k.createButton}
        </button>
      </form>
      <SaveState pending={create.isPending} saved={false} error={create.isError ? reason(create.error) : null} />
      {created ? <Secret title={k.secretTitle} hint={k.secretHint} value={created.secret} testId="api-key-secret" /> : null}
    </div>
  );
}
