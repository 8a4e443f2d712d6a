// The simulations screen: start one (recorded conversations or a labelled question set, and
// the change to try), the past ones with their progress and figures, and one simulation's
// cases: decision before → after, the answer's line diff, citations and scores.
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import { ApiError, type Me } from "../api/client";
import { reason, useOrganization } from "../api/settings";
import {
  type Candidate,
  isRunning,
  type LabelledQuestion,
  type Simulation,
  type SimulationAnswer,
  type SimulationCase,
  type SimulationRequest,
  useDeleteSimulation,
  useSimulation,
  useSimulationResults,
  useSimulations,
  useStartSimulation,
} from "../api/simulations";
import { Pill } from "../components/Pill";
import { When } from "../components/When";
import { startOfDay } from "../dates";
import { strings } from "../strings";
import { ConfirmButton } from "./settings/common";

const t = strings.simulations;

export default function Simulations({ me }: { me: Me }) {
  return (
    <section className="simulations">
      <Routes>
        <Route index element={<Home me={me} />} />
        <Route path=":simulationId" element={<Detail me={me} />} />
      </Routes>
    </section>
  );
}

function Home({ me }: { me: Me }) {
  return (
    <>
      <header className="simulations-head">
        <h1>{t.title}</h1>
        <p className="muted">{t.intro}</p>
      </header>
      <StartForm me={me} />
      <SimulationList me={me} />
    </>
  );
}

// -- starting one ----------------------------------------------------------------------------

type SourceKind = "conversations" | "questions";

/** A pasted question set: a JSON array, or one JSON object a line (JSON Lines). */
export function parseQuestions(text: string): LabelledQuestion[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (trimmed.startsWith("[")) return JSON.parse(trimmed) as LabelledQuestion[];
  return trimmed
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LabelledQuestion);
}

function StartForm({ me }: { me: Me }) {
  const organization = useOrganization(me.org_id);
  const calibrated = organization.data?.calibrated_answer_threshold ?? 0.5;
  const stored = organization.data?.settings.answer_threshold;
  const current = typeof stored === "number" ? stored : calibrated;
  const start = useStartSimulation(me.org_id);
  const navigate = useNavigate();
  const id = useId();

  const [kind, setKind] = useState<SourceKind>("conversations");
  const [last, setLast] = useState("20");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [questions, setQuestions] = useState("");
  const [changePoint, setChangePoint] = useState(true);
  const [point, setPoint] = useState<number | null>(null);
  const [changeK, setChangeK] = useState(false);
  const [k, setK] = useState("5");
  const [searchMode, setSearchMode] = useState<"" | "vector" | "hybrid">("");
  const [responder, setResponder] = useState<"" | "keyless" | "model">("");
  const [model, setModel] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const threshold = point ?? current;

  const request = (): SimulationRequest | string => {
    const candidate: Candidate = {};
    if (changePoint) candidate.operating_point = Number(threshold.toFixed(2));
    if (changeK) candidate.k = Number(k);
    if (searchMode) candidate.search_mode = searchMode;
    if (responder) candidate.responder = responder;
    if (responder === "model" && model.trim()) candidate.model = model.trim();
    if (kind === "questions") {
      let parsed: LabelledQuestion[];
      try {
        parsed = parseQuestions(questions);
      } catch (error) {
        return t.form.badQuestions(error instanceof Error ? error.message : String(error));
      }
      if (parsed.length === 0) return t.form.noQuestions;
      return { source: { kind: "questions", questions: parsed }, candidate };
    }
    if (!last.trim() && !since && !until) return t.form.needConversations;
    if (since && until && since >= until) return t.form.badRange;
    return {
      source: {
        kind: "conversations",
        ...(last.trim() ? { last: Number(last) } : {}),
        ...(since ? { since: startOfDay(since) } : {}),
        ...(until ? { until: startOfDay(until, 1) } : {}),
      },
      candidate,
    };
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.reset();
    const body = request();
    if (typeof body === "string") return setProblem(body);
    setProblem(null);
    start.mutate(body, { onSuccess: (started) => void navigate(started.id) });
  };

  const error = problem ?? (start.isError ? t.form.problem(reason(start.error)) : null);
  const errorId = `${id}-error`;
  return (
    <form className="card form simulation-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`} className="form-title">
        {t.form.title}
      </h2>
      <fieldset className="choices">
        <legend>{t.form.source}</legend>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-kind`}
            value="conversations"
            checked={kind === "conversations"}
            data-testid="source-conversations"
            onChange={() => setKind("conversations")}
          />
          {t.form.fromConversations}
        </label>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-kind`}
            value="questions"
            checked={kind === "questions"}
            data-testid="source-questions"
            onChange={() => setKind("questions")}
          />
          {t.form.fromQuestions}
        </label>
      </fieldset>

      {kind === "conversations" ? (
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-last`}>{t.form.last}</label>
            <input
              id={`${id}-last`}
              type="number"
              min={1}
              max={1000}
              inputMode="numeric"
              value={last}
              data-testid="source-last"
              aria-describedby={`${id}-last-hint`}
              onChange={(event) => setLast(event.target.value)}
            />
            <p id={`${id}-last-hint`} className="field-hint">
              {t.form.lastHint}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-since`}>{t.form.since}</label>
            <input
              id={`${id}-since`}
              type="date"
              value={since}
              data-testid="source-since"
              aria-describedby={`${id}-range-hint`}
              onChange={(event) => setSince(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-until`}>{t.form.until}</label>
            <input
              id={`${id}-until`}
              type="date"
              value={until}
              data-testid="source-until"
              aria-describedby={`${id}-range-hint`}
              onChange={(event) => setUntil(event.target.value)}
            />
            <p id={`${id}-range-hint`} className="field-hint">
              {t.form.rangeHint}
            </p>
          </div>
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-questions`}>{t.form.questions}</label>
          <textarea
            id={`${id}-questions`}
            rows={6}
            spellCheck={false}
            value={questions}
            data-testid="source-questions-text"
            aria-describedby={`${id}-questions-hint`}
            onChange={(event) => setQuestions(event.target.value)}
          />
          <p id={`${id}-questions-hint`} className="field-hint">
            {t.form.questionsHint}
          </p>
        </div>
      )}

      <fieldset className="candidate">
        <legend>{t.form.change}</legend>
        <p className="field-hint">{t.form.changeHint}</p>
        <label className="choice">
          <input
            type="checkbox"
            checked={changePoint}
            data-testid="change-operating-point"
            onChange={(event) => setChangePoint(event.target.checked)}
          />
          {t.form.changeOperatingPoint}
        </label>
        {changePoint && (
          <div className="field">
            <label htmlFor={`${id}-point`}>{t.form.operatingPoint}</label>
            <div className="range-row">
              <span aria-hidden="true">{t.form.answerMore}</span>
              <input
                id={`${id}-point`}
                type="range"
                min={0.05}
                max={0.95}
                step={0.01}
                value={threshold}
                data-testid="operating-point"
                aria-valuetext={threshold.toFixed(2)}
                aria-describedby={`${id}-point-hint`}
                onChange={(event) => setPoint(Number(event.target.value))}
              />
              <span aria-hidden="true">{t.form.handOffMore}</span>
              <output htmlFor={`${id}-point`}>{threshold.toFixed(2)}</output>
            </div>
            <p id={`${id}-point-hint`} className="field-hint">
              {t.form.calibrated(calibrated.toFixed(2))}
            </p>
          </div>
        )}
        <label className="choice">
          <input
            type="checkbox"
            checked={changeK}
            data-testid="change-k"
            onChange={(event) => setChangeK(event.target.checked)}
          />
          {t.form.changeK}
        </label>
        {changeK && (
          <div className="field narrow">
            <label htmlFor={`${id}-k`}>{t.form.k}</label>
            <input
              id={`${id}-k`}
              type="number"
              min={1}
              max={20}
              inputMode="numeric"
              value={k}
              data-testid="candidate-k"
              onChange={(event) => setK(event.target.value)}
            />
          </div>
        )}
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-mode`}>{t.form.searchMode}</label>
            <select
              id={`${id}-mode`}
              value={searchMode}
              data-testid="candidate-search-mode"
              onChange={(event) => setSearchMode(event.target.value as typeof searchMode)}
            >
              <option value="">{t.form.unchanged}</option>
              <option value="vector">{t.form.vector}</option>
              <option value="hybrid">{t.form.hybrid}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-responder`}>{t.form.responder}</label>
            <select
              id={`${id}-responder`}
              value={responder}
              data-testid="candidate-responder"
              aria-describedby={`${id}-responder-hint`}
              onChange={(event) => setResponder(event.target.value as typeof responder)}
            >
              <option value="">{t.form.unchanged}</option>
              <option value="keyless">{t.form.keyless}</option>
              <option value="model">{t.form.model}</option>
            </select>
            <p id={`${id}-responder-hint`} className="field-hint">
              {t.form.modelHint}
            </p>
          </div>
          {responder === "model" && (
            <div className="field">
              <label htmlFor={`${id}-model`}>{t.form.modelName}</label>
              <input
                id={`${id}-model`}
                type="text"
                maxLength={100}
                value={model}
                data-testid="candidate-model"
                onChange={(event) => setModel(event.target.value)}
              />
            </div>
          )}
        </div>
      </fieldset>

      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          disabled={start.isPending}
          data-testid="start-simulation"
          aria-describedby={error ? errorId : undefined}
        >
          {start.isPending ? t.form.starting : t.form.start}
        </button>
        {error && (
          <p id={errorId} role="alert" className="form-error" data-testid="start-error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}

// -- the list --------------------------------------------------------------------------------

function describeSource(source: Simulation["source"], total: number): string {
  if (source.kind === "questions") return t.source.questions(total || undefined);
  if (Array.isArray(source.conversation_ids)) return t.source.byIds(source.conversation_ids.length);
  return t.source.conversations(
    typeof source.last === "number" ? source.last : undefined,
    typeof source.since === "string" ? source.since : undefined,
    typeof source.until === "string" ? source.until : undefined,
  );
}

export function describeCandidate(candidate: Simulation["candidate"]): string {
  const parts: string[] = [];
  if (typeof candidate.operating_point === "number") parts.push(t.change.operatingPoint(candidate.operating_point));
  if (typeof candidate.k === "number") parts.push(t.change.k(candidate.k));
  if (typeof candidate.search_mode === "string") parts.push(t.change.searchMode(candidate.search_mode));
  if (typeof candidate.model === "string") parts.push(t.change.model(candidate.model));
  else if (typeof candidate.responder === "string") parts.push(t.change.responder(candidate.responder));
  return parts.length ? parts.join(", ") : t.change.none;
}

function count(summary: Simulation["summary"], key: string): number {
  const value = summary[key];
  return typeof value === "number" ? value : 0;
}

function StatusPill({ simulation }: { simulation: Simulation }) {
  return (
    <Pill tone={simulation.status} testId="simulation-status">
      {t.status[simulation.status] ?? simulation.status}
    </Pill>
  );
}

function SimulationList({ me }: { me: Me }) {
  const list = useSimulations(me.org_id);
  const remove = useDeleteSimulation(me.org_id);
  return (
    <section className="card" aria-labelledby="simulations-list-title">
      <h2 id="simulations-list-title">{t.list.title}</h2>
      {list.isPending ? (
        <p className="muted">{t.loading}</p>
      ) : list.isError ? (
        <p role="alert">{strings.error(reason(list.error))}</p>
      ) : list.data.items.length === 0 ? (
        <p className="muted" data-testid="simulations-empty">
          {t.list.empty}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table simulations-table">
            <thead>
              <tr>
                <th scope="col">{t.list.created}</th>
                <th scope="col">{t.list.status}</th>
                <th scope="col">{t.list.source}</th>
                <th scope="col">{t.list.change}</th>
                <th scope="col">{t.list.progress}</th>
                <th scope="col">{t.list.summary}</th>
                <th scope="col">
                  <span className="visually-hidden">{t.list.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((simulation) => (
                <tr key={simulation.id} data-testid="simulation-row">
                  <td>
                    <Link to={simulation.id} aria-label={t.list.openLabel(new Date(simulation.created_at).toLocaleString())}>
                      <When at={simulation.created_at} format="short" />
                    </Link>
                  </td>
                  <td>
                    <StatusPill simulation={simulation} />
                  </td>
                  <td>{describeSource(simulation.source, simulation.progress.total)}</td>
                  <td data-testid="simulation-change">{describeCandidate(simulation.candidate)}</td>
                  <td>
                    {t.progress(simulation.progress.done, simulation.progress.total)}
                    {simulation.failed > 0 && <div className="muted small">{t.failedCases(simulation.failed)}</div>}
                  </td>
                  <td data-testid="simulation-summary">
                    {simulation.status === "completed"
                      ? t.changedDecisions(count(simulation.summary, "decision_changed"), count(simulation.summary, "done"))
                      : simulation.status === "failed"
                        ? (simulation.failure_reason ?? "")
                        : ""}
                  </td>
                  <td className="row-actions">
                    <ConfirmButton
                      label={t.list.delete}
                      question={t.list.deleteQuestion}
                      confirm={t.list.confirmDelete}
                      disabled={remove.isPending}
                      onConfirm={() => remove.mutate(simulation.id)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {remove.isError && <p role="alert">{strings.error(reason(remove.error))}</p>}
        </div>
      )}
    </section>
  );
}

// -- one simulation --------------------------------------------------------------------------

function Detail({ me }: { me: Me }) {
  const { simulationId = "" } = useParams();
  const simulation = useSimulation(me.org_id, simulationId);
  const navigate = useNavigate();
  const remove = useDeleteSimulation(me.org_id);
  const back = (
    <Link to=".." relative="path" className="back-link">
      {t.detail.back}
    </Link>
  );
  if (simulation.isPending) return <p className="muted">{t.loading}</p>;
  if (simulation.isError) {
    const gone = simulation.error instanceof ApiError && simulation.error.status === 404;
    return (
      <>
        {back}
        <p role="alert">{gone ? t.detail.notFound : strings.error(reason(simulation.error))}</p>
      </>
    );
  }
  const data = simulation.data;
  const running = isRunning(data);
  return (
    <>
      {back}
      <header className="simulations-head detail-head">
        <h1>
          {t.detail.title}: <When at={data.created_at} format="short" />
        </h1>
        <p className="muted">
          <StatusPill simulation={data} /> {describeSource(data.source, data.progress.total)} ·{" "}
          <span data-testid="detail-change">{describeCandidate(data.candidate)}</span>
        </p>
        <div className="head-actions">
          <ConfirmButton
            label={t.list.delete}
            question={t.list.deleteQuestion}
            confirm={t.list.confirmDelete}
            disabled={remove.isPending}
            onConfirm={() => remove.mutate(data.id, { onSuccess: () => void navigate("..", { relative: "path" }) })}
          />
        </div>
      </header>
      <Progress simulation={data} />
      {data.status === "completed" && <Summary simulation={data} />}
      <Cases me={me} simulation={data} running={running} />
    </>
  );
}

function Progress({ simulation }: { simulation: Simulation }) {
  const { done, total } = simulation.progress;
  if (simulation.status === "failed") {
    return (
      <p role="alert" className="form-error">
        {t.detail.failed(simulation.failure_reason ?? "")}
      </p>
    );
  }
  if (!isRunning(simulation)) return null;
  const label = total > 0 ? t.detail.running(done, total) : t.detail.waiting;
  return (
    <div className="card simulation-progress" role="status" data-testid="simulation-progress">
      <p>{label}</p>
      <progress aria-label={t.progressLabel} max={total || 1} value={total ? done : undefined} />
    </div>
  );
}

function Summary({ simulation }: { simulation: Simulation }) {
  const summary = simulation.summary;
  const n = (key: string) => count(summary, key);
  const pair = (key: string) => t.detail.beforeAfter(n(`${key}_before`), n(`${key}_after`));
  const tiles: { id: string; label: string; value: string }[] = [
    { id: "decision-changed", label: t.detail.decisionsChanged, value: `${n("decision_changed")} / ${n("done")}` },
    { id: "text-changed", label: t.detail.textChanged, value: String(n("text_changed")) },
    { id: "answered", label: t.detail.answered, value: pair("answer") },
    { id: "handed-off", label: t.detail.handedOff, value: pair("handoff") },
  ];
  if (n("labelled") > 0) {
    tiles.push(
      { id: "labelled", label: t.detail.labelled, value: String(n("labelled")) },
      { id: "decided-right", label: t.detail.decidedRight, value: pair("decided_right") },
      { id: "all-facts", label: t.detail.allFacts, value: pair("all_facts") },
      { id: "right-article", label: t.detail.rightArticle, value: pair("right_article") },
      { id: "unsupported", label: t.detail.unsupported, value: pair("unsupported") },
    );
  }
  if (n("failed") > 0) tiles.push({ id: "failed", label: t.failedCases(n("failed")), value: String(n("failed")) });
  const unmatched = Array.isArray(summary.unmatched_articles) ? (summary.unmatched_articles as unknown[]).map(String) : [];
  return (
    <section aria-labelledby="simulation-summary-title" className="simulation-summary">
      <h2 id="simulation-summary-title">{t.detail.summary}</h2>
      <dl className="kpis">
        {tiles.map((tile) => (
          <div key={tile.id} className="kpi" data-testid={`summary-${tile.id}`}>
            <dt>{tile.label}</dt>
            <dd className="kpi-value">{tile.value}</dd>
          </div>
        ))}
      </dl>
      {unmatched.length > 0 && <p className="field-hint">{t.detail.unmatched(unmatched.join(", "))}</p>}
    </section>
  );
}

function Cases({ me, simulation, running }: { me: Me; simulation: Simulation; running: boolean }) {
  const results = useSimulationResults(me.org_id, simulation.id, running);
  // The last poll may have come before the last cases were stored: ask once more at the end.
  const wasRunning = useRef(running);
  const { refetch } = results;
  useEffect(() => {
    if (wasRunning.current && !running) void refetch();
    wasRunning.current = running;
  }, [running, refetch]);
  const [changedOnly, setChangedOnly] = useState(false);
  const all = useMemo(() => results.data?.pages.flatMap((page) => page.items) ?? [], [results.data]);
  const total = results.data?.pages[0]?.total ?? 0;
  const shown = changedOnly ? all.filter((row) => row.decision_changed || row.text_changed) : all;
  return (
    <section aria-labelledby="simulation-cases-title" className="simulation-cases">
      <div className="cases-head">
        <h2 id="simulation-cases-title">{t.detail.cases}</h2>
        <label className="choice">
          <input
            type="checkbox"
            checked={changedOnly}
            data-testid="changed-only"
            onChange={(event) => setChangedOnly(event.target.checked)}
          />
          {t.detail.changedOnly}
        </label>
        <span className="muted small" data-testid="case-count" aria-live="polite">
          {t.detail.caseCount(shown.length, total)}
        </span>
      </div>
      {results.isPending ? (
        <p className="muted">{t.loading}</p>
      ) : results.isError ? (
        <p role="alert">{strings.error(reason(results.error))}</p>
      ) : shown.length === 0 ? (
        <p className="muted">{changedOnly && all.length ? t.detail.noChanged : t.detail.noCases}</p>
      ) : (
        <ol className="cases">
          {shown.map((row) => (
            <CaseRow key={row.seq} row={row} />
          ))}
        </ol>
      )}
      {results.hasNextPage && (
        <button type="button" disabled={results.isFetchingNextPage} onClick={() => void results.fetchNextPage()}>
          {t.detail.more}
        </button>
      )}
    </section>
  );
}

function decisionName(answer: SimulationAnswer | null | undefined): string {
  return t.decision[answer?.decision ?? "unknown"] ?? answer?.decision ?? t.decision.unknown!;
}

function Decision({ answer }: { answer: SimulationAnswer | null | undefined }) {
  const decision = answer?.decision ?? "unknown";
  return <span className={`decision decision-${decision}`}>{decisionName(answer)}</span>;
}

function CaseRow({ row }: { row: SimulationCase }) {
  const id = `case-${row.seq}`;
  const changed = row.decision_changed;
  return (
    <li
      className={`card case${changed ? " case-changed" : ""}`}
      data-testid="case"
      data-changed={changed ? "true" : "false"}
      aria-labelledby={`${id}-question`}
    >
      <h3 id={`${id}-question`} className="case-question">
        <span className="visually-hidden">{t.detail.question}: </span>
        {row.question}
      </h3>
      {row.status === "failed" ? (
        <p className="form-error">{t.detail.caseFailed(row.error ?? "")}</p>
      ) : row.status === "pending" ? (
        <p className="muted">{t.detail.pending}</p>
      ) : (
        <>
          <p className="case-decision" data-testid="case-decision">
            <span className="visually-hidden">{t.detail.decision}: </span>
            <Decision answer={row.before} />
            <span aria-hidden="true"> → </span>
            <span className="visually-hidden">{t.detail.after}: </span>
            <Decision answer={row.after} />
            {changed && <span className="badge changed-badge">{t.detail.changed}</span>}
          </p>
          <AnswerDiff diff={row.diff} />
          <div className="case-sides">
            <Side title={t.detail.before} answer={row.before} />
            <Side title={t.detail.after} answer={row.after} />
          </div>
        </>
      )}
    </li>
  );
}

/** A unified line diff: the file headers left out, hunks muted, added and removed lines marked. */
export function AnswerDiff({ diff }: { diff: string | null | undefined }) {
  if (!diff) return <p className="muted small">{t.detail.noDiff}</p>;
  const lines = diff.split("\n").filter((line) => !line.startsWith("--- ") && !line.startsWith("+++ "));
  return (
    <figure className="diff-figure">
      <figcaption className="small muted">{t.detail.diff}</figcaption>
      <pre className="diff" data-testid="case-diff" tabIndex={0}>
        {lines.map((line, index) => {
          const kind = line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "same";
          return (
            <span key={index} className={`diff-line diff-${kind}`} data-kind={kind}>
              {kind === "add" && <span className="visually-hidden">{t.detail.added}: </span>}
              {kind === "del" && <span className="visually-hidden">{t.detail.removed}: </span>}
              {line}
              {"\n"}
            </span>
          );
        })}
      </pre>
    </figure>
  );
}

function Side({ title, answer }: { title: string; answer: SimulationAnswer | null | undefined }) {
  const citations = answer?.citations ?? [];
  const scores = answer?.scores;
  return (
    <div className="case-side" data-testid={`case-${title.toLowerCase()}`}>
      <h4>{title}</h4>
      <p className="small">
        <span className="muted">{t.detail.citations}: </span>
        {citations.length === 0
          ? t.detail.noCitations
          : citations.map((citation, index) => (
              <span key={index} className="chip">
                {citation.number !== null && citation.number !== undefined ? `[${citation.number}] ` : ""}
                {citation.title ?? citation.document_id ?? ""}
              </span>
            ))}
      </p>
      {scores && (
        <p className="small case-scores" data-testid="case-scores">
          <span className="muted">{t.detail.scores}: </span>
          {[
            scores.decided_right ? t.detail.decidedRightYes : t.detail.decidedRightNo,
            t.detail.facts(scores.facts_found, scores.facts_total),
            scores.right_article === null ? null : scores.right_article ? t.detail.rightArticleYes : t.detail.rightArticleNo,
            t.detail.unsupportedCount(scores.unsupported_sentences.length),
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
      )}
    </div>
  );
}
