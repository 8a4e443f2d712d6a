import { screen, waitFor } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { Inbox } from "../src/pages/Inbox";
import { FakeEventSource, withFakeEventSource } from "./eventSource";
import { ME, ORG, json, renderWith, summary } from "./render";

withFakeEventSource();

const A = "00000000-0000-0000-0000-00000000000a";
const B = "00000000-0000-0000-0000-00000000000b";

describe("live updates", () => {
  it("shows a handoff from the inbox stream without a reload", async () => {
    let handedOff = false;
    renderWith(
      <Routes>
        <Route path="/inbox" element={<Inbox me={ME} />} />
      </Routes>,
      {
        [`GET /api/orgs/${ORG}/conversations`]: () => {
          const items = handedOff
            ? [summary(B, { status: "waiting_for_human", needs_human: true }), summary(A)]
            : [summary(A)];
          return json({ items, total: items.length });
        },
      },
    );
    expect(await screen.findAllByTestId("conversation-row")).toHaveLength(1);
    const stream = FakeEventSource.opened.find((source) => source.url.endsWith("/inbox/events"));
    expect(stream?.url).toBe(`/api/orgs/${ORG}/inbox/events`);

    stream!.emit("token", { type: "token", conversation_id: A, data: { text: "Hel" } });
    handedOff = true;
    stream!.emit("handoff.requested", {
      id: 7,
      type: "handoff.requested",
      conversation_id: B,
      data: {},
      created_at: "2026-01-05T10:02:00Z",
    });
    await waitFor(() => expect(screen.getAllByTestId("conversation-row")).toHaveLength(2));
    expect(screen.getByTestId("needs-human")).toBeTruthy();
  });
});
