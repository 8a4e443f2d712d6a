/** Shapes of the public widget API (api/routes/widget.py, activities/conversation.py). */

export type Role = "visitor" | "assistant" | "operator" | "system";

export interface Citation {
  number: number;
  chunk_id?: string;
  document_id?: string;
  title?: string | null;
  section?: string | null;
  source_url?: string | null;
}

export interface MessageJson {
  id: string;
  conversation_id: string;
  role: Role;
  content: string;
  citations: Citation[];
  feedback: number | null;
  created_at: string;
}

export interface WidgetConfig {
  organization_name: string;
  greeting: string;
  color: string;
  position: "right" | "left";
  avatar_url: string | null;
  theme: "light" | "dark" | "auto";
  pre_chat: "off" | "optional" | "required";
  /** The installation's privacy policy, linked from the panel's footer. */
  privacy_policy_url: string | null;
  /** The server can hold a voice call: the composer shows a microphone. */
  voice: boolean;
}

export interface VisitorSession {
  visitor_token: string;
  contact_id: string;
  organization_name?: string;
}

export interface ConversationSummary {
  id: string;
  status: string;
  channel?: string;
  created_at?: string;
  last_message_at?: string | null;
}

export interface Posted {
  conversation_id: string;
  message_id: string;
}

export interface ConversationEvent {
  id: number;
  type: string;
  conversation_id: string;
  data: Record<string, unknown>;
  created_at: string;
}

export interface Operator {
  id: string;
  name: string;
}

export type PageEventType = "page_view" | "widget_opened" | "message_sent";

export interface PageEvent {
  type: PageEventType;
  url: string;
  referrer: string;
  title: string;
  at: string;
}

/** POST /api/widget/voice: the call, the conversation it is part of, and its media socket. */
export interface VoiceStarted {
  call_id: string;
  conversation_id: string;
  /** A path on the API ("/api/widget/voice/{token}") or an absolute ws(s):// URL. */
  stream_url: string;
}
