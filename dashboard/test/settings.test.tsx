import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../src/App";
import { strings } from "../src/strings";
import { ME, ORG, json, renderWith } from "./render";

const s = strings.settings;

afterEach(() => cleanup());

const ORGANIZATION = {
  id: ORG,
  name: "Lumen",
  public_key: "pk_lumen",
  created_at: "2026-01-01T00:00:00Z",
  settings: { widget: { color: "#112233", greeting: "Hello there" }, allowed_origins: ["https://shop.example"] },
};

const navLinks = async () => {
  const nav = await screen.findByRole("navigation", { name: strings.nav.label });
  return within(nav)
    .getAllByRole("link")
    .map((link) => link.textContent);
};

describe("role-gated navigation", () => {
  it("shows an operator neither Settings nor Privacy, and refuses the settings page by address", async () => {
    const { requests } = renderWith(<App />, { "GET /api/me": () => json({ ...ME, role: "operator" }) }, "/settings/members");
    expect(await navLinks()).toEqual(["Inbox", "Knowledge", "Analytics"]);
    expect(await screen.findByRole("heading", { name: s.noAccess.title })).toBeTruthy();
    // Nothing of the settings is asked for (the inbox badge's count is the only other call).
    const paths = requests.map((request) => new URL(request.url).pathname);
    expect(paths.filter((path) => !path.endsWith("/conversations"))).toEqual(["/api/me"]);
  });

  it("shows compliance Privacy but not Settings", async () => {
    renderWith(<App />, { "GET /api/me": () => json({ ...ME, role: "compliance" }) }, "/settings");
    expect(await navLinks()).toEqual(["Inbox", "Knowledge", "Privacy"]);
    expect(await screen.findByTestId("no-access")).toBeTruthy();
  });

  it("shows an admin every section and the settings pages", async () => {
    renderWith(
      <App />,
      {
        "GET /api/me": () => json({ ...ME, role: "admin" }),
        [`GET /api/orgs/${ORG}`]: () => json(ORGANIZATION),
      },
      "/settings",
    );
    expect(await navLinks()).toEqual(["Inbox", "Knowledge", "Analytics", "Simulations", "Settings", "Privacy"]);
    const sections = await screen.findByRole("navigation", { name: s.sections });
    expect(within(sections).getAllByRole("link").map((link) => link.textContent)).toEqual([
      "Widget",
      "Conversations",
      "Phone",
      "Members",
      "API keys",
      "Webhooks",
      "Data retention",
    ]);
    expect(await screen.findByTestId("install-snippet")).toBeTruthy();
  });
});

describe("widget settings", () => {
  it("previews unsaved settings in the real widget, shows the snippet and the server's reasons", async () => {
    let patched: unknown = null;
    renderWith(
      <App />,
      {
        "GET /api/me": () => json(ME),
        [`GET /api/orgs/${ORG}`]: () => json(ORGANIZATION),
        "GET /api/auth/csrf": () => json({ csrf_token: "t", header: "X-CSRF-Token" }),
        [`PATCH /api/orgs/${ORG}`]: async (request) => {
          patched = await request.json();
          return json(
            {
              detail: [
                {
                  loc: ["body", "settings", "allowed_origins", 1],
                  msg: "Value error, an origin is scheme://host[:port], e.g. https://shop.example",
                  type: "value_error",
                },
              ],
            },
            422,
          );
        },
      },
      "/settings/widget",
    );
    const snippet = await screen.findByTestId("install-snippet");
    expect(snippet.textContent).toContain('data-key="pk_lumen"');
    expect(snippet.textContent).toContain("/widget.js");
    const greeting = screen.getByTestId("widget-greeting") as HTMLTextAreaElement;
    expect(greeting.value).toBe("Hello there");
    fireEvent.change(greeting, { target: { value: "Welcome to Lumen" } });
    await waitFor(() => {
      const src = (screen.getByTestId("widget-preview") as HTMLIFrameElement).getAttribute("src") ?? "";
      expect(JSON.parse(new URLSearchParams(src.split("?")[1]).get("settings") ?? "{}")).toMatchObject({
        greeting: "Welcome to Lumen",
        color: "#112233",
      });
    });
    fireEvent.change(screen.getByTestId("origin-input"), { target: { value: "shop" } });
    fireEvent.click(screen.getByRole("button", { name: s.widget.addOrigin }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("allowed_origins.1: Value error, an origin is scheme://host[:port]");
    expect(patched).toEqual({ settings: { allowed_origins: ["https://shop.example", "shop"] } });
  });
});

describe("members", () => {
  it("offers an admin only the roles it may grant, and shows the one-time invitation link", async () => {
    let invited: unknown = null;
    renderWith(
      <App />,
      {
        "GET /api/me": () => json({ ...ME, role: "admin" }),
        [`GET /api/orgs/${ORG}/members`]: () =>
          json([
            { id: "m1", name: "Olive", email: "olive@example.com", role: "owner", created_at: "2026-01-01T00:00:00Z" },
            { id: "m2", name: "Otto", email: "otto@example.com", role: "operator", created_at: "2026-01-02T00:00:00Z" },
          ]),
        [`GET /api/orgs/${ORG}/invitations`]: () => json([]),
        "GET /api/auth/csrf": () => json({ csrf_token: "t", header: "X-CSRF-Token" }),
        [`POST /api/orgs/${ORG}/invitations`]: async (request) => {
          invited = await request.json();
          return json(
            {
              id: "i1",
              email: "nia@example.com",
              role: "admin",
              status: "pending",
              created_at: "2026-01-03T00:00:00Z",
              expires_at: "2026-01-10T00:00:00Z",
              accepted_at: null,
              revoked_at: null,
              link: "http://127.0.0.1:8000/auth/invite?token=abc",
              emailed: false,
              email_error: null,
            },
            201,
          );
        },
      },
      "/settings/members",
    );
    const rows = await screen.findAllByTestId("member-row");
    // The owner is out of an admin's reach: no role menu, no remove button.
    expect(within(rows[0]!).queryByRole("combobox")).toBeNull();
    expect(within(rows[0]!).queryByRole("button")).toBeNull();
    const otto = within(rows[1]!).getByRole("combobox", { name: s.members.roleOf("Otto") }) as HTMLSelectElement;
    expect(Array.from(otto.options).map((option) => option.value)).toEqual(["admin", "operator"]);
    const role = screen.getByTestId("invite-role") as HTMLSelectElement;
    expect(Array.from(role.options).map((option) => option.value)).toEqual(["admin", "operator"]);
    fireEvent.change(screen.getByTestId("invite-email"), { target: { value: "nia@example.com" } });
    fireEvent.change(role, { target: { value: "admin" } });
    fireEvent.click(screen.getByRole("button", { name: s.members.send }));
    expect((await screen.findByTestId("invite-link")).textContent).toBe(
      "http://127.0.0.1:8000/auth/invite?token=abc",
    );
    expect(invited).toEqual({ email: "nia@example.com", role: "admin" });
  });
});

describe("member changes", () => {
  it("changes a member's role, removes a member after a confirm, and revokes an invitation", async () => {
    let members = [
      { id: "m1", name: "Olive", email: "olive@example.com", role: "owner", created_at: "2026-01-01T00:00:00Z" },
      { id: "m2", name: "Otto", email: "otto@example.com", role: "operator", created_at: "2026-01-02T00:00:00Z" },
      { id: "m3", name: "Ada", email: "ada@example.com", role: "operator", created_at: "2026-01-03T00:00:00Z" },
    ];
    const invitation = (id: string, email: string) => ({
      id,
      email,
      role: "operator",
      status: "pending",
      created_at: "2026-01-03T00:00:00Z",
      expires_at: "2026-01-10T00:00:00Z",
      accepted_at: null,
      revoked_at: null as string | null,
    });
    let invitations = [invitation("i1", "nia@example.com"), invitation("i2", "sam@example.com")];
    const writes: { method: string; path: string; body: unknown }[] = [];
    const record = async (request: Request) => {
      const text = await request.text();
      writes.push({ method: request.method, path: new URL(request.url).pathname, body: text ? JSON.parse(text) : null });
    };
    renderWith(
      <App />,
      {
        "GET /api/me": () => json({ ...ME, member_id: "m1" }),
        [`GET /api/orgs/${ORG}/members`]: () => json(members),
        [`GET /api/orgs/${ORG}/invitations`]: () => json(invitations),
        "GET /api/auth/csrf": () => json({ csrf_token: "t", header: "X-CSRF-Token" }),
        [`PATCH /api/orgs/${ORG}/members/m2`]: async (request) => {
          await record(request);
          members = members.map((member) => (member.id === "m2" ? { ...member, role: "admin" } : member));
          return json(members[1]);
        },
        [`DELETE /api/orgs/${ORG}/members/m3`]: async (request) => {
          await record(request);
          members = members.filter((member) => member.id !== "m3");
          return new Response(null, { status: 204 });
        },
        [`DELETE /api/orgs/${ORG}/invitations/i1`]: async (request) => {
          await record(request);
          invitations = [{ ...invitations[0]!, status: "revoked", revoked_at: "2026-01-04T00:00:00Z" }, invitations[1]!];
          return new Response(null, { status: 204 });
        },
      },
      "/settings/members",
    );
    const rows = await screen.findAllByTestId("member-row");
    expect(rows).toHaveLength(3);

    const otto = within(rows[1]!).getByRole("combobox", { name: s.members.roleOf("Otto") }) as HTMLSelectElement;
    expect(otto.value).toBe("operator");
    fireEvent.change(otto, { target: { value: "admin" } });
    await waitFor(() =>
      expect(writes).toEqual([{ method: "PATCH", path: `/api/orgs/${ORG}/members/m2`, body: { role: "admin" } }]),
    );
    // The list is read again: the select shows the stored role.
    await waitFor(() =>
      expect(
        (screen.getByRole("combobox", { name: s.members.roleOf("Otto") }) as HTMLSelectElement).value,
      ).toBe("admin"),
    );

    const ada = screen.getAllByTestId("member-row")[2]!;
    fireEvent.click(within(ada).getByRole("button", { name: s.members.remove }));
    expect(writes).toHaveLength(1); // asked first
    expect(within(ada).getByText(s.members.confirmRemove("Ada"))).toBeTruthy();
    fireEvent.click(within(ada).getByRole("button", { name: s.members.confirm }));
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(2));
    expect(writes[1]).toEqual({ method: "DELETE", path: `/api/orgs/${ORG}/members/m3`, body: null });
    expect(screen.queryByText("ada@example.com")).toBeNull();

    const pending = screen.getByTestId("invitations");
    expect(within(pending).getAllByRole("listitem")).toHaveLength(2);
    const nia = within(pending).getByText("nia@example.com").closest("li")!;
    fireEvent.click(within(nia).getByRole("button", { name: s.members.revoke }));
    await waitFor(() => expect(within(screen.getByTestId("invitations")).getAllByRole("listitem")).toHaveLength(1));
    expect(writes[2]).toEqual({ method: "DELETE", path: `/api/orgs/${ORG}/invitations/i1`, body: null });
    expect(screen.queryByText("nia@example.com")).toBeNull();
    expect(screen.getByText("sam@example.com")).toBeTruthy();
    expect(writes).toHaveLength(3);
  });
});

describe("API keys", () => {
  it("shows a new key's secret once and revokes only after confirming", async () => {
    const deleted: string[] = [];
    const key = {
      id: "k1",
      name: "CRM sync",
      prefix: "sk_abcdefg",
      role: "operator",
      created_at: "2026-01-01T00:00:00Z",
      last_used_at: null,
      revoked_at: null,
    };
    renderWith(
      <App />,
      {
        "GET /api/me": () => json(ME),
        [`GET /api/orgs/${ORG}/api-keys`]: () => json([key]),
        "GET /api/auth/csrf": () => json({ csrf_token: "t", header: "X-CSRF-Token" }),
        [`POST /api/orgs/${ORG}/api-keys`]: () => json({ ...key, id: "k2", secret: "sk_secret_value" }, 201),
        [`DELETE /api/orgs/${ORG}/api-keys/k1`]: (request) => {
          deleted.push(new URL(request.url).pathname);
          return new Response(null, { status: 204 });
        },
      },
      "/settings/api-keys",
    );
    await screen.findByTestId("api-key-row");
    fireEvent.change(screen.getByTestId("key-name"), { target: { value: "Billing" } });
    fireEvent.click(screen.getByRole("button", { name: s.apiKeys.createButton }));
    expect((await screen.findByTestId("api-key-secret")).textContent).toBe("sk_secret_value");
    fireEvent.click(screen.getByRole("button", { name: s.apiKeys.revoke }));
    expect(deleted).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: s.apiKeys.confirm }));
    await waitFor(() => expect(deleted).toEqual([`/api/orgs/${ORG}/api-keys/k1`]));
  });
});
