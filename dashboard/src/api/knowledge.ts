// The knowledge base screen's server state: documents (polled while any is being ingested),
// followed websites, and the "try it" box; uploads go through XMLHttpRequest, the only
// browser API that reports upload progress (fetch has none).
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Api, ApiError, CSRF_HEADER, type Schemas, unwrap } from "./client";
import { useApi } from "./queries";

export type KnowledgeDocument = Schemas["DocumentPublic"];
export type KnowledgeSource = Schemas["SourceWithCounts"];
export type TryResult = Schemas["TryResult"];
export type ImportKind = "url" | "website" | "sitemap";

export const knowledgeKeys = {
  all: (orgId: string) => ["knowledge", orgId] as const,
  documents: (orgId: string) => ["knowledge", orgId, "documents"] as const,
  sources: (orgId: string) => ["knowledge", orgId, "sources"] as const,
};

const POLL_MS = 1000;
const IN_PROGRESS = new Set(["pending", "processing"]);

export const inProgress = (document: KnowledgeDocument) => IN_PROGRESS.has(document.status);

/** The newest 200 documents; refetched every second while any of them is being ingested. */
export function useDocuments(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: knowledgeKeys.documents(orgId),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/knowledge/documents", {
          params: { path: { org_id: orgId }, query: { limit: 200 } },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data?.items.some(inProgress) ? POLL_MS : false,
  });
}

/** Followed websites; refetched while one is syncing or has never synced yet. */
export function useSources(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: knowledgeKeys.sources(orgId),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/knowledge/sources", {
          params: { path: { org_id: orgId } },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data?.some(
        (source) => source.in_progress > 0 || (source.last_synced_at === null && !source.last_error),
      )
        ? POLL_MS * 2
        : false,
  });
}

const refresh = (queryClient: QueryClient, orgId: string) =>
  queryClient.invalidateQueries({ queryKey: knowledgeKeys.all(orgId) });

export function useDocumentAction(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: "delete" | "reingest" }) => {
      const options = { params: { path: { org_id: orgId, document_id: id } } };
      if (action === "delete") {
        unwrap(await client.DELETE("/api/orgs/{org_id}/knowledge/documents/{document_id}", options));
      } else {
        unwrap(
          await client.POST("/api/orgs/{org_id}/knowledge/documents/{document_id}/reingest", options),
        );
      }
    },
    onSettled: () => refresh(queryClient, orgId),
  });
}

export function useImport(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { url: string; kind: ImportKind; max_pages?: number }) =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/knowledge/imports", {
          params: { path: { org_id: orgId } },
          body,
        }),
      ),
    onSettled: () => refresh(queryClient, orgId),
  });
}

export function useSourceAction(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: "sync" | "remove" }) => {
      const options = { params: { path: { org_id: orgId, source_id: id } } };
      if (action === "sync") {
        unwrap(await client.POST("/api/orgs/{org_id}/knowledge/sources/{source_id}/sync", options));
      } else {
        unwrap(await client.DELETE("/api/orgs/{org_id}/knowledge/sources/{source_id}", options));
      }
    },
    onSettled: () => refresh(queryClient, orgId),
  });
}

export function useTry(orgId: string) {
  const { client } = useApi();
  return useMutation({
    mutationFn: async (question: string) =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/knowledge/try", {
          params: { path: { org_id: orgId } },
          body: { question },
        }),
      ),
  });
}

/** Upload one file with the session's CSRF token, reporting bytes sent. Resolves with the
 * document the API created (or the existing one, for content uploaded before). */
export async function uploadDocument(
  api: Api,
  orgId: string,
  file: File,
  onProgress: (loaded: number, total: number) => void,
): Promise<KnowledgeDocument> {
  const token = await api.csrf();
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${api.baseUrl}/api/orgs/${orgId}/knowledge/documents`);
    request.withCredentials = true;
    request.responseType = "text";
    request.setRequestHeader(CSRF_HEADER, token);
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // not JSON: answered below by its status
      }
      if (request.status >= 200 && request.status < 300 && body) {
        onProgress(file.size, file.size);
        resolve(body as KnowledgeDocument);
        return;
      }
      const detail = (body as { detail?: unknown } | null)?.detail;
      reject(
        new ApiError(
          request.status,
          typeof detail === "string" ? detail : detail ? JSON.stringify(detail) : request.statusText,
        ),
      );
    };
    request.onerror = () => reject(new ApiError(0, "the connection failed"));
    const form = new FormData();
    form.append("file", file, file.name);
    request.send(form);
  });
}
