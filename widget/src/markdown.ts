/**
 * A small, safe Markdown renderer for answers: it builds DOM nodes directly (text nodes,
 * a fixed set of elements, links only to http/https/mailto), so nothing in a message can
 * become markup, script or an event handler. Supports paragraphs with line breaks, headings
 * (as bold lines), bullet and numbered lists (one level of nesting), block quotes, fenced and
 * inline code, **strong**, *em*, [links](https://…), bare URLs and numbered citations [n].
 */

import { h } from "./dom";
import type { Citation } from "./types";

export interface RenderOptions {
  /** Citations by number; null while an answer is still streaming (shown unlinked). */
  citations?: Citation[] | null;
}

interface Context {
  citations: Map<number, Citation> | null;
  inLink: boolean;
  depth: number;
}

const MAX_DEPTH = 4;

export function renderMarkdown(text: string, options: RenderOptions = {}): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const citations =
    options.citations === null || options.citations === undefined
      ? null
      : new Map(options.citations.map((citation) => [Number(citation.number), citation]));
  const context: Context = { citations, inLink: false, depth: 0 };
  renderBlocks(fragment, String(text ?? "").replace(/\r\n?/g, "\n").split("\n"), context);
  return fragment;
}

/** Only absolute http, https and mailto URLs; anything else (javascript:, data:) is refused. */
export function safeHref(raw: string): string | null {
  const value = String(raw ?? "").trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" || url.protocol === "mailto:"
    ? url.href
    : null;
}

export function externalLink(href: string, ...children: (Node | string)[]): HTMLAnchorElement {
  return h("a", { href, target: "_blank", rel: "noopener noreferrer" }, ...children);
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;

function renderBlocks(parent: Node, lines: string[], context: Context): void {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(marker)) body.push(lines[i++]!);
      i++; // the closing fence (or the end)
      parent.appendChild(h("pre", null, h("code", null, body.join("\n"))));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const p = h("p", { class: "md-heading" });
      const strong = h("strong");
      renderInline(strong, heading[1]!, context);
      p.appendChild(strong);
      parent.appendChild(p);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      parent.appendChild(h("hr"));
      i++;
      continue;
    }
    if (LIST_ITEM.test(line)) {
      i = renderList(parent, lines, i, context);
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && lines[i]!.trim()) {
        const quoted = QUOTE.exec(lines[i]!);
        body.push(quoted ? quoted[1]! : lines[i]!);
        i++;
      }
      const quote = h("blockquote");
      if (context.depth < MAX_DEPTH) {
        renderBlocks(quote, body, { ...context, depth: context.depth + 1 });
      } else {
        quote.appendChild(document.createTextNode(body.join("\n")));
      }
      parent.appendChild(quote);
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && lines[i]!.trim() && !startsBlock(lines[i]!)) body.push(lines[i++]!);
    if (!body.length) body.push(lines[i++]!); // a block start that no rule above took
    const p = h("p");
    renderInline(p, body.join("\n").trim(), context);
    parent.appendChild(p);
  }
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || LIST_ITEM.test(line) || QUOTE.test(line) || RULE.test(line);
}

/** A run of list items of one kind, with deeper-indented items as one nested list. */
function renderList(parent: Node, lines: string[], start: number, context: Context): number {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const indent = first[1]!.length;
  const ordered = /\d/.test(first[2]!);
  const list = ordered ? h("ol") : h("ul");
  const number = parseInt(first[2]!, 10);
  if (ordered && number !== 1) list.setAttribute("start", String(number));
  let item: HTMLLIElement | null = null;
  let text: string[] = [];
  const closeItem = () => {
    if (item) {
      const inline = h("span");
      renderInline(inline, text.join("\n").trim(), context);
      item.insertBefore(inline, item.firstChild);
    }
    text = [];
  };
  let i = start;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      // a blank line ends the list unless another item of it follows
      const next = lines[i + 1];
      const nextItem = next ? LIST_ITEM.exec(next) : null;
      if (nextItem && nextItem[1]!.length >= indent) {
        i++;
        continue;
      }
      break;
    }
    const match = LIST_ITEM.exec(line);
    if (match && match[1]!.length > indent && item && context.depth < MAX_DEPTH) {
      const nested = h("div");
      i = renderList(nested, lines, i, { ...context, depth: context.depth + 1 });
      while (nested.firstChild) item.appendChild(nested.firstChild);
      continue;
    }
    if (match && match[1]!.length <= indent) {
      if (/\d/.test(match[2]!) !== ordered) break;
      closeItem();
      item = h("li");
      list.appendChild(item);
      text.push(match[3]!);
      i++;
      continue;
    }
    if (startsBlock(line) && !match) break;
    text.push(line.trim()); // continuation of the item
    i++;
  }
  closeItem();
  parent.appendChild(list);
  return i;
}

const AUTOLINK = /<((?:https?:\/\/|mailto:)[^\s<>]+)>/y;
const BARE_URL = /https?:\/\/[^\s<>"]+/y;
const LINK = /\[([^\]\n]{1,500})\]\(\s*<?([^\s)<>]{1,2000})>?(?:\s+"[^"\n]*")?\s*\)/y;
const CITATION = /\[(\d{1,3})\]/y;
const WORD = /[0-9A-Za-z\u00C0-\uFFFF]/;

function renderInline(parent: Node, text: string, context: Context): void {
  let buffer = "";
  const flush = () => {
    if (buffer) parent.appendChild(document.createTextNode(buffer));
    buffer = "";
  };
  const at = (pattern: RegExp, index: number): RegExpExecArray | null => {
    pattern.lastIndex = index;
    return pattern.exec(text);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length && /[\\`*_[\]()#+\-.!<>~]/.test(text[i + 1]!)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "\n") {
      flush();
      parent.appendChild(h("br"));
      i++;
      continue;
    }
    if (c === "`") {
      let run = 1;
      while (text[i + run] === "`") run++;
      const fence = "`".repeat(run);
      let end = text.indexOf(fence, i + run);
      while (end >= 0 && text[end + run] === "`") end = text.indexOf(fence, end + run + 1);
      if (end > i + run) {
        flush();
        parent.appendChild(h("code", null, text.slice(i + run, end)));
        i = end + run;
        continue;
      }
      buffer += fence;
      i += run;
      continue;
    }
    if ((c === "*" || c === "_") && context.depth < MAX_DEPTH) {
      const emphasis = findEmphasis(text, i, c);
      if (emphasis) {
        flush();
        const element = h(emphasis.strong ? "strong" : "em");
        renderInline(element, emphasis.inner, { ...context, depth: context.depth + 1 });
        parent.appendChild(element);
        i = emphasis.end;
        continue;
      }
    }
    if (c === "[") {
      const citation = at(CITATION, i);
      if (citation) {
        const node = citationNode(Number(citation[1]), context);
        if (node) {
          flush();
          parent.appendChild(node);
          i += citation[0].length;
          continue;
        }
      }
      const link = context.inLink ? null : at(LINK, i);
      if (link) {
        flush();
        const href = safeHref(link[2]!);
        const label = href ? externalLink(href) : h("span");
        renderInline(label, link[1]!, { ...context, inLink: true, depth: context.depth + 1 });
        parent.appendChild(label);
        i += link[0].length;
        continue;
      }
    }
    if (c === "<" && !context.inLink) {
      const auto = at(AUTOLINK, i);
      const href = auto && safeHref(auto[1]!);
      if (auto && href) {
        flush();
        parent.appendChild(externalLink(href, auto[1]!));
        i += auto[0].length;
        continue;
      }
    }
    if (c === "h" && !context.inLink && (i === 0 || !WORD.test(text[i - 1]!))) {
      const bare = at(BARE_URL, i);
      if (bare) {
        const url = trimUrl(bare[0]);
        const href = safeHref(url);
        if (href) {
          flush();
          parent.appendChild(externalLink(href, url));
          i += url.length;
          continue;
        }
      }
    }
    buffer += c;
    i++;
  }
  flush();
}

/** `*a*`, `**a**`, `_a_`, `__a__`: opener followed by non-space, closer preceded by one;
 * underscores only at word boundaries, so snake_case stays as written. */
function findEmphasis(
  text: string,
  start: number,
  marker: string,
): { strong: boolean; inner: string; end: number } | null {
  const strong = text[start + 1] === marker;
  const open = strong ? marker + marker : marker;
  const from = start + open.length;
  if (marker === "_" && start > 0 && WORD.test(text[start - 1]!)) return null;
  if (from >= text.length || /\s/.test(text[from]!)) return null;
  let close = text.indexOf(open, from + 1);
  while (close > 0) {
    const before = text[close - 1]!;
    const after = text[close + open.length];
    const boundary = marker !== "_" || after === undefined || !WORD.test(after);
    const exact = strong || (after !== marker && before !== marker);
    if (!/\s/.test(before) && boundary && exact) {
      return { strong, inner: text.slice(from, close), end: close + open.length };
    }
    close = text.indexOf(open, close + 1);
  }
  return null;
}

/** Sentence punctuation after a bare URL is not part of it; nor is an unbalanced ")". */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (last && ".,;:!?'\"*_".includes(last)) {
      end--;
      continue;
    }
    if (last === ")") {
      const part = url.slice(0, end);
      if ((part.match(/\(/g) ?? []).length < (part.match(/\)/g) ?? []).length) {
        end--;
        continue;
      }
    }
    break;
  }
  return url.slice(0, end);
}

function citationNode(number: number, context: Context): Node | null {
  if (!context.citations) {
    // still streaming: the citation list arrives with the final message
    return h("sup", { class: "cite", "data-testid": "citation" }, String(number));
  }
  const citation = context.citations.get(number);
  if (!citation) return null;
  const title = citationTitle(citation);
  const href = citation.source_url ? safeHref(citation.source_url) : null;
  if (href && !context.inLink) {
    const link = externalLink(href, String(number));
    link.setAttribute("title", title);
    link.setAttribute("aria-label", `${number}: ${title}`);
    link.setAttribute("class", "cite");
    link.setAttribute("data-testid", "citation");
    return h("sup", null, link);
  }
  return h("sup", { class: "cite", "data-testid": "citation", title }, String(number));
}

export function citationTitle(citation: Citation): string {
  const title = String(citation.title ?? "").trim();
  const section = String(citation.section ?? "").trim();
  return [title, section].filter(Boolean).join(" — ") || `#${citation.number}`;
}

/** The numbered sources under an answer: only those the text cites, or all when it cites none. */
export function renderSources(text: string, citations: Citation[], heading: string): HTMLElement | null {
  if (!citations.length) return null;
  const cited = new Set<number>();
  for (const match of String(text).matchAll(/\[(\d{1,3})\]/g)) cited.add(Number(match[1]));
  const seen = new Set<number>();
  const shown = citations
    .filter((citation) => !cited.size || cited.has(Number(citation.number)))
    .filter((citation) => !seen.has(Number(citation.number)) && seen.add(Number(citation.number)))
    .sort((a, b) => Number(a.number) - Number(b.number));
  if (!shown.length) return null;
  const list = h("ol", { class: "sources-list" });
  for (const citation of shown) {
    const title = citationTitle(citation);
    const href = citation.source_url ? safeHref(citation.source_url) : null;
    list.appendChild(
      h(
        "li",
        { value: Number(citation.number) },
        href ? externalLink(href, title) : h("span", null, title),
      ),
    );
  }
  return h("div", { class: "sources", "data-testid": "sources" }, h("div", { class: "sources-title" }, heading), list);
}
