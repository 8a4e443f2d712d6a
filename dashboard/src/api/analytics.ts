// The analytics screen's query: one key per organization, range and time zone.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type Schemas, unwrap } from "./client";
import { useApi } from "./queries";

export type AnalyticsReport = Schemas["Analytics"];

export interface AnalyticsRange {
  from: string; // YYYY-MM-DD
  to: string;
  tz: string;
}

export function useAnalytics(orgId: string, range: AnalyticsRange) {
  const { client } = useApi();
  return useQuery({
    queryKey: ["analytics", orgId, range] as const,
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/analytics", {
          params: { path: { org_id: orgId }, query: range },
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** The browser's IANA time zone, UTC when it cannot say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** YYYY-MM-DD of a local date. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The last ``days`` days up to today, both ends included. */
export function lastDays(days: number, today: Date = new Date()): { from: string; to: string } {
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: isoDay(start), to: isoDay(today) };
}
