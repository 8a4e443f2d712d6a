import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import type { Me } from "../../api/client";
import { type Contact, type PrivacyRequest, useEraseContact, useFindContacts } from "../../api/privacy";
import { ErrorMessage } from "../../components/ErrorMessage";
import { When } from "../../components/When";
import { strings } from "../../strings";
import { StatusPill } from "./Requests";

const s = strings.privacy;

export function Erasure({ me }: { me: Me }) {
  const [by, setBy] = useState<"email" | "id">("email");
  const [value, setValue] = useState("");
  const find = useFindContacts(me.org_id);
  const erase = useEraseContact(me.org_id);
  const [confirming, setConfirming] = useState<{ contact: Contact; minor: boolean } | null>(null);
  const [done, setDone] = useState<PrivacyRequest[] | null>(null);

  const search = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim()) return;
    setDone(null);
    setConfirming(null);
    find.mutate({ by, value: value.trim() });
  };
  const confirm = () => {
    if (!confirming) return;
    erase.mutate(
      { contactId: confirming.contact.id, minor: confirming.minor },
      {
        onSuccess: (requests) => {
          setDone(requests);
          setConfirming(null);
        },
      },
    );
  };

  return (
    <section aria-labelledby="erasure-title">
      <h1 id="erasure-title">{s.erasure.title}</h1>
      <p className="intro">{s.erasure.intro}</p>
      <form className="card inline-form" onSubmit={search} aria-label={s.erasure.find}>
        <div className="form-row">
          <label>
            {s.erasure.by}
            <select value={by} onChange={(event) => setBy(event.target.value as "email" | "id")} data-testid="erasure-by">
              <option value="email">{s.erasure.email}</option>
              <option value="id">{s.erasure.id}</option>
            </select>
          </label>
          <label className="grow">
            {by === "email" ? s.erasure.email : s.erasure.id}
            <input
              type={by === "email" ? "email" : "text"}
              value={value}
              onChange={(event) => setValue(event.target.value)}
              data-testid="erasure-query"
              spellCheck={false}
              required
            />
          </label>
          <button type="submit" className="primary" disabled={find.isPending}>
            {s.erasure.search}
          </button>
        </div>
      </form>
      <ErrorMessage error={find.error} className="error" />

      {find.data && find.data.length === 0 && <p className="empty">{s.erasure.none}</p>}
      {find.data && find.data.length > 0 && (
        <>
          <h2>{s.erasure.found(find.data.length)}</h2>
          <ul className="contact-list">
            {find.data.map((contact) => (
              <li key={contact.id} className="card" data-testid="erasure-contact">
                <div>
                  <strong>{contact.name ?? s.erasure.unnamed}</strong>
                  {contact.email && <span className="muted"> · {contact.email}</span>}
                  <div className="muted small">
                    <code>{contact.id}</code> · {s.erasure.created} <When at={contact.created_at} />
                  </div>
                </div>
                <div className="actions">
                  <button type="button" onClick={() => setConfirming({ contact, minor: false })} data-testid="erase">
                    {s.erasure.erase}
                  </button>
                  <button type="button" className="danger" onClick={() => setConfirming({ contact, minor: true })} data-testid="report-minor">
                    {s.erasure.minor}
                  </button>
                </div>
                {confirming?.contact.id === contact.id && (
                  <div className="confirm" role="group" aria-labelledby={`confirm-${contact.id}`}>
                    <h3 id={`confirm-${contact.id}`}>{confirming.minor ? s.erasure.minorTitle : s.erasure.confirmTitle}</h3>
                    <p>{confirming.minor ? s.erasure.minorBody : s.erasure.confirmBody}</p>
                    <div className="actions">
                      <button type="button" className="danger" disabled={erase.isPending} onClick={confirm} data-testid="confirm-erase">
                        {confirming.minor ? s.erasure.minorConfirm : s.erasure.confirm}
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        {s.erasure.keep}
                      </button>
                    </div>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <ErrorMessage error={erase.error} className="error" />
      {done && (
        <div role="status" className="notice card" data-testid="erasure-done">
          <h2>{s.erasure.done}</h2>
          <ul>
            {done.map((request) => (
              <li key={request.id}>
                <StatusPill status={request.status} /> <Link to={`/privacy/requests/${request.id}`}>{s.erasure.viewRequest}</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
