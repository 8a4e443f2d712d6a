// Every string the dashboard shows, in one place, so a translation replaces this module.
import type { Channel, ConversationStatus } from "./api/client";
import { knowledge } from "./strings/knowledge";
import { settingsStrings } from "./strings/settings";
import { conversationView } from "./strings/conversation";
import { privacyStrings } from "./strings/privacy";
import { inboxStrings } from "./strings/inbox";
import { analytics } from "./strings/analytics";
import { phoneStrings } from "./strings/phone";
import { simulationsStrings } from "./strings/simulations";
import { webhooksStrings } from "./strings/webhooks";

export const strings = {
  appName: "Perceptron",
  loading: "Loading…",
  retry: "Try again",
  error: (detail: string) => `Something went wrong: ${detail}`,
  skipToContent: "Skip to content",

  signedOut: {
    title: "Sign in to the dashboard",
    body: "You are not signed in, or your session has ended. Open the one-time sign-in link that “perceptron up” printed, or print a new one with:",
    command: "perceptron sign-in-link",
    reload: "I have signed in: reload",
  },

  nav: {
    label: "Main",
    inbox: "Inbox",
    knowledge: "Knowledge",
    analytics: "Analytics",
    simulations: "Simulations",
    settings: "Settings",
    privacy: "Privacy",
  },
  notFound: "There is no page here.",
  privacy: privacyStrings,
  phone: phoneStrings,

  account: {
    signOut: "Sign out",
    role: (role: string) => `Role: ${role}`,
  },
  theme: {
    label: "Theme",
    system: "System",
    light: "Light",
    dark: "Dark",
  },

  inbox: {
    title: "Inbox",
    filters: "Filters",
    status: "Status",
    channel: "Channel",
    assignee: "Assignee",
    anyone: "Anyone",
    me: "Me",
    any: "Any",
    needsHuman: "Needs a human",
    empty: "No conversations match these filters.",
    count: (shown: number, total: number) => `${shown} of ${total}`,
    more: "Load more",
    live: "Live",
    reconnecting: "Reconnecting…",
    select: "Select a conversation to read it.",
    visitor: "Visitor",
    unnamed: "Anonymous visitor",
    needsHumanBadge: "Needs a human",
    assignedToYou: "Assigned to you",
    noMessagesYet: "No messages yet",
  },
  inboxList: inboxStrings,
  status: {
    open: "Open",
    waiting_for_human: "Waiting for a human",
    with_operator: "With an operator",
    resolved: "Resolved",
    closed: "Closed",
  } satisfies Record<ConversationStatus, string>,
  channel: {
    chat: "Chat",
    voice: "Voice",
    phone: "Phone",
  } satisfies Record<Channel, string>,

  conversation: {
    transcript: "Transcript",
    back: "Back to the inbox",
    role: {
      visitor: "Visitor",
      assistant: "AI",
      operator: "Operator",
      system: "System",
    } as Record<string, string>,
    sources: "Sources",
    join: "Join",
    leave: "Leave",
    resolve: "Resolve",
    reopen: "Reopen",
    reply: "Reply",
    replyLabel: "Your reply to the visitor",
    replyPlaceholder: "Write a reply… (Ctrl+Enter sends)",
    joinToReply: "Join the conversation to reply: the AI goes quiet while you are in it.",
    operatorIn: (name: string) => `${name} is in this conversation`,
    aiAnswering: "The AI is answering",
    interrupted: (heard: string | null | undefined) =>
      heard
        ? `Interrupted: the caller spoke over it after hearing “${heard}”`
        : "Interrupted: the caller spoke over it before any of it was heard",
    pendingHandoff: "The visitor is waiting for a person",
    sending: "Sending…",
    notFound: "This conversation does not exist, or it was deleted.",
  },
  knowledge,
  settings: settingsStrings,
  conversationView,
  analytics,
  simulations: simulationsStrings,
  webhooks: webhooksStrings,
};

export type Strings = typeof strings;
