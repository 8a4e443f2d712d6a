// Server state of the conversation view beyond the transcript: private notes, saved replies,
// members (for the assignee picker) and assigning. Note events (note.*) invalidate notes.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Schemas, unwrap } from "./client";
import { invalidateConversation, useApi } from "./queries";

export type Note = Schemas["NotePublic"];
export type SavedReply = Schemas["SavedReplyPublic"];
export type SavedReplyBody = Schemas["SavedReplyBody"];
export type Member = Schemas["MemberPublic"];
export type DecisionTrail = Schemas["DecisionTrail"];
export type ContactPanel = Schemas["ContactPanel"];

export const viewKeys = {
  notes: (orgId: string, id: string) => ["notes", orgId, id] as const,
  savedReplies: (orgId: string) => ["saved-replies", orgId] as const,
  members: (orgId: string) => ["members", orgId] as const,
};

export function useNotes(orgId: string, conversationId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: viewKeys.notes(orgId, conversationId),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/conversations/{conversation_id}/notes", {
          params: { path: { org_id: orgId, conversation_id: conversationId } },
        }),
      ),
  });
}

type NoteChange =
  | { kind: "add"; content: string }
  | { kind: "edit"; noteId: string; content: string }
  | { kind: "delete"; noteId: string };

export function useNoteChange(orgId: string, conversationId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: NoteChange) => {
      const path = { org_id: orgId, conversation_id: conversationId };
      if (change.kind === "add") {
        unwrap(
          await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/notes", {
            params: { path },
            body: { content: change.content },
          }),
        );
      } else if (change.kind === "edit") {
        unwrap(
          await client.PATCH("/api/orgs/{org_id}/conversations/{conversation_id}/notes/{note_id}", {
            params: { path: { ...path, note_id: change.noteId } },
            body: { content: change.content },
          }),
        );
      } else {
        unwrap(
          await client.DELETE("/api/orgs/{org_id}/conversations/{conversation_id}/notes/{note_id}", {
            params: { path: { ...path, note_id: change.noteId } },
          }),
        );
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: viewKeys.notes(orgId, conversationId) }),
  });
}

export function useSavedReplies(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: viewKeys.savedReplies(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}/saved-replies", { params: { path: { org_id: orgId } } })),
    staleTime: 60_000,
  });
}

type SavedReplyChange =
  | { kind: "create"; body: SavedReplyBody }
  | { kind: "update"; id: string; body: SavedReplyBody }
  | { kind: "delete"; id: string };

export function useSavedReplyChange(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: SavedReplyChange) => {
      if (change.kind === "create") {
        unwrap(
          await client.POST("/api/orgs/{org_id}/saved-replies", {
            params: { path: { org_id: orgId } },
            body: change.body,
          }),
        );
      } else if (change.kind === "update") {
        unwrap(
          await client.PUT("/api/orgs/{org_id}/saved-replies/{reply_id}", {
            params: { path: { org_id: orgId, reply_id: change.id } },
            body: change.body,
          }),
        );
      } else {
        unwrap(
          await client.DELETE("/api/orgs/{org_id}/saved-replies/{reply_id}", {
            params: { path: { org_id: orgId, reply_id: change.id } },
          }),
        );
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: viewKeys.savedReplies(orgId) }),
  });
}

export function useMembers(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: viewKeys.members(orgId),
    queryFn: async () =>
      unwrap(await client.GET("/api/orgs/{org_id}/members", { params: { path: { org_id: orgId } } })),
    staleTime: 5 * 60_000,
  });
}

export function useAssign(orgId: string, conversationId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (memberId: string | null) =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/conversations/{conversation_id}/assign", {
          params: { path: { org_id: orgId, conversation_id: conversationId } },
          body: { member_id: memberId },
        }),
      ),
    onSettled: () => invalidateConversation(queryClient, orgId, conversationId),
  });
}
