import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleApi } from '../../../shared/contract';
import { ApiError } from '../../../shared/errors';
import { LOG_BUFFER_LINES, useConsoleStore } from '../../../renderer/store/console-store';
import { finishedRun } from '../../helpers/sync-run';

const status = (state: 'ready' | 'restarting' | 'failed', message: string) => ({ state, message, restarts: 1, at: '2026-11-23T00:00:00Z' });

function fakeApi(overrides: Partial<ConsoleApi> = {}): ConsoleApi {
  return {
    getInfo: vi.fn(async () => ({ productName: 'Update Sync Console', version: '1', dataDir: '/data', engine: status('ready', 'ready') })),
    listSites: vi.fn(async () => []),
    getHierarchy: vi.fn(async () => []),
    queryUpdates: vi.fn(async () => ({ total: 0, rows: [] })),
    getSite: vi.fn(),
    ...overrides,
  } as ConsoleApi;
}

describe('console store', () => {
  beforeEach(() => {
    useConsoleStore.getState().logBuffers.clear();
    useConsoleStore.setState({ notices: [], engine: undefined, loadError: undefined, connection: 'connecting' });
  });

  it('tells the administrator when the engine stops and when it is back, and reloads the sites', async () => {
    const api = fakeApi();
    useConsoleStore.getState().attach(api, 'websocket');
    useConsoleStore.getState().handleEvent({ name: 'engineStatus', payload: status('ready', 'The sync engine is ready.') });
    useConsoleStore
      .getState()
      .handleEvent({ name: 'engineStatus', payload: status('restarting', 'The sync engine stopped unexpectedly (exit code 1). Restarting it…') });
    expect(useConsoleStore.getState().notices).toMatchObject([{ kind: 'warning', text: expect.stringContaining('stopped unexpectedly') }]);
    useConsoleStore
      .getState()
      .handleEvent({ name: 'engineStatus', payload: status('ready', 'The sync engine was restarted after it stopped unexpectedly (restart 1).') });
    expect(useConsoleStore.getState().notices.map((notice) => notice.kind)).toEqual(['warning', 'info']);
    expect(api.listSites).toHaveBeenCalled();
  });

  it('says what a successful synchronization could not cover, with its outcome', () => {
    useConsoleStore.getState().attach(fakeApi(), 'websocket');
    const run = finishedRun({
      runId: 3,
      site: 'CEN',
      trigger: 'import',
      counts: { new: 12, modified: 0, expired: 0, removed: 0, skipped: 0, failed: 0 },
      listed: { new: 10, modified: 0, expired: 0, removed: 0 },
      warnings: ['The catalog export was made without the product Windows Server 2019 selected here: their updates are not in the file'],
    });
    useConsoleStore.getState().handleEvent({ name: 'syncFinished', payload: run });
    expect(useConsoleStore.getState().notices.at(-1)).toMatchObject({
      kind: 'warning',
      text: expect.stringMatching(/^Import into CEN succeeded: 10 new.*Warning: The catalog export was made without the product Windows Server 2019/),
    });
    useConsoleStore.getState().handleEvent({ name: 'syncFinished', payload: { ...run, trigger: 'manual', warnings: [] } });
    expect(useConsoleStore.getState().notices.at(-1)).toMatchObject({ kind: 'info', text: expect.stringMatching(/^Synchronization of CEN succeeded: 10 new/) });
  });

  it('keeps one notice per site: a failure that repeats says so, a second failure replaces the first, the next success closes it', () => {
    useConsoleStore.getState().attach(fakeApi(), 'websocket');
    const failed = finishedRun({
      site: 'CEN',
      outcome: 'failed',
      listed: { new: 40, modified: 0, expired: 0, removed: 0 },
      error: { code: 'UPDATES_FAILED', message: '1 update could not be synchronized', update: { id: 'a1b2', revision: 200, title: null }, again: false },
      nextRetry: '2026-11-23T03:01:00Z',
    });
    const send = (run: typeof failed) => useConsoleStore.getState().handleEvent({ name: 'syncFinished', payload: run });
    send(failed);
    expect(useConsoleStore.getState().notices).toMatchObject([{ kind: 'error', text: expect.stringContaining('the next sync fetches the rest') }]);
    // The same failure again (the engine says so): told as such, naming the update, never promising the rest; one
    // notice, with the new retry time only.
    send({ ...failed, runId: 8, nextRetry: '2026-11-23T05:01:00Z', error: { ...failed.error!, again: true } });
    const [notice, ...others] = useConsoleStore.getState().notices;
    expect(others).toEqual([]);
    expect(notice!.text).toMatch(
      /^Synchronization of CEN failed again: .*It failed on the same update last time: update a1b2, revision 200\. It will fail again until the cause is fixed\./,
    );
    expect(notice!.text).not.toContain('the next sync fetches the rest');
    // Another site's notices are its own.
    send({ ...failed, site: 'PR1' });
    expect(useConsoleStore.getState().notices).toHaveLength(2);
    // CEN's next success closes its sticky failure.
    send(finishedRun({ site: 'CEN', runId: 9 }));
    expect(useConsoleStore.getState().notices.map((each) => [each.kind, each.text.slice(0, 28)])).toEqual([
      ['error', 'Synchronization of PR1 faile'],
      ['info', 'Synchronization of CEN succe'],
    ]);
  });

  it('says a run started once per site, and closes that notice when the run ends, keeping the failure of the run before', async () => {
    const api = fakeApi({
      runSynchronization: vi.fn(async () => ({ status: 'started' as const, run: null })),
      getRepositoryFolders: vi.fn(async () => ({ classifications: [], products: [] })),
    });
    useConsoleStore.getState().attach(api, 'websocket');
    const failed = finishedRun({ site: 'CEN', outcome: 'failed', error: { code: 'UPSTREAM_NETWORK', message: 'Off', update: null, again: false } });
    useConsoleStore.getState().handleEvent({ name: 'syncFinished', payload: failed });
    await useConsoleStore.getState().runSync('CEN');
    await useConsoleStore.getState().runSync('CEN');
    await useConsoleStore.getState().runSync('PR1');
    const texts = () => useConsoleStore.getState().notices.map((notice) => notice.text.slice(0, 34));
    expect(texts()).toEqual(['Synchronization of CEN failed: Off', 'Synchronization of CEN started.', 'Synchronization of PR1 started.']);
    useConsoleStore.getState().handleEvent({ name: 'syncFinished', payload: { ...failed, runId: 2, outcome: 'cancelled', error: null } });
    expect(texts()).toEqual(['Synchronization of PR1 started.', 'Synchronization of CEN was cancell']);
  });

  it('shows a failed load as an error instead of an empty console', async () => {
    const api = fakeApi({ listSites: vi.fn(async () => Promise.reject(new ApiError('ENGINE_UNAVAILABLE', 'The sync engine is not running.'))) });
    useConsoleStore.getState().attach(api, 'websocket');
    await useConsoleStore.getState().refresh();
    expect(useConsoleStore.getState().loadError).toBe('The sync engine is not running.');
  });

  it('keeps a million log lines per site in a ring buffer, dropping the oldest', () => {
    const line = (n: number) => ({ text: `line ${n}`, component: 'SMS_WSUS_SYNC_MANAGER', time: 't', thread: 1, severity: 'info' as const });
    const before = useConsoleStore.getState().logVersion;
    for (let start = 0; start < LOG_BUFFER_LINES; start += 100_000) {
      const batch = Array.from({ length: 100_000 }, (_, n) => line(start + n));
      useConsoleStore.getState().handleEvent({ name: 'log', payload: { site: 'CEN', file: 'wsyncmgr.log', lines: batch } });
    }
    useConsoleStore.getState().handleEvent({ name: 'log', payload: { site: 'PR1', file: 'wsyncmgr.log', lines: [line(-1)] } });
    const buffer = useConsoleStore.getState().logBufferOf('CEN');
    expect(LOG_BUFFER_LINES).toBe(1_000_000);
    expect(buffer.length).toBe(LOG_BUFFER_LINES);
    expect(buffer.at(0)?.text).toBe('line 0');
    useConsoleStore.getState().handleEvent({ name: 'log', payload: { site: 'CEN', file: 'wsyncmgr.log', lines: [line(-2)] } });
    expect(buffer.at(0)?.text).toBe('line 1');
    expect(buffer.at(LOG_BUFFER_LINES - 1)).toEqual({ site: 'CEN', text: 'line -2', severity: 'info' });
    expect(useConsoleStore.getState().logBufferOf('PR1').at(0)).toEqual({ site: 'PR1', text: 'line -1', severity: 'info' });
    expect(useConsoleStore.getState().logVersion).toBe(before + 12);
  });
});

describe('console store: the repository grid', () => {
  const row = (n: number) => ({
    updateId: `u${n}`,
    revision: 1,
    title: `Update ${n}`,
    kb: null,
    bulletin: null,
    classification: null,
    products: null,
    severity: null,
    releasedAt: null,
    revisedAt: '2026-01-01T00:00:00Z',
    state: 'published' as const,
    superseded: false,
  });
  const pageOf = (offset: number, limit: number, total: number) => ({
    total,
    rows: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, n) => row(offset + n)),
  });

  it('fetches the pages a scrolled-to window needs, once each, and drops answers to an earlier query', async () => {
    const answers: Array<{ offset: number; sort: string | undefined; resolve(): void }> = [];
    const queryUpdates = vi.fn(
      (params: { offset?: number; limit?: number; sort?: string }) =>
        new Promise<{ total: number; rows: ReturnType<typeof row>[] }>((resolve) =>
          answers.push({ offset: params.offset ?? 0, sort: params.sort, resolve: () => resolve(pageOf(params.offset ?? 0, params.limit ?? 200, 1000)) }),
        ),
    );
    const api = fakeApi({
      queryUpdates: queryUpdates as unknown as ConsoleApi['queryUpdates'],
      getRepositoryFolders: vi.fn(async () => ({ classifications: [], products: [] })),
    });
    const store = useConsoleStore;
    store.getState().attach(api, 'websocket');
    const loading = store.getState().loadRepository({ sort: 'title' });
    answers.shift()!.resolve();
    await loading;
    expect(store.getState().repository.total).toBe(1000);
    expect(store.getState().repositoryRows.rowAt(0)?.title).toBe('Update 0');

    store.getState().ensureRepositoryRows(350, 620);
    store.getState().ensureRepositoryRows(400, 600);
    expect(answers.map((answer) => answer.offset)).toEqual([200, 400, 600]);
    answers.shift()!.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().repositoryRows.rowAt(350)?.title).toBe('Update 350');

    // A new sort starts a new query: the pages still on their way belong to the old one and are dropped.
    const resorting = store.getState().loadRepository({ sort: 'kb' });
    const stale = answers.splice(0, 2);
    answers.shift()!.resolve();
    await resorting;
    stale.forEach((answer) => answer.resolve());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().repositoryRows.rowAt(450)).toBeUndefined();
    expect(store.getState().repositoryRows.missingPages(400, 600)).toEqual([2, 3]);
  });
});
