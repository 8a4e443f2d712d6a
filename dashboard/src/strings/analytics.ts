// The analytics screen's strings (see strings.ts).
import type { Channel } from "../api/client";

const percent = (share: number | null | undefined) =>
  share === null || share === undefined ? "–" : `${Math.round(share * 100)}%`;

export const analytics = {
  title: "Analytics",
  range: "Date range",
  last: (days: number) => `Last ${days} days`,
  custom: "Custom",
  from: "From",
  to: "To",
  apply: "Apply",
  badRange: "Choose a start date on or before the end date.",
  tooLong: "A range can span at most 366 days.",
  timeZone: (zone: string) => `Days and hours in ${zone}`,
  span: (start: string, end: string) => `${start} – ${end}`,
  loading: "Loading analytics…",
  percent,
  none: "–",

  kpi: {
    label: "Key figures",
    conversations: "Conversations",
    resolvedByAi: "Resolved by the AI",
    resolvedByAiHint: (count: number) => `${count} with no person involved`,
    handoffRate: "Handed off",
    handoffRateHint: (count: number) => `${count} went to a person`,
    satisfaction: "Thumbs up",
    satisfactionHint: (up: number, down: number) => `${up} up, ${down} down`,
    firstResponse: "First response",
    firstResponseHint: (p90: string) => `median; 90% within ${p90}`,
    resolution: "Resolution after handoff",
    resolutionHint: (p90: string) => `median; 90% within ${p90}`,
  },

  perDay: {
    title: "Conversations per day",
    summary: (total: number, days: number, busiest: string, most: number) =>
      `${total} ${total === 1 ? "conversation" : "conversations"} over ${days} days; the busiest day was ${busiest} with ${most}.`,
    empty: "No conversations in this range.",
    table: "Show as a table",
    day: "Day",
    total: "Total",
  },
  channel: {
    chat: "Chat",
    voice: "Voice",
    phone: "Phone",
  } satisfies Record<Channel, string>,

  causes: {
    title: "Why conversations went to a person",
    none: "No handoffs in this range.",
    names: {
      unanswered: "The knowledge did not answer",
      requested: "The visitor asked for a person",
      dissatisfied: "The visitor was unhappy with answers",
      ai_error: "The AI failed",
      operator_took_over: "An operator stepped in",
    } as Record<string, string>,
    value: (count: number, share: number) => `${count} (${percent(share)} of conversations)`,
  },

  satisfaction: {
    title: "Satisfaction",
    summary: (up: number, down: number) => `${up} thumbs up and ${down} thumbs down`,
    none: "No answer was rated in this range.",
    up: "Thumbs up",
    down: "Thumbs down",
  },

  times: {
    title: "Operator response times",
    firstResponse: "Handoff to first operator reply",
    resolution: "Handoff to resolution",
    median: "Median",
    p90: "90th percentile",
    count: "Conversations",
  },

  hours: {
    title: "Busiest hours",
    caption: "Conversations started, by day of the week and hour",
    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    short: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    cell: (weekday: string, hour: number, count: number) =>
      `${weekday} ${String(hour).padStart(2, "0")}:00: ${count}`,
    busiest: (weekday: string, hour: number, count: number) =>
      `Busiest: ${weekday} at ${String(hour).padStart(2, "0")}:00 (${count}).`,
  },

  gaps: {
    title: "Knowledge gaps",
    intro:
      "Visitor questions the AI could not answer from the knowledge, or whose answer got a thumbs-down, grouped by meaning.",
    none: "No gaps in this range: every question was answered without a thumbs-down.",
    count: (count: number) => (count === 1 ? "1 question" : `${count} questions`),
    detail: (declined: number, down: number) =>
      `${declined} not answered, ${down} rated down`,
    considered: (considered: number, total: number) =>
      `Grouped the ${considered} most recent of ${total} questions.`,
    examples: "Examples",
    add: "Add knowledge",
    addFor: (label: string) => `Add knowledge about: ${label}`,
  },

  duration: (seconds: number | null | undefined): string => {
    if (seconds === null || seconds === undefined) return "–";
    if (seconds < 60) return `${Math.round(seconds)} s`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
    return `${Math.round(hours / 24)} d`;
  },
};
