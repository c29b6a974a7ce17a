/**
 * The numbers behind the Synchronization Status charts, apart from drawing: where a run sits on the time axis, how
 * wide its bar is, which value scale reads best, and how a run's changes divide its bar.
 */
import { scaleLinear, scaleSymlog, scaleTime } from '@visx/scale';

export type ValueScaleKind = 'linear' | 'log';

export const CHART_HEIGHT = 200;
export const MARGIN = { top: 12, right: 16, bottom: 44, left: 56 };
export const PLOT_HEIGHT = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
const HOUR = 3_600_000;

/**
 * Runs placed by when they started. A bar is as wide as the runs leave room for (never under 3 px, never a wall);
 * the axis is padded by half a bar so the first and the last are whole. One run, or runs at one instant, get an
 * hour either side.
 */
export function timeScale(startTimes: readonly number[], plotWidth: number) {
  const first = Math.min(...startTimes);
  const last = Math.max(...startTimes);
  const [from, to] = last - first < 60_000 ? [first - HOUR, last + HOUR] : [first, last];
  const barWidth = Math.max(3, Math.min(28, (plotWidth / Math.max(1, startTimes.length)) * 0.6));
  const x = scaleTime<number>({ domain: [new Date(from), new Date(to)], range: [barWidth / 2, plotWidth - barWidth / 2] });
  return { x, barWidth };
}

/**
 * Logarithmic once the biggest value is 20 times the smallest that is not zero: a 100-update run beside a
 * 20,000-update one is then a bar, not a line on the axis.
 */
export function preferredScale(values: readonly number[]): ValueScaleKind {
  const nonZero = values.filter((value) => value > 0);
  if (nonZero.length < 2) return 'linear';
  return Math.max(...nonZero) / Math.min(...nonZero) >= 20 ? 'log' : 'linear';
}

/** A value axis from 0 to max: linear, or symmetric-log (which, unlike log, has a place for 0). */
/**
 * Where each bar's centre goes: at its time, unless that would cover the bar before it (runs minutes apart on a
 * week's axis), then just beside it, so every run stays a bar of its own and its tooltip can be reached. Bars
 * pushed past the right end are pushed back from there.
 */
export function barCentres(times: readonly number[], x: (time: Date) => number, barWidth: number, plotWidth: number): number[] {
  const step = barWidth + 1;
  const centres = times.map((time) => x(new Date(time)));
  for (let index = 1; index < centres.length; index++) centres[index] = Math.max(centres[index]!, centres[index - 1]! + step);
  const last = plotWidth - barWidth / 2;
  if (centres.length > 0) centres[centres.length - 1] = Math.min(centres.at(-1)!, last);
  for (let index = centres.length - 2; index >= 0; index--) centres[index] = Math.min(centres[index]!, centres[index + 1]! - step);
  return centres;
}

export function valueScale(kind: ValueScaleKind, max: number) {
  const top = Math.max(1, max);
  if (kind === 'linear') return { y: scaleLinear<number>({ domain: [0, top], range: [PLOT_HEIGHT, 0], nice: true }), ticks: undefined };
  const decades = Math.ceil(Math.log10(top));
  const ticks = [0, ...Array.from({ length: decades + 1 }, (_, power) => 10 ** power)];
  return { y: scaleSymlog<number>({ domain: [0, 10 ** decades], range: [PLOT_HEIGHT, 0], constant: 1 }), ticks };
}

/**
 * A run's bar split by its changes: the bar is as tall as the total says on the axis, each part its share of it, so
 * on a logarithmic axis the parts still add up to the bar (a stack of logarithms would not).
 */
export function stackedShares<K extends string>(
  values: Readonly<Partial<Record<K, number>>>,
  keys: readonly K[],
  barHeight: number,
): Array<{ key: K; offset: number; height: number }> {
  const valueOf = (key: K) => values[key] ?? 0;
  const total = keys.reduce((sum, key) => sum + valueOf(key), 0);
  if (total === 0) return [];
  let offset = 0;
  return keys
    .filter((key) => valueOf(key) > 0)
    .map((key) => {
      const height = (barHeight * valueOf(key)) / total;
      const part = { key, offset, height };
      offset += height;
      return part;
    });
}
