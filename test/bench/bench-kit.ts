/** Small helpers shared by the benchmark scripts: timing, memory sampling, and a printed table. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export const ROOT = process.cwd();

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Samples this process's memory every 20 ms; peak() gives the highest RSS and heap seen. */
export function memorySampler() {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed + usage.external + usage.arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    peak() {
      sample();
      return { rssMiB: rss / 2 ** 20, heapMiB: heap / 2 ** 20 };
    },
    stop: () => clearInterval(timer),
  };
}

export function printTable(title: string, rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${title}`);
  console.log('-'.repeat(title.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

/** Starts a built `usc` command in its own process (a separate machine, in effect) and returns its first line. */
export function startUscProcess(args: string[], options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(ROOT, 'bin', 'usc.js'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`usc ${args[0]} exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, firstLine, exited, stop: () => child.kill('SIGTERM') };
}

export const fmt = {
  ms: (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`),
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  mib: (n: number) => `${n.toFixed(0)} MiB`,
};
