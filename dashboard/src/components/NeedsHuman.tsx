// The count of conversations waiting for a person: a badge on the Inbox nav item and the
// document title ("(2) Inbox · Perceptron").
import { useEffect } from "react";
import { useLocation } from "react-router";
import { useNeedsHumanCount } from "../api/inbox";
import { strings } from "../strings";

const SECTIONS: Record<string, string> = {
  inbox: strings.nav.inbox,
  knowledge: strings.nav.knowledge,
  analytics: strings.nav.analytics,
  simulations: strings.nav.simulations,
  settings: strings.nav.settings,
  privacy: strings.nav.privacy,
};

export function NeedsHumanBadge({ orgId }: { orgId: string }) {
  const count = useNeedsHumanCount(orgId).data ?? 0;
  const location = useLocation();
  const section = SECTIONS[location.pathname.split("/")[1] ?? ""] ?? strings.nav.inbox;
  useEffect(() => {
    document.title = strings.inboxList.title(count, section);
  }, [count, section]);
  if (count === 0) return null;
  return (
    <span className="nav-badge" data-testid="needs-human-count">
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">{strings.inboxList.navBadge(count)}</span>
    </span>
  );
}
