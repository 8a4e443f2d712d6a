// Who sees what: the dashboard mirrors the server's role rules (services/accounts.py and the
// routes' dependencies in api/deps.py) so nobody is shown a screen they cannot use. The
// server still enforces every rule; this only decides what to show.
export type Role = "owner" | "admin" | "operator" | "compliance";

const EVERYONE: readonly Role[] = ["owner", "admin", "operator", "compliance"];
const MANAGERS: readonly Role[] = ["owner", "admin"]; // OrgAdmin on the server

/** The main sections and the roles that may open them. */
export const SECTION_ROLES: Record<string, readonly Role[]> = {
  inbox: EVERYONE,
  knowledge: EVERYONE,
  analytics: ["owner", "admin", "operator"], // AnalyticsReader in api/routes/analytics.py
  simulations: MANAGERS, // OrgAdmin in api/routes/simulations.py
  settings: MANAGERS, // organization settings, members, API keys, webhooks: owner or admin
  privacy: ["owner", "admin", "compliance"], // privacy requests and exports
};

/** A section this role may open; a path that is no section (a 404) is not refused here. */
export function maySee(role: string, section: string): boolean {
  const roles = SECTION_ROLES[section];
  return roles === undefined || roles.includes(role as Role);
}

/** Who sees a conversation's calls and may end a live one (CallViewer in api/routes/phone.py:
 * operators too, compliance not). */
export function mayHandleCalls(role: string): boolean {
  return (["owner", "admin", "operator"] as readonly string[]).includes(role);
}

/** An owner or an admin: manages the knowledge base, saved replies and others' notes. */
export function isManager(role: string): boolean {
  return MANAGERS.includes(role as Role);
}

/** The roles a member may grant (invitations, role changes, API keys): GRANTABLE in
 * services/accounts.py. Owner > admin > operator; compliance only from an owner. */
export const GRANTABLE: Record<Role, readonly Role[]> = {
  owner: ["owner", "admin", "operator", "compliance"],
  admin: ["admin", "operator"],
  operator: [],
  compliance: [],
};

export function grantable(role: string): readonly Role[] {
  return GRANTABLE[role as Role] ?? [];
}

export function mayGrant(granter: string, role: string): boolean {
  return grantable(granter).includes(role as Role);
}
