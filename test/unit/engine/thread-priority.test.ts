import { readFileSync, readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/built';

const ownThreadId = () => Number(readlinkSync('/proc/thread-self').split('/').pop());

describe('background thread priority', () => {
  it.runIf(process.platform === 'linux')('lowers only the calling thread, not the process the console runs in', async () => {
    const before = getPriority(process.pid);
    // A worker thread runs exactly the module the engine ships (compiled here), lowers itself and reports.
    const module = transformSync(readFileSync(join(ROOT, 'electron', 'engine', 'thread-priority.ts'), 'utf8'), { loader: 'ts', format: 'cjs' }).code;
    const source = `
      const exports = {}; const module = { exports };
      ${module}
      const { parentPort } = require('node:worker_threads');
      const { readlinkSync } = require('node:fs');
      const { getPriority } = require('node:os');
      const lowered = module.exports.lowerThisThreadPriority(7);
      const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
      parentPort.postMessage({ lowered, tid, nice: getPriority(tid) });
    `;
    const worker = new Worker(source, { eval: true });
    const report = await new Promise<{ lowered: boolean; tid: number; nice: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(report.lowered).toBe(true);
    expect(report.tid).not.toBe(process.pid);
    expect(report.nice).toBe(Math.min(19, before + 7));
    // The thread that started it (and so the process the console runs in) keeps its priority.
    expect(getPriority(ownThreadId())).toBe(before);
    expect(getPriority(process.pid)).toBe(before);
  });
});
