// Server state of the phone: the organization's Twilio account, its numbers, the phone
// settings (hand-off number, business hours, greeting, recording) and the calls of a
// conversation (api/routes/phone.py), typed from the generated schema.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Schemas, unwrap } from "./client";
import { useApi } from "./queries";

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export type TelephonyAccount = Schemas["TelephonyAccountView"];
export type BusinessHours = Schemas["BusinessHours"];
export type PhoneSettings = Schemas["TelephonySettings"];
export type Telephony = Schemas["TelephonyView"];
export type PhoneNumber = Schemas["PhoneNumberView"];
export type Call = Schemas["CallView"];

/** Twilio's and our own ended states; anything else (ringing, in-progress) is live. */
const ENDED_STATUSES = new Set(["completed", "failed", "busy", "no-answer", "canceled", "ended"]);

export function isLive(call: Call): boolean {
  return call.ended_at === null && !ENDED_STATUSES.has(call.status);
}

function usePhoneClient() {
  return useApi().client;
}

type PhoneClient = ReturnType<typeof usePhoneClient>;

export const phoneKeys = {
  telephony: (orgId: string) => ["organization", orgId, "telephony"] as const,
  numbers: (orgId: string) => ["organization", orgId, "phone-numbers"] as const,
  calls: (orgId: string, conversationId: string) => ["organization", orgId, "calls", conversationId] as const,
};

export function useTelephony(orgId: string) {
  const client = usePhoneClient();
  return useQuery({
    queryKey: phoneKeys.telephony(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}/telephony", { params: { path: { org_id: orgId } } })),
  });
}

function useTelephonyChange<V>(orgId: string, run: (client: PhoneClient, variables: V) => Promise<unknown>) {
  const client = usePhoneClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: V) => run(client, variables),
    onSettled: () => queryClient.invalidateQueries({ queryKey: phoneKeys.telephony(orgId) }),
  });
}

export function useConnectAccount(orgId: string) {
  return useTelephonyChange(orgId, async (client, body: { account_sid: string; auth_token: string }) =>
    unwrap(await client.PUT("/api/orgs/{org_id}/telephony/account", { params: { path: { org_id: orgId } }, body })),
  );
}

export function useDisconnectAccount(orgId: string) {
  return useTelephonyChange(orgId, async (client, _: void) =>
    unwrap(await client.DELETE("/api/orgs/{org_id}/telephony/account", { params: { path: { org_id: orgId } } })),
  );
}

export function useUpdatePhoneSettings(orgId: string) {
  return useTelephonyChange(orgId, async (client, body: PhoneSettings) =>
    unwrap(await client.PUT("/api/orgs/{org_id}/telephony/settings", { params: { path: { org_id: orgId } }, body })),
  );
}

export function usePhoneNumbers(orgId: string, enabled = true) {
  const client = usePhoneClient();
  return useQuery({
    queryKey: phoneKeys.numbers(orgId),
    enabled,
    queryFn: async () =>
      (unwrap(await client.GET("/api/orgs/{org_id}/phone-numbers", { params: { path: { org_id: orgId } } })) as {
        numbers: PhoneNumber[];
      }).numbers,
  });
}

function useNumbersChange<V>(orgId: string, run: (client: PhoneClient, variables: V) => Promise<unknown>) {
  const client = usePhoneClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: V) => run(client, variables),
    onSettled: () => queryClient.invalidateQueries({ queryKey: phoneKeys.numbers(orgId) }),
  });
}

export function useImportNumbers(orgId: string) {
  return useNumbersChange(orgId, async (client, _: void) =>
    unwrap(await client.POST("/api/orgs/{org_id}/phone-numbers/import", { params: { path: { org_id: orgId } } })),
  );
}

export function useUpdateNumber(orgId: string) {
  return useNumbersChange(
    orgId,
    async (client, { id, ...body }: { id: string; label?: string; assistant_enabled?: boolean }) =>
      unwrap(
        await client.PATCH("/api/orgs/{org_id}/phone-numbers/{number_id}", {
          params: { path: { org_id: orgId, number_id: id } },
          body,
        }),
      ),
  );
}

export function useRemoveNumber(orgId: string) {
  return useNumbersChange(orgId, async (client, id: string) =>
    unwrap(
      await client.DELETE("/api/orgs/{org_id}/phone-numbers/{number_id}", {
        params: { path: { org_id: orgId, number_id: id } },
      }),
    ),
  );
}

/** The conversation's calls, newest first; polled while one is live (its duration ticks). */
export function useCalls(orgId: string, conversationId: string, enabled = true) {
  const client = usePhoneClient();
  return useQuery({
    queryKey: phoneKeys.calls(orgId, conversationId),
    enabled,
    queryFn: async () =>
      (unwrap(
        await client.GET("/api/orgs/{org_id}/calls", {
          params: { path: { org_id: orgId }, query: { conversation_id: conversationId, limit: 20 } },
        }),
      ) as { calls: Call[] }).calls,
    refetchInterval: (query) => (query.state.data?.some(isLive) ? 5000 : false),
  });
}

export function useEndCall(orgId: string, conversationId: string) {
  const client = usePhoneClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (callId: string) =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/calls/{call_id}/end", {
          params: { path: { org_id: orgId, call_id: callId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: phoneKeys.calls(orgId, conversationId) }),
  });
}
