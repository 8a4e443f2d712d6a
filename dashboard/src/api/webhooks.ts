// Server state of Settings -> Webhooks (api/routes/webhooks.py): the endpoints, creating one
// and rotating its secret (the answer carries the secret, shown once), changes, deleting, and
// each endpoint's delivery log (keyset-paged, newest first) with replays. Owners and admins.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Schemas, unwrap } from "./client";
import { useApi } from "./queries";

export type WebhookEndpoint = Schemas["EndpointPublic"];
export type WebhookEndpointWithSecret = Schemas["EndpointWithSecret"];
export type WebhookDelivery = Schemas["DeliveryPublic"];
export type DeliveryStatus = Schemas["DeliveryStatus"];
export type EndpointCreate = Schemas["EndpointCreate"];
export type EndpointUpdate = Schemas["EndpointUpdate"];
/** The event types an endpoint may subscribe to (core/webhooks.py EVENT_TYPES, through the
 * OpenAPI document): a type added there breaks the typecheck until it has a label. */
export type WebhookEventType = EndpointCreate["event_types"][number];

export const DELIVERY_PAGE = 50;
/** How often the delivery log is read again: often while a delivery is being tried. */
export const POLL_PENDING_MS = 1500;
export const POLL_IDLE_MS = 5000;

export const webhookKeys = {
  all: (orgId: string) => ["organization", orgId, "webhooks"] as const,
  list: (orgId: string) => ["organization", orgId, "webhooks", "list"] as const,
  endpoint: (orgId: string, id: string) => ["organization", orgId, "webhooks", "endpoint", id] as const,
  deliveries: (orgId: string, id: string) => ["organization", orgId, "webhooks", "deliveries", id] as const,
};

export function useWebhookEndpoints(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: webhookKeys.list(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}/webhooks", { params: { path: { org_id: orgId } } })),
  });
}

export function useWebhookEndpoint(orgId: string, endpointId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: webhookKeys.endpoint(orgId, endpointId),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/webhooks/{endpoint_id}", {
          params: { path: { org_id: orgId, endpoint_id: endpointId } },
        }),
      ),
  });
}

export function useCreateEndpoint(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: EndpointCreate) =>
      unwrap(await client.POST("/api/orgs/{org_id}/webhooks", { params: { path: { org_id: orgId } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(orgId) }),
  });
}

/** A change to one endpoint; the answer (without the secret) replaces the cached endpoint. */
function useEndpointChange<V, T extends WebhookEndpoint>(
  orgId: string,
  endpointId: string,
  run: (client: ReturnType<typeof useApi>["client"], variables: V) => Promise<T>,
) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: V) => run(client, variables),
    // The cache keeps the endpoint, never a secret a rotation answered with.
    onSuccess: (endpoint) => queryClient.setQueryData(webhookKeys.endpoint(orgId, endpointId), withoutSecret(endpoint)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(orgId) }),
  });
}

function withoutSecret(endpoint: WebhookEndpoint | WebhookEndpointWithSecret): WebhookEndpoint {
  if (!("secret" in endpoint)) return endpoint;
  const { secret, ...kept } = endpoint;
  return kept;
}

export function useUpdateEndpoint(orgId: string, endpointId: string) {
  return useEndpointChange(orgId, endpointId, async (client, body: EndpointUpdate) =>
    unwrap(
      await client.PATCH("/api/orgs/{org_id}/webhooks/{endpoint_id}", {
        params: { path: { org_id: orgId, endpoint_id: endpointId } },
        body,
      }),
    ),
  );
}

/** A new signing secret; the answer is the only place it is shown. */
export function useRotateSecret(orgId: string, endpointId: string) {
  return useEndpointChange(orgId, endpointId, async (client, _: void): Promise<WebhookEndpointWithSecret> =>
    unwrap(
      await client.POST("/api/orgs/{org_id}/webhooks/{endpoint_id}/secret", {
        params: { path: { org_id: orgId, endpoint_id: endpointId } },
      }),
    ),
  );
}

export function useDeleteEndpoint(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (endpointId: string) =>
      unwrap(
        await client.DELETE("/api/orgs/{org_id}/webhooks/{endpoint_id}", {
          params: { path: { org_id: orgId, endpoint_id: endpointId } },
        }),
      ),
    onSuccess: (_, endpointId) => {
      queryClient.removeQueries({ queryKey: webhookKeys.endpoint(orgId, endpointId) });
      queryClient.removeQueries({ queryKey: webhookKeys.deliveries(orgId, endpointId) });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(orgId) }),
  });
}

/** The delivery log, newest first; "load more" continues after the last page's cursor. Read
 * again every few seconds (each loaded page), so new deliveries and outcomes show up. */
export function useDeliveries(orgId: string, endpointId: string) {
  const { client } = useApi();
  return useInfiniteQuery({
    queryKey: webhookKeys.deliveries(orgId, endpointId),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/webhooks/{endpoint_id}/deliveries", {
          params: {
            path: { org_id: orgId, endpoint_id: endpointId },
            query: { limit: DELIVERY_PAGE, cursor: pageParam ?? undefined },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.deliveries.some((delivery) => delivery.status === "pending"))
        ? POLL_PENDING_MS
        : POLL_IDLE_MS,
  });
}

/** Sends a delivery's event again as a new delivery (202: it is on its way). */
export function useReplayDelivery(orgId: string, endpointId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (deliveryId: string) =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay", {
          params: { path: { org_id: orgId, endpoint_id: endpointId, delivery_id: deliveryId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(orgId, endpointId) }),
  });
}
