import { describe, expect, it, vi } from 'vitest';
import type { Site } from '../../../shared/domain';
import { ApiError } from '../../../shared/errors';
import { createDispatcher, type EngineBackend } from '../../../electron/host/dispatcher';
import type { ConsoleInfo } from '../../../shared/domain';

const site: Site = {
  code: 'CEN',
  name: 'Central Site',
  parentCode: null,
  databaseFile: '/data/sites/CEN.sqlite',
  schemaVersion: 1,
  createdAt: '2026-11-23T00:00:00.000Z',
  health: { state: 'ok' },
};

const info: ConsoleInfo = {
  productName: 'Update Sync Console',
  version: '1.0.0',
  dataDir: '/data',
  engine: { state: 'ready', message: 'ready', restarts: 0, at: '2026-11-23T00:00:00.000Z' },
};

function setup(answer: EngineBackend['call']) {
  const engine = { call: vi.fn(answer) };
  const dispatch = createDispatcher(engine, { getInfo: () => info });
  return { engine, dispatch };
}

describe('dispatcher', () => {
  it('routes a validated call to the engine with normalized params', async () => {
    const { engine, dispatch } = setup(async () => ({ ok: true, value: site }));
    await expect(dispatch('getSite', { site: 'cen' })).resolves.toEqual({ ok: true, value: site });
    expect(engine.call).toHaveBeenCalledWith('getSite', { site: 'CEN' });
  });

  it('answers host calls itself, so they work while the engine is down', async () => {
    const { engine, dispatch } = setup(async () => ({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'down' } }));
    await expect(dispatch('getInfo', {})).resolves.toEqual({ ok: true, value: info });
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('never forwards an invalid call', async () => {
    const { engine, dispatch } = setup(async () => ({ ok: true, value: site }));
    const outcome = await dispatch('getSite', { site: 42 });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('BAD_REQUEST');
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('passes engine errors through with their code', async () => {
    const { dispatch } = setup(async () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no site with code PR9.' } }));
    await expect(dispatch('getSite', { site: 'PR9' })).resolves.toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'There is no site with code PR9.' },
    });
  });

  it('turns an engine answer that breaks the contract into a clear error', async () => {
    const { dispatch } = setup(async () => ({ ok: true, value: { code: 'CEN' } }));
    const outcome = await dispatch('getSite', { site: 'CEN' });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.code).toBe('INTERNAL');
      expect(outcome.error.message).toContain('getSite');
    }
  });

  it('turns a throwing backend into an error outcome instead of a rejection', async () => {
    const { dispatch } = setup(async () => {
      throw new ApiError('TIMEOUT', 'The engine did not answer in time.');
    });
    await expect(dispatch('listSites', {})).resolves.toEqual({
      ok: false,
      error: { code: 'TIMEOUT', message: 'The engine did not answer in time.' },
    });
  });
});
