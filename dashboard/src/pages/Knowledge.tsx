// The knowledge base: upload (drag and drop or a file button, several at once, each with its
// byte and ingestion progress), the documents with delete and re-ingest, web imports and
// followed websites, and "try it". Controls a role may not use are not shown (the API
// refuses them anyway). A lazy route: none of this is in the first load.
import { type DragEvent, type FormEvent, useId, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { isManager } from "../access";
import type { Me } from "../api/client";
import {
  type ImportKind,
  type KnowledgeDocument,
  type KnowledgeSource,
  type TryResult,
  inProgress,
  uploadDocument,
  useDocumentAction,
  useDocuments,
  useImport,
  useSourceAction,
  useSources,
  useTry,
} from "../api/knowledge";
import { useApi } from "../api/queries";
import { Confirmation } from "../components/Confirmation";
import { ErrorMessage } from "../components/ErrorMessage";
import { Pill } from "../components/Pill";
import { When } from "../components/When";
import { strings } from "../strings";

const t = strings.knowledge;
const ACCEPT = ".pdf,.txt,.md,.markdown,.html,.htm,.docx,.csv";

export default function Knowledge({ me }: { me: Me }) {
  const canManage = isManager(me.role);
  // "Add knowledge" on a knowledge gap (Analytics) comes here with the gap's question.
  const [params] = useSearchParams();
  const topic = params.get("topic")?.trim() ?? "";
  return (
    <div className="knowledge">
      <div className="knowledge-main">
        <header className="knowledge-head">
          <h1>{t.title}</h1>
          <p className="kb-hint">{t.intro}</p>
          {!canManage && <p className="notice">{t.documents.readOnly}</p>}
          {topic && (
            <p className="notice topic" data-testid="knowledge-topic">
              {t.topic(topic)}
            </p>
          )}
        </header>
        {canManage && <Uploads orgId={me.org_id} />}
        <Documents orgId={me.org_id} canManage={canManage} />
        <Imports orgId={me.org_id} canManage={canManage} />
      </div>
      <TryBox key={topic} orgId={me.org_id} initialQuestion={topic} />
    </div>
  );
}

// -- uploads ---------------------------------------------------------------------------------

interface Upload {
  key: string;
  name: string;
  loaded: number;
  total: number;
  document: KnowledgeDocument | null;
  error: string | null;
  finishedAt: number; // when the API answered the upload (ms), 0 before
}

function Uploads({ orgId }: { orgId: string }) {
  const api = useApi();
  const documents = useDocuments(orgId);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const counter = useRef(0);

  const change = (key: string, update: Partial<Upload>) =>
    setUploads((current) => current.map((u) => (u.key === key ? { ...u, ...update } : u)));

  const start = (files: FileList | File[]) => {
    const added = Array.from(files).map((file) => ({
      file,
      upload: {
        key: `${++counter.current}`,
        name: file.name,
        loaded: 0,
        total: file.size,
        document: null,
        error: null,
        finishedAt: 0,
      } satisfies Upload,
    }));
    setUploads((current) => [...added.map((a) => a.upload), ...current]);
    for (const { file, upload } of added) {
      uploadDocument(api, orgId, file, (loaded, total) => change(upload.key, { loaded, total }))
        .then((document) => {
          change(upload.key, { document, finishedAt: Date.now() });
          void documents.refetch();
        })
        .catch((error: unknown) =>
          change(upload.key, { error: error instanceof Error ? error.message : String(error) }),
        );
    }
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length > 0) start(event.dataTransfer.files);
  };

  const live = new Map((documents.data?.items ?? []).map((d) => [d.id, d]));
  // An uploaded document no longer listed (deleted since) leaves the uploads too.
  const shown = uploads.filter(
    (u) => !(u.document && documents.dataUpdatedAt > u.finishedAt && !live.has(u.document.id)),
  );
  return (
    <section className="panel" aria-labelledby="upload-title">
      <h2 id="upload-title">{t.upload.title}</h2>
      <div
        className={`dropzone${dragging ? " dragging" : ""}`}
        data-testid="dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>{t.upload.drop}</p>
        <p>
          {t.upload.or}{" "}
          <button type="button" className="primary" onClick={() => input.current?.click()}>
            {t.upload.choose}
          </button>
        </p>
        <p className="kb-hint">{t.upload.limit}</p>
        <label htmlFor={inputId} className="visually-hidden">
          {t.upload.inputLabel}
        </label>
        <input
          ref={input}
          id={inputId}
          type="file"
          multiple
          accept={ACCEPT}
          className="visually-hidden"
          tabIndex={-1}
          data-testid="file-input"
          onChange={(event) => {
            if (event.target.files?.length) start(event.target.files);
            event.target.value = "";
          }}
        />
      </div>
      {shown.length > 0 && (
        <ul className="uploads" aria-label={t.upload.uploads} aria-live="polite">
          {shown.map((upload) => (
            <UploadRow
              key={upload.key}
              upload={upload}
              document={upload.document ? (live.get(upload.document.id) ?? upload.document) : null}
              onDismiss={() => setUploads((current) => current.filter((u) => u.key !== upload.key))}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

type UploadState = "uploading" | "ingesting" | "ready" | "failed" | "refused";

function UploadRow({
  upload,
  document,
  onDismiss,
}: {
  upload: Upload;
  document: KnowledgeDocument | null;
  onDismiss: () => void;
}) {
  let state: UploadState;
  let label: string;
  let value: number | undefined;
  let max = 100;
  if (upload.error !== null) {
    state = "refused";
    label = t.upload.refused(upload.error);
  } else if (document === null) {
    state = "uploading";
    const percent = upload.total ? Math.round((upload.loaded / upload.total) * 100) : 0;
    label = t.upload.uploading(percent);
    value = percent;
  } else if (document.status === "ready") {
    state = "ready";
    label = document.duplicate ? t.upload.duplicate : t.upload.ready;
    value = 100;
  } else if (document.status === "failed") {
    state = "failed";
    label = t.reason(document.failure_reason);
  } else {
    state = "ingesting";
    const { stage, done, total } = document.progress;
    if (stage === "embedding" && total > 0) {
      label = t.upload.embedding(done, total);
      value = done;
      max = total;
    } else {
      label = stage === "extracting" ? t.upload.extracting : t.upload.queued;
      value = undefined; // indeterminate while the file is read
    }
  }
  const finished = state === "ready" || state === "failed" || state === "refused";
  return (
    <li className={`upload upload-${state}`} data-testid="upload" data-state={state}>
      <div className="upload-top">
        <span className="upload-name">{upload.name}</span>
        {finished && (
          <button type="button" className="link" onClick={onDismiss}>
            {t.upload.dismiss}
            <span className="visually-hidden"> {upload.name}</span>
          </button>
        )}
      </div>
      {(state === "uploading" || state === "ingesting" || state === "ready") && (
        <progress aria-label={t.upload.progressLabel(upload.name)} value={value} max={max} />
      )}
      <p className="upload-state" data-testid="upload-state">
        {label}
      </p>
    </li>
  );
}

// -- documents -------------------------------------------------------------------------------

function kindOf(document: KnowledgeDocument): string {
  if (document.source_type === "url") return t.documents.webPage;
  if (document.source_type !== "file") return t.documents.sitePage;
  const extension = document.filename?.split(".").pop();
  return extension && extension !== document.filename ? extension.toUpperCase() : t.documents.file;
}

function size(bytes: number | null): string {
  if (bytes === null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function Documents({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const documents = useDocuments(orgId);
  const action = useDocumentAction(orgId);
  const [confirming, setConfirming] = useState<string | null>(null);
  const items = documents.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="documents-title">
      <div className="panel-head">
        <h2 id="documents-title">{t.documents.title}</h2>
        {documents.data && items.length > 0 && (
          <span className="count">{t.documents.count(items.length, documents.data.total)}</span>
        )}
      </div>
      {documents.isPending ? (
        <p>{strings.loading}</p>
      ) : documents.isError ? (
        <ErrorMessage error={documents.error} />
      ) : items.length === 0 ? (
        <p className="empty">{canManage ? t.documents.empty : t.documents.emptyReadOnly}</p>
      ) : (
        <div className="table-wrap">
          <table className="documents" data-testid="documents">
            <thead>
              <tr>
                <th scope="col">{t.documents.name}</th>
                <th scope="col">{t.documents.kind}</th>
                <th scope="col">{t.documents.status}</th>
                <th scope="col">{t.documents.size}</th>
                <th scope="col">{t.documents.updated}</th>
                {canManage && (
                  <th scope="col">
                    <span className="visually-hidden">{t.documents.actions}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {items.map((document) => (
                <tr key={document.id} data-testid="document" data-status={document.status}>
                  <td className="doc-name">
                    <span className="doc-title">{document.title}</span>
                    {document.source_url ? (
                      <a href={document.source_url} target="_blank" rel="noreferrer" className="doc-sub">
                        {document.source_url}
                      </a>
                    ) : (
                      document.filename &&
                      document.filename !== document.title && (
                        <span className="doc-sub">{document.filename}</span>
                      )
                    )}
                  </td>
                  <td>{kindOf(document)}</td>
                  <td className="doc-status">
                    <Pill tone={document.status}>{t.status[document.status] ?? document.status}</Pill>
                    {inProgress(document) && document.progress.total > 0 && (
                      <progress
                        aria-label={t.upload.progressLabel(document.title)}
                        value={document.progress.done}
                        max={document.progress.total}
                      />
                    )}
                    {document.status === "failed" && (
                      <span className="doc-reason" data-testid="failure-reason">
                        {t.reason(document.failure_reason)}
                      </span>
                    )}
                  </td>
                  <td className="doc-size">
                    {size(document.size_bytes)}
                    {document.chunk_count > 0 && (
                      <span className="doc-sub">{t.documents.chunks(document.chunk_count)}</span>
                    )}
                  </td>
                  <td>
                    <When at={document.updated_at} format="short" />
                  </td>
                  {canManage && (
                    <td className="doc-actions">
                      {confirming === document.id ? (
                        <Confirmation
                          question={t.documents.confirmDelete(document.title)}
                          confirm={t.documents.confirm}
                          cancel={t.documents.cancel}
                          busy={action.isPending}
                          onConfirm={() =>
                            action.mutate({ id: document.id, action: "delete" }, { onSettled: () => setConfirming(null) })
                          }
                          onCancel={() => setConfirming(null)}
                        />
                      ) : (
                        <div className="row-actions">
                          {(document.source_type === "file" || document.source_type === "url") && (
                            <button
                              type="button"
                              disabled={action.isPending || inProgress(document)}
                              onClick={() => action.mutate({ id: document.id, action: "reingest" })}
                            >
                              {t.documents.reingest}
                              <span className="visually-hidden"> {document.title}</span>
                            </button>
                          )}
                          <button type="button" onClick={() => setConfirming(document.id)}>
                            {t.documents.delete}
                            <span className="visually-hidden"> {document.title}</span>
                          </button>
                        </div>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={action.error} />
    </section>
  );
}

// -- imports ---------------------------------------------------------------------------------

function Imports({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const sources = useSources(orgId);
  const importer = useImport(orgId);
  const action = useSourceAction(orgId);
  const [url, setUrl] = useState("");
  const [kind, setKind] = useState<ImportKind>("url");
  const [maxPages, setMaxPages] = useState("");
  const [added, setAdded] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const interval = sources.data?.[0]?.sync_interval_hours ?? 24;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    const pages = Number.parseInt(maxPages, 10);
    importer.mutate(
      { url: url.trim(), kind, ...(kind !== "url" && pages > 0 ? { max_pages: pages } : {}) },
      {
        onSuccess: () => {
          setUrl("");
          setAdded(kind === "url" ? t.imports.pageAdded : t.imports.sourceAdded);
        },
      },
    );
  };

  return (
    <section className="panel" aria-labelledby="imports-title">
      <h2 id="imports-title">{t.imports.title}</h2>
      {canManage && (
        <form className="import-form" onSubmit={submit}>
          <label className="field grow">
            {t.imports.url}
            <input
              type="url"
              required
              value={url}
              placeholder="https://help.example.com/"
              data-testid="import-url"
              onChange={(event) => setUrl(event.target.value)}
            />
          </label>
          <label className="field">
            {t.imports.kind}
            <select value={kind} onChange={(event) => setKind(event.target.value as ImportKind)}>
              <option value="url">{t.imports.page}</option>
              <option value="website">{t.imports.website}</option>
              <option value="sitemap">{t.imports.sitemap}</option>
            </select>
          </label>
          {kind !== "url" && (
            <label className="field narrow">
              {t.imports.maxPages}
              <input
                type="number"
                min={1}
                max={5000}
                value={maxPages}
                placeholder="50"
                onChange={(event) => setMaxPages(event.target.value)}
              />
            </label>
          )}
          <button type="submit" className="primary" disabled={importer.isPending || !url.trim()}>
            {importer.isPending ? t.imports.importing : t.imports.submit}
          </button>
        </form>
      )}
      {canManage && <p className="kb-hint">{t.imports.hint(interval)}</p>}
      {added && <p className="notice" role="status">{added}</p>}
      <ErrorMessage error={importer.error} />

      <h3>{t.imports.sources}</h3>
      {sources.isPending ? (
        <p>{strings.loading}</p>
      ) : sources.isError ? (
        <ErrorMessage error={sources.error} />
      ) : sources.data.length === 0 ? (
        <p className="empty">{t.imports.noSources}</p>
      ) : (
        <ul className="sources-list" data-testid="sources">
          {sources.data.map((source) => (
            <SourceRow
              key={source.id}
              source={source}
              canManage={canManage}
              busy={action.isPending}
              confirming={confirming === source.id}
              onConfirm={(value) => setConfirming(value ? source.id : null)}
              onAction={(name) =>
                action.mutate({ id: source.id, action: name }, { onSettled: () => setConfirming(null) })
              }
            />
          ))}
        </ul>
      )}
      <ErrorMessage error={action.error} />
    </section>
  );
}

function SourceRow({
  source,
  canManage,
  busy,
  confirming,
  onConfirm,
  onAction,
}: {
  source: KnowledgeSource;
  canManage: boolean;
  busy: boolean;
  confirming: boolean;
  onConfirm: (value: boolean) => void;
  onAction: (name: "sync" | "remove") => void;
}) {
  const syncing = source.in_progress > 0 || (source.last_synced_at === null && !source.last_error);
  return (
    <li className="source" data-testid="source">
      <div className="source-main">
        <Pill>{t.imports.kindLabel[source.kind] ?? source.kind}</Pill>
        <a href={source.url} target="_blank" rel="noreferrer" className="source-url">
          {source.url}
        </a>
      </div>
      <p className="source-meta">
        <span>{t.imports.schedule(source.sync_interval_hours)}</span>
        <span>
          {t.imports.lastSync}:{" "}
          {source.last_synced_at ? (
            <When at={source.last_synced_at} format="short" />
          ) : (
            t.imports.never
          )}
        </span>
        <span data-testid="source-counts">{t.imports.counts(source.pages, source.ready, source.failed)}</span>
        {syncing && <span className="syncing">{t.imports.syncing}</span>}
      </p>
      {source.last_error && <p className="doc-reason">{t.reason(source.last_error)}</p>}
      {canManage &&
        (confirming ? (
          <Confirmation
            question={t.imports.confirmRemove(source.url)}
            confirm={t.imports.remove}
            cancel={t.documents.cancel}
            busy={busy}
            onConfirm={() => onAction("remove")}
            onCancel={() => onConfirm(false)}
          />
        ) : (
          <div className="source-actions">
            <button type="button" disabled={busy || syncing} onClick={() => onAction("sync")}>
              {t.imports.syncNow}
            </button>
            <button type="button" onClick={() => onConfirm(true)}>
              {t.imports.remove}
            </button>
          </div>
        ))}
    </li>
  );
}

// -- try it ----------------------------------------------------------------------------------

function TryBox({ orgId, initialQuestion }: { orgId: string; initialQuestion: string }) {
  const trial = useTry(orgId);
  const [question, setQuestion] = useState(initialQuestion);
  const fieldId = useId();
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const text = question.trim();
    if (text) trial.mutate(text);
  };
  return (
    <aside className="panel try" aria-labelledby="try-title">
      <h2 id="try-title">{t.trial.title}</h2>
      <p className="kb-hint">{t.trial.intro}</p>
      <form onSubmit={submit} className="try-form">
        <label htmlFor={fieldId}>{t.trial.question}</label>
        <textarea
          id={fieldId}
          data-testid="try-question"
          value={question}
          maxLength={4000}
          placeholder={t.trial.placeholder}
          onChange={(event) => setQuestion(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit" className="primary" disabled={trial.isPending || !question.trim()} data-testid="try-submit">
          {trial.isPending ? t.trial.asking : t.trial.submit}
        </button>
      </form>
      <ErrorMessage error={trial.error} />
      <div aria-live="polite">{trial.data && <TryOutcome result={trial.data} />}</div>
    </aside>
  );
}

function TryOutcome({ result }: { result: TryResult }) {
  return (
    <div className="try-result" data-testid="try-result" data-decision={result.decision}>
      <p className={`decision decision-${result.decision}`} data-testid="try-decision">
        {t.trial.decision[result.decision] ?? result.decision}
      </p>
      <p className="why">
        <strong>{t.trial.why}:</strong> {result.reason}
      </p>
      <h3>{t.trial.answer}</h3>
      {result.answer ? (
        <p className="try-answer" data-testid="try-answer">
          {result.answer}
        </p>
      ) : (
        <p className="empty">{t.trial.noAnswer}</p>
      )}
      {result.citations.length > 0 && (
        <p className="try-cited">
          {t.trial.sources}:{" "}
          {result.citations.map((citation) => `[${citation.number}] ${citation.title}`).join(" · ")}
        </p>
      )}
      <h3>{t.trial.passages}</h3>
      {result.passages.length === 0 ? (
        <p className="empty">{t.trial.noPassages}</p>
      ) : (
        <ol className="passages">
          {result.passages.map((passage) => (
            <Passage key={passage.chunk_id} passage={passage} />
          ))}
        </ol>
      )}
      <p className="kb-hint small">{t.trial.model(result.model)}</p>
    </div>
  );
}

function Passage({ passage }: { passage: TryResult["passages"][number] }) {
  const [open, setOpen] = useState(false);
  const long = passage.content.length > 320;
  return (
    <li className="passage" data-testid="passage">
      <div className="passage-head">
        <span className="passage-title">{passage.title}</span>
        <span className="passage-score">{t.trial.score(passage.score)}</span>
        {passage.cited && <Pill tone="ready">{t.trial.cited}</Pill>}
      </div>
      {passage.section && <p className="passage-section">{passage.section}</p>}
      <p className={`passage-text${long && !open ? " clamped" : ""}`}>{passage.content}</p>
      {long && (
        <button type="button" className="link small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? t.trial.showLess : t.trial.showAll}
        </button>
      )}
    </li>
  );
}
