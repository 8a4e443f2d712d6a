/**
 * The widget's DOM: a host element with an open shadow root holding the styles, the launcher
 * and the panel (header, message log, actions, pre-chat form, composer). The view renders
 * what the controller tells it and reports what the visitor does; it holds no conversation
 * logic. (Open mode lets tests and the page's own debugging tools reach in; the widget
 * keeps no secrets in the DOM.)
 */

import type { ChatMessage, ChatState } from "./conversation";
import { clear, h, icon, icons } from "./dom";
import { renderMarkdown, renderSources, safeHref } from "./markdown";
import { t } from "./strings";
import { CSS, HOST_STYLE } from "./styles";
import type { WidgetConfig } from "./types";
import type { VoiceDisplay } from "./voice";

export interface ViewActions {
  open(): void;
  close(): void;
  send(text: string): void;
  retry(messageId: string): void;
  feedback(messageId: string, value: 1 | -1): void;
  talkToHuman(): void;
  newConversation(): void;
  prechatSubmit(details: { name: string; email: string }): void;
  prechatSkip(): void;
  /** The microphone button: start a voice call, or hang up. */
  voice(): void;
  /** Escape in the panel: hangs up a call, else closes the panel. */
  escape(): void;
}

export type PrechatMode = "optional" | "required";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class WidgetView {
  readonly host: HTMLElement;
  readonly shadow: ShadowRoot;
  private readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLDivElement;
  private readonly avatar: HTMLDivElement;
  private readonly title: HTMLDivElement;
  private readonly banner: HTMLDivElement;
  private readonly log: HTMLDivElement;
  private readonly greeting: HTMLDivElement;
  private readonly human: HTMLButtonElement;
  private readonly actionsRow: HTMLDivElement;
  private readonly alert: HTMLDivElement;
  private readonly connection: HTMLDivElement;
  private readonly prechat: HTMLFormElement;
  private readonly prechatIntro: HTMLParagraphElement;
  private readonly prechatName: HTMLInputElement;
  private readonly prechatEmail: HTMLInputElement;
  private readonly prechatError: HTMLDivElement;
  private readonly prechatSkip: HTMLButtonElement;
  private readonly composer: HTMLFormElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly mic: HTMLButtonElement;
  private readonly voiceStatus: HTMLDivElement;
  private readonly voiceText: HTMLSpanElement;
  private readonly voiceMeter: HTMLSpanElement;
  private readonly footer: HTMLDivElement;
  private readonly policyLink: HTMLAnchorElement;
  private readonly nodes = new Map<string, { node: HTMLElement; version: string }>();
  private prechatMode: PrechatMode | null = null;
  private isOpen = false;

  constructor(private readonly actions: ViewActions) {
    this.host = h("perceptron-widget" as "div", { style: HOST_STYLE, "data-perceptron": "" });
    this.shadow = this.host.attachShadow({ mode: "open" });
    const style = h("style", null, CSS);

    this.badge = h("span", { class: "badge", "data-testid": "badge", hidden: true });
    this.launcher = h(
      "button",
      {
        type: "button",
        class: "launcher",
        "data-testid": "launcher",
        "aria-label": t("openChat"),
        "aria-expanded": "false",
        "aria-controls": "perceptron-panel",
        onclick: () => (this.isOpen ? actions.close() : actions.open()),
      },
      icon(icons.chat, 26),
      icon(icons.close, 24),
      this.badge,
    );

    this.avatar = h("div", { class: "avatar", "aria-hidden": "true" });
    this.title = h("div", { class: "title" });
    this.banner = h("div", { class: "subtitle", "data-testid": "operator-banner", hidden: true });
    const header = h(
      "div",
      { class: "header" },
      this.avatar,
      h("div", { class: "titles" }, this.title, this.banner),
      h(
        "button",
        {
          type: "button",
          class: "icon-button",
          "data-testid": "new-conversation",
          "aria-label": t("newConversation"),
          title: t("newConversation"),
          onclick: () => actions.newConversation(),
        },
        icon(icons.plus),
      ),
      h(
        "button",
        {
          type: "button",
          class: "icon-button",
          "data-testid": "close",
          "aria-label": t("closeChat"),
          title: t("closeChat"),
          onclick: () => actions.close(),
        },
        icon(icons.close),
      ),
    );

    this.greeting = h(
      "div",
      { class: "msg assistant", "data-testid": "greeting", "data-role": "assistant" },
      h("div", { class: "bubble" }),
    );
    this.log = h(
      "div",
      {
        class: "log",
        role: "log",
        "aria-live": "polite",
        "aria-label": t("messages"),
        "data-testid": "messages",
        tabindex: "0",
      },
      this.greeting,
    );

    this.human = h(
      "button",
      { type: "button", class: "human", "data-testid": "talk-to-human", onclick: () => actions.talkToHuman() },
      t("talkToHuman"),
    );
    this.actionsRow = h("div", { class: "actions" }, this.human);
    this.alert = h("div", { class: "alert", role: "alert", "data-testid": "error", hidden: true });
    this.connection = h("div", { class: "connection", role: "status", "data-testid": "connection", hidden: true });

    this.prechatIntro = h("p");
    this.prechatName = h("input", { type: "text", name: "name", autocomplete: "name", maxlength: "200", "data-testid": "prechat-name" });
    this.prechatEmail = h("input", { type: "email", name: "email", autocomplete: "email", maxlength: "320", "data-testid": "prechat-email" });
    this.prechatError = h("div", { class: "alert", role: "alert", "data-testid": "prechat-error", hidden: true });
    this.prechatSkip = h(
      "button",
      { type: "button", class: "secondary", "data-testid": "prechat-skip", onclick: () => actions.prechatSkip() },
      t("skip"),
    );
    this.prechat = h(
      "form",
      { class: "prechat", "data-testid": "prechat", novalidate: true, hidden: true, onsubmit: (event: Event) => this.submitPrechat(event) },
      this.prechatIntro,
      h("label", null, t("name"), this.prechatName),
      h("label", null, t("email"), this.prechatEmail),
      this.prechatError,
      h(
        "div",
        { class: "row" },
        this.prechatSkip,
        h("button", { type: "submit", class: "primary", "data-testid": "prechat-submit" }, t("start")),
      ),
    );

    this.textarea = h("textarea", {
      rows: "1",
      "aria-label": t("messageLabel"),
      placeholder: t("placeholder"),
      maxlength: "4000",
      "data-testid": "composer",
      onkeydown: (event: Event) => this.composerKey(event as KeyboardEvent),
      oninput: () => this.autosize(),
    });
    this.mic = h(
      "button",
      {
        type: "button",
        class: "mic",
        "data-testid": "voice",
        "aria-label": t("voiceStart"),
        title: t("voiceStart"),
        "aria-pressed": "false",
        hidden: true,
        onclick: () => actions.voice(),
      },
      icon(icons.mic),
    );
    this.voiceText = h("span", { class: "voice-text" });
    this.voiceMeter = h("span", { class: "meter-fill" });
    this.voiceStatus = h(
      "div",
      { class: "voice", role: "status", "data-testid": "voice-status", hidden: true },
      this.voiceText,
      h("span", { class: "meter", "data-testid": "voice-level", role: "img", "aria-label": t("voiceLevel") }, this.voiceMeter),
    );
    this.composer = h(
      "form",
      { class: "composer", onsubmit: (event: Event) => this.submitComposer(event) },
      this.textarea,
      this.mic,
      h("button", { type: "submit", class: "send", "data-testid": "send", "aria-label": t("send"), title: t("send") }, icon(icons.send)),
    );

    this.policyLink = h(
      "a",
      { "data-testid": "privacy-policy", target: "_blank", rel: "noopener noreferrer" },
      t("privacyPolicy"),
    );
    this.footer = h("div", { class: "footer", hidden: true }, this.policyLink);

    this.panel = h(
      "div",
      {
        class: "panel",
        id: "perceptron-panel",
        role: "dialog",
        "aria-modal": "false",
        "data-testid": "panel",
        hidden: true,
        onkeydown: (event: Event) => {
          if ((event as KeyboardEvent).key === "Escape") {
            event.stopPropagation();
            actions.escape();
          }
        },
      },
      header,
      this.log,
      this.actionsRow,
      this.connection,
      this.alert,
      this.voiceStatus,
      this.prechat,
      this.composer,
      this.footer,
    );
    this.root = h("div", { class: "root auto right" }, this.launcher, this.panel);
    this.setOpen(false);
    this.shadow.append(style, this.root);
  }

  applyConfig(config: WidgetConfig): void {
    const classes = ["root", config.theme, config.position];
    if (this.isOpen) classes.push("open");
    this.root.className = classes.join(" ");
    this.root.style.setProperty("--accent", config.color);
    this.root.style.setProperty("--on-accent", readableOn(config.color));
    this.panel.setAttribute("aria-label", t("chatWith", { name: config.organization_name }));
    this.title.textContent = config.organization_name;
    clear(this.avatar);
    const avatar = config.avatar_url ? safeHref(config.avatar_url) : null;
    if (avatar && /^https?:/.test(avatar)) {
      this.avatar.appendChild(h("img", { class: "avatar", src: avatar, alt: "" }));
    } else {
      this.avatar.textContent = (config.organization_name.trim()[0] ?? "?").toUpperCase();
    }
    const bubble = this.greeting.firstChild as HTMLElement;
    clear(bubble);
    bubble.appendChild(renderMarkdown(config.greeting, { citations: [] }));
    this.greeting.hidden = !config.greeting.trim();
    const policy = config.privacy_policy_url ? safeHref(config.privacy_policy_url) : null;
    this.footer.hidden = !(policy && /^https?:/.test(policy));
    if (policy && !this.footer.hidden) this.policyLink.setAttribute("href", policy);
    else this.policyLink.removeAttribute("href");
  }

  setOpen(open: boolean): void {
    this.isOpen = open;
    this.panel.hidden = !open;
    this.root.classList.toggle("open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcher.setAttribute("aria-label", open ? t("closeChat") : t("openChat"));
    const [chat, close] = Array.from(this.launcher.querySelectorAll("svg"));
    chat?.style.setProperty("display", open ? "none" : "");
    close?.style.setProperty("display", open ? "" : "none");
    if (open) this.scrollToEnd();
  }

  setUnread(count: number): void {
    this.badge.hidden = count <= 0;
    this.badge.textContent = count > 99 ? "99+" : String(count);
    this.badge.setAttribute("aria-label", t("unread", { count }));
  }

  setError(text: string | null): void {
    this.alert.hidden = !text;
    this.alert.textContent = text ?? "";
  }

  /** Offer the microphone (the server can hold voice calls). */
  setVoiceAvailable(available: boolean): void {
    this.mic.hidden = !available;
  }

  /** The call's state on the button and the status line (hidden when there is no call). */
  setVoice(display: VoiceDisplay): void {
    const { state } = display;
    const live = state !== null && state !== "ended";
    this.mic.classList.toggle("live", live);
    this.mic.setAttribute("aria-pressed", String(live));
    this.mic.setAttribute("aria-label", live ? t("voiceHangUp") : t("voiceStart"));
    this.mic.setAttribute("title", live ? t("voiceHangUp") : t("voiceStart"));
    this.mic.setAttribute("data-state", state ?? "idle");
    this.voiceStatus.setAttribute("data-state", state ?? "idle");
    this.voiceStatus.setAttribute("data-played-frames", String(display.playedFrames));
    this.voiceStatus.hidden = state === null;
    const text =
      state === "connecting"
        ? t("voiceConnecting")
        : state === "listening"
          ? t("voiceListening")
          : state === "speaking"
            ? t("voiceSpeaking")
            : t("voiceEnded");
    if (this.voiceText.textContent !== text) this.voiceText.textContent = text;
    this.voiceMeter.style.width = `${Math.round(Math.min(1, display.level * 4) * 100)}%`;
  }

  setConnection(text: string | null): void {
    this.connection.hidden = !text;
    this.connection.textContent = text ?? "";
  }

  /** Show the pre-chat form instead of the composer (null: hide it). */
  setPrechat(mode: PrechatMode | null): void {
    this.prechatMode = mode;
    this.prechat.hidden = mode === null;
    this.composer.hidden = mode !== null;
    this.actionsRow.hidden = mode !== null;
    if (!mode) return;
    const required = mode === "required";
    this.prechatIntro.textContent = required ? t("prechatIntro") : t("prechatIntroOptional");
    this.prechatName.required = required;
    this.prechatEmail.required = required;
    this.prechatSkip.hidden = required;
    this.prechatError.hidden = true;
  }

  setPrechatError(text: string | null): void {
    this.prechatError.hidden = !text;
    this.prechatError.textContent = text ?? "";
  }

  focusComposer(): void {
    (this.prechatMode ? this.prechatName : this.textarea).focus();
  }

  focusLauncher(): void {
    this.launcher.focus();
  }

  get composerText(): string {
    return this.textarea.value;
  }

  /** The conversation's messages after the greeting, reusing unchanged nodes. */
  render(state: ChatState, forceScroll = false): void {
    const nearEnd = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80;
    const keep = new Set<string>();
    let previous: Node = this.greeting;
    for (const message of state.messages) {
      keep.add(message.id);
      const version = versionOf(message, state);
      let entry = this.nodes.get(message.id);
      if (!entry || entry.version !== version) {
        const node = this.messageNode(message, state);
        if (entry) entry.node.replaceWith(node);
        entry = { node, version };
        this.nodes.set(message.id, entry);
      }
      if (previous.nextSibling !== entry.node) this.log.insertBefore(entry.node, previous.nextSibling);
      previous = entry.node;
    }
    for (const [id, entry] of this.nodes) {
      if (!keep.has(id)) {
        entry.node.remove();
        this.nodes.delete(id);
      }
    }
    const operator = state.operator;
    this.banner.hidden = !operator;
    this.banner.textContent = operator ? t("withOperator", { name: operator.name }) : "";
    const waiting = state.status === "waiting_for_human";
    this.human.hidden = Boolean(operator) || state.status === "closed";
    this.human.disabled = waiting;
    this.human.textContent = waiting ? t("waitingForHuman") : t("talkToHuman");
    if (nearEnd || forceScroll) this.scrollToEnd();
  }

  private messageNode(message: ChatMessage, state: ChatState): HTMLElement {
    if (message.role === "notice") {
      return h("div", { class: "notice", "data-testid": "notice" }, message.content);
    }
    const streaming = message.state === "streaming";
    const node = h("div", {
      class: `msg ${message.role}${message.state === "failed" ? " failed" : ""}`,
      "data-testid": "message",
      "data-role": message.role,
      "data-message-id": message.id,
      "data-state": message.state,
      "data-streaming": streaming ? "true" : null,
      // screen readers hear the answer once it is complete, not every token
      "aria-busy": streaming ? "true" : null,
    });
    if (message.role === "operator" && state.operator) {
      node.appendChild(h("div", { class: "author" }, state.operator.name));
    }
    const bubble = h("div", { class: "bubble" });
    if (message.role === "visitor" || message.role === "system") {
      bubble.textContent = message.content;
    } else if (streaming && !message.content) {
      bubble.appendChild(
        h("div", { class: "typing", "data-testid": "typing", role: "img", "aria-label": t("typing") }, h("span"), h("span"), h("span")),
      );
    } else {
      bubble.appendChild(renderMarkdown(message.content, { citations: streaming ? null : message.citations }));
    }
    node.appendChild(bubble);
    if (message.role === "assistant" && !streaming) {
      const sources = renderSources(message.content, message.citations, t("sources"));
      if (sources) node.appendChild(sources);
      node.appendChild(this.feedbackRow(message));
    }
    if (message.state === "sending") {
      node.appendChild(h("div", { class: "status" }, t("sending")));
    } else if (message.state === "failed") {
      node.appendChild(
        h(
          "div",
          { class: "status" },
          t("notSent"),
          h("button", { type: "button", class: "link-button", "data-testid": "retry", onclick: () => this.actions.retry(message.id) }, t("retry")),
        ),
      );
    }
    return node;
  }

  private feedbackRow(message: ChatMessage): HTMLElement {
    const button = (value: 1 | -1) =>
      h(
        "button",
        {
          type: "button",
          "data-testid": value > 0 ? "thumbs-up" : "thumbs-down",
          "aria-label": value > 0 ? t("helpful") : t("notHelpful"),
          title: value > 0 ? t("helpful") : t("notHelpful"),
          "aria-pressed": String(message.feedback === value),
          onclick: () => this.actions.feedback(message.id, value),
        },
        icon(value > 0 ? icons.up : icons.down, 16),
      );
    return h("div", { class: "feedback" }, button(1), button(-1));
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private composerKey(event: KeyboardEvent): void {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.submitComposer(event);
  }

  private submitComposer(event: Event): void {
    event.preventDefault();
    const text = this.textarea.value;
    if (!text.trim()) return;
    this.textarea.value = "";
    this.autosize();
    this.actions.send(text);
  }

  private autosize(): void {
    this.textarea.style.height = "auto";
    if (this.textarea.scrollHeight) this.textarea.style.height = `${Math.min(this.textarea.scrollHeight, 120)}px`;
  }

  private submitPrechat(event: Event): void {
    event.preventDefault();
    const name = this.prechatName.value.trim();
    const email = this.prechatEmail.value.trim();
    const required = this.prechatMode === "required";
    if (required && !name) return this.prechatInvalid(t("nameRequired"), this.prechatName);
    if ((required || email) && !EMAIL.test(email)) return this.prechatInvalid(t("emailInvalid"), this.prechatEmail);
    this.setPrechatError(null);
    this.actions.prechatSubmit({ name, email });
  }

  private prechatInvalid(text: string, field: HTMLInputElement): void {
    this.setPrechatError(text);
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
}

function versionOf(message: ChatMessage, state: ChatState): string {
  return [
    message.role,
    message.state ?? "",
    message.feedback ?? "",
    message.citations.length,
    message.role === "operator" ? (state.operator?.name ?? "") : "",
    message.content,
  ].join("\u0001");
}

/** White or near-black text, whichever reads better on the brand color. */
export function readableOn(color: string): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!hex) return "#fff";
  let digits = hex[1]!;
  if (digits.length === 3) digits = digits.replace(/./g, "$&$&");
  const channel = (offset: number) => {
    const value = parseInt(digits.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  return luminance > 0.45 ? "#111827" : "#fff";
}
