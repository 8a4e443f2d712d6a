/**
 * What the widget remembers between pages: the visitor token, the current conversation and
 * where its event stream stopped. localStorage only (never cookies), one namespace per
 * widget key; in memory when storage is blocked (private mode, sandboxed frames).
 */

import type { Snapshot } from "./conversation";

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function storageKeys(widgetKey: string) {
  const prefix = `perceptron:${widgetKey}:`;
  return {
    visitor: `${prefix}visitor`,
    conversation: `${prefix}conversation`,
    cursor: `${prefix}cursor`,
  };
}

export function pageStorage(win: Window): StorageLike {
  try {
    const storage = win.localStorage;
    const probe = "perceptron:probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return memoryStorage();
  }
}

export function memoryStorage(): StorageLike {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, String(value)),
    removeItem: (key) => void values.delete(key),
  };
}

export class VisitorStorage {
  private readonly keys: ReturnType<typeof storageKeys>;
  private lastCursor: string | null = null;
  /** What this page wrote, for when storage refuses reads or writes midway. */
  private readonly memory = new Map<string, string | null>();

  constructor(
    private readonly storage: StorageLike,
    widgetKey: string,
  ) {
    this.keys = storageKeys(widgetKey);
  }

  get visitorToken(): string | null {
    return this.read(this.keys.visitor);
  }

  set visitorToken(token: string | null) {
    this.write(this.keys.visitor, token);
  }

  get conversationId(): string | null {
    return this.read(this.keys.conversation);
  }

  set conversationId(id: string | null) {
    this.write(this.keys.conversation, id);
    if (!id) this.cursor = null;
  }

  get cursor(): Snapshot | null {
    const raw = this.read(this.keys.cursor);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as Snapshot;
    } catch {
      return null;
    }
  }

  /** Written only when it changed: streaming tokens do not rewrite storage each time. */
  set cursor(value: Snapshot | null) {
    const raw = value ? JSON.stringify(value) : null;
    if (raw === this.lastCursor) return;
    this.lastCursor = raw;
    this.write(this.keys.cursor, raw);
  }

  clear(): void {
    this.visitorToken = null;
    this.conversationId = null;
    this.cursor = null;
  }

  private read(key: string): string | null {
    try {
      const value = this.storage.getItem(key);
      if (value !== null || !this.memory.has(key)) return value;
    } catch {
      /* blocked: what this page wrote */
    }
    return this.memory.get(key) ?? null;
  }

  private write(key: string, value: string | null): void {
    this.memory.set(key, value);
    try {
      if (value === null) this.storage.removeItem(key);
      else this.storage.setItem(key, value);
    } catch {
      /* quota or blocked: the widget still works for this page */
    }
  }
}
