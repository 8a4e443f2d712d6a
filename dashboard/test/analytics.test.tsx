import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { lastDays } from "../src/api/analytics";
import Analytics from "../src/pages/Analytics";
import { strings } from "../src/strings";
import { ME, ORG, json, renderWith } from "./render";

afterEach(cleanup);

const routes = (
  <Routes>
    <Route path="/analytics" element={<Analytics me={ME} />} />
    <Route path="/knowledge" element={<p data-testid="knowledge-screen">knowledge</p>} />
  </Routes>
);

const hours = (weekday: number, counts: Record<number, number> = {}) => ({
  weekday,
  hours: Array.from({ length: 24 }, (_, hour) => counts[hour] ?? 0),
});

function report(overrides: Record<string, unknown> = {}) {
  return {
    start: "2026-03-02",
    end: "2026-03-04",
    time_zone: "Europe/Berlin",
    days: [
      { day: "2026-03-02", total: 3, by_channel: { chat: 2, voice: 1, phone: 0 } },
      { day: "2026-03-03", total: 0, by_channel: { chat: 0, voice: 0, phone: 0 } },
      { day: "2026-03-04", total: 1, by_channel: { chat: 0, voice: 0, phone: 1 } },
    ],
    resolution: {
      conversations: 4,
      resolved_by_ai: 1,
      resolved_by_ai_share: 0.25,
      handed_off: 2,
      handoff_rate: 0.5,
      handoff_causes: [
        { cause: "unanswered", count: 2, share: 0.5 },
        { cause: "requested", count: 0, share: 0 },
        { cause: "dissatisfied", count: 0, share: 0 },
        { cause: "ai_error", count: 0, share: 0 },
        { cause: "operator_took_over", count: 0, share: 0 },
      ],
    },
    satisfaction: { thumbs_up: 3, thumbs_down: 1, thumbs_up_share: 0.75 },
    response_times: {
      first_response: { count: 2, median_seconds: 90, p90_seconds: 150 },
      resolution: { count: 1, median_seconds: 3600, p90_seconds: 3600 },
    },
    busiest_hours: [hours(0, { 9: 2, 14: 1 }), ...[1, 2, 3, 4, 5, 6].map((d) => hours(d))],
    knowledge_gaps: {
      questions: 3,
      considered: 3,
      clusters: [
        {
          label: "Do you ship to Australia?",
          count: 2,
          declined: 1,
          thumbs_down: 1,
          examples: [
            {
              message_id: "m1",
              conversation_id: "c1",
              text: "Do you ship to Australia?",
              asked_at: "2026-03-02T10:00:00Z",
            },
            {
              message_id: "m2",
              conversation_id: "c2",
              text: "Can I get my order delivered to Sydney?",
              asked_at: "2026-03-02T11:00:00Z",
            },
          ],
        },
      ],
    },
    ...overrides,
  };
}

const url = `GET /api/orgs/${ORG}/analytics`;

describe("the analytics screen", () => {
  it("shows the key figures, each chart with a text alternative, and the gaps", async () => {
    const { requests } = renderWith(routes, { [url]: () => json(report()) }, "/analytics");
    expect((await screen.findByTestId("kpi-conversations")).textContent).toContain("4");
    expect(screen.getByTestId("kpi-resolved-by-ai").textContent).toContain("25%");
    expect(screen.getByTestId("kpi-handoff-rate").textContent).toContain("50%");
    expect(screen.getByTestId("kpi-satisfaction").textContent).toContain("75%");
    expect(screen.getByTestId("kpi-first-response").textContent).toContain("2 min");
    expect(screen.getByTestId("kpi-resolution").textContent).toContain("1 h");

    const perDay = screen.getByTestId("chart-per-day");
    expect(within(perDay).getByRole("img").getAttribute("aria-label")).toBe(
      "4 conversations over 3 days; the busiest day was 2026-03-02 with 3.",
    );
    const rows = within(perDay).getAllByRole("row");
    expect(rows[1]?.textContent).toBe("2026-03-022103");
    expect(screen.getByTestId("cause-unanswered").textContent).toContain(
      "The knowledge did not answer",
    );
    expect(screen.queryByTestId("cause-requested")).toBeNull();
    expect(screen.getByTestId("chart-hours").textContent).toContain("Busiest: Monday at 09:00 (2).");

    const [gap] = screen.getAllByTestId("gap");
    expect(gap?.textContent).toContain("2 questions");
    expect(gap?.textContent).toContain("Can I get my order delivered to Sydney?");
    const add = within(gap!).getByTestId("gap-add");
    expect(add.getAttribute("aria-label")).toBe("Add knowledge about: Do you ship to Australia?");
    fireEvent.click(add);
    expect(await screen.findByTestId("knowledge-screen")).toBeTruthy();

    const query = new URL(requests[0]!.url).searchParams;
    expect(query.get("from")).toBe(lastDays(30).from);
    expect(query.get("to")).toBe(lastDays(30).to);
    expect(query.get("tz")).toBeTruthy();
  });

  it("asks for the range chosen, and refuses a custom range that ends before it starts", async () => {
    const { requests } = renderWith(routes, { [url]: () => json(report()) }, "/analytics");
    await screen.findByTestId("kpi-conversations");
    fireEvent.click(screen.getByTestId("range-7"));
    await waitFor(() =>
      expect(new URL(requests.at(-1)!.url).searchParams.get("from")).toBe(lastDays(7).from),
    );
    expect(screen.getByTestId("range-7").getAttribute("aria-pressed")).toBe("true");

    fireEvent.click(screen.getByTestId("range-custom"));
    fireEvent.change(screen.getByTestId("range-from"), { target: { value: "2026-03-10" } });
    fireEvent.change(screen.getByTestId("range-to"), { target: { value: "2026-03-01" } });
    const before = requests.length;
    fireEvent.click(screen.getByTestId("range-apply"));
    expect((await screen.findByRole("alert")).textContent).toBe(strings.analytics.badRange);
    expect(requests.length).toBe(before);

    fireEvent.change(screen.getByTestId("range-from"), { target: { value: "2026-02-01" } });
    fireEvent.click(screen.getByTestId("range-apply"));
    await waitFor(() => {
      const query = new URL(requests.at(-1)!.url).searchParams;
      expect([query.get("from"), query.get("to")]).toEqual(["2026-02-01", "2026-03-01"]);
    });
  });

  it("says so when there is nothing to show", async () => {
    const empty = report({
      days: [{ day: "2026-03-02", total: 0, by_channel: { chat: 0, voice: 0, phone: 0 } }],
      resolution: {
        conversations: 0,
        resolved_by_ai: 0,
        resolved_by_ai_share: null,
        handed_off: 0,
        handoff_rate: null,
        handoff_causes: [],
      },
      satisfaction: { thumbs_up: 0, thumbs_down: 0, thumbs_up_share: null },
      knowledge_gaps: { questions: 0, considered: 0, clusters: [] },
    });
    renderWith(routes, { [url]: () => json(empty) }, "/analytics");
    expect((await screen.findByTestId("kpi-resolved-by-ai")).textContent).toContain("–");
    expect(screen.getByTestId("chart-causes").textContent).toContain(strings.analytics.causes.none);
    expect(screen.getByTestId("knowledge-gaps").textContent).toContain(strings.analytics.gaps.none);
  });

  it("shows the API's refusal", async () => {
    renderWith(
      routes,
      { [url]: () => json({ detail: "this needs one of the roles: admin, operator, owner" }, 403) },
      "/analytics",
    );
    expect((await screen.findByRole("alert")).textContent).toContain("this needs one of the roles");
  });
});
