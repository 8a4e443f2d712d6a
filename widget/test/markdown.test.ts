import { describe, expect, it } from "vitest";
import { renderMarkdown, renderSources, safeHref } from "../src/markdown";
import type { Citation } from "../src/types";

function render(text: string, citations: Citation[] | null = []): HTMLDivElement {
  const div = document.createElement("div");
  div.appendChild(renderMarkdown(text, { citations }));
  return div;
}

/** Every element and attribute the renderer may produce. */
const ALLOWED_TAGS = new Set(["P", "BR", "STRONG", "EM", "CODE", "PRE", "A", "UL", "OL", "LI", "SPAN", "SUP", "BLOCKQUOTE", "HR", "DIV"]);
const ALLOWED_ATTRIBUTES = new Set(["href", "target", "rel", "title", "class", "start", "data-testid", "aria-label"]);

function expectInert(root: Element): void {
  for (const element of Array.from(root.querySelectorAll("*"))) {
    expect(ALLOWED_TAGS.has(element.tagName), element.tagName).toBe(true);
    for (const attribute of Array.from(element.attributes)) {
      expect(ALLOWED_ATTRIBUTES.has(attribute.name), attribute.name).toBe(true);
    }
    if (element.tagName === "A") {
      expect(element.getAttribute("href")).toMatch(/^(https?:|mailto:)/);
      expect(element.getAttribute("rel")).toBe("noopener noreferrer");
      expect(element.getAttribute("target")).toBe("_blank");
    }
  }
}

describe("renderMarkdown safety", () => {
  it("keeps script tags as visible text and creates no script element", () => {
    const root = render('Hello <script>alert("x")</script> world');
    expect(root.querySelector("script")).toBeNull();
    expect(root.textContent).toBe('Hello <script>alert("x")</script> world');
    expectInert(root);
  });

  it("keeps img onerror markup as text, with no attributes set", () => {
    const root = render('<img src=x onerror="alert(1)"> and <b onclick="x()">bold</b>');
    expect(root.querySelector("img")).toBeNull();
    expect(root.querySelector("[onerror]")).toBeNull();
    expect(root.querySelector("[onclick]")).toBeNull();
    expect(root.textContent).toContain('<img src=x onerror="alert(1)">');
    expectInert(root);
  });

  it.each([
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](vbscript:msgbox(1))",
    "[click](/relative/path)",
    "<javascript:alert(1)>",
  ])("refuses the unsafe or relative link %s", (text) => {
    const root = render(text);
    expect(root.querySelector("a")).toBeNull();
    expect(root.textContent).toContain(text.startsWith("<") ? "javascript:alert(1)" : "click");
    expectInert(root);
  });

  it("makes http, https and mailto links open safely in a new tab", () => {
    const root = render("See [the docs](https://docs.example/a?b=1) or [mail](mailto:help@example.com) or http://example.com/x.");
    const links = Array.from(root.querySelectorAll("a"));
    expect(links.map((link) => link.getAttribute("href"))).toEqual([
      "https://docs.example/a?b=1",
      "mailto:help@example.com",
      "http://example.com/x",
    ]);
    expect(links[0]!.textContent).toBe("the docs");
    expect(root.textContent).toBe("See the docs or mail or http://example.com/x.");
    expectInert(root);
  });

  it("escapes attribute-breaking quotes inside an href instead of creating attributes", () => {
    const root = render('[x](https://example.com/"onmouseover="alert(1))');
    expect(root.querySelector("[onmouseover]")).toBeNull();
    expectInert(root);
  });

  it("preserves text exactly, including markup-looking characters and entities", () => {
    const text = "a < b && c > d; &lt;not an entity&gt; 5 * 3 = 15 and snake_case_name";
    const root = render(text);
    expect(root.textContent).toBe(text);
    expect(root.querySelector("em")).toBeNull();
  });

  it("survives pathological input quickly", () => {
    const text = "*a ".repeat(3000) + "[".repeat(3000) + "`".repeat(3000) + "_".repeat(3000);
    const started = performance.now();
    const root = render(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expectInert(root);
  });
});

describe("renderMarkdown formatting", () => {
  it("renders paragraphs, line breaks, bold, italics and code", () => {
    const root = render("**Bold** and *italic* and `a<b>`\nnext line\n\nSecond paragraph with __strong__ _em_");
    const paragraphs = root.querySelectorAll("p");
    expect(paragraphs).toHaveLength(2);
    expect(root.querySelector("strong")!.textContent).toBe("Bold");
    expect(root.querySelector("em")!.textContent).toBe("italic");
    expect(root.querySelector("code")!.textContent).toBe("a<b>");
    expect(paragraphs[0]!.querySelector("br")).not.toBeNull();
    expect(paragraphs[1]!.querySelector("strong")!.textContent).toBe("strong");
    expect(paragraphs[1]!.querySelector("em")!.textContent).toBe("em");
  });

  it("renders bullet and numbered lists, with a nested level", () => {
    const root = render("Steps:\n1. Open the box\n2. Plug it in\n   - red wire\n   - black wire\n3. Done\n\n- a\n- b");
    const ol = root.querySelector("ol")!;
    expect(Array.from(ol.children).map((li) => li.firstChild!.textContent)).toEqual(["Open the box", "Plug it in", "Done"]);
    expect(ol.children[1]!.querySelectorAll("ul li")).toHaveLength(2);
    const lists = root.querySelectorAll(":scope > ul");
    expect(lists).toHaveLength(1);
    expect(lists[0]!.children).toHaveLength(2);
  });

  it("keeps an ordered list's first number", () => {
    expect(render("3. three\n4. four").querySelector("ol")!.getAttribute("start")).toBe("3");
  });

  it("renders fenced code blocks verbatim", () => {
    const root = render("```js\nconst a = '<b>*x*</b>';\n```");
    expect(root.querySelector("pre code")!.textContent).toBe("const a = '<b>*x*</b>';");
    expect(root.querySelector("strong, em")).toBeNull();
  });

  it("links citations to their sources with the title as tooltip", () => {
    const citations: Citation[] = [
      { number: 1, title: "Reset guide", section: "Factory reset", source_url: "https://help.example/reset" },
      { number: 2, title: "Internal note", section: null, source_url: null },
      { number: 3, title: "Evil", section: null, source_url: "javascript:alert(1)" },
    ];
    const root = render("Hold the button [1]. Or ask [2][3]. Unknown [9].", citations);
    const cites = root.querySelectorAll('[data-testid="citation"]');
    expect(cites).toHaveLength(3);
    expect(cites[0]!.tagName).toBe("A");
    expect(cites[0]!.getAttribute("href")).toBe("https://help.example/reset");
    expect(cites[0]!.getAttribute("title")).toBe("Reset guide — Factory reset");
    expect(cites[1]!.tagName).toBe("SUP");
    expect(cites[1]!.getAttribute("title")).toBe("Internal note");
    expect(cites[2]!.tagName).toBe("SUP"); // unsafe URL: no link
    expect(root.textContent).toContain("Unknown [9].");
    expectInert(root);
  });

  it("shows citations unlinked while the answer streams", () => {
    const root = render("Partial answer [1]", null);
    const cite = root.querySelector('[data-testid="citation"]')!;
    expect(cite.tagName).toBe("SUP");
    expect(cite.textContent).toBe("1");
  });

  it("lists the cited sources under the answer", () => {
    const sources = renderSources("See [2] and [1].", [
      { number: 1, title: "One", source_url: "https://a.example/1" },
      { number: 2, title: "Two", section: "Part", source_url: null },
      { number: 3, title: "Not cited", source_url: "https://a.example/3" },
    ], "Sources")!;
    const items = Array.from(sources.querySelectorAll("li"));
    expect(items.map((item) => item.textContent)).toEqual(["One", "Two — Part"]);
    expect(items[0]!.querySelector("a")!.getAttribute("href")).toBe("https://a.example/1");
    expect(items[1]!.querySelector("a")).toBeNull();
  });
});

describe("safeHref", () => {
  it("accepts only absolute http, https and mailto", () => {
    expect(safeHref("https://x.example/a b")).toBe("https://x.example/a%20b");
    expect(safeHref("mailto:a@b.c")).toBe("mailto:a@b.c");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("\u0000javascript:alert(1)")).toBeNull();
    expect(safeHref("//evil.example")).toBeNull();
    expect(safeHref("ftp://x.example")).toBeNull();
  });
});
