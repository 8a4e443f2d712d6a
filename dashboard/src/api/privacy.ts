// Server state of the privacy pages: requests, exports, erasures, the organization's
// deletion and the audit log (api/routes/privacy.py, exports.py, account_deletion.py).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, type Schemas, unwrap } from "./client";
import { useApi } from "./queries";

export type PrivacyRequest = Schemas["PrivacyRequestPublic"];
export type PrivacyRequestKind = Schemas["PrivacyRequestKind"];
export type PrivacyRequestStatus = Schemas["PrivacyRequestStatus"];
export type ExportStatus = Schemas["ExportStatus"];
export type Deletion = Schemas["DeletionPublic"];
export type DeletionRequested = Schemas["DeletionRequestedPublic"];
export type AuditEntry = Schemas["AuditEntryPublic"];
export type Member = Schemas["MemberPublic"];
export type Contact = Schemas["ContactPublic"];

export const privacyKeys = {
  all: (orgId: string) => ["privacy", orgId] as const,
  requests: (orgId: string, filters: RequestFilters) => ["privacy", orgId, "requests", filters] as const,
  request: (orgId: string, id: string) => ["privacy", orgId, "request", id] as const,
  exports: (orgId: string) => ["privacy", orgId, "exports"] as const,
  deletion: (orgId: string) => ["privacy", orgId, "deletion"] as const,
  receiptToken: (orgId: string) => ["privacy", orgId, "receipt-token"] as const,
  audit: (orgId: string, filters: AuditFilters) => ["privacy", orgId, "audit", filters] as const,
  members: (orgId: string) => ["members", orgId] as const,
};

export const REQUESTS_PAGE = 25;
export const AUDIT_PAGE = 50;

export interface RequestFilters {
  kind?: PrivacyRequestKind | undefined;
  status?: PrivacyRequestStatus | undefined;
  offset: number;
}

/** Still being worked on: worth asking again soon. */
export const ACTIVE_REQUEST = new Set<PrivacyRequestStatus>(["pending", "running"]);

export function usePrivacyRequests(orgId: string, filters: RequestFilters) {
  const { client } = useApi();
  return useQuery({
    queryKey: privacyKeys.requests(orgId, filters),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/privacy/requests", {
          params: {
            path: { org_id: orgId },
            query: { kind: filters.kind, status: filters.status, limit: REQUESTS_PAGE, offset: filters.offset },
          },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => ACTIVE_REQUEST.has(item.status)) ? 2000 : false,
  });
}

export function usePrivacyRequest(orgId: string, id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: privacyKeys.request(orgId, id),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/privacy/requests/{request_id}", {
          params: { path: { org_id: orgId, request_id: id } },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data && ACTIVE_REQUEST.has(query.state.data.status) ? 2000 : false,
  });
}

export function useCancelErasure(orgId: string, id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/privacy/requests/{request_id}/cancel", {
          params: { path: { org_id: orgId, request_id: id } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: privacyKeys.all(orgId) }),
  });
}

export function useExports(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: privacyKeys.exports(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}/exports", { params: { path: { org_id: orgId } } })),
    refetchInterval: (query) =>
      query.state.data?.some((item) => ACTIVE_REQUEST.has(item.status)) ? 1500 : false,
  });
}

export function useRequestExport(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (contactId: string | null) =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/exports", {
          params: { path: { org_id: orgId } },
          body: { contact_id: contactId },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: privacyKeys.all(orgId) }),
  });
}

/** Reading an export's status mints a fresh download link (earlier ones stop working), so
 * the link is asked for only when the member clicks Download, and followed at once. */
export function useDownloadLink(orgId: string) {
  const { client } = useApi();
  return useMutation({
    mutationFn: async (id: string) => {
      const status = unwrap(
        await client.GET("/api/orgs/{org_id}/exports/{request_id}", {
          params: { path: { org_id: orgId, request_id: id } },
        }),
      );
      if (!status.download_url) throw new ApiError(410, "this export has expired");
      return status.download_url;
    },
  });
}

export function useFindContacts(orgId: string) {
  const { client } = useApi();
  return useMutation({
    mutationFn: async (search: { by: "email" | "id"; value: string }): Promise<Contact[]> => {
      if (search.by === "id") {
        const result = await client.GET("/api/orgs/{org_id}/contacts/{contact_id}", {
          params: { path: { org_id: orgId, contact_id: search.value } },
        });
        if (result.response.status === 404 || result.response.status === 422) return [];
        return [unwrap(result)];
      }
      const page = unwrap(
        await client.GET("/api/orgs/{org_id}/contacts", {
          params: { path: { org_id: orgId }, query: { email: search.value, limit: 50 } },
        }),
      );
      return page.items;
    },
  });
}

export function useEraseContact(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ contactId, minor }: { contactId: string; minor: boolean }) => {
      if (minor) {
        return [
          unwrap(
            await client.POST("/api/orgs/{org_id}/contacts/{contact_id}/report-minor", {
              params: { path: { org_id: orgId, contact_id: contactId } },
            }),
          ),
        ];
      }
      const result = unwrap(
        await client.POST("/api/orgs/{org_id}/privacy/erasures", {
          params: { path: { org_id: orgId } },
          body: { contact_id: contactId },
        }),
      );
      return result.requests;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: privacyKeys.all(orgId) }),
  });
}

/** The organization's deletion, or null when none was ever requested. Every request is in
 * the audit log, so an organization without one is not asked for its deletion (which would
 * answer 404, an error in the browser's console, on every visit). */
export function useDeletion(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: privacyKeys.deletion(orgId),
    queryFn: async (): Promise<Deletion | null> => {
      const requests = unwrap(
        await client.GET("/api/orgs/{org_id}/audit-log", {
          params: { path: { org_id: orgId }, query: { action: "organization.deletion_requested", limit: 1 } },
        }),
      );
      if (requests.total === 0) return null;
      const result = await client.GET("/api/orgs/{org_id}/deletion", {
        params: { path: { org_id: orgId } },
      });
      if (result.response.status === 404) return null;
      return unwrap(result);
    },
    refetchInterval: (query) => (query.state.data?.status === "purging" ? 2000 : 30_000),
  });
}

export type DeletionAction = { name: "cancel" } | { name: "hold"; reason: string } | { name: "release" };

export function useRequestDeletion(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      unwrap(await client.POST("/api/orgs/{org_id}/deletion", { params: { path: { org_id: orgId } } })),
    onSuccess: (requested) => {
      // The receipt token is shown once: kept in memory for this page's life only.
      if (requested.receipt_token) queryClient.setQueryData(privacyKeys.receiptToken(orgId), requested.receipt_token);
      queryClient.setQueryData(privacyKeys.deletion(orgId), requested);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: privacyKeys.all(orgId) }),
  });
}

export function useDeletionAction(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: DeletionAction) => {
      const path = { params: { path: { org_id: orgId } } };
      const result =
        action.name === "cancel"
          ? await client.POST("/api/orgs/{org_id}/deletion/cancel", path)
          : action.name === "release"
            ? await client.POST("/api/orgs/{org_id}/deletion/release", path)
            : await client.POST("/api/orgs/{org_id}/deletion/hold", { ...path, body: { reason: action.reason } });
      return unwrap(result);
    },
    onSuccess: (state) => queryClient.setQueryData(privacyKeys.deletion(orgId), state),
    onSettled: () => queryClient.invalidateQueries({ queryKey: privacyKeys.all(orgId) }),
  });
}

export interface AuditFilters {
  action?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined; // ISO instants, with a time zone
  until?: string | undefined;
  offset: number;
}

export function useAuditLog(orgId: string, filters: AuditFilters) {
  const { client } = useApi();
  return useQuery({
    queryKey: privacyKeys.audit(orgId, filters),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/audit-log", {
          params: {
            path: { org_id: orgId },
            query: {
              action: filters.action,
              actor_member_id: filters.actor,
              since: filters.since,
              until: filters.until,
              limit: AUDIT_PAGE,
              offset: filters.offset,
            },
          },
        }),
      ),
  });
}

export function useMembers(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: privacyKeys.members(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}/members", { params: { path: { org_id: orgId } } })),
    staleTime: 60_000,
  });
}
