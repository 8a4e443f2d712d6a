// The inbox's own server state beyond the list: the count of conversations waiting for a
// person (the nav badge and the title) and the quick actions the keyboard and the command
// palette run on whichever conversation is open.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "./client";
import { invalidateConversation, keys, useApi } from "./queries";

/** How many conversations need a human. Under the conversations key, so the inbox event
 * stream's invalidation refreshes it; polled slowly as a fallback. */
export function useNeedsHumanCount(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...keys.conversations(orgId), "needs-human-count"] as const,
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/conversations", {
          params: { path: { org_id: orgId }, query: { needs_human: true, limit: 1 } },
        }),
      ).total,
    refetchInterval: 60_000,
  });
}

export type QuickAction = "resolve" | "assign";

export function useQuickAction(orgId: string, memberId: string | null) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, conversationId }: { action: QuickAction; conversationId: string }) => {
      const path = { org_id: orgId, conversation_id: conversationId };
      if (action === "resolve") {
        unwrap(
          await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/resolve", {
            params: { path },
          }),
        );
      } else {
        unwrap(
          await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/assign", {
            params: { path },
            body: { member_id: memberId },
          }),
        );
      }
    },
    onSettled: (_data, _error, { conversationId }) =>
      invalidateConversation(queryClient, orgId, conversationId),
  });
}
