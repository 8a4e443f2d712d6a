import { afterEach, describe, expect, it, vi } from "vitest";
import { PageActivity } from "../src/analytics";
import { setLanguage, t } from "../src/strings";
import type { PageEvent } from "../src/types";

afterEach(() => {
  vi.useRealTimers();
});

describe("PageActivity", () => {
  it("batches events and sends them every five seconds", async () => {
    vi.useFakeTimers();
    const sent: { events: PageEvent[]; keepalive: boolean }[] = [];
    const activity = new PageActivity({ win: window, doc: document, send: async (events, keepalive) => void sent.push({ events, keepalive }) });
    activity.start();
    document.title = "Pricing";
    activity.track("page_view");
    activity.track("widget_opened");
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.keepalive).toBe(false);
    expect(sent[0]!.events.map((e) => e.type)).toEqual(["page_view", "widget_opened"]);
    expect(sent[0]!.events[0]).toMatchObject({ url: location.href, title: "Pricing" });
    expect(new Date(sent[0]!.events[0]!.at).toISOString()).toBe(sent[0]!.events[0]!.at);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(1); // nothing new, nothing sent
    activity.stop();
  });

  it("flushes with keepalive when the page is hidden, and swallows failures", async () => {
    const sent: boolean[] = [];
    const activity = new PageActivity({
      win: window,
      doc: document,
      send: async (_events, keepalive) => {
        sent.push(keepalive);
        throw new Error("offline");
      },
    });
    activity.start();
    activity.track("message_sent");
    window.dispatchEvent(new Event("pagehide"));
    await Promise.resolve();
    expect(sent).toEqual([true]);
    expect(activity.pending).toHaveLength(0);
    activity.stop();
  });
});

describe("strings", () => {
  it("fills placeholders and keeps English for unknown languages", () => {
    expect(t("operatorJoined", { name: "Sam" })).toBe("Sam joined the conversation");
    setLanguage("xx-YY");
    expect(t("send")).toBe("Send");
  });
});
