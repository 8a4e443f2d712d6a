/** The organization's widget settings, with defaults for anything missing or malformed. */

import { t } from "./strings";
import type { WidgetConfig } from "./types";

export const DEFAULT_COLOR = "#4f46e5";

const COLOR = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\([\d\s.,%/+-]{1,60}\))$/i;

export function normalizeConfig(raw: Partial<WidgetConfig> | null | undefined, organizationName?: string): WidgetConfig {
  const value = (raw ?? {}) as Record<string, unknown>;
  const text = (field: string) => (typeof value[field] === "string" ? (value[field] as string) : "");
  const pick = <T extends string>(field: string, allowed: readonly T[], fallback: T): T =>
    allowed.includes(value[field] as T) ? (value[field] as T) : fallback;
  const color = text("color").trim();
  const greeting = value.greeting === undefined || value.greeting === null ? t("defaultGreeting") : text("greeting");
  return {
    organization_name: text("organization_name").trim() || organizationName || t("defaultOrganization"),
    greeting,
    color: COLOR.test(color) ? color : DEFAULT_COLOR,
    position: pick("position", ["right", "left"] as const, "right"),
    avatar_url: text("avatar_url").trim() || null,
    theme: pick("theme", ["light", "dark", "auto"] as const, "auto"),
    pre_chat: pick("pre_chat", ["off", "optional", "required"] as const, "off"),
    privacy_policy_url: text("privacy_policy_url").trim() || null,
    voice: value.voice === true,
  };
}
