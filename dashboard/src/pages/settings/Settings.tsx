// The settings screen (/settings/...): a sub-navigation and one page per area. Loaded lazily
// (React.lazy in App.tsx) so the inbox's first load stays small.
import { NavLink, Navigate, Route, Routes } from "react-router";
import type { Me } from "../../api/client";
import { strings } from "../../strings";
import { ApiKeys } from "./ApiKeys";
import { ConversationSettings } from "./ConversationSettings";
import { Members } from "./Members";
import { PhoneSettings } from "./PhoneSettings";
import { Retention } from "./Retention";
import { WebhookEndpointPage, Webhooks } from "./Webhooks";
import { WidgetSettings } from "./WidgetSettings";
import { maySee } from "../../access";
import { NoAccess } from "../NoAccess";

const s = strings.settings;

const PAGES = [
  { path: "widget", label: s.pages.widget },
  { path: "conversations", label: s.pages.conversations },
  { path: "phone", label: s.pages.phone },
  { path: "members", label: s.pages.members },
  { path: "api-keys", label: s.pages.apiKeys },
  { path: "webhooks", label: s.pages.webhooks },
  { path: "retention", label: s.pages.retention },
] as const;

export default function Settings({ me }: { me: Me }) {
  // Every settings page needs an owner or an admin (OrgAdmin on the server).
  if (!maySee(me.role, "settings")) return <NoAccess role={me.role} />;
  return (
    <div className="settings">
      <nav aria-label={s.sections} className="settings-nav">
        <h1 className="settings-title">{s.title}</h1>
        <ul>
          {PAGES.map((page) => (
            <li key={page.path}>
              <NavLink to={`/settings/${page.path}`}>{page.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-page">
        <Routes>
          <Route index element={<Navigate to="/settings/widget" replace />} />
          <Route path="widget" element={<WidgetSettings me={me} />} />
          <Route path="conversations" element={<ConversationSettings me={me} />} />
          <Route path="phone" element={<PhoneSettings me={me} />} />
          <Route path="members" element={<Members me={me} />} />
          <Route path="api-keys" element={<ApiKeys me={me} />} />
          <Route path="webhooks" element={<Webhooks me={me} />} />
          <Route path="webhooks/:endpointId" element={<WebhookEndpointPage me={me} />} />
          <Route path="retention" element={<Retention me={me} />} />
          <Route path="*" element={<p>{strings.notFound}</p>} />
        </Routes>
      </div>
    </div>
  );
}
