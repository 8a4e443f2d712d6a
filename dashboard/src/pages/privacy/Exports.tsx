import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import type { Me } from "../../api/client";
import { useDownloadLink, useExports, useRequestExport } from "../../api/privacy";
import { ErrorMessage } from "../../components/ErrorMessage";
import { When } from "../../components/When";
import { strings } from "../../strings";
import { Listing } from "./Privacy";
import { RequestCells, RequestHeadings } from "./Requests";

const s = strings.privacy;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function Exports({ me }: { me: Me }) {
  const exports = useExports(me.org_id);
  const request = useRequestExport(me.org_id);
  const [contactId, setContactId] = useState("");
  const contactValid = UUID.test(contactId.trim());
  const submitContact = (event: FormEvent) => {
    event.preventDefault();
    if (contactValid) request.mutate(contactId.trim(), { onSuccess: () => setContactId("") });
  };
  return (
    <section aria-labelledby="exports-title">
      <h1 id="exports-title">{s.exports.title}</h1>
      <p className="intro">{s.exports.intro}</p>
      <div className="cards">
        <div className="card">
          <p className="field-hint">{s.exports.organizationHint}</p>
          <button type="button" className="primary" disabled={request.isPending} onClick={() => request.mutate(null)} data-testid="export-organization">
            {s.exports.organization}
          </button>
        </div>
        <form className="card inline-form" onSubmit={submitContact}>
          <label htmlFor="export-contact">{s.exports.contactLabel}</label>
          <p className="field-hint" id="export-contact-hint">
            {s.exports.contactHint}
          </p>
          <div className="form-row">
            <input
              id="export-contact"
              aria-describedby="export-contact-hint"
              value={contactId}
              onChange={(event) => setContactId(event.target.value)}
              placeholder="00000000-0000-0000-0000-000000000000"
              spellCheck={false}
            />
            <button type="submit" disabled={!contactValid || request.isPending}>
              {s.exports.contact}
            </button>
          </div>
        </form>
      </div>
      {request.isSuccess && (
        <p role="status" className="notice">
          {s.exports.requested}
        </p>
      )}
      <ErrorMessage error={request.error} className="error" />

      <h2>{s.exports.list}</h2>
      <Listing query={exports} empty={exports.data?.length === 0} none={s.exports.empty}>
        <div className="table-wrap">
          <table className="data" data-testid="exports-table">
            <thead>
              <tr>
                <RequestHeadings />
                <th scope="col">{s.detail.size}</th>
                <th scope="col">{s.detail.expires}</th>
                <th scope="col">
                  <span className="visually-hidden">{s.exports.download}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(exports.data ?? []).map((item) => (
                <tr key={item.id} data-testid="export-row" data-status={item.status}>
                  <td>
                    <Link to={`/privacy/requests/${item.id}`}>{s.kind[item.kind]}</Link>
                  </td>
                  <RequestCells request={item} />
                  <td>{item.size_bytes !== null ? s.bytes(item.size_bytes) : "—"}</td>
                  <td>
                    <When at={item.expires_at} />
                  </td>
                  <td>
                    {item.status === "completed" ? (
                      <DownloadButton me={me} exportId={item.id} expired={item.link_expired} />
                    ) : item.status === "pending" || item.status === "running" ? (
                      <span className="muted">{s.exports.building}</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Listing>
    </section>
  );
}

/** Asks for a fresh link (the status read mints it) and follows it: the API answers with
 * the ZIP as an attachment, so the page stays where it is. */
export function DownloadButton({ me, exportId, expired }: { me: Me; exportId: string; expired: boolean }) {
  const link = useDownloadLink(me.org_id);
  if (expired) return <span className="muted">{s.exports.expired}</span>;
  return (
    <>
      <button
        type="button"
        data-testid="download-export"
        disabled={link.isPending}
        onClick={() => link.mutate(exportId, { onSuccess: (url) => window.location.assign(url) })}
      >
        {link.isPending ? s.exports.preparing : s.exports.download}
      </button>
      <ErrorMessage error={link.error} className="error" />
    </>
  );
}
