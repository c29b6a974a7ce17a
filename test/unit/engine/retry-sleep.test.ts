import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { defaultSleep } from '../../../electron/engine/upstream/client/upstream-client';

describe('the pause between retries', () => {
  it("leaves no listener on the sync's signal however many retries it waits for, so Node never warns", async () => {
    const sync = new AbortController();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      for (let retry = 0; retry < 30; retry++) await defaultSleep(1, sync.signal);
      expect(getEventListeners(sync.signal, 'abort')).toHaveLength(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('ends at once, as cancelled, when the sync is cancelled during it', async () => {
    const sync = new AbortController();
    const pause = defaultSleep(60_000, sync.signal);
    sync.abort();
    await expect(pause).rejects.toMatchObject({ kind: 'cancelled' });
  });
});
