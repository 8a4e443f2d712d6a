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
