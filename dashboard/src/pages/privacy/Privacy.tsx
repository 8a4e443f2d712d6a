// The privacy and compliance section (/privacy/...), lazy-loaded by App.tsx. The server
// decides who may do what (api/routes/privacy.py, exports.py, account_deletion.py); these
// pages only hide what the member's role cannot do.
import type { ReactNode } from "react";
import { Navigate, NavLink, Route, Routes } from "react-router";
import { maySee } from "../../access";
import type { Me } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { strings } from "../../strings";
import { AuditLog } from "./AuditLog";
import { DeletionPage } from "./Deletion";
import { Erasure } from "./Erasure";
import { Exports } from "./Exports";
import { RequestDetail, Requests } from "./Requests";

const s = strings.privacy;

const TABS = [
  { path: "requests", label: s.tabs.requests },
  { path: "exports", label: s.tabs.exports },
  { path: "erasure", label: s.tabs.erasure },
  { path: "deletion", label: s.tabs.deletion },
  { path: "audit", label: s.tabs.audit },
] as const;

export default function Privacy({ me }: { me: Me }) {
  if (!maySee(me.role, "privacy")) {
    return (
      <section className="privacy" aria-labelledby="privacy-title">
        <h1 id="privacy-title">{s.title}</h1>
        <p className="empty">{s.notAllowed}</p>
      </section>
    );
  }
  return (
    <div className="privacy">
      <nav aria-label={s.sections} className="privacy-tabs">
        {TABS.map((tab) => (
          <NavLink key={tab.path} to={`/privacy/${tab.path}`}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <div className="privacy-body">
        <Routes>
          <Route index element={<Navigate to="requests" replace />} />
          <Route path="requests" element={<Requests me={me} />} />
          <Route path="requests/:requestId" element={<RequestDetail me={me} />} />
          <Route path="exports" element={<Exports me={me} />} />
          <Route path="erasure" element={<Erasure me={me} />} />
          <Route path="deletion" element={<DeletionPage me={me} />} />
          <Route path="audit" element={<AuditLog me={me} />} />
          <Route path="*" element={<p>{strings.notFound}</p>} />
        </Routes>
      </div>
    </div>
  );
}

/** A list until it is there: loading, the failure, or its "none yet" line. */
export function Listing({
  query,
  empty,
  none,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: Error | null };
  empty: boolean;
  none: string;
  children: ReactNode;
}) {
  if (query.isPending) return <p>{strings.loading}</p>;
  if (query.isError) return <ErrorMessage error={query.error} className="error" />;
  if (empty) return <p className="empty">{none}</p>;
  return children;
}
