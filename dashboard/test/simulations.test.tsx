import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../src/App";
import Simulations from "../src/pages/Simulations";
import { strings } from "../src/strings";
import { ME, ORG, json, renderWith } from "./render";

afterEach(cleanup);

const t = strings.simulations;
const SIM = "00000000-0000-0000-0000-00000000051a";
const base = `/api/orgs/${ORG}/simulations`;
const CSRF = { "GET /api/auth/csrf": () => json({ csrf_token: "t", header: "X-CSRF-Token" }) };
const ORGANIZATION = {
  [`GET /api/orgs/${ORG}`]: () =>
    json({
      id: ORG,
      name: "Lumen",
      public_key: "pk_lumen",
      settings: {},
      created_at: "2026-01-01T00:00:00Z",
      calibrated_answer_threshold: 0.42,
      answering_curve: [],
    }),
};

const routes = (
  <Routes>
    <Route path="/simulations/*" element={<Simulations me={ME} />} />
  </Routes>
);

function simulation(overrides: Record<string, unknown> = {}) {
  return {
    id: SIM,
    status: "completed",
    source: { kind: "conversations", last: 20 },
    candidate: { operating_point: 0.8 },
    progress: { done: 2, total: 2 },
    failed: 0,
    summary: {
      cases: 2,
      done: 2,
      failed: 0,
      decision_changed: 1,
      text_changed: 1,
      labelled: 1,
      answer_before: 2,
      answer_after: 1,
      handoff_before: 0,
      handoff_after: 1,
      decided_right_before: 0,
      decided_right_after: 1,
      all_facts_before: 1,
      all_facts_after: 0,
      right_article_before: 1,
      right_article_after: 0,
      unsupported_before: 0,
      unsupported_after: 0,
    },
    failure_reason: null,
    created_by: null,
    created_at: "2026-03-02T10:00:00Z",
    finished_at: "2026-03-02T10:01:00Z",
    ...overrides,
  };
}

const scores = (decided_right: boolean, facts_found: number) => ({
  decided_right,
  facts_found,
  facts_total: 1,
  all_facts: facts_found === 1,
  right_article: facts_found === 1,
  unsupported_sentences: [],
});

function result(seq: number, overrides: Record<string, unknown> = {}) {
  return {
    seq,
    case_key: `case-${seq}`,
    conversation_id: null,
    message_id: null,
    question: `Question ${seq}?`,
    history: [],
    labels: {},
    status: "done",
    error: null,
    before: { decision: "answer", text: "Same.", citations: [{ number: 1, document_id: "d1", title: "Returns" }] },
    after: { decision: "answer", text: "Same.", citations: [{ number: 1, document_id: "d1", title: "Returns" }] },
    diff: "",
    decision_changed: false,
    text_changed: false,
    ...overrides,
  };
}

const RESULTS = [
  result(0),
  result(1, {
    question: "How long do refunds take?",
    labels: { facts: ["5 days"] },
    before: {
      decision: "answer",
      text: "Refunds take 5 days.",
      citations: [{ number: 1, document_id: "d1", title: "Refunds" }],
      scores: scores(false, 1),
    },
    after: { decision: "handoff", text: "Let me get a person.", citations: [], scores: scores(true, 0) },
    diff: "--- before\n+++ after\n@@ -1 +1 @@\n-Refunds take 5 days.\n+Let me get a person.",
    decision_changed: true,
    text_changed: true,
  }),
];

describe("the simulations screen", () => {
  it("starts a simulation over recent conversations with the changed operating point", async () => {
    let posted: unknown = null;
    const { requests } = renderWith(
      routes,
      {
        ...CSRF,
        ...ORGANIZATION,
        [`GET ${base}`]: () => json({ items: [], total: 0 }),
        [`POST ${base}`]: async (request) => {
          posted = await request.json();
          return json(simulation({ status: "pending", progress: { done: 0, total: 0 }, summary: {} }), 202);
        },
        [`GET ${base}/${SIM}`]: () => json(simulation({ status: "running", progress: { done: 1, total: 2 }, summary: {} })),
        [`GET ${base}/${SIM}/results`]: () => json({ items: [], total: 0 }),
      },
      "/simulations",
    );
    expect(await screen.findByTestId("simulations-empty")).toBeTruthy();
    const slider = (await screen.findByTestId("operating-point")) as HTMLInputElement;
    await waitFor(() => expect(slider.value).toBe("0.42")); // the calibrated point to start from
    fireEvent.change(slider, { target: { value: "0.8" } });
    fireEvent.change(screen.getByTestId("source-last"), { target: { value: "5" } });
    fireEvent.click(screen.getByTestId("change-k"));
    fireEvent.change(screen.getByTestId("candidate-k"), { target: { value: "8" } });
    fireEvent.change(screen.getByTestId("candidate-search-mode"), { target: { value: "hybrid" } });
    fireEvent.click(screen.getByTestId("start-simulation"));
    // The detail opens and shows live progress.
    await waitFor(() =>
      expect(screen.getByTestId("simulation-progress").textContent).toContain("Running: 1 of 2 cases"),
    );
    expect(posted).toEqual({
      source: { kind: "conversations", last: 5 },
      candidate: { operating_point: 0.8, k: 8, search_mode: "hybrid" },
    });
    const post = requests.find((request) => request.method === "POST")!;
    expect(post.headers.get("X-CSRF-Token")).toBe("t");
  });

  it("sends a pasted labelled question set", async () => {
    let posted: { source?: unknown; candidate?: unknown } | null = null;
    renderWith(
      routes,
      {
        ...CSRF,
        ...ORGANIZATION,
        [`GET ${base}`]: () => json({ items: [], total: 0 }),
        [`POST ${base}`]: async (request) => {
          posted = (await request.json()) as typeof posted;
          return json(simulation({ status: "pending" }), 202);
        },
        [`GET ${base}/${SIM}`]: () => json(simulation()),
        [`GET ${base}/${SIM}/results`]: () => json({ items: [], total: 0 }),
      },
      "/simulations",
    );
    fireEvent.click(await screen.findByTestId("source-questions"));
    fireEvent.click(screen.getByTestId("change-operating-point")); // keep the operating point
    fireEvent.change(screen.getByTestId("source-questions-text"), {
      target: { value: '{"question": "Refunds?", "facts": ["5 days"]}\n{"question": "Mars?", "why": "no shipping"}' },
    });
    fireEvent.click(screen.getByTestId("start-simulation"));
    await waitFor(() => expect(posted).not.toBeNull());
    expect(posted).toEqual({
      source: {
        kind: "questions",
        questions: [
          { question: "Refunds?", facts: ["5 days"] },
          { question: "Mars?", why: "no shipping" },
        ],
      },
      candidate: {},
    });
  });

  it("shows a 422 from the API readably, and a bad paste before sending", async () => {
    const { requests } = renderWith(
      routes,
      {
        ...CSRF,
        ...ORGANIZATION,
        [`GET ${base}`]: () => json({ items: [], total: 0 }),
        [`POST ${base}`]: () =>
          json(
            {
              detail: [
                {
                  loc: ["body", "source", "conversations", "last"],
                  msg: "Input should be less than or equal to 1000",
                  type: "less_than_equal",
                },
              ],
            },
            422,
          ),
      },
      "/simulations",
    );
    fireEvent.change(await screen.findByTestId("source-last"), { target: { value: "5000" } });
    fireEvent.click(screen.getByTestId("start-simulation"));
    const alert = await screen.findByTestId("start-error");
    expect(alert.textContent).toBe(
      "The simulation was not started: source.conversations.last: Input should be less than or equal to 1000",
    );
    expect(alert.getAttribute("role")).toBe("alert");

    fireEvent.click(screen.getByTestId("source-questions"));
    fireEvent.change(screen.getByTestId("source-questions-text"), { target: { value: "{not json" } });
    fireEvent.click(screen.getByTestId("start-simulation"));
    await waitFor(() => expect(screen.getByTestId("start-error").textContent).toContain("not valid JSON"));
    expect(requests.filter((request) => request.method === "POST")).toHaveLength(1);
  });

  it("lists simulations and deletes one", async () => {
    let deleted = false;
    renderWith(
      routes,
      {
        ...CSRF,
        ...ORGANIZATION,
        [`GET ${base}`]: () =>
          json(
            deleted
              ? { items: [], total: 0 }
              : {
                  items: [
                    simulation(),
                    simulation({
                      id: "00000000-0000-0000-0000-00000000051b",
                      status: "running",
                      source: { kind: "questions" },
                      candidate: { k: 8, search_mode: "hybrid" },
                      progress: { done: 3, total: 10 },
                      summary: {},
                    }),
                  ],
                  total: 2,
                },
          ),
        [`DELETE ${base}/${SIM}`]: () => {
          deleted = true;
          return new Response(null, { status: 204 });
        },
      },
      "/simulations",
    );
    const rows = await screen.findAllByTestId("simulation-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain("Completed");
    expect(rows[0]!.textContent).toContain("Recorded conversations (last 20)");
    expect(within(rows[0]!).getByTestId("simulation-change").textContent).toBe("operating point 0.80");
    expect(within(rows[0]!).getByTestId("simulation-summary").textContent).toBe("1 of 2 decisions changed");
    expect(rows[1]!.textContent).toContain("Running");
    expect(rows[1]!.textContent).toContain("3 of 10");
    expect(within(rows[1]!).getByTestId("simulation-change").textContent).toBe("k = 8, hybrid search");
    fireEvent.click(within(rows[0]!).getByRole("button", { name: t.list.delete }));
    fireEvent.click(within(rows[0]!).getByRole("button", { name: t.list.confirmDelete }));
    expect(await screen.findByTestId("simulations-empty")).toBeTruthy();
    expect(deleted).toBe(true);
  });

  it("shows a finished simulation's summary and cases, and filters to the changed ones", async () => {
    renderWith(
      routes,
      {
        [`GET ${base}/${SIM}`]: () => json(simulation()),
        [`GET ${base}/${SIM}/results`]: () => json({ items: RESULTS, total: 2 }),
      },
      `/simulations/${SIM}`,
    );
    expect((await screen.findByTestId("summary-decision-changed")).textContent).toContain("1 / 2");
    expect(screen.getByTestId("summary-answered").textContent).toContain("2 → 1");
    expect(screen.getByTestId("summary-handed-off").textContent).toContain("0 → 1");
    expect(screen.getByTestId("summary-decided-right").textContent).toContain("0 → 1");
    expect(screen.queryByTestId("simulation-progress")).toBeNull();

    const cases = await screen.findAllByTestId("case");
    expect(cases).toHaveLength(2);
    const changed = cases[1]!;
    expect(changed.getAttribute("data-changed")).toBe("true");
    expect(within(changed).getByRole("heading", { level: 3 }).textContent).toContain("How long do refunds take?");
    expect(within(changed).getByTestId("case-decision").textContent).toContain("Answer → After: Hand off");
    const diff = within(changed).getByTestId("case-diff");
    const lines = [...diff.querySelectorAll(".diff-line")].map((line) => [line.getAttribute("data-kind"), line.textContent]);
    expect(lines).toEqual([
      ["hunk", "@@ -1 +1 @@\n"],
      ["del", "removed: -Refunds take 5 days.\n"],
      ["add", "added: +Let me get a person.\n"],
    ]);
    expect(within(changed).getByTestId("case-before").textContent).toContain("[1] Refunds");
    expect(within(changed).getByTestId("case-after").textContent).toContain("Citations: none");
    const [before, after] = within(changed).getAllByTestId("case-scores");
    expect(before!.textContent).toContain("decided wrong · facts 1/1 · right article · 0 unsupported sentences");
    expect(after!.textContent).toContain("decided right · facts 0/1 · wrong article");
    expect(within(cases[0]!).getByText(t.detail.noDiff)).toBeTruthy();

    fireEvent.click(screen.getByTestId("changed-only"));
    const filtered = screen.getAllByTestId("case");
    expect(filtered).toHaveLength(1);
    expect(filtered[0]!.textContent).toContain("How long do refunds take?");
    expect(screen.getByTestId("case-count").textContent).toBe("1 of 2 cases");
  });

  it("polls a running simulation until it is done", async () => {
    let asked = 0;
    renderWith(
      routes,
      {
        [`GET ${base}/${SIM}`]: () => {
          asked += 1;
          return json(
            asked < 2
              ? simulation({ status: "running", progress: { done: 1, total: 2 }, summary: {} })
              : simulation(),
          );
        },
        [`GET ${base}/${SIM}/results`]: () => json({ items: asked < 2 ? RESULTS.slice(0, 1) : RESULTS, total: 2 }),
      },
      `/simulations/${SIM}`,
    );
    expect((await screen.findByTestId("simulation-progress")).textContent).toContain("1 of 2");
    expect(await screen.findByTestId("summary-decision-changed", {}, { timeout: 3000 })).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId("case")).toHaveLength(2), { timeout: 3000 });
    expect(screen.queryByTestId("simulation-progress")).toBeNull();
  });
});

describe("who sees simulations", () => {
  it("shows owners and admins the entry, not operators, and refuses the address to operators", async () => {
    renderWith(<App />, { "GET /api/me": () => json({ ...ME, role: "operator" }) }, "/simulations");
    const nav = await screen.findByRole("navigation", { name: strings.nav.label });
    expect(within(nav).queryByRole("link", { name: strings.nav.simulations })).toBeNull();
    expect(await screen.findByTestId("no-access")).toBeTruthy();
    cleanup();

    renderWith(
      <App />,
      {
        "GET /api/me": () => json({ ...ME, role: "admin" }),
        ...ORGANIZATION,
        [`GET ${base}`]: () => json({ items: [], total: 0 }),
      },
      "/simulations",
    );
    const adminNav = await screen.findByRole("navigation", { name: strings.nav.label });
    expect(within(adminNav).getByRole("link", { name: strings.nav.simulations })).toBeTruthy();
    expect(await screen.findByRole("heading", { level: 1, name: t.title })).toBeTruthy();
  });
});

describe("the command palette", () => {
  it("offers Simulations to an owner and not to an operator", async () => {
    for (const role of ["owner", "operator"]) {
      renderWith(
        <App />,
        {
          "GET /api/me": () => json({ ...ME, role }),
          [`GET /api/orgs/${ORG}/conversations`]: () => json({ items: [], total: 0 }),
        },
        "/inbox",
      );
      await screen.findByRole("navigation", { name: strings.nav.label });
      fireEvent.keyDown(document.body, { key: "k", ctrlKey: true });
      const palette = await screen.findByRole("dialog", { name: "Command palette" });
      fireEvent.change(within(palette).getByRole("combobox"), { target: { value: "go to sim" } });
      const found = within(palette).queryByRole("option", { name: "Go to Simulations" });
      expect(found === null).toBe(role === "operator");
      cleanup();
    }
  });
});
