import { afterEach, describe, expect, it } from 'vitest';
import { builtPaths } from '../../helpers/built';
import { startUsc, runUsc, type RunningUsc } from '../../helpers/usc-process';
import { ALL_CLASSIFICATIONS, ALL_PRODUCTS, useUpstream, withDelta } from '../../helpers/upstream';

const upstream = useUpstream();
const running: RunningUsc[] = [];
afterEach(async () => {
  for (const usc of running.splice(0)) await usc.stop();
});

describe('usc upstream', () => {
  it('serves the sample catalog on loopback, and with --control its control interface changes it between syncs', async () => {
    builtPaths();
    const plain = await startUsc(['upstream', '--port', '0', '--updates', '50', '--seed', '3']);
    running.push(plain);
    // Without --control nobody can change what it serves: the control interface is not there.
    expect((await fetch(`${plain.firstLine}/control/state`)).status).toBe(404);
    expect((await fetch(`${plain.firstLine}/control/churn`, { method: 'POST', body: JSON.stringify({ add: 5 }) })).status).toBe(404);

    const usc = await startUsc(['upstream', '--port', '0', '--updates', '500', '--seed', '3', '--control']);
    running.push(usc);
    const url = usc.firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = upstream.client(url);
    const first = await client.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS });
    expect(first.revisions.length).toBeGreaterThan(500); // plus bundled children

    const churn = (await (await fetch(`${url}/control/churn`, { method: 'POST', body: JSON.stringify({ add: 5 }) })).json()) as { added: string[] };
    const delta = await client.getUpdateRevisions({ products: withDelta(ALL_PRODUCTS), classifications: withDelta(ALL_CLASSIFICATIONS), anchor: first.anchor });
    const topLevel = delta.revisions.filter((id) => churn.added.includes(id.updateId));
    expect(topLevel.map((id) => id.updateId).sort()).toEqual([...churn.added].sort());

    const state = (await (await fetch(`${url}/control/state`)).json()) as { updates: number };
    expect(state.updates).toBe(505);
  });

  it('validates its options', async () => {
    const result = await runUsc(['upstream', '--updates', 'lots']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('usc: --updates must be a whole number from 0 to 500000, not "lots".');
  });
});
