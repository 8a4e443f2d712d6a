import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CSRF_HEADER } from "../src/api/client";
import Knowledge from "../src/pages/Knowledge";
import { ME, ORG, json, renderWith } from "./render";

afterEach(cleanup);

const BASE = `/api/orgs/${ORG}/knowledge`;
const CSRF = { [`GET /api/auth/csrf`]: () => json({ csrf_token: "token-1", header: CSRF_HEADER }) };

function doc(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    title: "Factory reset",
    source_type: "file",
    source_url: null,
    source_id: null,
    filename: "factory-reset.pdf",
    content_type: "application/pdf",
    size_bytes: 2048,
    status: "ready",
    failure_reason: null,
    chunk_count: 4,
    embedding_model: "minilm",
    created_at: "2026-01-05T10:00:00Z",
    updated_at: "2026-01-05T10:00:00Z",
    ingested_at: "2026-01-05T10:00:00Z",
    progress: { stage: "ready", done: 4, total: 4 },
    duplicate: false,
    ...overrides,
  };
}

const source = {
  id: "s1",
  kind: "website",
  url: "https://help.example.com/",
  max_pages: 50,
  last_synced_at: "2026-01-05T10:00:00Z",
  last_error: null,
  created_at: "2026-01-05T09:00:00Z",
  sync_interval_hours: 24,
  pages: 3,
  ready: 2,
  failed: 1,
  in_progress: 0,
};

describe("the knowledge screen", () => {
  it("lists documents with kind, status and an actionable failure reason, and deletes after a confirm", async () => {
    let items = [
      doc("d1"),
      doc("d2", {
        title: "scanned manual",
        filename: "scanned-manual.pdf",
        status: "failed",
        chunk_count: 0,
        failure_reason: "no extractable text: this PDF has no text layer; run OCR on it",
      }),
    ];
    const { requests } = renderWith(<Knowledge me={ME} />, {
      ...CSRF,
      [`GET ${BASE}/documents`]: () => json({ items, total: items.length }),
      [`GET ${BASE}/sources`]: () => json([]),
      [`DELETE ${BASE}/documents/d2`]: () => {
        items = items.filter((item) => item.id !== "d2");
        return new Response(null, { status: 204 });
      },
    });
    const rows = await screen.findAllByTestId("document");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain("PDF");
    expect(rows[0]!.textContent).toContain("Ready");
    expect(rows[0]!.textContent).toContain("4 passages");
    expect(within(rows[1]!).getByTestId("failure-reason").textContent).toBe(
      "No extractable text: this PDF has no text layer; run OCR on it.",
    );

    fireEvent.click(within(rows[1]!).getByRole("button", { name: "Delete scanned manual" }));
    expect(requests.some((request) => request.method === "DELETE")).toBe(false);
    fireEvent.click(within(rows[1]!).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(screen.getAllByTestId("document")).toHaveLength(1));
    const deleted = requests.find((request) => request.method === "DELETE")!;
    expect(deleted.headers.get(CSRF_HEADER)).toBe("token-1");
  });

  it("re-ingests a document with a POST and shows it being read again", async () => {
    let items = [doc("d1"), doc("d2", { title: "FAQ", source_type: "website", filename: null })];
    const { requests } = renderWith(<Knowledge me={ME} />, {
      ...CSRF,
      [`GET ${BASE}/documents`]: () => json({ items, total: items.length }),
      [`GET ${BASE}/sources`]: () => json([]),
      [`POST ${BASE}/documents/d1/reingest`]: () => {
        items = items.map((item) =>
          item.id === "d1" ? { ...item, status: "processing", progress: { stage: "extracting", done: 0, total: 0 } } : item,
        );
        return json(items[0], 202);
      },
    });
    const rows = await screen.findAllByTestId("document");
    // A page of a followed website is re-read by its sync, not by hand.
    expect(within(rows[1]!).queryByRole("button", { name: /Re-ingest/ })).toBeNull();
    fireEvent.click(within(rows[0]!).getByRole("button", { name: "Re-ingest Factory reset" }));
    await waitFor(() => expect(screen.getAllByTestId("document")[0]!.getAttribute("data-status")).toBe("processing"));
    const row = screen.getAllByTestId("document")[0]!;
    expect(row.textContent).toContain("Indexing");
    expect((within(row).getByRole("button", { name: "Re-ingest Factory reset" }) as HTMLButtonElement).disabled).toBe(true);
    const writes = requests.filter((request) => request.method !== "GET");
    expect(writes.map((request) => `${request.method} ${new URL(request.url).pathname}`)).toEqual([
      `POST ${BASE}/documents/d1/reingest`,
    ]);
    expect(writes[0]!.headers.get(CSRF_HEADER)).toBe("token-1");
    expect(await writes[0]!.text()).toBe("");
  });

  it("shows an operator the knowledge but none of the controls that change it", async () => {
    renderWith(<Knowledge me={{ ...ME, role: "operator" }} />, {
      [`GET ${BASE}/documents`]: () => json({ items: [doc("d1")], total: 1 }),
      [`GET ${BASE}/sources`]: () => json([source]),
    });
    expect(await screen.findAllByTestId("document")).toHaveLength(1);
    expect(await screen.findByTestId("source")).toBeTruthy();
    expect(screen.getByText("Only owners and admins can change the knowledge base.")).toBeTruthy();
    expect(screen.queryByTestId("file-input")).toBeNull();
    expect(screen.queryByTestId("import-url")).toBeNull();
    expect(screen.queryByRole("button", { name: /Delete|Re-ingest|Sync now|Remove/ })).toBeNull();
    expect(screen.getByTestId("try-question")).toBeTruthy();
  });

  it("uploads with XMLHttpRequest and the CSRF token, showing bytes then ingestion until ready", async () => {
    const sent: FakeRequest[] = [];
    class FakeRequest {
      upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      status = 0;
      statusText = "";
      responseText = "";
      responseType = "";
      withCredentials = false;
      method = "";
      url = "";
      headers: Record<string, string> = {};
      body: FormData | null = null;
      open(method: string, url: string) {
        this.method = method;
        this.url = url;
      }
      setRequestHeader(name: string, value: string) {
        this.headers[name] = value;
      }
      send(body: FormData) {
        this.body = body;
        sent.push(this);
      }
    }
    vi.stubGlobal("XMLHttpRequest", FakeRequest);
    let stored: ReturnType<typeof doc>[] = [];
    renderWith(<Knowledge me={ME} />, {
      ...CSRF,
      [`GET ${BASE}/documents`]: () => json({ items: stored, total: stored.length }),
      [`GET ${BASE}/sources`]: () => json([]),
    });
    await screen.findByText("No documents yet. Upload a file or import a page to get started.");
    const file = new File(["%PDF-1.4 lamp"], "lamp.pdf", { type: "application/pdf" });
    fireEvent.change(screen.getByTestId("file-input"), { target: { files: [file] } });

    await waitFor(() => expect(sent).toHaveLength(1));
    const request = sent[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`http://127.0.0.1:8000${BASE}/documents`);
    expect(request.headers[CSRF_HEADER]).toBe("token-1");
    expect(request.withCredentials).toBe(true);
    expect((request.body!.get("file") as File).name).toBe("lamp.pdf");

    request.upload.onprogress!({ lengthComputable: true, loaded: 5, total: 10 } as ProgressEvent);
    const upload = await screen.findByTestId("upload");
    await waitFor(() => expect(upload.textContent).toContain("Uploading… 50%"));
    expect(upload.getAttribute("data-state")).toBe("uploading");

    const embedding = doc("d9", {
      title: "lamp",
      filename: "lamp.pdf",
      status: "processing",
      chunk_count: 6,
      progress: { stage: "embedding", done: 2, total: 6 },
    });
    stored = [embedding];
    request.status = 202;
    request.responseText = JSON.stringify(embedding);
    request.onload!();
    await waitFor(() => expect(upload.getAttribute("data-state")).toBe("ingesting"));
    expect(upload.textContent).toContain("Indexing passages 2 of 6");

    // The list is polled while a document is in progress: ready arrives without a click.
    stored = [doc("d9", { title: "lamp", filename: "lamp.pdf", chunk_count: 6 })];
    await waitFor(() => expect(upload.getAttribute("data-state")).toBe("ready"), { timeout: 3000 });
    expect(upload.textContent).toContain("Ready: the assistant can answer from it");
  });

  it("uploads every file dropped on the drop zone", async () => {
    const names: string[] = [];
    class Recording {
      upload = { onprogress: null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      status = 0;
      statusText = "";
      responseText = "";
      responseType = "";
      withCredentials = false;
      open() {}
      setRequestHeader() {}
      send(body: FormData) {
        names.push((body.get("file") as File).name);
      }
    }
    vi.stubGlobal("XMLHttpRequest", Recording);
    renderWith(<Knowledge me={ME} />, {
      ...CSRF,
      [`GET ${BASE}/documents`]: () => json({ items: [], total: 0 }),
      [`GET ${BASE}/sources`]: () => json([]),
    });
    const zone = await screen.findByTestId("dropzone");
    const files = [new File(["a"], "a.md"), new File(["b"], "b.txt")];
    fireEvent.dragOver(zone, { dataTransfer: { files } });
    expect(zone.className).toContain("dragging");
    fireEvent.drop(zone, { dataTransfer: { files } });
    expect(zone.className).not.toContain("dragging");
    await waitFor(() => expect(names.sort()).toEqual(["a.md", "b.txt"]));
    expect(screen.getAllByTestId("upload")).toHaveLength(2);
  });

  it("shows a refused upload with the API's reason", async () => {
    class Refusing {
      upload = { onprogress: null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      status = 415;
      statusText = "Unsupported Media Type";
      responseText = JSON.stringify({ detail: "notes.rtf is not a supported file type: upload PDF" });
      responseType = "";
      withCredentials = false;
      open() {}
      setRequestHeader() {}
      send() {
        queueMicrotask(() => this.onload?.());
      }
    }
    vi.stubGlobal("XMLHttpRequest", Refusing);
    renderWith(<Knowledge me={ME} />, {
      ...CSRF,
      [`GET ${BASE}/documents`]: () => json({ items: [], total: 0 }),
      [`GET ${BASE}/sources`]: () => json([]),
    });
    const file = new File(["{\\rtf1}"], "notes.rtf");
    fireEvent.change(await screen.findByTestId("file-input"), { target: { files: [file] } });
    const upload = await screen.findByTestId("upload");
    await waitFor(() => expect(upload.getAttribute("data-state")).toBe("refused"));
    expect(upload.textContent).toContain(
      "Not uploaded: notes.rtf is not a supported file type: upload PDF.",
    );
  });

  it("imports a website and lists followed websites with their counts and sync now", async () => {
    const { requests } = renderWith(<Knowledge me={ME} />, {
      ...CSRF,
      [`GET ${BASE}/documents`]: () => json({ items: [], total: 0 }),
      [`GET ${BASE}/sources`]: () => json([source]),
      [`POST ${BASE}/imports`]: () => json({ ...source, id: "s2" }, 202),
      [`POST ${BASE}/sources/s1/sync`]: () => json(null, 202),
    });
    const row = await screen.findByTestId("source");
    expect(within(row).getByTestId("source-counts").textContent).toBe("3 pages · 2 ready · 1 failed");
    expect(row.textContent).toContain("Every day");

    fireEvent.click(within(row).getByRole("button", { name: "Sync now" }));
    await waitFor(() =>
      expect(requests.some((r) => r.method === "POST" && r.url.endsWith("/sources/s1/sync"))).toBe(true),
    );

    fireEvent.change(screen.getByTestId("import-url"), { target: { value: "https://docs.example.com/" } });
    fireEvent.change(screen.getByLabelText("What to import"), { target: { value: "website" } });
    fireEvent.change(screen.getByLabelText("Page limit"), { target: { value: "20" } });
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    await screen.findByText("The website is being crawled: its pages appear in the documents below.");
    const created = requests.find((r) => r.method === "POST" && r.url.endsWith("/imports"))!;
    expect(await created.json()).toEqual({ url: "https://docs.example.com/", kind: "website", max_pages: 20 });
  });

  it("tries a question and shows the decision, the answer and the passages", async () => {
    const { requests } = renderWith(<Knowledge me={ME} />, {
      ...CSRF,
      [`GET ${BASE}/documents`]: () => json({ items: [doc("d1")], total: 1 }),
      [`GET ${BASE}/sources`]: () => json([]),
      [`POST ${BASE}/try`]: () =>
        json({
          decision: "answer",
          reason: "score 0.91 reaches 0.72",
          answer: "Hold the dial for 12 seconds. [1]",
          citations: [
            { number: 1, chunk_id: "c1", document_id: "d1", title: "Factory reset", section: "Steps", source_url: null },
          ],
          passages: [
            { chunk_id: "c1", document_id: "d1", title: "Factory reset", section: "Steps", content: "Press and hold the dial.", source_url: null, score: 0.6234, rank: 1, cited: true },
            { chunk_id: "c2", document_id: "d1", title: "Factory reset", section: "After", content: "Remove it from the app.", source_url: null, score: 0.41, rank: 2, cited: false },
          ],
          model: "extractive-v1",
        }),
    });
    fireEvent.change(await screen.findByTestId("try-question"), { target: { value: "How do I reset?" } });
    fireEvent.click(screen.getByTestId("try-submit"));
    expect((await screen.findByTestId("try-decision")).textContent).toBe("Would answer");
    expect(screen.getByTestId("try-answer").textContent).toBe("Hold the dial for 12 seconds. [1]");
    expect(screen.getByText("score 0.91 reaches 0.72")).toBeTruthy();
    const passages = screen.getAllByTestId("passage");
    expect(passages).toHaveLength(2);
    expect(passages[0]!.textContent).toContain("score 0.62");
    expect(passages[0]!.textContent).toContain("cited");
    expect(passages[1]!.textContent).not.toContain("cited");
    const asked = requests.find((r) => r.url.endsWith("/try"))!;
    expect(await asked.json()).toEqual({ question: "How do I reset?" });
    expect(asked.headers.get(CSRF_HEADER)).toBe("token-1");
  });

  it("comes from a knowledge gap with its question: says what to add and has it ready to try", async () => {
    const question = "Do you ship to Australia?";
    const { requests } = renderWith(
      <Knowledge me={ME} />,
      {
        ...CSRF,
        [`GET ${BASE}/documents`]: () => json({ items: [], total: 0 }),
        [`GET ${BASE}/sources`]: () => json([]),
        [`POST ${BASE}/try`]: () =>
          json({ decision: "handoff", reason: "nothing retrieved", answer: "", citations: [], passages: [], model: "extractive-v1" }),
      },
      `/knowledge?topic=${encodeURIComponent(question)}`,
    );
    const notice = await screen.findByTestId("knowledge-topic");
    expect(notice.textContent).toBe("Add knowledge that answers: Do you ship to Australia?");
    // Above the upload area.
    expect(notice.compareDocumentPosition(screen.getByTestId("dropzone")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const box = screen.getByTestId("try-question") as HTMLTextAreaElement;
    expect(box.value).toBe(question);
    fireEvent.click(screen.getByTestId("try-submit"));
    await screen.findByTestId("try-decision");
    const asked = requests.find((r) => r.url.endsWith("/try"))!;
    expect(await asked.json()).toEqual({ question });
  });

  it("shows no gap notice and an empty try box without a topic", async () => {
    renderWith(
      <Knowledge me={ME} />,
      {
        [`GET ${BASE}/documents`]: () => json({ items: [], total: 0 }),
        [`GET ${BASE}/sources`]: () => json([]),
      },
      "/knowledge",
    );
    expect(((await screen.findByTestId("try-question")) as HTMLTextAreaElement).value).toBe("");
    expect(screen.queryByTestId("knowledge-topic")).toBeNull();
  });

  it("says when the assistant would hand off and shows a refusal from the API", async () => {
    let calls = 0;
    renderWith(<Knowledge me={ME} />, {
      ...CSRF,
      [`GET ${BASE}/documents`]: () => json({ items: [], total: 0 }),
      [`GET ${BASE}/sources`]: () => json([]),
      [`POST ${BASE}/try`]: () =>
        ++calls === 1
          ? json({ decision: "handoff", reason: "nothing retrieved", answer: "", citations: [], passages: [], model: "extractive-v1" })
          : json({ detail: "too many questions: wait a moment" }, 429),
    });
    fireEvent.change(await screen.findByTestId("try-question"), { target: { value: "Tyres?" } });
    fireEvent.click(screen.getByTestId("try-submit"));
    expect((await screen.findByTestId("try-decision")).textContent).toBe("Would hand off to a person");
    expect(screen.getByText("Nothing in the knowledge base matched this question.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("try-submit"));
    expect((await screen.findByRole("alert")).textContent).toContain("too many questions: wait a moment");
  });
});
