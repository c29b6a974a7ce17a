import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { useId } from 'react';
import type { SyncRun } from '../../../shared/domain';
import { barCentres, CHART_HEIGHT, MARGIN, PLOT_HEIGHT, stackedShares, timeScale, valueScale, type ValueScaleKind } from './chart-scales';
import { BAR_OUTLINE } from './palette';

export interface LegendEntry {
  key: string;
  label: string;
  colour: string;
}

interface Props {
  title: string;
  summary: string;
  runs: SyncRun[];
  width: number;
  scale: ValueScaleKind;
  /** The bar's height, on the value axis. */
  total(run: SyncRun): number;
  /** The bar's parts (one part: the whole bar), keyed by a legend entry. */
  parts(run: SyncRun): Partial<Record<string, number>>;
  legend: LegendEntry[];
  format(value: number): string;
  tooltip(run: SyncRun): string;
  /** Drawn at least this tall, so a run of nothing (0 s) is still seen. */
  minHeight?: number;
}

export const shortTime = (time: Date | string | number) =>
  new Date(time).toLocaleString(undefined, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/**
 * One chart of Synchronization Status: each run a bar at the time it started (the run's number in its tooltip),
 * on a linear or logarithmic value axis, with a legend of what its colours mean.
 */
export function RunBarChart(props: Props) {
  const id = useId();
  const { runs, width, legend } = props;
  const plotWidth = Math.max(120, width - MARGIN.left - MARGIN.right);
  const times = runs.map((run) => Date.parse(run.startedAt));
  const { x, barWidth } = timeScale(times, plotWidth);
  const centres = barCentres(times, x, barWidth, plotWidth);
  const { y, ticks } = valueScale(props.scale, Math.max(...runs.map(props.total)));
  const keys = legend.map((entry) => entry.key);
  const colourOf = new Map(legend.map((entry) => [entry.key, entry.colour]));
  const title = `${props.title}${props.scale === 'log' ? ' (logarithmic scale)' : ''}`;
  return (
    <figure className="run-chart">
      <svg width={width} height={CHART_HEIGHT} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{props.summary}</desc>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {runs.map((run, index) => {
            const total = props.total(run);
            const height = Math.max(y(0) - y(total), props.minHeight ?? 0);
            const left = centres[index]! - barWidth / 2;
            return (
              <g key={run.runId} className="run-bar" data-run={run.runId}>
                <title>{props.tooltip(run)}</title>
                {stackedShares(props.parts(run), keys, height).map((part) => (
                  <rect
                    key={part.key}
                    x={left}
                    y={PLOT_HEIGHT - part.offset - part.height}
                    width={barWidth}
                    height={part.height}
                    fill={colourOf.get(part.key)}
                    stroke={BAR_OUTLINE}
                    strokeWidth={0.5}
                    data-part={part.key}
                  />
                ))}
              </g>
            );
          })}
          <AxisLeft scale={y} {...(ticks === undefined ? { numTicks: 4 } : { tickValues: ticks })} tickFormat={(value) => props.format(Number(value))} />
          <AxisBottom
            scale={x}
            top={PLOT_HEIGHT}
            numTicks={Math.max(2, Math.floor(plotWidth / 110))}
            tickFormat={(value) => shortTime(value as Date)}
            label="Started"
            labelOffset={8}
          />
        </Group>
      </svg>
      <figcaption>
        <span aria-hidden="true">{title}</span>
        <ul className="chart-legend" aria-label={`Legend: ${props.title}`}>
          {legend.map((entry) => (
            <li key={entry.key}>
              <span className="swatch" style={{ background: entry.colour }} aria-hidden="true" />
              {entry.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
