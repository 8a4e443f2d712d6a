import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../src/App";
import { CSRF_HEADER } from "../src/api/client";
import type { Call, PhoneNumber, Telephony } from "../src/api/phone";
import { Inbox } from "../src/pages/Inbox";
import { strings } from "../src/strings";
import { FakeEventSource, withFakeEventSource } from "./eventSource";
import { ME, ORG, json, renderWith, summary } from "./render";

withFakeEventSource();
afterEach(() => cleanup());

const p = strings.phone;
const A = "00000000-0000-0000-0000-00000000000a";
const CALL = "00000000-0000-0000-0000-0000000000c1";

// The conversation view of a phone call -------------------------------------------------------

function call(overrides: Partial<Call> = {}): Call {
  return {
    id: CALL,
    conversation_id: A,
    direction: "inbound",
    from_number: "+15550001111",
    to_number: "+15551230000",
    status: "in-progress",
    outcome: null,
    transfer_target: null,
    started_at: new Date(Date.now() - 65_000).toISOString(),
    ended_at: null,
    duration_seconds: null,
    recorded: false,
    ...overrides,
  };
}

function conversation(channel: string) {
  return {
    conversation: summary(A, { channel, status: "open" }),
    contact: { id: "cc", name: "Ada", email: null },
    contact_panel: null,
    live: { status: "answering", operator: null, pending_handoff: false, queued: 0 },
    messages: [],
  };
}

function conversationAnswers(channel: string, calls: { list: Call[] }, role = "owner") {
  return {
    "GET /api/me": () => json({ ...ME, role }),
    [`GET /api/orgs/${ORG}/conversations`]: () => json({ items: [summary(A, { channel })], total: 1 }),
    [`GET /api/orgs/${ORG}/conversations/${A}`]: () => json(conversation(channel)),
    [`GET /api/orgs/${ORG}/conversations/${A}/notes`]: () => json([]),
    [`GET /api/orgs/${ORG}/members`]: () => json([]),
    [`GET /api/orgs/${ORG}/calls`]: () => json({ calls: calls.list, next_cursor: null }),
    "GET /api/auth/csrf": () => json({ csrf_token: "tok", header: CSRF_HEADER }),
  };
}

const inbox = (role = "owner") => (
  <Routes>
    <Route path="/inbox/:conversationId" element={<Inbox me={{ ...ME, role }} />} />
  </Routes>
);

describe("the call panel", () => {
  it("shows a live phone call and ends it after a confirmation", async () => {
    const calls = { list: [call()] };
    const { requests } = renderWith(
      inbox(),
      {
        ...conversationAnswers("phone", calls),
        [`POST /api/orgs/${ORG}/calls/${CALL}/end`]: () => {
          calls.list = [call({ status: "completed", ended_at: new Date().toISOString(), duration_seconds: 66, outcome: "ended_by_operator" })];
          return new Response(null, { status: 202 });
        },
      },
      `/inbox/${A}`,
    );
    const panel = await screen.findByTestId("call-panel");
    expect(panel.getAttribute("data-live")).toBe("true");
    expect(within(panel).getByRole("heading").textContent).toBe(p.call.titleLive);
    expect(within(panel).getByTestId("call-number").textContent).toBe("+15550001111");
    expect(within(panel).getByText(p.call.directions.inbound!)).toBeTruthy();
    expect(within(panel).getByTestId("call-duration").textContent).toMatch(/^1:0\d$/); // ticking since it started
    const listed = requests.find((request) => new URL(request.url).pathname.endsWith("/calls"))!;
    expect(new URL(listed.url).searchParams.get("conversation_id")).toBe(A);

    fireEvent.click(within(panel).getByTestId("end-call"));
    const confirm = within(panel).getByRole("group", { name: p.call.endQuestion });
    expect(requests.some((request) => request.method === "POST")).toBe(false); // not before confirming
    fireEvent.click(within(confirm).getByText(p.call.endConfirm));
    await waitFor(() => expect(screen.getByTestId("call-panel").getAttribute("data-live")).toBe("false"));
    const ended = requests.find((request) => request.method === "POST")!;
    expect(new URL(ended.url).pathname).toBe(`/api/orgs/${ORG}/calls/${CALL}/end`);
    expect(ended.headers.get(CSRF_HEADER)).toBe("tok");
    const after = screen.getByTestId("call-panel");
    expect(within(after).getByTestId("call-outcome").textContent).toBe(p.call.outcomes.ended_by_operator);
    expect(within(after).getByTestId("call-duration").textContent).toBe("1:06");
    expect(within(after).queryByTestId("end-call")).toBeNull();
  });

  it("shows a finished transfer with its target, and refreshes on a call event", async () => {
    const calls = {
      list: [
        call({ status: "completed", outcome: "transferred", transfer_target: "+15559998888", ended_at: "2026-01-05T10:03:00Z", duration_seconds: 125 }),
      ],
    };
    renderWith(inbox(), conversationAnswers("phone", calls), `/inbox/${A}`);
    const panel = await screen.findByTestId("call-panel");
    expect(within(panel).getByTestId("call-transfer").textContent).toBe("+15559998888");
    expect(within(panel).getByTestId("call-outcome").textContent).toBe(p.call.outcomes.transferred);
    expect(within(panel).getByTestId("call-duration").textContent).toBe("2:05");

    calls.list = [call({ id: "c2" }), ...calls.list];
    const stream = FakeEventSource.opened.find((source) => source.url.endsWith(`/conversations/${A}/events`));
    act(() => stream!.emit("call.started", { id: 5, type: "call.started", conversation_id: A, data: { call_id: "c2" } }));
    await waitFor(() => expect(screen.getByTestId("call-panel").getAttribute("data-live")).toBe("true"));
    expect(screen.getByText(p.call.earlier(1))).toBeTruthy();
  });

  it("says a widget voice call came from the microphone", async () => {
    renderWith(inbox(), conversationAnswers("voice", { list: [call({ direction: "browser", from_number: null, to_number: null })] }), `/inbox/${A}`);
    const panel = await screen.findByTestId("call-panel");
    expect(within(panel).getByTestId("call-number").textContent).toBe(p.call.browser);
    expect(within(panel).getByText(p.call.directions.browser!)).toBeTruthy();
  });

  it("is not shown to compliance, who may not see calls (nor asked for)", async () => {
    const { requests } = renderWith(inbox("compliance"), conversationAnswers("phone", { list: [call()] }, "compliance"), `/inbox/${A}`);
    await screen.findByTestId("conversation");
    expect(screen.queryByTestId("call-panel")).toBeNull();
    expect(requests.some((request) => new URL(request.url).pathname.endsWith("/calls"))).toBe(false);
  });

  it("is not shown for a chat", async () => {
    const { requests } = renderWith(inbox(), conversationAnswers("chat", { list: [] }), `/inbox/${A}`);
    await screen.findByTestId("conversation");
    expect(screen.queryByTestId("call-panel")).toBeNull();
    expect(requests.some((request) => new URL(request.url).pathname.endsWith("/calls"))).toBe(false);
  });
});

// Settings -> Phone ----------------------------------------------------------------------------

function telephony(connected: boolean): Telephony {
  return {
    account: connected ? { provider: "twilio", account_hint: "AC…1234", connected_at: "2026-01-02T00:00:00Z" } : null,
    settings: {
      handoff_number: null,
      business_hours: null,
      call_greeting: "Thanks for calling Lumen.",
      record_calls: false,
    },
    voice: { description: "offline: faster-whisper tiny.en, Piper en_US-joe-medium", speaks: true },
  };
}

function number(overrides: Partial<PhoneNumber> = {}): PhoneNumber {
  return {
    id: "n1",
    number: "+15551230000",
    source: "own",
    label: "",
    assistant_enabled: true,
    created_at: "2026-01-02T00:00:00Z",
    ...overrides,
  };
}

function phoneAnswers(state: { telephony: Telephony; numbers: PhoneNumber[] }, role = "owner") {
  const TELEPHONY = `/api/orgs/${ORG}/telephony`;
  return {
    "GET /api/me": () => json({ ...ME, role }),
    [`GET /api/orgs/${ORG}/conversations`]: () => json({ items: [], total: 0 }),
    "GET /api/auth/csrf": () => json({ csrf_token: "tok", header: CSRF_HEADER }),
    [`GET ${TELEPHONY}`]: () => json(state.telephony),
    [`GET /api/orgs/${ORG}/phone-numbers`]: () => json({ numbers: state.numbers }),
  };
}

describe("phone settings", () => {
  it("connects a Twilio account, then shows only its hint, and explains a refusal", async () => {
    const state = { telephony: telephony(false), numbers: [] as PhoneNumber[] };
    let attempts = 0;
    const { requests } = renderWith(
      <App />,
      {
        ...phoneAnswers(state),
        [`PUT /api/orgs/${ORG}/telephony/account`]: async (request) => {
          attempts += 1;
          const body = (await request.json()) as { account_sid: string; auth_token: string };
          if (attempts === 1) return json({ detail: "Twilio refused these credentials (401)" }, 422);
          expect(body).toEqual({ account_sid: "AC00000000000000000000000000001234", auth_token: "secret-token" });
          state.telephony = telephony(true);
          return json(state.telephony.account);
        },
      },
      "/settings/phone",
    );
    expect((await screen.findByTestId("voice-description")).textContent).toContain("faster-whisper");
    expect((screen.getByTestId("import-numbers") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(p.settings.numbers.needsAccount)).toBeTruthy();
    const token = screen.getByTestId("account-token") as HTMLInputElement;
    expect(token.type).toBe("password");
    fireEvent.change(screen.getByTestId("account-sid"), { target: { value: "AC00000000000000000000000000001234" } });
    fireEvent.change(token, { target: { value: "secret-token" } });
    fireEvent.click(screen.getByTestId("account-connect"));
    expect(await screen.findByText(/Twilio refused these credentials/)).toBeTruthy();
    fireEvent.click(screen.getByTestId("account-connect"));
    expect((await screen.findByTestId("account-hint")).textContent).toContain("AC…1234");
    expect(screen.queryByTestId("account-token")).toBeNull(); // the token is never shown again
    expect(document.body.textContent).not.toContain("secret-token");
    const put = requests.filter((request) => request.method === "PUT");
    expect(put.every((request) => request.headers.get(CSRF_HEADER) === "tok")).toBe(true);
  });

  it("imports numbers, labels one and switches the assistant off", async () => {
    const state = { telephony: telephony(true), numbers: [] as PhoneNumber[] };
    const patches: unknown[] = [];
    renderWith(
      <App />,
      {
        ...phoneAnswers(state),
        [`POST /api/orgs/${ORG}/phone-numbers/import`]: () => {
          state.numbers = [number()];
          return json({ numbers: state.numbers });
        },
        [`PATCH /api/orgs/${ORG}/phone-numbers/n1`]: async (request) => {
          const body = (await request.json()) as Partial<PhoneNumber>;
          patches.push(body);
          state.numbers = [{ ...state.numbers[0]!, ...body }];
          return json(state.numbers[0]);
        },
      },
      "/settings/phone",
    );
    expect(await screen.findByText(p.settings.numbers.empty)).toBeTruthy();
    fireEvent.click(screen.getByTestId("import-numbers"));
    const row = await screen.findByTestId("phone-number");
    expect(row.textContent).toContain("+15551230000");
    const label = within(row).getByTestId("number-label");
    fireEvent.change(label, { target: { value: "Main line" } });
    fireEvent.blur(label);
    const toggle = within(row).getByRole("switch", { name: p.settings.numbers.assistantFor("+15551230000") }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    await waitFor(() => expect(patches).toEqual([{ label: "Main line" }]));
    fireEvent.click(toggle);
    await waitFor(() => expect(patches).toEqual([{ label: "Main line" }, { assistant_enabled: false }]));
    await waitFor(() => expect((within(screen.getByTestId("phone-number")).getByTestId("number-assistant") as HTMLInputElement).checked).toBe(false));
  });

  it("saves the hand-off number, business hours per weekday, the greeting and recording (off by default, explained)", async () => {
    const state = { telephony: telephony(true), numbers: [] as PhoneNumber[] };
    let saved: unknown = null;
    renderWith(
      <App />,
      {
        ...phoneAnswers(state),
        [`PUT /api/orgs/${ORG}/telephony/settings`]: async (request) => {
          saved = await request.json();
          return json(saved);
        },
      },
      "/settings/phone",
    );
    const record = (await screen.findByTestId("record-calls")) as HTMLInputElement;
    expect(record.checked).toBe(false);
    expect(screen.getByTestId("record-hint").textContent).toMatch(/recorded.*Callers are told/);
    fireEvent.change(screen.getByTestId("handoff-number"), { target: { value: " +15559998888 " } });
    fireEvent.change(screen.getByTestId("call-greeting"), { target: { value: "Hello from Lumen." } });
    fireEvent.click(screen.getByTestId("always-open"));
    fireEvent.change(screen.getByTestId("timezone"), { target: { value: "America/New_York" } });
    const friday = screen.getByTestId("hours-fri");
    fireEvent.change(within(friday).getByLabelText(p.settings.hours.close("Friday")), { target: { value: "15:00" } });
    const saturday = screen.getByTestId("hours-sat");
    fireEvent.click(within(saturday).getByLabelText(p.settings.hours.closedFor("Saturday")));
    fireEvent.change(within(saturday).getByLabelText(p.settings.hours.open("Saturday")), { target: { value: "10:00" } });
    fireEvent.change(within(saturday).getByLabelText(p.settings.hours.close("Saturday")), { target: { value: "14:00" } });
    fireEvent.click(record);
    fireEvent.click(screen.getByRole("button", { name: strings.settings.save }));
    await waitFor(() => expect(saved).not.toBeNull());
    expect(saved).toEqual({
      handoff_number: "+15559998888",
      call_greeting: "Hello from Lumen.",
      record_calls: true,
      business_hours: {
        timezone: "America/New_York",
        weekly: {
          mon: ["09:00-17:00"],
          tue: ["09:00-17:00"],
          wed: ["09:00-17:00"],
          thu: ["09:00-17:00"],
          fri: ["09:00-15:00"],
          sat: ["10:00-14:00"],
          sun: [],
        },
      },
    });
  });

  it("keeps a day's further opening ranges (a lunch break) when the first is edited", async () => {
    const state = { telephony: telephony(true), numbers: [] as PhoneNumber[] };
    state.telephony.settings.business_hours = { timezone: "Europe/Paris", weekly: { mon: ["09:00-12:00", "14:00-18:00"] } };
    let saved: { business_hours: { weekly: Record<string, string[]> } } | null = null;
    renderWith(
      <App />,
      {
        ...phoneAnswers(state),
        [`PUT /api/orgs/${ORG}/telephony/settings`]: async (request) => {
          saved = (await request.json()) as typeof saved;
          return json(saved);
        },
      },
      "/settings/phone",
    );
    const monday = await screen.findByTestId("hours-mon");
    expect((within(monday).getByLabelText(p.settings.hours.close("Monday")) as HTMLInputElement).value).toBe("12:00");
    fireEvent.change(within(monday).getByLabelText(p.settings.hours.open("Monday")), { target: { value: "08:30" } });
    fireEvent.click(screen.getByRole("button", { name: strings.settings.save }));
    await waitFor(() => expect(saved).not.toBeNull());
    expect(saved!.business_hours.weekly.mon).toEqual(["08:30-12:00", "14:00-18:00"]);
    expect(saved!.business_hours.weekly.tue).toEqual([]); // closed: it had no range
  });

  it("refuses a day that closes before it opens, and shows the server's reason for a field", async () => {
    const state = { telephony: telephony(true), numbers: [] as PhoneNumber[] };
    let puts = 0;
    renderWith(
      <App />,
      {
        ...phoneAnswers(state),
        [`PUT /api/orgs/${ORG}/telephony/settings`]: () => {
          puts += 1;
          return json({ detail: [{ loc: ["body", "handoff_number"], msg: "Value error, not an E.164 number", type: "value_error" }] }, 422);
        },
      },
      "/settings/phone",
    );
    fireEvent.click(await screen.findByTestId("always-open"));
    const monday = screen.getByTestId("hours-mon");
    fireEvent.change(within(monday).getByLabelText(p.settings.hours.close("Monday")), { target: { value: "08:00" } });
    fireEvent.click(screen.getByRole("button", { name: strings.settings.save }));
    expect(await screen.findByText(p.settings.hours.invalid("Monday"))).toBeTruthy();
    expect(puts).toBe(0);
    fireEvent.click(screen.getByTestId("always-open")); // always open again
    fireEvent.change(screen.getByTestId("handoff-number"), { target: { value: "5551234" } });
    fireEvent.click(screen.getByRole("button", { name: strings.settings.save }));
    expect(await screen.findByText(/handoff_number: Value error, not an E.164 number/)).toBeTruthy();
  });

  it("is for owners and admins only, like the other settings", async () => {
    const { requests } = renderWith(<App />, phoneAnswers({ telephony: telephony(true), numbers: [] }, "operator"), "/settings/phone");
    expect(await screen.findByTestId("no-access")).toBeTruthy();
    expect(requests.some((request) => new URL(request.url).pathname.endsWith("/telephony"))).toBe(false);
  });
});
