// Days and times as the dashboard shows and sends them.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A yyyy-mm-dd from a date input as the instant that day starts in the browser's time zone
 * (`plusDays` later: 1 for the end of that day). */
export function startOfDay(value: string | null, plusDays = 0): string | undefined {
  if (!value || !DAY.test(value)) return undefined;
  const [year, month, day] = value.split("-").map(Number) as [number, number, number];
  const date = new Date(year, month - 1, day + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const FORMATS = {
  /** 12/2/26, 6:35 AM: lists (the inbox, the knowledge base). */
  short: new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "short" }),
  /** Dec 2, 2026, 6:35 AM: privacy requests, exports, the audit log. */
  medium: new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }),
  /** Dec 2, 2026. */
  day: new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }),
  /** 6:35 AM: a message's or a note's time in the transcript. */
  clock: new Intl.DateTimeFormat(undefined, { timeStyle: "short" }),
};

export type DateFormat = keyof typeof FORMATS;

/** An instant from the API (ISO 8601) in the browser's language and time zone. */
export function formatDate(at: string, format: DateFormat): string {
  return FORMATS[format].format(new Date(at));
}
