import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { Navigate, NavLink, Route, Routes, useLocation } from "react-router";
import { maySee } from "./access";
import { ApiError, type Me } from "./api/client";
import { useApi, useMe } from "./api/queries";
import { GlobalKeys } from "./components/GlobalKeys";
import { NeedsHumanBadge } from "./components/NeedsHuman";
import { Inbox } from "./pages/Inbox";
import { NoAccess } from "./pages/NoAccess";
import { SignedOut } from "./pages/SignedOut";
import { strings } from "./strings";
import { type ThemeChoice, useTheme } from "./theme";

const Knowledge = lazy(() => import("./pages/Knowledge"));
const Privacy = lazy(() => import("./pages/privacy/Privacy"));
const Analytics = lazy(() => import("./pages/Analytics"));
const Simulations = lazy(() => import("./pages/Simulations"));

const SECTIONS = [
  { path: "inbox", label: strings.nav.inbox },
  { path: "knowledge", label: strings.nav.knowledge },
  { path: "analytics", label: strings.nav.analytics },
  { path: "simulations", label: strings.nav.simulations },
  { path: "settings", label: strings.nav.settings },
  { path: "privacy", label: strings.nav.privacy },
] as const;

const Settings = lazy(() => import("./pages/settings/Settings"));

export function App() {
  const me = useMe();
  if (me.isPending) return <p className="centered">{strings.loading}</p>;
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) return <SignedOut />;
    return (
      <div className="centered" role="alert">
        <p>{strings.error(me.error.message)}</p>
        <button type="button" onClick={() => void me.refetch()}>
          {strings.retry}
        </button>
      </div>
    );
  }
  return <Shell me={me.data} />;
}

function Shell({ me }: { me: Me }) {
  const [theme, setTheme] = useTheme();
  // A section the role may not use is neither in the nav nor opened by its address.
  const section = useLocation().pathname.split("/")[1] ?? "";
  const allowed = maySee(me.role, section);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {strings.skipToContent}
      </a>
      <header className="topbar">
        <span className="brand">{strings.appName}</span>
        <span className="org" data-testid="organization">
          {me.organization_name}
        </span>
        <nav aria-label={strings.nav.label} className="nav">
          {SECTIONS.filter((section) => maySee(me.role, section.path)).map((section) => (
            <NavLink key={section.path} to={`/${section.path}`}>
              {section.label}
              {section.path === "inbox" && <NeedsHumanBadge orgId={me.org_id} />}
            </NavLink>
          ))}
        </nav>
        <div className="account">
          <label>
            <span className="visually-hidden">{strings.theme.label}</span>
            <select
              aria-label={strings.theme.label}
              data-testid="theme"
              value={theme}
              onChange={(event) => setTheme(event.target.value as ThemeChoice)}
            >
              <option value="system">{strings.theme.system}</option>
              <option value="light">{strings.theme.light}</option>
              <option value="dark">{strings.theme.dark}</option>
            </select>
          </label>
          <span title={strings.account.role(me.role)}>{me.name ?? me.email ?? me.role}</span>
          <SignOut />
        </div>
      </header>
      <main id="main" className="main">
        {allowed ? (
        <Routes>
          <Route index element={<Navigate to="/inbox" replace />} />
          <Route path="inbox" element={<Inbox me={me} />} />
          <Route path="inbox/:conversationId" element={<Inbox me={me} />} />
          <Route
            path="knowledge"
            element={
              <Suspense fallback={<p className="centered">{strings.loading}</p>}>
                <Knowledge me={me} />
              </Suspense>
            }
          />
          <Route
            path="analytics"
            element={
              <Suspense fallback={<p className="centered">{strings.loading}</p>}>
                <Analytics me={me} />
              </Suspense>
            }
          />
          <Route
            path="simulations/*"
            element={
              <Suspense fallback={<p className="centered">{strings.loading}</p>}>
                <Simulations me={me} />
              </Suspense>
            }
          />
          <Route
            path="settings/*"
            element={
              <Suspense fallback={<p className="centered">{strings.loading}</p>}>
                <Settings me={me} />
              </Suspense>
            }
          />
          <Route
            path="privacy/*"
            element={
              <Suspense fallback={<p className="centered">{strings.loading}</p>}>
                <Privacy me={me} />
              </Suspense>
            }
          />
          <Route path="*" element={<p className="centered">{strings.notFound}</p>} />
        </Routes>
        ) : (
          <NoAccess role={me.role} />
        )}
      </main>
      <footer className="footer">
        <a href="/privacy-policy">{strings.privacy.policyLink}</a>
      </footer>
      <GlobalKeys me={me} />
    </div>
  );
}

function SignOut() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const signOut = async () => {
    await client.POST("/auth/sign-out");
    queryClient.clear();
    window.location.assign(import.meta.env.BASE_URL);
  };
  return (
    <button type="button" className="link" onClick={() => void signOut()}>
      {strings.account.signOut}
    </button>
  );
}
