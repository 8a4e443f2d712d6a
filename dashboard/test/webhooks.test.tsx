import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../src/App";
import type { WebhookDelivery, WebhookEndpoint } from "../src/api/webhooks";
import { strings } from "../src/strings";
import { ME, ORG, json, renderWith } from "./render";

const w = strings.webhooks;
const E1 = "00000000-0000-0000-0000-0000000000e1";
const E2 = "00000000-0000-0000-0000-0000000000e2";
const BASE = `/api/orgs/${ORG}/webhooks`;
// core/webhooks.py EVENT_TYPES, in its order.
const EVENT_TYPES = [
  "conversation.created",
  "conversation.resolved",
  "message.created",
  "handoff.requested",
  "document.ready",
  "document.failed",
  "call.ended",
  "export.ready",
  "deletion.completed",
];

afterEach(() => cleanup());

function endpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: E1,
    url: "https://crm.example/hooks",
    description: "CRM",
    event_types: ["conversation.created"],
    enabled: true,
    consecutive_failures: 0,
    disabled_reason: null,
    previous_secret_expires_at: null,
    created_at: "2026-01-02T10:00:00Z",
    updated_at: "2026-01-02T10:00:00Z",
    ...overrides,
  };
}

function delivery(id: string, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id,
    event_id: `00000000-0000-0000-0000-00000000e${id.padStart(3, "0")}`,
    event_type: "conversation.created",
    status: "succeeded",
    attempts: 1,
    response_status: 200,
    duration_ms: 12,
    last_error: null,
    replay_of: null,
    created_at: "2026-01-03T10:00:00Z",
    last_attempt_at: "2026-01-03T10:00:00Z",
    finished_at: "2026-01-03T10:00:01Z",
    ...overrides,
  };
}

const csrf = { "GET /api/auth/csrf": () => json({ csrf_token: "t", header: "X-CSRF-Token" }) };

type Write = { method: string; path: string; body: unknown };
async function recorded(writes: Write[], request: Request) {
  const text = await request.text();
  writes.push({ method: request.method, path: new URL(request.url).pathname, body: text ? JSON.parse(text) : null });
}

describe("webhook endpoints", () => {
  it("is a settings page for owners and admins only: an operator is refused and nothing is asked", async () => {
    const { requests } = renderWith(<App />, { "GET /api/me": () => json({ ...ME, role: "operator" }) }, "/settings/webhooks");
    expect(await screen.findByTestId("no-access")).toBeTruthy();
    expect(requests.some((request) => new URL(request.url).pathname.includes("/webhooks"))).toBe(false);
  });

  it("lists the endpoints with their events, and when and why one was disabled", async () => {
    renderWith(
      <App />,
      {
        "GET /api/me": () => json({ ...ME, role: "admin" }),
        [`GET ${BASE}`]: () =>
          json([
            endpoint({ event_types: ["conversation.created", "message.created"], consecutive_failures: 2 }),
            endpoint({
              id: E2,
              url: "https://old.example/hooks",
              description: "",
              enabled: false,
              consecutive_failures: 5,
              disabled_reason: "disabled after 5 failed deliveries in a row",
              updated_at: "2026-01-04T12:00:00Z",
            }),
          ]),
      },
      "/settings/webhooks",
    );
    const rows = await screen.findAllByTestId("webhook-endpoint-row");
    expect(rows).toHaveLength(2);
    const [crm, old] = rows as [HTMLElement, HTMLElement];
    expect(within(crm).getByRole("link", { name: w.open("https://crm.example/hooks") }).getAttribute("href")).toBe(
      `/settings/webhooks/${E1}`,
    );
    expect(within(crm).getByText("CRM")).toBeTruthy();
    expect(within(crm).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "conversation.created",
      "message.created",
    ]);
    expect(within(crm).getByTestId("endpoint-status").textContent).toBe(`${w.enabled}${w.failing(2)}`);
    const status = within(old).getByTestId("endpoint-status");
    expect(within(status).getByText(w.disabled)).toBeTruthy();
    const reason = within(status).getByTestId("disabled-reason").textContent ?? "";
    expect(reason).toContain("disabled after 5 failed deliveries in a row");
    expect(reason).toContain("2026"); // when: the day it was disabled
  });

  it("adds an endpoint with the chosen events and shows its secret once, with a copy button", async () => {
    const writeText = vi.fn(async (_: string) => undefined);
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
    let endpoints: WebhookEndpoint[] = [];
    const writes: Write[] = [];
    renderWith(
      <App />,
      {
        "GET /api/me": () => json(ME),
        ...csrf,
        [`GET ${BASE}`]: () => json(endpoints),
        [`POST ${BASE}`]: async (request) => {
          await recorded(writes, request);
          const created = endpoint({
            url: "http://127.0.0.1:9999/hooks",
            description: "Test receiver",
            event_types: ["conversation.created", "message.created"],
          });
          endpoints = [created];
          return json({ ...created, secret: "whsec_c2VjcmV0" }, 201);
        },
        [`GET ${BASE}/${E1}`]: () => json(endpoints[0]),
        [`GET ${BASE}/${E1}/deliveries`]: () => json({ deliveries: [], next_cursor: null }),
      },
      "/settings/webhooks",
    );
    expect(await screen.findByTestId("webhooks-empty")).toBeTruthy();
    const choices = screen.getByTestId("event-types");
    const boxes = within(choices).getAllByRole("checkbox") as HTMLInputElement[];
    expect(boxes.map((box) => box.value)).toEqual(EVENT_TYPES);

    fireEvent.change(screen.getByTestId("webhook-url"), { target: { value: " http://127.0.0.1:9999/hooks " } });
    fireEvent.change(screen.getByTestId("webhook-description"), { target: { value: "Test receiver" } });
    // No event chosen: refused here, nothing sent.
    fireEvent.click(screen.getByTestId("webhook-add"));
    expect((await screen.findByRole("alert")).textContent).toBe(w.chooseAtLeastOne);
    expect(writes).toEqual([]);
    // Chosen out of order; sent in the offered order.
    fireEvent.click(within(choices).getByRole("checkbox", { name: /message\.created/ }));
    fireEvent.click(within(choices).getByRole("checkbox", { name: /^conversation\.created/ }));
    fireEvent.click(screen.getByTestId("webhook-add"));

    const secret = await screen.findByTestId("webhook-secret");
    expect(secret.textContent).toBe("whsec_c2VjcmV0");
    expect(writes).toEqual([
      {
        method: "POST",
        path: BASE,
        body: {
          url: "http://127.0.0.1:9999/hooks",
          description: "Test receiver",
          event_types: ["conversation.created", "message.created"],
        },
      },
    ]);
    const region = screen.getByRole("region", { name: w.secretTitle });
    expect(within(region).getByText(w.secretHint)).toBeTruthy();
    fireEvent.click(within(region).getByRole("button", { name: strings.settings.copy }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith("whsec_c2VjcmV0"));
    expect(await within(region).findByText(strings.settings.copied)).toBeTruthy();
    // The form is cleared and the list read again; the list never carries the secret.
    expect((screen.getByTestId("webhook-url") as HTMLInputElement).value).toBe("");
    expect(await screen.findAllByTestId("webhook-endpoint-row")).toHaveLength(1);

    // Once: after opening the endpoint and coming back, the secret is gone.
    fireEvent.click(screen.getByRole("link", { name: w.openEndpoint }));
    expect((await screen.findByTestId("endpoint-url")).textContent).toBe("http://127.0.0.1:9999/hooks");
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
    fireEvent.click(screen.getByRole("link", { name: new RegExp(w.back) }));
    expect(await screen.findAllByTestId("webhook-endpoint-row")).toHaveLength(1);
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
    expect(screen.queryByText("whsec_c2VjcmV0")).toBeNull();
  });
});

describe("one webhook endpoint", () => {
  it("sends only what changed, disables and enables, rotates after a confirm and deletes after a confirm", async () => {
    let current = endpoint({ event_types: ["conversation.created", "message.created"] });
    const writes: Write[] = [];
    renderWith(
      <App />,
      {
        "GET /api/me": () => json({ ...ME, role: "admin" }),
        ...csrf,
        [`GET ${BASE}`]: () => json([current]),
        [`GET ${BASE}/${E1}`]: () => json(current),
        [`GET ${BASE}/${E1}/deliveries`]: () => json({ deliveries: [], next_cursor: null }),
        [`PATCH ${BASE}/${E1}`]: async (request) => {
          await recorded(writes, request);
          const body = writes.at(-1)!.body as Partial<WebhookEndpoint>;
          current = {
            ...current,
            ...body,
            disabled_reason: body.enabled === false ? "disabled by a member" : body.enabled ? null : current.disabled_reason,
            updated_at: "2026-01-05T09:00:00Z",
          };
          return json(current);
        },
        [`POST ${BASE}/${E1}/secret`]: async (request) => {
          await recorded(writes, request);
          current = { ...current, previous_secret_expires_at: new Date(Date.now() + 86_400_000).toISOString() };
          return json({ ...current, secret: "whsec_bmV3" });
        },
        [`DELETE ${BASE}/${E1}`]: async (request) => {
          await recorded(writes, request);
          return new Response(null, { status: 204 });
        },
      },
      `/settings/webhooks/${E1}`,
    );
    expect((await screen.findByTestId("endpoint-url")).textContent).toBe("https://crm.example/hooks");
    expect((await screen.findByTestId("deliveries-empty")).textContent).toBe(w.noDeliveries);
    expect(screen.queryByTestId("previous-secret")).toBeNull(); // never rotated
    const save = screen.getByTestId("edit-save") as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet

    // Event types and description: only those two are sent.
    const settingsForm = screen.getByRole("region", { name: w.settings });
    fireEvent.change(screen.getByTestId("edit-description"), { target: { value: "CRM (prod)" } });
    fireEvent.click(within(settingsForm).getByRole("checkbox", { name: /message\.created/ }));
    fireEvent.click(within(settingsForm).getByRole("checkbox", { name: /handoff\.requested/ }));
    fireEvent.click(save);
    await waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]).toEqual({
      method: "PATCH",
      path: `${BASE}/${E1}`,
      body: { description: "CRM (prod)", event_types: ["conversation.created", "handoff.requested"] },
    });
    expect(await within(settingsForm).findByText(strings.settings.saved)).toBeTruthy();
    await waitFor(() => expect(save.disabled).toBe(true)); // saved: nothing left to send

    // Every event unchecked: cannot be saved.
    fireEvent.click(within(settingsForm).getByRole("button", { name: w.selectNone }));
    expect(within(settingsForm).getByRole("alert").textContent).toBe(w.chooseAtLeastOne);
    expect(save.disabled).toBe(true);
    fireEvent.click(within(settingsForm).getByRole("button", { name: w.selectAll }));
    expect(save.disabled).toBe(false);
    fireEvent.click(within(settingsForm).getByRole("button", { name: w.selectNone }));
    fireEvent.click(within(settingsForm).getByRole("checkbox", { name: /^conversation\.created/ }));
    fireEvent.click(within(settingsForm).getByRole("checkbox", { name: /handoff\.requested/ }));

    // Disable, then enable again.
    fireEvent.click(screen.getByTestId("endpoint-toggle"));
    await waitFor(() => expect(screen.getByTestId("endpoint-toggle").textContent).toBe(w.enable));
    expect(screen.getByText(w.disabledNotSending)).toBeTruthy();
    expect(screen.getByTestId("disabled-reason").textContent).toContain("disabled by a member");
    fireEvent.click(screen.getByTestId("endpoint-toggle"));
    await waitFor(() => expect(screen.getByTestId("endpoint-toggle").textContent).toBe(w.disable));
    expect(writes.slice(1).map((write) => write.body)).toEqual([{ enabled: false }, { enabled: true }]);

    // Rotating asks first, then shows the new secret once.
    fireEvent.click(screen.getByRole("button", { name: w.rotate }));
    expect(writes).toHaveLength(3);
    fireEvent.click(screen.getByRole("button", { name: w.rotateConfirm }));
    expect((await screen.findByTestId("webhook-secret")).textContent).toBe("whsec_bmV3");
    expect(writes[3]).toEqual({ method: "POST", path: `${BASE}/${E1}/secret`, body: null });
    expect(screen.getByRole("region", { name: w.newSecretTitle })).toBeTruthy();
    // The replaced secret signs beside it for a while: until when is said.
    expect(screen.getByTestId("previous-secret").textContent).toMatch(/^The replaced secret also signs deliveries until /);

    // Deleting asks first, then goes back to the list.
    fireEvent.click(screen.getByRole("button", { name: w.remove }));
    expect(writes).toHaveLength(4);
    expect(screen.getByText(w.confirmRemove("https://crm.example/hooks"))).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: w.removeConfirm }));
    expect(await screen.findByRole("heading", { name: w.title, level: 2 })).toBeTruthy();
    expect(writes[4]).toEqual({ method: "DELETE", path: `${BASE}/${E1}`, body: null });
  });

  it("says so when the endpoint does not exist", async () => {
    renderWith(
      <App />,
      {
        "GET /api/me": () => json(ME),
        [`GET ${BASE}/${E2}`]: () => json({ detail: "no such webhook endpoint" }, 404),
      },
      `/settings/webhooks/${E2}`,
    );
    expect((await screen.findByRole("alert")).textContent).toBe(w.notFound);
    expect(screen.getByRole("link", { name: new RegExp(w.back) })).toBeTruthy();
  });
});

describe("the delivery log", () => {
  it("shows each delivery's outcome, loads more after the cursor, and replays one as a new delivery", async () => {
    let first = [
      delivery("2", {
        event_type: "message.created",
        status: "failed",
        attempts: 4,
        response_status: 500,
        duration_ms: 40,
        last_error: "HTTP 500",
        created_at: "2026-01-03T11:00:00Z",
      }),
      delivery("1"),
    ];
    const older = [delivery("0", { status: "pending", response_status: null, duration_ms: null, attempts: 0 })];
    const cursors: (string | null)[] = [];
    const writes: Write[] = [];
    renderWith(
      <App />,
      {
        "GET /api/me": () => json(ME),
        ...csrf,
        [`GET ${BASE}/${E1}`]: () => json(endpoint()),
        [`GET ${BASE}/${E1}/deliveries`]: (request) => {
          const cursor = new URL(request.url).searchParams.get("cursor");
          cursors.push(cursor);
          return cursor === "page-2"
            ? json({ deliveries: older, next_cursor: null })
            : json({ deliveries: first, next_cursor: "page-2" });
        },
        [`POST ${BASE}/${E1}/deliveries/1/replay`]: async (request) => {
          await recorded(writes, request);
          const replay = delivery("3", {
            status: "pending",
            attempts: 0,
            response_status: null,
            duration_ms: null,
            replay_of: "1",
            created_at: "2026-01-03T12:00:00Z",
          });
          first = [replay, ...first];
          return json(replay, 202);
        },
      },
      `/settings/webhooks/${E1}`,
    );
    let rows = await screen.findAllByTestId("delivery-row");
    expect(rows).toHaveLength(2);
    const [failed, succeeded] = rows as [HTMLElement, HTMLElement];
    expect(within(failed).getByText("message.created")).toBeTruthy();
    expect(within(failed).getByTestId("delivery-status").textContent).toBe(w.deliveryStatus.failed);
    expect(within(failed).getByTestId("delivery-code").textContent).toBe("500");
    expect(within(failed).getByText("HTTP 500")).toBeTruthy();
    expect(within(failed).getByTestId("delivery-attempts").textContent).toBe("4");
    expect(within(succeeded).getByTestId("delivery-status").textContent).toBe(w.deliveryStatus.succeeded);
    expect(within(succeeded).getByTestId("delivery-code").textContent).toBe("200");
    expect(within(succeeded).getByTestId("delivery-duration").textContent).toBe(w.ms(12));
    expect(within(succeeded).getByTestId("delivery-attempts").textContent).toBe("1");
    expect(within(succeeded).getByRole("time")).toBeTruthy();
    expect(cursors).toEqual([null]);

    fireEvent.click(screen.getByTestId("deliveries-more"));
    await waitFor(() => expect(screen.getAllByTestId("delivery-row")).toHaveLength(3));
    expect(cursors).toEqual([null, "page-2"]);
    expect(screen.queryByTestId("deliveries-more")).toBeNull(); // the last page
    expect(screen.getByTestId("deliveries-shown").textContent).toBe(w.shown(3));
    const pending = screen.getAllByTestId("delivery-row")[2]!;
    expect(within(pending).getByTestId("delivery-status").textContent).toBe(w.deliveryStatus.pending);
    expect(within(pending).getByTestId("delivery-code").textContent).toBe("—");

    fireEvent.click(within(screen.getAllByTestId("delivery-row")[1]!).getByRole("button", { name: w.replay }));
    await waitFor(() => expect(screen.getAllByTestId("delivery-row")).toHaveLength(4));
    expect(writes).toEqual([{ method: "POST", path: `${BASE}/${E1}/deliveries/1/replay`, body: null }]);
    rows = screen.getAllByTestId("delivery-row");
    const replayed = rows[0]!;
    expect(replayed.dataset.fresh).toBe("true");
    expect(within(replayed).getByText(w.replayOf)).toBeTruthy();
    expect(within(replayed).getByTestId("delivery-status").textContent).toBe(w.deliveryStatus.pending);
    expect(screen.getByTestId("replay-status").textContent).toBe(w.replayed("conversation.created"));
  });

  it("offers no replay while the endpoint is disabled", async () => {
    renderWith(
      <App />,
      {
        "GET /api/me": () => json(ME),
        [`GET ${BASE}/${E1}`]: () => json(endpoint({ enabled: false, disabled_reason: "disabled by a member" })),
        [`GET ${BASE}/${E1}/deliveries`]: () => json({ deliveries: [delivery("1")], next_cursor: null }),
      },
      `/settings/webhooks/${E1}`,
    );
    const row = await screen.findByTestId("delivery-row");
    const replay = within(row).getByRole("button", { name: w.replay }) as HTMLButtonElement;
    expect(replay.disabled).toBe(true);
    expect(replay.title).toBe(w.replayDisabled);
  });
});
