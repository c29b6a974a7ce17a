import { useEffect, useState } from 'react';
import type { SyncRun } from '../../shared/domain';
import { errorText } from '../../shared/errors';
import { useConsoleStore } from '../store/console-store';
import { SitePicker } from '../dialogs/SitePicker';
import { preferredScale, type ValueScaleKind } from './run-charts/chart-scales';
import { CHANGE_COLOURS, OUTCOME_COLOURS } from './run-charts/palette';
import { CHANGE_KEYS, CHANGE_LABELS, n, OUTCOME_KEYS, OUTCOME_LABELS, secondsText, took } from './run-charts/run-figures';
import { RunBarChart, shortTime } from './run-charts/RunBarChart';
import { RunTable } from './run-charts/RunTable';
import { useElementWidth } from './run-charts/use-element-width';

/** Runs drawn at once: enough to see a trend, few enough for each bar to be told apart. */
export const CHART_RUNS = 30;
/** Below this, the two charts are drawn one above the other, each as wide as the pane. */
const SIDE_BY_SIDE_FROM = 760;

const OUTCOME_LEGEND = OUTCOME_KEYS.map((key) => ({ key, label: OUTCOME_LABELS[key], colour: OUTCOME_COLOURS[key] }));
const CHANGE_LEGEND = CHANGE_KEYS.map((key) => ({ key, label: CHANGE_LABELS[key], colour: CHANGE_COLOURS[key] }));
const seconds = (run: SyncRun) => (run.durationMs ?? 0) / 1000;
const changed = (run: SyncRun) => CHANGE_KEYS.reduce((sum, key) => sum + run.listed[key], 0);

/**
 * Monitoring / Synchronization Status → runs over time: each synchronization of a site as a bar at the time it
 * started, its duration (coloured by outcome) and what it changed (new, modified, expired, removed, as the repository
 * lists updates), with the same numbers in the table below. Drawn as SVG with visx, as wide as the pane; each chart
 * has a title, a summary and a legend, each bar a tooltip with the run's number.
 */
export function SyncRunCharts() {
  const api = useConsoleStore((state) => state.api);
  const sites = useConsoleStore((state) => state.sites);
  const connected = useConsoleStore((state) => state.connectedSite);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const [site, setSite] = useState<string | undefined>();
  const [scale, setScale] = useState<ValueScaleKind | 'auto'>('auto');
  const [runs, setRuns] = useState<SyncRun[] | { error: string } | undefined>();
  const [ref, width] = useElementWidth<HTMLElement>();
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
  const chartWidth = width >= SIDE_BY_SIDE_FROM ? Math.floor((width - 24) / 2) : Math.max(280, width);
  const scaleOf = (values: number[]) => (scale === 'auto' ? preferredScale(values) : scale);
  return (
    <section className="run-charts" aria-label="Synchronization runs over time" ref={ref}>
      <div className="run-charts-head">
        <h3>Synchronization runs over time</h3>
        <label>
          Site <SitePicker sites={sites} value={chosen} onChange={setSite} />
        </label>
        <label>
          Scale{' '}
          <select aria-label="Scale" value={scale} onChange={(event) => setScale(event.target.value as ValueScaleKind | 'auto')}>
            <option value="auto">Automatic</option>
            <option value="linear">Linear</option>
            <option value="log">Logarithmic</option>
          </select>
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
        <>
          <div className="charts">
            <RunBarChart
              title={`Duration of each synchronization of ${chosen}`}
              summary={durationSummary(runs)}
              runs={runs}
              width={chartWidth}
              scale={scaleOf(runs.map(seconds))}
              total={seconds}
              parts={(run) => ({ [run.outcome]: 1 })}
              legend={OUTCOME_LEGEND}
              format={secondsText}
              tooltip={(run) => `Run ${run.runId}, ${shortTime(run.startedAt)}: ${run.kind} sync (${run.trigger}) ${run.outcome} in ${took(run.durationMs)}`}
              minHeight={3}
            />
            <RunBarChart
              title={`Updates changed by each synchronization of ${chosen}`}
              summary={changeSummary(runs)}
              runs={runs}
              width={chartWidth}
              scale={scaleOf(runs.map(changed))}
              total={changed}
              parts={(run) => run.listed}
              legend={CHANGE_LEGEND}
              format={n}
              tooltip={(run) =>
                `Run ${run.runId}, ${shortTime(run.startedAt)}: ${CHANGE_KEYS.map((key) => `${n(run.listed[key])} ${CHANGE_LABELS[key].toLowerCase()}`).join(', ')}`
              }
            />
          </div>
          <RunTable site={chosen} runs={runs} />
        </>
      )}
    </section>
  );
}

function durationSummary(runs: SyncRun[]): string {
  const longest = runs.reduce((best, run) => (seconds(run) > seconds(best) ? run : best), runs[0]!);
  const outcomes = [...new Set(runs.map((run) => run.outcome))];
  return `${runs.length} runs from ${shortTime(runs[0]!.startedAt)} to ${shortTime(runs.at(-1)!.startedAt)}; the longest took ${took(longest.durationMs)} (run ${longest.runId}, ${longest.outcome}). Bar colours: ${outcomes.join(', ')}.`;
}

function changeSummary(runs: SyncRun[]): string {
  const sum = (key: (typeof CHANGE_KEYS)[number]) => runs.reduce((total, run) => total + run.listed[key], 0);
  return `${runs.length} runs: ${CHANGE_KEYS.map((key) => `${n(sum(key))} ${CHANGE_LABELS[key].toLowerCase()}`).join(', ')} in all; the most in one run: ${n(Math.max(...runs.map(changed)))}.`;
}
