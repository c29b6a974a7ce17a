import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSyncFixture } from '../../helpers/sync-fixture';

describe('a synchronization that finds nothing new', () => {
  const fixture = useSyncFixture();

  it('is saved to the journal without rewriting the site database, and is there after a restart', async () => {
    const { url, service } = await fixture.service({ updates: 200, seed: 5 });
    const dataDir = fixture.tempDir();
    const engine = await fixture.engine(dataDir);
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    const file = join(dataDir, 'sites', 'CEN.sqlite');
    const before = statSync(file);

    const delta = await fixture.sync(engine, 'delta');
    expect(delta).toMatchObject({ outcome: 'succeeded', counts: { new: 0, modified: 0, expired: 0, removed: 0 } });
    const after = statSync(file);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
    expect(existsSync(`${file}.journal`)).toBe(true);
    await engine.close();

    const reopened = await fixture.engine(dataDir);
    const history = await reopened.call('querySyncHistory', { site: 'CEN', limit: 10 });
    expect(history.map((run) => [run.runId, run.kind, run.outcome])).toEqual([
      [delta.runId, 'delta', 'succeeded'],
      [delta.runId - 1, 'full', 'succeeded'],
    ]);
    const messages = await reopened.call('queryStatusMessages', { site: 'CEN', limit: 50 });
    expect(messages.filter((message) => message.id === 6702)).toHaveLength(2);

    // A synchronization with changes is journaled batch by batch too: after a restart every applied update is there.
    const added = service.churn({ add: 3 }).added;
    expect((await fixture.sync(reopened, 'delta')).counts.new).toBeGreaterThanOrEqual(3);
    await reopened.close();
    const third = await fixture.engine(dataDir);
    for (const updateId of added) expect(await third.call('getUpdateDetails', { site: 'CEN', updateId })).toMatchObject({ update: { updateId } });
    // Folding the journal into the file leaves the file alone holding everything.
    third.siteDatabase('CEN').saveWhole();
    expect(existsSync(`${file}.journal`)).toBe(false);
  });
});
