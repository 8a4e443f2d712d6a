/**
 * Every string the visitor can read, in one table so a translation is one more table of the
 * same shape. `{name}` placeholders are filled by `t("key", { name })`.
 */
const en = {
  openChat: "Open chat",
  closeChat: "Close chat",
  chatWith: "Chat with {name}",
  defaultGreeting: "Hi! How can we help you today?",
  defaultOrganization: "Support",
  messages: "Messages",
  messageLabel: "Message",
  placeholder: "Write a message…",
  send: "Send",
  newConversation: "New conversation",
  talkToHuman: "Talk to a human",
  waitingForHuman: "Waiting for a person…",
  withOperator: "You're chatting with {name}",
  operatorJoined: "{name} joined the conversation",
  operatorLeft: "{name} left the conversation",
  handoffRequested: "We've asked a person to join. Please wait a moment.",
  conversationEnded: "This conversation has ended.",
  conversationResolved: "This conversation was marked as resolved.",
  someone: "Someone",
  typing: "Typing…",
  sources: "Sources",
  helpful: "Helpful",
  notHelpful: "Not helpful",
  unread: "{count} unread",
  sending: "Sending…",
  notSent: "Not sent.",
  retry: "Retry",
  slowDown: "You're sending messages too quickly. Slow down a moment…",
  networkError: "We couldn't reach the server. Check your connection and try again.",
  reconnecting: "Connection lost. Reconnecting…",
  genericError: "Something went wrong. Please try again.",
  prechatIntro: "Before we start, tell us who you are.",
  prechatIntroOptional: "Tell us who you are (optional).",
  name: "Name",
  email: "Email",
  start: "Start chat",
  skip: "Skip",
  nameRequired: "Please enter your name.",
  emailInvalid: "Please enter a valid email address.",
  you: "You",
  assistant: "Assistant",
  privacyPolicy: "Privacy policy",
  voiceStart: "Talk to us by voice",
  voiceHangUp: "End voice call",
  voiceConnecting: "Connecting the call…",
  voiceListening: "Listening… speak whenever you like.",
  voiceSpeaking: "The assistant is speaking…",
  voiceEnded: "Call ended.",
  voiceLevel: "Microphone level",
  voiceInsecure: "Voice calls need a secure (https) page and a browser that can use a microphone. You can keep typing here.",
  voiceDenied: "Microphone access is blocked. Allow the microphone for this site in your browser to talk, or keep typing here.",
  voiceNoMicrophone: "No microphone was found. Connect one to talk, or keep typing here.",
  voiceMicrophoneBusy: "Your microphone is in use by another app or could not start. Close that app and try again, or keep typing here.",
  voiceMicrophone: "The microphone could not be started. You can keep typing here.",
  voiceUnavailable: "Voice isn't available right now. You can keep typing here.",
  voiceRefused: "We couldn't connect the call. Check your connection and try again, or keep typing here.",
  voiceLost: "The call was disconnected. You can call again or keep typing here.",
  voiceLoad: "Voice could not be loaded. Check your connection and try again, or keep typing here.",
} as const;

export type StringKey = keyof typeof en;
export type StringTable = Record<StringKey, string>;

const tables: Record<string, StringTable> = { en };
let active: StringTable = en;

/** Switch the table (only English ships today); unknown languages keep English. */
export function setLanguage(language: string): void {
  active = tables[language] ?? tables[language.split("-")[0] ?? ""] ?? en;
}

export function t(key: StringKey, values?: Record<string, string | number>): string {
  const template = active[key] ?? en[key];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
