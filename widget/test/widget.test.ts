import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { memoryStorage, storageKeys, type StorageLike } from "../src/storage";
import type { WidgetConfig } from "../src/types";
import { Widget } from "../src/widget";
import { FakeServer, header, settle } from "./fake-server";

const KEY = "pk_test";
const keys = storageKeys(KEY);
let widgets: Widget[] = [];

async function mount(server: FakeServer, storage: StorageLike = localStorage) {
  const widget = new Widget({ key: KEY, api: server.base, win: window, doc: document, realm: {}, trackPageView: true, http: server, storage });
  widgets.push(widget);
  await widget.ready;
  await settle();
  const shadow = widget.view.shadow;
  const $ = <T extends Element = HTMLElement>(id: string) => shadow.querySelector<T & Element>(`[data-testid="${id}"]`) as unknown as T;
  const $$ = (id: string) => Array.from(shadow.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));
  const messages = () =>
    $$("message").map((node) => `${node.dataset.role}:${node.querySelector(".bubble")!.textContent}${node.dataset.state ? ` (${node.dataset.state})` : ""}`);
  const type = async (text: string, key: Partial<KeyboardEventInit> = {}) => {
    const composer = $<HTMLTextAreaElement>("composer");
    composer.value = text;
    composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true, ...key }));
    await settle();
  };
  return { widget, shadow, $, $$, messages, type };
}

function withConfig(server: FakeServer, config: Partial<WidgetConfig>): FakeServer {
  server.config = { ...server.config, ...config };
  return server;
}

beforeEach(() => {
  localStorage.clear();
});

afterEach(async () => {
  for (const widget of widgets) widget.destroy(true);
  widgets = [];
  document.body.replaceChildren();
  document.head.replaceChildren();
  vi.useRealTimers();
});

describe("launcher and panel", () => {
  it("applies the organization's branding", async () => {
    const server = withConfig(new FakeServer(), { color: "#ff0000", position: "left", avatar_url: "https://cdn.example/a.png", theme: "dark" });
    const { shadow, $ } = await mount(server);
    const root = shadow.querySelector<HTMLElement>(".root")!;
    expect(root.style.getPropertyValue("--accent")).toBe("#ff0000");
    expect(root.classList.contains("left")).toBe(true);
    expect(root.classList.contains("dark")).toBe(true);
    expect(shadow.querySelector(".title")!.textContent).toBe("Acme");
    expect(shadow.querySelector("img.avatar")!.getAttribute("src")).toBe("https://cdn.example/a.png");
    expect($("greeting").textContent).toBe("Hello from Acme!");
    expect($("panel").getAttribute("aria-label")).toBe("Chat with Acme");
    expect(header(server.requests[0]!, "x-perceptron-key")).toBe(KEY);
  });

  it("falls back to defaults for missing or malformed settings", async () => {
    const server = new FakeServer();
    server.config = { color: "red; background: url(//evil)", position: "top" as never, pre_chat: "sometimes" as never };
    const { widget, shadow, $ } = await mount(server);
    expect(widget.config).toMatchObject({ color: "#4f46e5", position: "right", theme: "auto", pre_chat: "off", organization_name: "Support" });
    expect(shadow.querySelector(".root")!.classList.contains("auto")).toBe(true);
    expect($("greeting").textContent).toBe("Hi! How can we help you today?");
  });

  it("links the installation's privacy policy in a new tab, and only an http(s) one", async () => {
    const linked = await mount(withConfig(new FakeServer(), { privacy_policy_url: "https://support.example/privacy-policy" }));
    const link = linked.$<HTMLAnchorElement>("privacy-policy");
    expect(link.tagName).toBe("A");
    expect(link.getAttribute("href")).toBe("https://support.example/privacy-policy");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toBe("noopener noreferrer");
    expect(link.textContent).toBe("Privacy policy");
    expect((link.parentElement as HTMLElement).hidden).toBe(false);

    const unsafe = await mount(withConfig(new FakeServer(), { privacy_policy_url: "javascript:alert(1)" }));
    const hidden = unsafe.$<HTMLAnchorElement>("privacy-policy");
    expect(hidden.hasAttribute("href")).toBe(false);
    expect((hidden.parentElement as HTMLElement).hidden).toBe(true);
  });

  it("opens as a dialog with focus in the composer, and Escape closes it back to the launcher", async () => {
    const { widget, shadow, $ } = await mount(new FakeServer());
    const launcher = $<HTMLButtonElement>("launcher");
    expect(launcher.tagName).toBe("BUTTON");
    expect($("panel").hidden).toBe(true);
    launcher.click();
    expect($("panel").hidden).toBe(false);
    expect($("panel").getAttribute("role")).toBe("dialog");
    expect(launcher.getAttribute("aria-expanded")).toBe("true");
    expect(shadow.activeElement).toBe($("composer"));
    const log = $("messages");
    expect(log.getAttribute("role")).toBe("log");
    expect(log.getAttribute("aria-live")).toBe("polite");
    $("composer").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect($("panel").hidden).toBe(true);
    expect(shadow.activeElement).toBe(launcher);
    widget.open();
    $("close").click();
    expect($("panel").hidden).toBe(true);
  });
});

describe("sending and streaming", () => {
  it("sends on Enter (not Shift+Enter), starting a visitor session and a conversation", async () => {
    const server = new FakeServer();
    const { widget, $, messages, type } = await mount(server);
    widget.open();
    await type("first line", { shiftKey: true });
    expect(server.requestsTo("POST", /messages$/)).toHaveLength(0);
    await type("How do I reset my board?");
    expect(messages()).toEqual(["visitor:How do I reset my board?"]);
    expect($<HTMLTextAreaElement>("composer").value).toBe("");
    const [post] = server.requestsTo("POST", /\/messages$/);
    const body = JSON.parse(post!.body!);
    expect(body.text).toBe("How do I reset my board?");
    expect(body.client_message_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(header(post!, "authorization")).toMatch(/^Bearer vt-/);
    expect(localStorage.getItem(keys.visitor)).toMatch(/^vt-/);
    expect(localStorage.getItem(keys.conversation)).toBe(server.onlyConversation.id);
    expect(server.onlyConversation.messages).toHaveLength(1);
  });

  it("shows typing, streams tokens, then the final answer with citations, sources and feedback", async () => {
    const server = new FakeServer();
    const { widget, $, $$, messages, type } = await mount(server);
    widget.open();
    await type("How do I reset?");
    const id = server.onlyConversation.id;
    const turn = server.onlyConversation.messages[0]!.id;
    server.emit(id, "turn.started", { turn_id: turn });
    await settle();
    expect($("typing")).not.toBeNull();
    server.emit(id, "token", { turn_id: turn, text: "Hold **RESET** " });
    server.emit(id, "token", { turn_id: turn, text: "for 5 s [1]" });
    await settle();
    expect($("typing")).toBeNull();
    expect(messages()).toEqual(["visitor:How do I reset?", "assistant:Hold RESET for 5 s 1 (streaming)"]);
    expect($$("message")[1]!.dataset.streaming).toBe("true");
    expect($$("thumbs-up")).toHaveLength(0);
    const citations = [{ number: 1, chunk_id: "k", document_id: "d", title: "Reset guide", section: "Buttons", source_url: "https://help.example/reset" }];
    const answer = server.addMessage(id, "assistant", "Hold **RESET** for 5 seconds [1].", { citations });
    server.emit(id, "message.done", { ...answer, turn_id: turn, decision: "answer" });
    await settle();
    expect(messages()).toEqual(["visitor:How do I reset?", "assistant:Hold RESET for 5 seconds 1."]);
    const cite = $<HTMLAnchorElement>("citation");
    expect(cite.getAttribute("href")).toBe("https://help.example/reset");
    expect(cite.getAttribute("title")).toBe("Reset guide — Buttons");
    expect($("sources").textContent).toContain("Reset guide — Buttons");
    $("thumbs-up").click();
    await settle();
    expect(server.requestsTo("POST", /feedback$/).map((r) => JSON.parse(r.body!))).toEqual([{ value: 1 }]);
    expect($("thumbs-up").getAttribute("aria-pressed")).toBe("true");
    expect(answer.feedback).toBe(1);
  });

  it("renders hostile message content inert", async () => {
    const server = new FakeServer();
    server.autoAnswer = '<img src=x onerror="alert(1)"> [x](javascript:alert(1)) <script>alert(2)</script>';
    const { widget, shadow, messages, type } = await mount(server);
    widget.open();
    await type("<b onclick=alert(3)>hi</b>");
    expect(shadow.querySelector("img:not(.avatar), script, [onerror], [onclick], b")).toBeNull();
    expect(shadow.querySelector('a[href^="javascript"]')).toBeNull();
    expect(messages()[0]).toBe("visitor:<b onclick=alert(3)>hi</b>");
    expect(messages()[1]).toContain('<img src=x onerror="alert(1)">');
  });

  it("counts answers that arrive while closed on the badge", async () => {
    const server = new FakeServer();
    const { widget, $, type } = await mount(server);
    widget.open();
    await type("question");
    widget.close();
    const id = server.onlyConversation.id;
    server.answer(id, server.onlyConversation.messages[0]!.id, "an answer");
    server.emit(id, "message.created", { ...server.addMessage(id, "operator", "and a person") });
    await settle();
    expect($("badge").hidden).toBe(false);
    expect($("badge").textContent).toBe("2");
    widget.open();
    expect($("badge").hidden).toBe(true);
  });

  it("shows the server's detail for a refused message and lets the visitor retry", async () => {
    const server = new FakeServer();
    const { widget, $, messages, type } = await mount(server);
    widget.open();
    let refuse = true;
    server.override("POST", /\/messages$/, () => (refuse ? { status: 422, body: { detail: "the message is longer than 4000 characters" } } : undefined));
    await type("too long");
    expect($("error").hidden).toBe(false);
    expect($("error").textContent).toBe("the message is longer than 4000 characters");
    expect(messages()).toEqual(["visitor:too long (failed)"]);
    refuse = false;
    $("retry").click();
    await settle();
    expect(messages()).toEqual(["visitor:too long"]);
    expect($("error").hidden).toBe(true);
    const ids = server.requestsTo("POST", /\/messages$/).map((r) => JSON.parse(r.body!).client_message_id);
    expect(new Set(ids).size).toBe(1); // the retry reused the client_message_id
  });

  it("slows down on 429 and retries after Retry-After with the same message id", async () => {
    const server = new FakeServer();
    const { widget, $, messages, type } = await mount(server);
    widget.open();
    let limited = 1;
    server.override("POST", /\/messages$/, () =>
      limited-- > 0 ? { status: 429, body: { detail: "too many messages: wait a moment" }, headers: { "Retry-After": "1" } } : undefined,
    );
    await type("hello?");
    expect($("error").textContent).toMatch(/slow down/i);
    expect(messages()).toEqual(["visitor:hello? (sending)"]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await settle();
    expect(messages()).toEqual(["visitor:hello?"]);
    expect(server.onlyConversation.messages).toHaveLength(1);
    const ids = server.requestsTo("POST", /\/messages$/).map((r) => JSON.parse(r.body!).client_message_id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it("starts a new visitor session when the stored token is refused (401)", async () => {
    const server = new FakeServer();
    localStorage.setItem(keys.visitor, "vt-revoked");
    localStorage.setItem(keys.conversation, "conv-gone");
    const { widget, messages, type } = await mount(server);
    expect(localStorage.getItem(keys.visitor)).toBeNull();
    expect(localStorage.getItem(keys.conversation)).toBeNull();
    widget.open();
    await type("hi again");
    expect(messages()).toEqual(["visitor:hi again"]);
    expect(localStorage.getItem(keys.visitor)).toMatch(/^vt-\d+$/);
    expect(server.requestsTo("POST", /\/visitors$/)).toHaveLength(1);
  });

  it("recovers when the token is refused in the middle of a send", async () => {
    const server = new FakeServer();
    const { widget, messages, type } = await mount(server);
    widget.open();
    await type("one");
    server.visitors.clear(); // the server no longer knows the token
    await type("two");
    // the old conversation belonged to the refused token; the unsent message went out anew
    expect(messages()).toEqual(["visitor:two"]);
    expect(server.conversations.size).toBe(2);
    expect(server.requestsTo("POST", /\/visitors$/)).toHaveLength(2);
  });

  it("New conversation clears the thread and the next message starts another one", async () => {
    const server = new FakeServer();
    server.autoAnswer = "answer";
    const { widget, $, messages, type } = await mount(server);
    widget.open();
    await type("first");
    expect(messages()).toHaveLength(2);
    const first = localStorage.getItem(keys.conversation);
    $("new-conversation").click();
    await settle();
    expect(messages()).toEqual([]);
    expect($("greeting").hidden).toBe(false);
    expect(localStorage.getItem(keys.conversation)).toBeNull();
    await type("second");
    expect(messages()).toEqual(["visitor:second", "assistant:answer"]);
    expect(localStorage.getItem(keys.conversation)).not.toBe(first);
    expect(server.conversations.size).toBe(2);
  });
});

describe("people", () => {
  it("asks for a human and shows the operator who joins", async () => {
    const server = new FakeServer();
    const { widget, $, $$, type } = await mount(server);
    widget.open();
    await type("I want a person");
    $("talk-to-human").click();
    await settle();
    expect(server.requestsTo("POST", /\/human$/)).toHaveLength(1);
    expect($<HTMLButtonElement>("talk-to-human").disabled).toBe(true);
    expect($$("notice").map((n) => n.textContent)).toEqual(["We've asked a person to join. Please wait a moment."]);
    const id = server.onlyConversation.id;
    server.emit(id, "operator.joined", { operator: { id: "op1", name: "Sam" }, status: "with_operator", needs_human: false });
    server.emit(id, "message.created", { ...server.addMessage(id, "operator", "Hi, I'm Sam") });
    await settle();
    expect($("operator-banner").hidden).toBe(false);
    expect($("operator-banner").textContent).toBe("You're chatting with Sam");
    expect($$("notice").map((n) => n.textContent)).toContain("Sam joined the conversation");
    expect($("talk-to-human").hidden).toBe(true);
    expect($$("message").map((m) => m.dataset.role)).toEqual(["visitor", "operator"]);
    server.emit(id, "operator.left", { operator: { id: "op1", name: "Sam" }, status: "open" });
    await settle();
    expect($("operator-banner").hidden).toBe(true);
    expect($("talk-to-human").hidden).toBe(false);
  });

  it("asks for a human before any message by starting the conversation", async () => {
    const server = new FakeServer();
    const { widget, $ } = await mount(server);
    widget.open();
    $("talk-to-human").click();
    await settle();
    expect(server.conversations.size).toBe(1);
    expect(server.requestsTo("POST", /\/human$/)).toHaveLength(1);
  });
});

describe("resuming", () => {
  it("after a reload: history, then the stream from where it stopped, nothing twice", async () => {
    const server = new FakeServer();
    server.autoAnswer = "The answer";
    const storage = localStorage;
    const first = await mount(server, storage);
    first.widget.open();
    await first.type("question one");
    const id = server.onlyConversation.id;
    server.emit(id, "operator.joined", { operator: { id: "op1", name: "Sam" }, status: "with_operator" });
    await settle();
    expect(first.messages()).toEqual(["visitor:question one", "assistant:The answer"]);
    first.widget.destroy(false); // the page unloads; storage stays

    server.emit(id, "message.created", { ...server.addMessage(id, "operator", "Sam here, while you were away") });
    const second = await mount(server, storage);
    second.widget.open();
    await settle();
    expect(second.messages()).toEqual(["visitor:question one", "assistant:The answer", "operator:Sam here, while you were away"]);
    expect(second.$("operator-banner").textContent).toBe("You're chatting with Sam");
    expect(second.$$("notice").map((n) => n.textContent)).toEqual(["Sam joined the conversation"]);
    const stream = server.requestsTo("GET", /\/events$/).pop()!;
    expect(Number(header(stream, "last-event-id"))).toBeGreaterThan(0);
    expect(server.requestsTo("POST", /\/visitors$/)).toHaveLength(1);
  });

  it("in the middle of an answer: the whole answer streams again", async () => {
    const server = new FakeServer();
    const first = await mount(server);
    first.widget.open();
    await first.type("question");
    const id = server.onlyConversation.id;
    const turn = server.onlyConversation.messages[0]!.id;
    server.emit(id, "turn.started", { turn_id: turn });
    server.emit(id, "token", { turn_id: turn, text: "Hello " });
    await settle();
    first.widget.destroy(false);

    const second = await mount(server);
    await settle();
    expect(second.messages()).toEqual(["visitor:question", "assistant:Hello (streaming)"]);
    server.emit(id, "token", { turn_id: turn, text: "world" });
    await settle();
    expect(second.messages()).toEqual(["visitor:question", "assistant:Hello world (streaming)"]);
  });

  it("after a network loss: reconnects with Last-Event-ID, missing and duplicating nothing", async () => {
    const server = new FakeServer();
    const { widget, $, messages, type } = await mount(server);
    widget.open();
    await type("question");
    const id = server.onlyConversation.id;
    const turn = server.onlyConversation.messages[0]!.id;
    server.emit(id, "turn.started", { turn_id: turn });
    server.emit(id, "token", { turn_id: turn, text: "Part one, " });
    await settle();
    server.offline = true;
    server.disconnect();
    await settle();
    expect($("connection").hidden).toBe(false);
    // produced while the visitor is offline
    server.emit(id, "token", { turn_id: turn, text: "part two." });
    const answer = server.addMessage(id, "assistant", "Part one, part two.");
    server.emit(id, "message.done", { ...answer, turn_id: turn });
    server.offline = false;
    window.dispatchEvent(new Event("online"));
    await settle();
    expect(messages()).toEqual(["visitor:question", "assistant:Part one, part two."]);
    expect($("connection").hidden).toBe(true);
    const streams = server.requestsTo("GET", /\/events$/);
    expect(header(streams[streams.length - 1]!, "last-event-id")).toBe(String(server.events[2]!.id));
  });
});

describe("pre-chat form", () => {
  it("is not shown when off", async () => {
    const { widget, $ } = await mount(withConfig(new FakeServer(), { pre_chat: "off" }));
    widget.open();
    expect($("prechat").hidden).toBe(true);
    expect($("composer").closest("form")!.hidden).toBe(false);
  });

  it("optional: can be skipped, and the visitor starts without details", async () => {
    const server = withConfig(new FakeServer(), { pre_chat: "optional" });
    const { widget, shadow, $, type } = await mount(server);
    widget.open();
    expect($("prechat").hidden).toBe(false);
    expect($("composer").closest("form")!.hidden).toBe(true);
    expect(shadow.activeElement).toBe($("prechat-name"));
    $("prechat-skip").click();
    expect($("prechat").hidden).toBe(true);
    expect(shadow.activeElement).toBe($("composer"));
    await type("hi");
    expect(server.visitorDetails).toEqual([{}]);
  });

  it("optional: sends the details given", async () => {
    const server = withConfig(new FakeServer(), { pre_chat: "optional" });
    const { widget, $ } = await mount(server);
    widget.open();
    $<HTMLInputElement>("prechat-name").value = "Ada";
    $("prechat-submit").click();
    await settle();
    expect(server.visitorDetails).toEqual([{ name: "Ada" }]);
    expect($("prechat").hidden).toBe(true);
  });

  it("required: blocks until name and a valid email are given", async () => {
    const server = withConfig(new FakeServer(), { pre_chat: "required" });
    const { widget, $, messages } = await mount(server);
    widget.open();
    expect($("prechat-skip").hidden).toBe(true);
    expect($("talk-to-human").closest(".actions")!.hasAttribute("hidden")).toBe(true);
    await widget.send("sneaking past the form");
    expect(messages()).toEqual([]);
    expect(server.requestsTo("POST", /\/visitors$/)).toHaveLength(0);
    $("prechat-submit").click();
    await settle();
    expect($("prechat-error").textContent).toBe("Please enter your name.");
    $<HTMLInputElement>("prechat-name").value = "Ada Lovelace";
    $<HTMLInputElement>("prechat-email").value = "not-an-email";
    $("prechat-submit").click();
    await settle();
    expect($("prechat-error").textContent).toBe("Please enter a valid email address.");
    expect(server.requestsTo("POST", /\/visitors$/)).toHaveLength(0);
    $<HTMLInputElement>("prechat-email").value = "ada@example.com";
    $("prechat-submit").click();
    await settle();
    expect(server.visitorDetails).toEqual([{ name: "Ada Lovelace", email: "ada@example.com" }]);
    expect($("prechat").hidden).toBe(true);
    expect($("composer").closest("form")!.hidden).toBe(false);
  });

  it("required: shows the server's detail when it refuses the details", async () => {
    const server = withConfig(new FakeServer(), { pre_chat: "required" });
    server.override("POST", /\/visitors$/, () => ({ status: 422, body: { detail: [{ msg: "value is not a valid email address" }] } }));
    const { widget, $ } = await mount(server);
    widget.open();
    $<HTMLInputElement>("prechat-name").value = "Ada";
    $<HTMLInputElement>("prechat-email").value = "ada@localhost.x";
    $("prechat-submit").click();
    await settle();
    expect($("prechat-error").textContent).toBe("value is not a valid email address");
    expect($("prechat").hidden).toBe(false);
  });

  it("is not shown to a returning visitor", async () => {
    localStorage.setItem(keys.visitor, "vt-known");
    const server = withConfig(new FakeServer(), { pre_chat: "required" });
    server.visitors.set("vt-known", "c-known");
    const { widget, $ } = await mount(server);
    widget.open();
    expect($("prechat").hidden).toBe(true);
  });
});

describe("identify", () => {
  it("replaces the visitor token and drops a conversation the new contact cannot see", async () => {
    const server = new FakeServer();
    const { widget, messages, type } = await mount(server);
    widget.open();
    await type("anonymous question");
    const before = localStorage.getItem(keys.visitor);
    expect(await widget.identify("signed.jwt.token")).toBe(true);
    await settle();
    const identify = server.requestsTo("POST", /\/identify$/)[0]!;
    expect(JSON.parse(identify.body!)).toEqual({ token: "signed.jwt.token" });
    expect(header(identify, "x-perceptron-key")).toBe(KEY);
    expect(header(identify, "authorization")).toBe(`Bearer ${before}`);
    expect(localStorage.getItem(keys.visitor)).not.toBe(before);
    expect(localStorage.getItem(keys.conversation)).toBeNull();
    expect(messages()).toEqual([]);
  });

  it("reports a refused token without throwing", async () => {
    const server = new FakeServer();
    server.override("POST", /\/identify$/, () => ({ status: 401, body: { detail: "invalid token" } }));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { widget } = await mount(server);
    expect(await widget.identify("bad")).toBe(false);
    expect(warn).toHaveBeenCalled();
  });
});

describe("storage and page isolation", () => {
  it("keeps its state under perceptron:<key>:… in localStorage and never writes cookies", async () => {
    const setter = vi.fn();
    Object.defineProperty(document, "cookie", { configurable: true, get: () => "", set: setter });
    try {
      const server = new FakeServer();
      server.autoAnswer = "ok";
      const { widget, type } = await mount(server);
      widget.open();
      await type("hi");
      const stored = Object.keys(localStorage).sort();
      expect(stored).toEqual([keys.conversation, keys.cursor, keys.visitor].sort());
      expect(keys).toEqual({ visitor: "perceptron:pk_test:visitor", conversation: "perceptron:pk_test:conversation", cursor: "perceptron:pk_test:cursor" });
      expect(JSON.parse(localStorage.getItem(keys.cursor)!)).toMatchObject({ conversation_id: server.onlyConversation.id });
      widget.shutdown();
      expect(Object.keys(localStorage)).toEqual([]);
      expect(setter).not.toHaveBeenCalled();
    } finally {
      delete (document as unknown as { cookie?: unknown }).cookie; // back to the prototype's
    }
  });

  it("works with storage blocked", async () => {
    const blocked: StorageLike = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("SecurityError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    };
    const server = new FakeServer();
    server.autoAnswer = "still works";
    const { widget, messages, type } = await mount(server, blocked);
    widget.open();
    await type("hi");
    expect(messages()).toEqual(["visitor:hi", "assistant:still works"]);
    expect(server.requestsTo("POST", /\/visitors$/)).toHaveLength(1);
    const memory = memoryStorage();
    memory.setItem("a", "1");
    expect(memory.getItem("a")).toBe("1");
  });

  it("pins its host with inline !important styles and resets inheritance in the shadow root", async () => {
    const style = document.createElement("style");
    style.textContent = "* { all: unset !important; display: none !important; } perceptron-widget { position: static !important; display: none !important; }";
    document.head.appendChild(style);
    const { widget, shadow } = await mount(new FakeServer());
    const host = widget.view.host;
    expect(host.parentElement).toBe(document.body);
    expect(host.style.getPropertyPriority("position")).toBe("important");
    expect(host.style.getPropertyValue("position")).toBe("fixed");
    expect(host.style.getPropertyValue("z-index")).toBe("2147483000");
    const computed = getComputedStyle(host);
    expect(computed.position).toBe("fixed");
    expect(computed.display).toBe("block");
    expect(shadow.querySelector("style")!.textContent).toContain(":host{all:initial !important;position:fixed !important;z-index:2147483000 !important");
    expect(shadow.querySelector("style")!.textContent).toMatch(/@media \(max-width:480px\)\{\.panel/);
  });

  it("puts itself back when the page replaces the body content", async () => {
    const { widget } = await mount(new FakeServer());
    document.body.replaceChildren(document.createElement("main"));
    await settle();
    expect(widget.view.host.isConnected).toBe(true);
  });
});
