/**
 * The engine's side of a fetch shared between workers, against scripted workers that speak the fetch protocol: how
 * the identities are dealt, that a failure stops the other worker (it hands over what it has on its way) instead of
 * cancelling it, and that the first failure is what the fetch reports. The real worker is exercised by
 * test/integration/sync/fetch-workers.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../electron/engine/upstream/client/upstream-error';
import type { FetchedBatch } from '../../../electron/engine/upstream/fetch/fetch-protocol';
import { fetchInWorker } from '../../../electron/engine/upstream/fetch/remote-fetcher';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

/**
 * A worker whose behaviour its first identity names: `fail…` sends one batch and then fails; `slow…` sends a batch
 * every 20 ms (each acknowledged before the next) until stopped, then one more (the answer on its way) and ends;
 * `quick…` sends its identities in one batch and ends. Every message it received is reported as a notice.
 */
const SCRIPT = `
const { parentPort } = require('node:worker_threads');
const batch = (ids) => ({ type: 'batch', batch: { revisions: [], failures: ids.map((updateId) => ({ updateId, revision: 1, message: 'scripted' })) } });
let stopped = false;
let sent = 0;
parentPort.on('message', (message) => {
  parentPort.postMessage({ type: 'notice', notice: { message: JSON.stringify({ type: message.type, first: message.ids?.[0]?.updateId, count: message.ids?.length, concurrency: message.client?.concurrency }) } });
  if (message.type === 'stop') stopped = true;
  if (message.type !== 'fetch') return;
  const ids = message.ids.map((id) => id.updateId);
  if (ids[0].startsWith('fail')) {
    parentPort.postMessage(batch(ids.slice(0, 1)));
    setTimeout(() => parentPort.postMessage({ type: 'error', error: { kind: 'http', operation: 'GetUpdateData', status: 500, message: 'scripted failure' } }), 30);
  } else if (ids[0].startsWith('slow')) {
    const next = () => {
      if (stopped) {
        parentPort.postMessage(batch(['on-its-way']));
        parentPort.postMessage({ type: 'done' });
        return;
      }
      parentPort.postMessage(batch([ids[sent++ % ids.length]]));
      setTimeout(next, 20);
    };
    next();
  } else {
    parentPort.postMessage(batch(ids));
    parentPort.postMessage({ type: 'done' });
  }
});
`;

function scriptedWorker(): string {
  const file = join(tempDir(), 'scripted-fetch-worker.cjs');
  writeFileSync(file, SCRIPT);
  return file;
}

const identities = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => ({ updateId: `${prefix}-${index}`, revision: 1 }));

async function run(ids: Array<{ updateId: string; revision: number }>, workers: number, signal?: AbortSignal) {
  const applied: string[] = [];
  const notices: Array<{ type: string; first?: string; count?: number; concurrency?: number }> = [];
  const outcome = await fetchInWorker(
    scriptedWorker(),
    { baseUrl: 'http://127.0.0.1:9' },
    ids,
    (batch: FetchedBatch) => {
      applied.push(...batch.failures.map((failure) => failure.updateId));
    },
    (notice) => notices.push(JSON.parse(notice.message) as (typeof notices)[number]),
    { workers, ...(signal === undefined ? {} : { signal }) },
  ).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { applied, notices, outcome };
}

describe('a fetch shared between workers', () => {
  it('deals the identities out in runs, each worker with its share of the requests in flight, and applies every batch', async () => {
    const ids = [...identities('quick-a', 200), ...identities('quick-b', 200), ...identities('quick-c', 150)];
    const { applied, notices, outcome } = await run(ids, 2);
    expect(outcome).toBeUndefined();
    expect(applied.sort()).toEqual(ids.map((id) => id.updateId).sort());
    const fetches = notices.filter((notice) => notice.type === 'fetch');
    expect(fetches.map((notice) => [notice.first, notice.count, notice.concurrency]).sort()).toEqual([
      ['quick-a-0', 350, 2],
      ['quick-b-0', 200, 2],
    ]);
    // A short list is not split into more workers than it has runs.
    const short = await run(identities('quick', 150), 2);
    expect(short.notices.filter((notice) => notice.type === 'fetch')).toEqual([{ type: 'fetch', first: 'quick-0', count: 150, concurrency: 4 }]);
  });

  it('stops the other worker when one fails, applies what it had on its way, and reports the first failure', async () => {
    const { applied, notices, outcome } = await run([...identities('fail', 200), ...identities('slow', 200)], 2);
    expect(outcome).toBeInstanceOf(UpstreamError);
    expect(outcome).toMatchObject({ kind: 'http', message: 'scripted failure' });
    expect(notices.map((notice) => notice.type)).toContain('stop');
    expect(notices.map((notice) => notice.type)).not.toContain('cancel');
    expect(applied).toContain('fail-0');
    expect(applied).toContain('slow-0');
    // Handed over after the stop: not cancelled.
    expect(applied.at(-1)).toBe('on-its-way');
  });

  it('cancels every worker at once when the caller cancels', async () => {
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 50);
    const { outcome } = await run([...identities('slow-a', 200), ...identities('slow-b', 200)], 2, cancel.signal);
    expect(outcome).toMatchObject({ kind: 'cancelled' });
  });
});
