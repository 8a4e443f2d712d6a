// Server state of the settings screens: the organization (widget, origins, timeouts),
// members and invitations, API keys and the privacy settings.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, type Schemas, unwrap } from "./client";
import { useApi } from "./queries";

export type Organization = Schemas["OrganizationPublic"];
export type MemberRow = Schemas["MemberPublic"];
export type InvitationRow = Schemas["InvitationPublic"];
export type InvitationCreated = Schemas["InvitationCreated"];
export type ApiKeyRow = Schemas["ApiKeyPublic"];
export type ApiKeyCreated = Schemas["ApiKeyCreated"];
export type PrivacySettings = Schemas["PrivacySettings"];
export type RoleName = Schemas["Role"];

export const settingsKeys = {
  organization: (orgId: string) => ["organization", orgId] as const,
  members: (orgId: string) => ["organization", orgId, "members"] as const,
  invitations: (orgId: string) => ["organization", orgId, "invitations"] as const,
  apiKeys: (orgId: string) => ["organization", orgId, "api-keys"] as const,
  privacy: (orgId: string) => ["organization", orgId, "privacy-settings"] as const,
};

/** The server's reason, readable: FastAPI's 422 list becomes "field: why; field: why". */
export function reason(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  try {
    const parsed: unknown = JSON.parse(error.detail);
    if (Array.isArray(parsed)) {
      return parsed
        .map((problem: { loc?: unknown[]; msg?: string }) => {
          const where = (problem.loc ?? []).filter((part) => part !== "body" && part !== "settings");
          return where.length ? `${where.join(".")}: ${problem.msg ?? ""}` : (problem.msg ?? "");
        })
        .join("; ");
    }
  } catch {
    // a plain message
  }
  return error.detail || error.message;
}

export function useOrganization(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: settingsKeys.organization(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}", { params: { path: { org_id: orgId } } })),
  });
}

export function useUpdateSettings(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (settings: Record<string, unknown>) =>
      unwrap(
        await client.PATCH("/api/orgs/{org_id}", {
          params: { path: { org_id: orgId } },
          body: { settings },
        }),
      ),
    onSuccess: (organization) =>
      queryClient.setQueryData(settingsKeys.organization(orgId), organization),
  });
}

export function useMembers(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: settingsKeys.members(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}/members", { params: { path: { org_id: orgId } } })),
  });
}

export function useInvitations(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: settingsKeys.invitations(orgId),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/invitations", { params: { path: { org_id: orgId } } }),
      ),
  });
}

function useInvalidating<T, V>(orgId: string, run: (variables: V) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: settingsKeys.organization(orgId) }),
  });
}

export function useInvite(orgId: string) {
  const { client } = useApi();
  return useInvalidating(orgId, async (body: { email: string; role: RoleName }) =>
    unwrap(
      await client.POST("/api/orgs/{org_id}/invitations", {
        params: { path: { org_id: orgId } },
        body,
      }),
    ),
  );
}

export function useRevokeInvitation(orgId: string) {
  const { client } = useApi();
  return useInvalidating(orgId, async (invitationId: string) =>
    unwrap(
      await client.DELETE("/api/orgs/{org_id}/invitations/{invitation_id}", {
        params: { path: { org_id: orgId, invitation_id: invitationId } },
      }),
    ),
  );
}

export function useChangeRole(orgId: string) {
  const { client } = useApi();
  return useInvalidating(orgId, async ({ memberId, role }: { memberId: string; role: RoleName }) =>
    unwrap(
      await client.PATCH("/api/orgs/{org_id}/members/{member_id}", {
        params: { path: { org_id: orgId, member_id: memberId } },
        body: { role },
      }),
    ),
  );
}

export function useRemoveMember(orgId: string) {
  const { client } = useApi();
  return useInvalidating(orgId, async (memberId: string) =>
    unwrap(
      await client.DELETE("/api/orgs/{org_id}/members/{member_id}", {
        params: { path: { org_id: orgId, member_id: memberId } },
      }),
    ),
  );
}

export function useApiKeys(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: settingsKeys.apiKeys(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}/api-keys", { params: { path: { org_id: orgId } } })),
  });
}

export function useCreateKey(orgId: string) {
  const { client } = useApi();
  return useInvalidating(orgId, async (body: { name: string; role: RoleName }) =>
    unwrap(
      await client.POST("/api/orgs/{org_id}/api-keys", { params: { path: { org_id: orgId } }, body }),
    ),
  );
}

export function useRevokeKey(orgId: string) {
  const { client } = useApi();
  return useInvalidating(orgId, async (keyId: string) =>
    unwrap(
      await client.DELETE("/api/orgs/{org_id}/api-keys/{key_id}", {
        params: { path: { org_id: orgId, key_id: keyId } },
      }),
    ),
  );
}

export function usePrivacySettings(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: settingsKeys.privacy(orgId),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/privacy/settings", {
          params: { path: { org_id: orgId } },
        }),
      ),
  });
}

export function useUpdatePrivacy(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Partial<PrivacySettings>) =>
      unwrap(
        await client.PUT("/api/orgs/{org_id}/privacy/settings", {
          params: { path: { org_id: orgId } },
          body: body as PrivacySettings,
        }),
      ),
    onSuccess: (settings) => queryClient.setQueryData(settingsKeys.privacy(orgId), settings),
  });
}
