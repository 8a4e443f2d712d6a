// The knowledge base screen's strings (part of `strings` in ../strings.ts).

const sentence = (text: string) => (text ? text[0]!.toUpperCase() + text.slice(1) : text);

export const knowledge = {
  title: "Knowledge",
  intro: "What the assistant answers from. Upload files, import pages from the web, and try a question.",
  /** From a knowledge gap in Analytics: the question the knowledge did not answer. */
  topic: (question: string) => `Add knowledge that answers: ${question}`,

  upload: {
    title: "Upload files",
    drop: "Drop PDF, Word, Markdown, HTML, text or CSV files here",
    or: "or",
    choose: "Choose files",
    inputLabel: "Files to upload",
    limit: "Up to 25 MB each.",
    uploads: "Uploads",
    uploading: (percent: number) => `Uploading… ${percent}%`,
    queued: "Waiting to be read",
    extracting: "Reading the file",
    embedding: (done: number, total: number) => `Indexing passages ${done} of ${total}`,
    ready: "Ready: the assistant can answer from it",
    duplicate: "Already in the knowledge base: nothing new to index",
    failed: "Failed",
    refused: (detail: string) => `Not uploaded: ${detail}${/[.!?]$/.test(detail) ? "" : "."}`,
    dismiss: "Dismiss",
    progressLabel: (name: string) => `Progress of ${name}`,
  },

  documents: {
    title: "Documents",
    empty: "No documents yet. Upload a file or import a page to get started.",
    emptyReadOnly: "No documents yet.",
    count: (shown: number, total: number) =>
      shown === total ? `${total} document${total === 1 ? "" : "s"}` : `${shown} of ${total} documents`,
    name: "Name",
    kind: "Kind",
    status: "Status",
    size: "Size",
    updated: "Updated",
    actions: "Actions",
    chunks: (count: number) => `${count} passage${count === 1 ? "" : "s"}`,
    webPage: "Web page",
    sitePage: "Website page",
    file: "File",
    delete: "Delete",
    reingest: "Re-ingest",
    confirmDelete: (name: string) => `Delete ${name}? The assistant stops answering from it.`,
    confirm: "Delete",
    cancel: "Cancel",
    readOnly: "Only owners and admins can change the knowledge base.",
  },
  status: {
    pending: "Queued",
    processing: "Indexing",
    ready: "Ready",
    failed: "Failed",
  } as Record<string, string>,
  /** A failure reason from the API, as a sentence with what to do. */
  reason: (reason: string | null) =>
    sentence(reason ?? "ingestion failed; re-ingest it or upload it again") +
    (reason && /[.!?]$/.test(reason) ? "" : "."),

  imports: {
    title: "Import from the web",
    url: "Web address",
    kind: "What to import",
    page: "This page only",
    website: "Follow the website",
    sitemap: "Follow a sitemap",
    maxPages: "Page limit",
    submit: "Import",
    importing: "Importing…",
    hint: (hours: number) =>
      `A followed website is crawled within its own site (robots.txt respected) and synced every ${hours} hours.`,
    pageAdded: "The page is being imported: it appears in the documents below.",
    sourceAdded: "The website is being crawled: its pages appear in the documents below.",
    sources: "Followed websites",
    noSources: "No websites followed yet.",
    schedule: (hours: number) => (hours % 24 === 0 ? `Every ${hours / 24 === 1 ? "day" : `${hours / 24} days`}` : `Every ${hours} hours`),
    lastSync: "Last sync",
    never: "Not synced yet",
    syncing: "Syncing…",
    counts: (pages: number, ready: number, failed: number) =>
      `${pages} page${pages === 1 ? "" : "s"} · ${ready} ready · ${failed} failed`,
    syncNow: "Sync now",
    remove: "Remove",
    confirmRemove: (url: string) => `Stop following ${url} and delete its pages?`,
    kindLabel: { website: "Website", sitemap: "Sitemap", url: "Page", file: "File" } as Record<string, string>,
  },

  trial: {
    title: "Try it",
    intro: "Ask what a customer would ask. Nothing is sent to anyone or stored.",
    question: "Question",
    placeholder: "e.g. How do I reset my lamp?",
    submit: "Try",
    asking: "Thinking…",
    decision: {
      answer: "Would answer",
      clarify: "Would ask to clarify",
      handoff: "Would hand off to a person",
    } as Record<string, string>,
    why: "Why",
    answer: "Answer",
    noAnswer: "No answer: the visitor would be offered a person.",
    sources: "Cited",
    passages: "Passages retrieved",
    noPassages: "Nothing in the knowledge base matched this question.",
    score: (score: number) => `score ${score.toFixed(2)}`,
    cited: "cited",
    showAll: "Show the whole passage",
    showLess: "Show less",
    model: (model: string) => `Model: ${model}`,
  },
};
