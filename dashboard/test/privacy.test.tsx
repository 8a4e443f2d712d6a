import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CSRF_HEADER } from "../src/api/client";
import Privacy from "../src/pages/privacy/Privacy";
import { strings } from "../src/strings";
import { ME, MEMBER, ORG, json, renderWith } from "./render";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const s = strings.privacy;
const EXPORT = "00000000-0000-0000-0000-0000000000e1";
const CSRF = { "GET /api/auth/csrf": () => json({ csrf_token: "tok", header: CSRF_HEADER }) };
const routes = (role: string) => (
  <Routes>
    <Route path="/privacy/*" element={<Privacy me={{ ...ME, role }} />} />
  </Routes>
);

function exportStatus(status: string, overrides: Record<string, unknown> = {}) {
  return {
    id: EXPORT,
    kind: "organization_export",
    status,
    contact_id: null,
    created_at: "2026-01-05T10:00:00Z",
    completed_at: status === "completed" ? "2026-01-05T10:00:05Z" : null,
    size_bytes: status === "completed" ? 4608 : null,
    counts: {},
    expires_at: status === "completed" ? "2099-01-06T10:00:05Z" : null,
    link_expired: false,
    downloaded_at: null,
    failure_reason: null,
    ...overrides,
  };
}

describe("the privacy pages", () => {
  it("tell an operator who to ask, and ask the API nothing", async () => {
    const { requests } = renderWith(routes("operator"), {}, "/privacy");
    expect(await screen.findByText(s.notAllowed)).toBeTruthy();
    expect(requests).toHaveLength(0);
  });

  it("request an organization export with the CSRF token, follow it, and download a fresh link", async () => {
    let built = false;
    const assign = vi.fn();
    vi.spyOn(window, "location", "get").mockReturnValue({ ...window.location, assign, origin: "http://127.0.0.1:8000" } as Location);
    const { requests } = renderWith(
      routes("compliance"),
      {
        ...CSRF,
        [`GET /api/orgs/${ORG}/exports`]: () => json(built ? [exportStatus("completed")] : []),
        [`POST /api/orgs/${ORG}/exports`]: () => {
          built = true;
          return json({ id: EXPORT, kind: "organization_export", status: "pending" }, 202);
        },
        [`GET /api/orgs/${ORG}/exports/${EXPORT}`]: () =>
          json(exportStatus("completed", { download_url: "http://127.0.0.1:8000/api/exports/fresh-link" })),
      },
      "/privacy/exports",
    );
    expect(await screen.findByText(s.exports.empty)).toBeTruthy();
    fireEvent.click(screen.getByTestId("export-organization"));
    const row = await screen.findByTestId("export-row");
    expect(row.getAttribute("data-status")).toBe("completed");
    expect(row.textContent).toContain("4.5 KB");
    const post = requests.find((request) => request.method === "POST");
    expect(post?.headers.get(CSRF_HEADER)).toBe("tok");
    expect(await post!.json()).toEqual({ contact_id: null });

    // No link is minted until Download is clicked: a status read replaces the previous one.
    expect(requests.some((request) => request.url.endsWith(`/exports/${EXPORT}`))).toBe(false);
    fireEvent.click(within(row).getByTestId("download-export"));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("http://127.0.0.1:8000/api/exports/fresh-link"));
  });

  it("start a deletion only after the organization's name is typed, show the receipt once, and cancel", async () => {
    let state: Record<string, unknown> | null = null;
    const scheduled = {
      status: "scheduled",
      requested_at: "2026-01-05T10:00:00Z",
      purge_after: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      deadline: "2026-02-04T10:00:00Z",
      hold: null,
      stage: null,
      deleted: {},
    };
    const { requests } = renderWith(
      routes("owner"),
      {
        ...CSRF,
        [`GET /api/orgs/${ORG}/audit-log`]: () => json({ items: [], total: state ? 1 : 0 }),
        [`GET /api/orgs/${ORG}/deletion`]: () => json(state),
        [`POST /api/orgs/${ORG}/deletion`]: () => {
          state = scheduled;
          return json({ ...scheduled, receipt_token: "receipt-token-123", message: "deletion requested" }, 202);
        },
        [`POST /api/orgs/${ORG}/deletion/cancel`]: () => {
          state = { ...scheduled, status: "cancelled", cancelled_at: "2026-01-05T10:05:00Z" };
          return json(state);
        },
      },
      "/privacy/deletion",
    );
    expect(await screen.findByText(s.deletion.none)).toBeTruthy();
    // Nothing was ever requested (the audit log says so): the deletion is not asked for.
    expect(requests.some((request) => new URL(request.url).pathname.endsWith("/deletion"))).toBe(false);
    fireEvent.click(screen.getByTestId("start-deletion"));
    const confirm = screen.getByTestId("confirm-deletion") as HTMLButtonElement;
    fireEvent.change(screen.getByTestId("deletion-confirm"), { target: { value: "Lum" } });
    expect(confirm.disabled).toBe(true);
    expect(screen.getByText(s.deletion.mismatch)).toBeTruthy();
    fireEvent.change(screen.getByTestId("deletion-confirm"), { target: { value: "Lumen" } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);

    const link = await screen.findByTestId("receipt-link");
    expect(link.getAttribute("href")).toBe("/deletion-receipts/receipt-token-123");
    expect((await screen.findByTestId("deletion-status")).textContent).toBe("Scheduled");
    expect(screen.getByTestId("countdown").textContent).toMatch(/^[23] d/);
    expect(screen.queryByTestId("place-hold")).toBeNull(); // legal holds are compliance's

    fireEvent.click(screen.getByTestId("cancel-deletion"));
    await waitFor(() => expect(screen.getByTestId("deletion-status").textContent).toBe("Cancelled"));
    const writes = requests.filter((request) => request.method === "POST").map((request) => new URL(request.url).pathname);
    expect(writes).toEqual([`/api/orgs/${ORG}/deletion`, `/api/orgs/${ORG}/deletion/cancel`]);
  });

  it("erase a reported minor at once, after its own confirmation, and link the request", async () => {
    const CONTACT = "00000000-0000-0000-0000-0000000000c1";
    const REQUEST = "00000000-0000-0000-0000-0000000000f1";
    const contact = {
      id: CONTACT,
      name: "Kim",
      email: "kim@example.com",
      external_id: null,
      phone: null,
      verified: false,
      created_at: "2026-01-05T10:00:00Z",
    };
    const { requests } = renderWith(
      routes("compliance"),
      {
        ...CSRF,
        [`GET /api/orgs/${ORG}/contacts`]: () => json({ items: [contact], total: 1 }),
        [`POST /api/orgs/${ORG}/contacts/${CONTACT}/report-minor`]: () =>
          json(
            {
              id: REQUEST,
              kind: "contact_erasure",
              status: "running",
              contact_id: CONTACT,
              reason: "reported minor",
              receipt: {},
              requested_by_member_id: MEMBER,
              workflow_id: null,
              created_at: "2026-01-05T10:01:00Z",
              completed_at: null,
              downloaded_at: null,
              expires_at: null,
              failure_reason: null,
              size_bytes: null,
            },
            202,
          ),
      },
      "/privacy/erasure",
    );
    fireEvent.change(await screen.findByTestId("erasure-query"), { target: { value: "kim@example.com" } });
    fireEvent.click(screen.getByRole("button", { name: s.erasure.search }));
    const found = await screen.findByTestId("erasure-contact");
    const search = requests.find((request) => new URL(request.url).pathname.endsWith("/contacts"))!;
    expect(new URL(search.url).searchParams.get("email")).toBe("kim@example.com");

    fireEvent.click(within(found).getByTestId("report-minor"));
    // Nothing is erased before the confirmation, which says there is no grace period.
    expect(requests.some((request) => request.method === "POST")).toBe(false);
    expect(within(found).getByRole("group", { name: s.erasure.minorTitle }).textContent).toContain(s.erasure.minorBody);
    const confirm = within(found).getByTestId("confirm-erase");
    expect(confirm.textContent).toBe(s.erasure.minorConfirm);
    fireEvent.click(confirm);

    const done = await screen.findByTestId("erasure-done");
    expect(done.textContent).toContain(s.erasure.done);
    expect(done.textContent).toContain(s.status.running);
    expect(within(done).getByRole("link", { name: s.erasure.viewRequest }).getAttribute("href")).toBe(
      `/privacy/requests/${REQUEST}`,
    );
    expect(screen.queryByTestId("confirm-erase")).toBeNull();
    const writes = requests.filter((request) => request.method === "POST");
    expect(writes.map((request) => new URL(request.url).pathname)).toEqual([
      `/api/orgs/${ORG}/contacts/${CONTACT}/report-minor`,
    ]);
    expect(writes[0]!.headers.get(CSRF_HEADER)).toBe("tok");
    expect(await writes[0]!.text()).toBe("");
  });

  it("filter the audit log by action, actor and dates, and page through it", async () => {
    const entry = (n: number) => ({
      id: `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`,
      action: "privacy.export_requested",
      actor_member_id: MEMBER,
      actor_api_key_id: null,
      target_type: "privacy_request",
      target_id: EXPORT,
      details: { kind: "organization_export" },
      created_at: "2026-01-05T10:00:00Z",
    });
    const { requests } = renderWith(
      routes("admin"),
      {
        [`GET /api/orgs/${ORG}/members`]: () =>
          json([{ id: MEMBER, name: "Olive Owner", email: null, role: "owner", created_at: "2026-01-01T00:00:00Z" }]),
        [`GET /api/orgs/${ORG}/audit-log`]: (request) => {
          const offset = Number(new URL(request.url).searchParams.get("offset"));
          return json({ items: Array.from({ length: offset ? 10 : 50 }, (_, n) => entry(offset + n)), total: 60 });
        },
      },
      "/privacy/audit",
    );
    expect(await screen.findAllByTestId("audit-row")).toHaveLength(50);
    expect(screen.getAllByTestId("audit-row")[0]?.textContent).toContain("Olive Owner");
    await screen.findByRole("option", { name: "Olive Owner" });

    fireEvent.change(screen.getByTestId("audit-action"), { target: { value: "privacy." } });
    fireEvent.change(screen.getByTestId("audit-actor"), { target: { value: MEMBER } });
    fireEvent.change(screen.getByTestId("audit-since"), { target: { value: "2026-01-01" } });
    fireEvent.change(screen.getByTestId("audit-until"), { target: { value: "2026-01-31" } });
    await waitFor(() => expect(new URL(requests.at(-1)!.url).searchParams.get("until")).not.toBeNull());
    const query = new URL(requests.at(-1)!.url).searchParams;
    expect(query.get("action")).toBe("privacy.");
    expect(query.get("actor_member_id")).toBe(MEMBER);
    expect(query.get("since")).toBe(new Date(2026, 0, 1).toISOString());
    expect(query.get("until")).toBe(new Date(2026, 1, 1).toISOString()); // the whole last day
    expect(query.get("offset")).toBe("0");

    fireEvent.click(screen.getByTestId("next-page"));
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(10));
    expect(new URL(requests.at(-1)!.url).searchParams.get("offset")).toBe("50");
    expect(screen.getByText("51–60 of 60")).toBeTruthy();
  });
});
