import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear, scaleOrdinal } from '@visx/scale';
import { Bar, BarStack } from '@visx/shape';
import { useEffect, useId, useState } from 'react';
import type { SyncRun } from '../../shared/domain';
import { errorText } from '../../shared/errors';
import { durationText } from '../../shared/time-text';
import { useConsoleStore } from '../store/console-store';
import { SitePicker } from '../dialogs/SitePicker';

/** Runs drawn at once: enough to see a trend, few enough for each bar to be told apart. */
export const CHART_RUNS = 30;
const WIDTH = 560;
const HEIGHT = 190;
const MARGIN = { top: 12, right: 12, bottom: 40, left: 52 };
const CHANGE_KEYS = ['new', 'modified', 'expired', 'removed'] as const;
type ChangeKey = (typeof CHANGE_KEYS)[number];
const CHANGE_LABELS: Record<ChangeKey, string> = { new: 'New', modified: 'Modified', expired: 'Expired', removed: 'Removed' };
/** Colours told apart with the common colour-vision deficiencies (Okabe–Ito), each named in a legend and every title. */
const CHANGE_COLOURS: Record<ChangeKey, string> = { new: '#0072b2', modified: '#e69f00', expired: '#cc79a7', removed: '#d55e00' };
const OUTCOME_COLOURS: Record<string, string> = { succeeded: '#009e73', failed: '#d55e00', cancelled: '#8a8a8a', interrupted: '#e69f00', running: '#56b4e9' };

const n = (value: number) => value.toLocaleString('en-US');
/** Tenths of a second for short runs (most of them), whole minutes for long ones. */
const took = (ms: number | null) => ((ms ?? 0) < 60_000 ? `${((ms ?? 0) / 1000).toFixed(1)} s` : durationText(ms ?? 0));
const shortTime = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/**
 * Monitoring / Synchronization Status → runs over time: each synchronization of a site as a bar, its duration (by
 * outcome) and what it changed (new, modified, expired, removed, as the repository lists updates), with the same
 * numbers in the table beside the charts. Drawn as SVG with visx: each chart has a title and a summary, each bar a
 * title, and the table is what a screen reader or a spreadsheet reads.
 */
export function SyncRunCharts() {
  const api = useConsoleStore((state) => state.api);
  const sites = useConsoleStore((state) => state.sites);
  const connected = useConsoleStore((state) => state.connectedSite);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const [site, setSite] = useState<string | undefined>();
  const [runs, setRuns] = useState<SyncRun[] | { error: string } | undefined>();
  const chosen = site ?? (connected !== '' ? connected : sites[0]?.code);
  useEffect(() => {
    if (api === undefined || chosen === undefined) return;
    let live = true;
    api.querySyncHistory({ site: chosen, limit: CHART_RUNS }).then(
      (history) => live && setRuns(history.filter((run) => run.outcome !== 'running').reverse()),
      (error: unknown) => live && setRuns({ error: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, chosen, hierarchy]);
  if (chosen === undefined) return null;
  return (
    <section className="run-charts" aria-label="Synchronization runs over time">
      <div className="run-charts-head">
        <h3>Synchronization runs over time</h3>
        <label>
          Site <SitePicker sites={sites} value={chosen} onChange={setSite} />
        </label>
      </div>
      {runs === undefined ? (
        <p className="empty">Loading…</p>
      ) : 'error' in runs ? (
        <p className="callout error">
          Could not read the runs of {chosen}: {runs.error}
        </p>
      ) : runs.length === 0 ? (
        <p className="empty">{chosen} has not synchronized yet: its runs appear here as they end.</p>
      ) : (
        <div className="run-charts-body">
          <div className="charts">
            <DurationChart site={chosen} runs={runs} />
            <ChangesChart site={chosen} runs={runs} />
          </div>
          <div className="run-table">
            <RunTable site={chosen} runs={runs} />
          </div>
        </div>
      )}
    </section>
  );
}

/** The plot's width: a slot per run, never wider than a bar a few runs would get (one run is a bar, not a wall). */
function plotWidth(runs: SyncRun[]): number {
  return Math.max(160, Math.min(WIDTH - MARGIN.left - MARGIN.right, runs.length * 40));
}

function runScale(runs: SyncRun[]) {
  return scaleBand<number>({ domain: runs.map((run) => run.runId), range: [0, plotWidth(runs)], padding: 0.25 });
}

/** Axis labels: the first, the last and some between, so they never overlap. */
function tickRuns(runs: SyncRun[]): number[] {
  const step = Math.max(1, Math.ceil(runs.length / 10));
  return runs.filter((_, index) => index % step === 0 || index === runs.length - 1).map((run) => run.runId);
}

/** Runs by number, oldest on the left (their times are in each bar's title and in the table). */
function RunAxis({ runs }: { runs: SyncRun[] }) {
  return (
    <AxisBottom
      scale={runScale(runs)}
      top={HEIGHT - MARGIN.top - MARGIN.bottom}
      tickValues={tickRuns(runs)}
      tickFormat={(runId) => String(runId)}
      label="Run"
      labelOffset={4}
    />
  );
}

function ChartFrame({ runs, title, summary, children }: { runs: SyncRun[]; title: string; summary: string; children: React.ReactNode }) {
  const id = useId();
  const width = plotWidth(runs) + MARGIN.left + MARGIN.right;
  return (
    <figure className="run-chart">
      <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {children}
        </Group>
      </svg>
      <figcaption aria-hidden="true">{title}</figcaption>
    </figure>
  );
}

function DurationChart({ site, runs }: { site: string; runs: SyncRun[] }) {
  const x = runScale(runs);
  const seconds = (run: SyncRun) => (run.durationMs ?? 0) / 1000;
  const longest = runs.reduce((best, run) => (seconds(run) > seconds(best) ? run : best), runs[0]!);
  const y = scaleLinear<number>({ domain: [0, Math.max(1, seconds(longest))], range: [HEIGHT - MARGIN.top - MARGIN.bottom, 0], nice: true });
  const outcomes = [...new Set(runs.map((run) => run.outcome))];
  return (
    <ChartFrame
      runs={runs}
      title={`Duration of each synchronization of ${site}`}
      summary={`${runs.length} runs from ${shortTime(runs[0]!.startedAt)} to ${shortTime(runs.at(-1)!.startedAt)}; the longest took ${took(longest.durationMs)} (run ${longest.runId}, ${longest.outcome}). Bar colours: ${outcomes.join(', ')}.`}
    >
      {runs.map((run) => {
        const height = y(0) - y(seconds(run));
        return (
          <Bar
            key={run.runId}
            x={x(run.runId)}
            y={y(seconds(run)) - Math.max(0, 3 - height)}
            width={x.bandwidth()}
            height={Math.max(height, 3)}
            fill={OUTCOME_COLOURS[run.outcome] ?? '#8a8a8a'}
            data-outcome={run.outcome}
          >
            <title>{`Run ${run.runId}, ${shortTime(run.startedAt)}: ${run.kind} sync (${run.trigger}) ${run.outcome} in ${took(run.durationMs)}`}</title>
          </Bar>
        );
      })}
      <AxisLeft scale={y} numTicks={4} tickFormat={(value) => `${Number(value)} s`} />
      <RunAxis runs={runs} />
    </ChartFrame>
  );
}

function ChangesChart({ site, runs }: { site: string; runs: SyncRun[] }) {
  const x = runScale(runs);
  const totals = runs.map((run) => CHANGE_KEYS.reduce((sum, key) => sum + run.listed[key], 0));
  const y = scaleLinear<number>({ domain: [0, Math.max(1, ...totals)], range: [HEIGHT - MARGIN.top - MARGIN.bottom, 0], nice: true });
  const colour = scaleOrdinal<ChangeKey, string>({ domain: [...CHANGE_KEYS], range: CHANGE_KEYS.map((key) => CHANGE_COLOURS[key]) });
  const data = runs.map((run) => ({ runId: run.runId, startedAt: run.startedAt, ...run.listed }));
  const sum = (key: ChangeKey) => runs.reduce((total, run) => total + run.listed[key], 0);
  return (
    <div>
      <ChartFrame
        runs={runs}
        title={`Updates changed by each synchronization of ${site}`}
        summary={`${runs.length} runs: ${CHANGE_KEYS.map((key) => `${n(sum(key))} ${CHANGE_LABELS[key].toLowerCase()}`).join(', ')} in all; the most in one run: ${n(Math.max(...totals))}.`}
      >
        <BarStack data={data} keys={[...CHANGE_KEYS]} x={(entry) => entry.runId} xScale={x} yScale={y} color={colour}>
          {(stacks) =>
            stacks.map((stack) =>
              stack.bars
                .filter((bar) => bar.height > 0)
                .map((bar) => (
                  <rect key={`${stack.key}-${bar.index}`} x={bar.x} y={bar.y} width={bar.width} height={bar.height} fill={bar.color}>
                    <title>{`Run ${data[bar.index]!.runId}, ${shortTime(data[bar.index]!.startedAt)}: ${n(data[bar.index]![stack.key])} ${CHANGE_LABELS[stack.key].toLowerCase()}`}</title>
                  </rect>
                )),
            )
          }
        </BarStack>
        <AxisLeft scale={y} numTicks={4} tickFormat={(value) => n(Number(value))} />
        <RunAxis runs={runs} />
      </ChartFrame>
      <ul className="chart-legend" aria-label="Legend">
        {CHANGE_KEYS.map((key) => (
          <li key={key}>
            <span className="swatch" style={{ background: CHANGE_COLOURS[key] }} aria-hidden="true" />
            {CHANGE_LABELS[key]}
          </li>
        ))}
      </ul>
    </div>
  );
}

function RunTable({ site, runs }: { site: string; runs: SyncRun[] }) {
  return (
    <table className="list-view" aria-label={`Synchronization runs of ${site}`}>
      <thead>
        <tr>
          <th>Run</th>
          <th>Started</th>
          <th>Trigger</th>
          <th>Outcome</th>
          <th>Duration</th>
          {CHANGE_KEYS.map((key) => (
            <th key={key}>{CHANGE_LABELS[key]}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[...runs].reverse().map((run) => (
          <tr key={run.runId} className={run.outcome === 'failed' ? 'row-error' : undefined}>
            <td>{run.runId}</td>
            <td className="nowrap">{shortTime(run.startedAt)}</td>
            <td>{`${run.kind}, ${run.trigger}`}</td>
            <td>{run.outcome}</td>
            <td className="number">{took(run.durationMs)}</td>
            {CHANGE_KEYS.map((key) => (
              <td key={key} className="number">
                {n(run.listed[key])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
