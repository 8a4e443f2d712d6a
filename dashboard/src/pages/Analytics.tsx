// The analytics screen: a date range, key figures, one chart per figure (each with a text
// alternative), and knowledge gaps linking to the Knowledge screen. Charts are small
// hand-drawn SVG and HTML: no chart library, so this lazy-loaded page stays a few KB.
import { type CSSProperties, type FormEvent, type ReactNode, useId, useMemo, useState } from "react";
import { Link } from "react-router";
import {
  type AnalyticsRange,
  type AnalyticsReport,
  browserTimeZone,
  lastDays,
  useAnalytics,
} from "../api/analytics";
import type { Channel, Me } from "../api/client";
import { strings } from "../strings";

const t = strings.analytics;
const PRESETS = [7, 30, 90] as const;
const CHANNELS: Channel[] = ["chat", "voice", "phone"];
const MAX_DAYS = 366;

type Preset = (typeof PRESETS)[number] | "custom";

export default function Analytics({ me }: { me: Me }) {
  const [preset, setPreset] = useState<Preset>(30);
  const [range, setRange] = useState<AnalyticsRange>(() => ({
    ...lastDays(30),
    tz: browserTimeZone(),
  }));
  const report = useAnalytics(me.org_id, range);

  const choose = (days: (typeof PRESETS)[number]) => {
    setPreset(days);
    setRange({ ...lastDays(days), tz: range.tz });
  };

  return (
    <section className="analytics" aria-labelledby="analytics-title">
      <header className="analytics-head">
        <h1 id="analytics-title">{t.title}</h1>
        <div className="range" role="group" aria-label={t.range}>
          {PRESETS.map((days) => (
            <button
              key={days}
              type="button"
              aria-pressed={preset === days}
              data-testid={`range-${days}`}
              onClick={() => choose(days)}
            >
              {t.last(days)}
            </button>
          ))}
          <button
            type="button"
            aria-pressed={preset === "custom"}
            data-testid="range-custom"
            onClick={() => setPreset("custom")}
          >
            {t.custom}
          </button>
        </div>
      </header>
      {preset === "custom" && (
        <CustomRange range={range} onApply={(from, to) => setRange({ from, to, tz: range.tz })} />
      )}
      <p className="analytics-meta">
        {t.span(range.from, range.to)} · {t.timeZone(range.tz)}
      </p>
      {report.isPending ? (
        <p className="empty">{t.loading}</p>
      ) : report.isError ? (
        <div role="alert">
          <p>{strings.error(report.error.message)}</p>
          <button type="button" onClick={() => void report.refetch()}>
            {strings.retry}
          </button>
        </div>
      ) : (
        <Report report={report.data} busy={report.isFetching} />
      )}
    </section>
  );
}

function CustomRange({
  range,
  onApply,
}: {
  range: AnalyticsRange;
  onApply: (from: string, to: string) => void;
}) {
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [problem, setProblem] = useState<string | null>(null);
  const errorId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!from || !to || from > to) return setProblem(t.badRange);
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days > MAX_DAYS) return setProblem(t.tooLong);
    setProblem(null);
    onApply(from, to);
  };
  return (
    <form className="custom-range" onSubmit={submit} noValidate>
      <label>
        {t.from}
        <input
          type="date"
          value={from}
          data-testid="range-from"
          aria-invalid={problem !== null}
          aria-describedby={problem ? errorId : undefined}
          onChange={(event) => setFrom(event.target.value)}
        />
      </label>
      <label>
        {t.to}
        <input
          type="date"
          value={to}
          data-testid="range-to"
          aria-invalid={problem !== null}
          aria-describedby={problem ? errorId : undefined}
          onChange={(event) => setTo(event.target.value)}
        />
      </label>
      <button type="submit" className="primary" data-testid="range-apply">
        {t.apply}
      </button>
      {problem && (
        <p id={errorId} className="range-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

function Report({ report, busy }: { report: AnalyticsReport; busy: boolean }) {
  return (
    <div className="analytics-body" aria-busy={busy}>
      <Kpis report={report} />
      <div className="analytics-grid">
        <PerDay report={report} />
        <Causes report={report} />
        <Satisfaction report={report} />
        <Times report={report} />
      </div>
      <Hours report={report} />
      <Gaps report={report} />
    </div>
  );
}

function Kpis({ report }: { report: AnalyticsReport }) {
  const { resolution, satisfaction, response_times: times } = report;
  const tiles = [
    { id: "conversations", label: t.kpi.conversations, value: String(resolution.conversations) },
    {
      id: "resolved-by-ai",
      label: t.kpi.resolvedByAi,
      value: t.percent(resolution.resolved_by_ai_share),
      hint: t.kpi.resolvedByAiHint(resolution.resolved_by_ai),
    },
    {
      id: "handoff-rate",
      label: t.kpi.handoffRate,
      value: t.percent(resolution.handoff_rate),
      hint: t.kpi.handoffRateHint(resolution.handed_off),
    },
    {
      id: "satisfaction",
      label: t.kpi.satisfaction,
      value: t.percent(satisfaction.thumbs_up_share),
      hint: t.kpi.satisfactionHint(satisfaction.thumbs_up, satisfaction.thumbs_down),
    },
    {
      id: "first-response",
      label: t.kpi.firstResponse,
      value: t.duration(times.first_response.median_seconds),
      hint: t.kpi.firstResponseHint(t.duration(times.first_response.p90_seconds)),
    },
    {
      id: "resolution",
      label: t.kpi.resolution,
      value: t.duration(times.resolution.median_seconds),
      hint: t.kpi.resolutionHint(t.duration(times.resolution.p90_seconds)),
    },
  ];
  return (
    <dl className="kpis" aria-label={t.kpi.label}>
      {tiles.map((tile) => (
        <div key={tile.id} className="kpi" data-testid={`kpi-${tile.id}`}>
          <dt>{tile.label}</dt>
          <dd className="kpi-value">{tile.value}</dd>
          {tile.hint && <dd className="kpi-hint">{tile.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}

function Card({
  title,
  children,
  wide,
  testId,
}: {
  title: string;
  children: ReactNode;
  wide?: boolean;
  testId: string;
}) {
  const id = useId();
  return (
    <section
      className={wide ? "card wide" : "card"}
      aria-labelledby={id}
      data-testid={testId}
    >
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function PerDay({ report }: { report: AnalyticsReport }) {
  const days = report.days;
  const total = days.reduce((sum, day) => sum + day.total, 0);
  const busiest = days.reduce((best, day) => (day.total > best.total ? day : best), days[0]!);
  const max = Math.max(1, ...days.map((day) => day.total));
  const width = 600;
  const height = 160;
  const slot = width / Math.max(1, days.length);
  const bar = Math.max(1, slot * 0.7);
  const summary = total
    ? t.perDay.summary(total, days.length, busiest.day, busiest.total)
    : t.perDay.empty;
  return (
    <Card title={t.perDay.title} wide testId="chart-per-day">
      <Legend />
      <svg
        className="bars"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="none"
      >
        <line x1="0" x2={width} y1={height} y2={height} className="axis" />
        {days.map((day, index) => {
          let y = height;
          return (
            <g key={day.day}>
              {CHANNELS.map((channel) => {
                const count = day.by_channel[channel] ?? 0;
                if (!count) return null;
                const h = (count / max) * (height - 8);
                y -= h;
                return (
                  <rect
                    key={channel}
                    className={`series-${channel}`}
                    x={index * slot + (slot - bar) / 2}
                    y={y}
                    width={bar}
                    height={h}
                  >
                    <title>{`${day.day} ${t.channel[channel]}: ${count}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <div className="ticks" aria-hidden="true">
        <span>{days[0]?.day}</span>
        <span>{days.at(-1)?.day}</span>
      </div>
      <p className="summary">{summary}</p>
      <details>
        <summary>{t.perDay.table}</summary>
        <div className="table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t.perDay.day}</th>
                {CHANNELS.map((channel) => (
                  <th key={channel} scope="col">
                    {t.channel[channel]}
                  </th>
                ))}
                <th scope="col">{t.perDay.total}</th>
              </tr>
            </thead>
            <tbody>
              {days.map((day) => (
                <tr key={day.day}>
                  <th scope="row">{day.day}</th>
                  {CHANNELS.map((channel) => (
                    <td key={channel}>{day.by_channel[channel] ?? 0}</td>
                  ))}
                  <td>{day.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </Card>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-hidden="true">
      {CHANNELS.map((channel) => (
        <li key={channel}>
          <span className={`swatch series-${channel}`} />
          {t.channel[channel]}
        </li>
      ))}
    </ul>
  );
}

/** A labelled horizontal bar: the text carries the value, the bar only shows it. */
function Meter({ label, value, share, testId }: {
  label: string;
  value: string;
  share: number;
  testId?: string;
}) {
  return (
    <li className="meter" data-testid={testId}>
      <span className="meter-label">{label}</span>
      <span className="meter-value">{value}</span>
      <span className="meter-track" aria-hidden="true">
        <span className="meter-fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
      </span>
    </li>
  );
}

function Causes({ report }: { report: AnalyticsReport }) {
  const causes = report.resolution.handoff_causes.filter((cause) => cause.count > 0);
  return (
    <Card title={t.causes.title} testId="chart-causes">
      {causes.length === 0 ? (
        <p className="empty">{t.causes.none}</p>
      ) : (
        <ul className="meters">
          {causes
            .sort((a, b) => b.count - a.count)
            .map((cause) => (
              <Meter
                key={cause.cause}
                testId={`cause-${cause.cause}`}
                label={t.causes.names[cause.cause] ?? cause.cause}
                value={t.causes.value(cause.count, cause.share)}
                share={cause.share}
              />
            ))}
        </ul>
      )}
    </Card>
  );
}

function Satisfaction({ report }: { report: AnalyticsReport }) {
  const { thumbs_up: up, thumbs_down: down } = report.satisfaction;
  const rated = up + down;
  return (
    <Card title={t.satisfaction.title} testId="chart-satisfaction">
      {rated === 0 ? (
        <p className="empty">{t.satisfaction.none}</p>
      ) : (
        <>
          <p className="summary">{t.satisfaction.summary(up, down)}</p>
          <ul className="meters">
            <Meter label={t.satisfaction.up} value={`${up} (${t.percent(up / rated)})`} share={up / rated} />
            <Meter
              label={t.satisfaction.down}
              value={`${down} (${t.percent(down / rated)})`}
              share={down / rated}
            />
          </ul>
        </>
      )}
    </Card>
  );
}

function Times({ report }: { report: AnalyticsReport }) {
  const rows = [
    { label: t.times.firstResponse, figures: report.response_times.first_response },
    { label: t.times.resolution, figures: report.response_times.resolution },
  ];
  return (
    <Card title={t.times.title} testId="chart-times">
      <table className="data times">
        <thead>
          <tr>
            <td />
            <th scope="col">{t.times.median}</th>
            <th scope="col">{t.times.p90}</th>
            <th scope="col">{t.times.count}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>{t.duration(row.figures.median_seconds)}</td>
              <td>{t.duration(row.figures.p90_seconds)}</td>
              <td>{row.figures.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function Hours({ report }: { report: AnalyticsReport }) {
  const rows = report.busiest_hours;
  const { max, peak } = useMemo(() => {
    let best = { weekday: 0, hour: 0, count: 0 };
    for (const row of rows) {
      row.hours.forEach((count, hour) => {
        if (count > best.count) best = { weekday: row.weekday, hour, count };
      });
    }
    return { max: Math.max(1, best.count), peak: best };
  }, [rows]);
  const hours = Array.from({ length: 24 }, (_, hour) => hour);
  return (
    <Card title={t.hours.title} wide testId="chart-hours">
      {peak.count > 0 && (
        <p className="summary">
          {t.hours.busiest(t.hours.weekdays[peak.weekday] ?? "", peak.hour, peak.count)}
        </p>
      )}
      <div className="table-scroll">
        <table className="heatmap">
          <caption className="visually-hidden">{t.hours.caption}</caption>
          <thead>
            <tr>
              <td className="corner" />
              {hours.map((hour) => (
                <th key={hour} scope="col">
                  {hour % 3 === 0 ? String(hour).padStart(2, "0") : ""}
                  {hour % 3 !== 0 && <span className="visually-hidden">{hour}</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const weekday = t.hours.weekdays[row.weekday] ?? "";
              return (
                <tr key={row.weekday}>
                  <th scope="row">
                    <abbr title={weekday}>{t.hours.short[row.weekday]}</abbr>
                  </th>
                  {row.hours.map((count, hour) => (
                    <td
                      key={hour}
                      title={t.hours.cell(weekday, hour, count)}
                      style={{ "--level": count / max } as CSSProperties}
                      className={count ? "hot" : undefined}
                    >
                      <span className="visually-hidden">{count}</span>
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function Gaps({ report }: { report: AnalyticsReport }) {
  const gaps = report.knowledge_gaps;
  return (
    <Card title={t.gaps.title} wide testId="knowledge-gaps">
      <p className="hint-text">{t.gaps.intro}</p>
      {gaps.clusters.length === 0 ? (
        <p className="empty">{t.gaps.none}</p>
      ) : (
        <>
          <ol className="gaps">
            {gaps.clusters.map((gap) => (
              <li key={gap.examples[0]?.message_id ?? gap.label} className="gap" data-testid="gap">
                <div className="gap-head">
                  <h3 className="gap-label">{gap.label}</h3>
                  <span className="badge subtle">{t.gaps.count(gap.count)}</span>
                </div>
                <p className="gap-detail">{t.gaps.detail(gap.declined, gap.thumbs_down)}</p>
                <ul className="gap-examples" aria-label={t.gaps.examples}>
                  {gap.examples.map((example) => (
                    <li key={example.message_id}>
                      <q>{example.text}</q>
                    </li>
                  ))}
                </ul>
                <Link
                  className="gap-add"
                  to={`/knowledge?topic=${encodeURIComponent(gap.label)}`}
                  aria-label={t.gaps.addFor(gap.label)}
                  data-testid="gap-add"
                >
                  {t.gaps.add}
                </Link>
              </li>
            ))}
          </ol>
          {gaps.considered < gaps.questions && (
            <p className="hint-text">{t.gaps.considered(gaps.considered, gaps.questions)}</p>
          )}
        </>
      )}
    </Card>
  );
}
