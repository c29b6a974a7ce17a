/** The Synchronization Status charts' numbers: time placement, readable scales, stacked shares and colours. */
import { describe, expect, it } from 'vitest';
import { barCentres, preferredScale, stackedShares, timeScale, valueScale, PLOT_HEIGHT } from '../../../renderer/result-pane/run-charts/chart-scales';
import { CHANGE_COLOURS, OUTCOME_COLOURS } from '../../../renderer/result-pane/run-charts/palette';

const HOUR = 3_600_000;
const start = Date.parse('2026-03-01T00:00:00Z');

describe('the time axis', () => {
  it('places runs by when they started, and keeps runs close in time apart, in order, inside the plot', () => {
    const times = [start, start + 24 * HOUR, start + 24 * HOUR + 60_000, start + 24 * HOUR + 120_000, start + 48 * HOUR];
    const { x, barWidth } = timeScale(times, 600);
    const centres = barCentres(times, x, barWidth, 600);
    // A day apart: at their times.
    expect(centres[0]).toBeCloseTo(x(new Date(times[0]!)));
    expect(centres[1]).toBeCloseTo(x(new Date(times[1]!)));
    // A minute apart on a two-day axis: beside each other, never on top.
    for (let index = 1; index < centres.length; index++) expect(centres[index]! - centres[index - 1]!).toBeGreaterThanOrEqual(barWidth + 1 - 1e-9);
    expect(centres[0]! - barWidth / 2).toBeGreaterThanOrEqual(0);
    expect(centres.at(-1)! + barWidth / 2).toBeLessThanOrEqual(600 + 1e-9);
  });

  it('gives one run, or runs at one instant, an hour either side', () => {
    const { x } = timeScale([start], 300);
    expect(x.domain().map((date) => date.getTime())).toEqual([start - HOUR, start + HOUR]);
  });
});

describe('the value axis', () => {
  it('turns logarithmic when the biggest run is 20 times the smallest, so both stay readable', () => {
    expect(preferredScale([100, 20_000])).toBe('log');
    expect(preferredScale([100, 1_500])).toBe('linear');
    expect(preferredScale([0, 0, 7])).toBe('linear');
    const log = valueScale('log', 20_000);
    expect(log.ticks).toEqual([0, 1, 10, 100, 1_000, 10_000, 100_000]);
    const heightOf = (scale: typeof log, value: number) => PLOT_HEIGHT - scale.y(value);
    // A 100-update run beside a 20,000-update run: over a third as tall on the log axis, a sliver on the linear one.
    expect(heightOf(log, 100) / heightOf(log, 20_000)).toBeGreaterThan(0.4);
    const linear = valueScale('linear', 20_000);
    expect(heightOf(linear, 100) / heightOf(linear, 20_000)).toBeLessThan(0.01);
    expect(log.y(0)).toBe(PLOT_HEIGHT);
  });

  it("divides a run's bar by its changes in proportion, so the parts add up to the bar on either axis", () => {
    const parts = stackedShares({ new: 300, modified: 0, expired: 100, removed: 100 }, ['new', 'modified', 'expired', 'removed'], 50);
    expect(parts).toEqual([
      { key: 'new', offset: 0, height: 30 },
      { key: 'expired', offset: 30, height: 10 },
      { key: 'removed', offset: 40, height: 10 },
    ]);
    expect(stackedShares({ new: 0 }, ['new', 'removed'], 50)).toEqual([]);
  });
});

/** Machado, Oliveira & Fernandes (2009) at full severity, applied in linear RGB. */
const DEFICIENCIES = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
  none: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
};

function lab(hex: string, matrix: number[][]): [number, number, number] {
  const linear = [1, 3, 5].map((at) => {
    const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  const [r, g, b] = matrix.map((row) => Math.min(1, Math.max(0, row[0]! * linear[0]! + row[1]! * linear[1]! + row[2]! * linear[2]!)));
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const fx = f((0.4124 * r! + 0.3576 * g! + 0.1805 * b!) / 0.95047);
  const fy = f(0.2126 * r! + 0.7152 * g! + 0.0722 * b!);
  const fz = f((0.0193 * r! + 0.1192 * g! + 0.9505 * b!) / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

describe('the colours', () => {
  it.each([
    ['outcomes', OUTCOME_COLOURS],
    ['changes', CHANGE_COLOURS],
  ])('of the %s chart stay apart (ΔE ≥ 20) with protanopia, deuteranopia and tritanopia', (_name, palette) => {
    const colours = Object.values(palette);
    for (const [deficiency, matrix] of Object.entries(DEFICIENCIES)) {
      for (let first = 0; first < colours.length; first++) {
        for (let second = first + 1; second < colours.length; second++) {
          const distance = Math.hypot(...lab(colours[first]!, matrix).map((value, index) => value - lab(colours[second]!, matrix)[index]!));
          expect(distance, `${colours[first]} and ${colours[second]} with ${deficiency}`).toBeGreaterThanOrEqual(20);
        }
      }
    }
  });

  it('no longer draws a failed run and removed updates in one colour', () => {
    expect(OUTCOME_COLOURS.failed).not.toBe(CHANGE_COLOURS.removed);
  });
});
