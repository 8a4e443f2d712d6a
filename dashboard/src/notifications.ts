// Browser notifications for new handoffs, opt-in: the choice is remembered in localStorage,
// and a notification is shown only while the browser's permission is granted.
import { useState } from "react";
import { strings } from "./strings";

export const NOTIFY_KEY = "perceptron.notify-handoffs";

export type NotifyState = "unsupported" | "off" | "on" | "blocked";

function supported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

function remembered(): boolean {
  try {
    return localStorage.getItem(NOTIFY_KEY) === "1";
  } catch {
    return false;
  }
}

function remember(on: boolean) {
  try {
    if (on) localStorage.setItem(NOTIFY_KEY, "1");
    else localStorage.removeItem(NOTIFY_KEY);
  } catch {
    // private mode without storage: the choice lasts for this page only
  }
}

export function notifyState(): NotifyState {
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  return remembered() && Notification.permission === "granted" ? "on" : "off";
}

/** The opt-in control's state, and a toggle that asks the browser's permission on first use. */
export function useHandoffNotifications(): [NotifyState, (on: boolean) => Promise<void>] {
  const [state, setState] = useState<NotifyState>(notifyState);
  const toggle = async (on: boolean) => {
    if (!supported()) return;
    if (!on) {
      remember(false);
      setState(notifyState());
      return;
    }
    const permission =
      Notification.permission === "default"
        ? await Notification.requestPermission()
        : Notification.permission;
    remember(permission === "granted");
    setState(notifyState());
  };
  return [state, toggle];
}

/** Shows a notification for a handoff when the operator opted in and the browser allows it;
 * clicking it focuses the window and opens the conversation. */
export function notifyHandoff(conversationId: string, open: (conversationId: string) => void) {
  if (notifyState() !== "on") return null;
  const notification = new Notification(strings.inboxList.notificationTitle, {
    body: strings.inboxList.notificationBody,
    tag: `handoff-${conversationId}`,
  });
  notification.onclick = () => {
    window.focus();
    open(conversationId);
    notification.close();
  };
  return notification;
}
