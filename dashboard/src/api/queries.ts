// Server state through TanStack Query: one key per resource, hooks per screen. Live events
// (events.ts) invalidate these keys; nothing else caches server data.
import {
  MutationCache,
  QueryCache,
  QueryClient,
  type QueryKey,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { type Api, ApiError, type Channel, type ConversationStatus, unwrap } from "./client";

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (api === null) throw new Error("useApi outside <ApiContext.Provider>");
  return api;
}

export const keys = {
  me: ["me"] as const,
  conversations: (orgId: string) => ["conversations", orgId] as const,
  conversationList: (orgId: string, filters: InboxFilters) =>
    ["conversations", orgId, "list", filters] as const,
  conversation: (orgId: string, id: string) => ["conversations", orgId, "detail", id] as const,
};

/** The app's query client. A 401 anywhere else means the session ended: ask /api/me again
 * (never in answer to its own 401, which would loop), and the shell shows how to sign in. */
export function createQueryClient(retry: typeof shouldRetry | false = shouldRetry): QueryClient {
  const signedOut = (error: unknown, key?: QueryKey) => {
    if (error instanceof ApiError && error.status === 401 && key?.[0] !== keys.me[0]) {
      void client.invalidateQueries({ queryKey: keys.me });
    }
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => signedOut(error, query.queryKey) }),
    mutationCache: new MutationCache({ onError: (error) => signedOut(error) }),
    defaultOptions: { queries: { retry, refetchOnWindowFocus: true } },
  });
  return client;
}

/** Retry what may pass next time; never a refusal (4xx). */
export function shouldRetry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

export function useMe() {
  const { client } = useApi();
  return useQuery({
    queryKey: keys.me,
    queryFn: async () => unwrap(await client.GET("/api/me")),
    staleTime: 60_000,
  });
}

export interface InboxFilters {
  status?: ConversationStatus | undefined;
  channel?: Channel | undefined;
  assignee?: "me" | "unassigned" | undefined; // the API resolves "me" to the caller
  needsHuman?: boolean | undefined;
  q?: string | undefined; // full-text search over the messages
  since?: string | undefined; // created at or after (ISO 8601)
  until?: string | undefined; // created before
}

export const PAGE_SIZE = 50;

/** The inbox, keyset-paged: each page continues after the previous page's last row. */
export function useConversations(orgId: string, filters: InboxFilters) {
  const { client } = useApi();
  return useInfiniteQuery({
    queryKey: keys.conversationList(orgId, filters),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/conversations", {
          params: {
            path: { org_id: orgId },
            query: {
              status: filters.status,
              channel: filters.channel,
              assignee: filters.assignee,
              needs_human: filters.needsHuman,
              q: filters.q,
              since: filters.since,
              until: filters.until,
              limit: PAGE_SIZE,
              cursor: pageParam ?? undefined,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useConversation(orgId: string, conversationId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: keys.conversation(orgId, conversationId),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/conversations/{conversation_id}", {
          params: { path: { org_id: orgId, conversation_id: conversationId } },
        }),
      ),
  });
}

export type ConversationAction = "join" | "leave" | "resolve" | "reopen";

export function useConversationAction(orgId: string, conversationId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: ConversationAction) => {
      const path = { org_id: orgId, conversation_id: conversationId };
      const options = { params: { path } };
      const result =
        action === "join"
          ? await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/join", options)
          : action === "leave"
            ? await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/leave", options)
            : action === "resolve"
              ? await client.POST(
                  "/api/orgs/{org_id}/conversations/{conversation_id}/resolve",
                  options,
                )
              : await client.POST(
                  "/api/orgs/{org_id}/conversations/{conversation_id}/reopen",
                  options,
                );
      unwrap(result);
    },
    onSettled: () => invalidateConversation(queryClient, orgId, conversationId),
  });
}

export function useReply(orgId: string, conversationId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (text: string) =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/reply", {
          params: { path: { org_id: orgId, conversation_id: conversationId } },
          body: { text },
        }),
      ),
    onSettled: () => invalidateConversation(queryClient, orgId, conversationId),
  });
}

export function invalidateConversation(
  queryClient: QueryClient,
  orgId: string,
  conversationId: string,
): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: keys.conversations(orgId) }).then(() =>
    queryClient.invalidateQueries({ queryKey: keys.conversation(orgId, conversationId) }),
  );
}
