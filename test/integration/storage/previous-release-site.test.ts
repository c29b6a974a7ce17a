import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReceivedRevision } from '../../../electron/engine/upstream/client/upstream-client';
import { builtPaths, ROOT } from '../../helpers/built';
import { useSyncFixture } from '../../helpers/sync-fixture';
import { useUpstream } from '../../helpers/upstream';
import { runUsc } from '../../helpers/usc-process';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'site-v1');

interface ServedRevision {
  updateId: string;
  revision: number;
  xml: string;
  fileDigests: string[];
  fileUrls: Array<{ digest: string; muUrl: string; ussUrl?: string }>;
  cabinet?: string;
}

const fixture = useSyncFixture();
const upstream = useUpstream();

describe('a site written by the release before record version 2', () => {
  it('opens with its journal, lists what that release listed, and serves every old record byte for byte', async () => {
    builtPaths();
    const data = fixture.tempDir();
    cpSync(join(FIXTURE, 'sites'), join(data, 'sites'), { recursive: true });

    const listed = await runUsc(['updates', '--data', data, '--site', 'CEN', '--all', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(JSON.parse(readFileSync(join(FIXTURE, 'CEN.updates.json'), 'utf8')));

    const engine = await fixture.engine(data);
    const { url } = await engine.call('serveSite', { site: 'CEN', port: 0, bind: '127.0.0.1' });
    const client = upstream.client(url);
    const config = await client.getCategoryRevisions();
    const updates = await client.getUpdateRevisions({ products: [], classifications: [] });
    const received: ReceivedRevision[] = [];
    await client.fetchMetadata([...config.revisions, ...updates.revisions], (batch) => {
      expect(batch.failures).toEqual([]);
      received.push(...batch.revisions);
    });

    const expected = (JSON.parse(readFileSync(join(FIXTURE, 'CEN.served.json'), 'utf8')) as ServedRevision[]).sort((a, b) =>
      a.updateId.localeCompare(b.updateId),
    );
    const served = received
      .map((revision) => ({
        updateId: revision.metadata.updateId,
        revision: revision.metadata.revision,
        xml: revision.xml,
        fileDigests: revision.fileDigests,
        fileUrls: revision.fileUrls,
        ...(revision.cabinet === undefined ? {} : { cabinet: Buffer.from(revision.cabinet).toString('base64') }),
      }))
      .sort((a, b) => a.updateId.localeCompare(b.updateId));
    expect(served).toHaveLength(62);
    expect(served.filter((revision) => revision.cabinet !== undefined)).toHaveLength(1);
    expect(served).toEqual(expected);
  });
});
