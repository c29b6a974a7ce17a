/** The schema can be read in one file (electron/engine/storage/schema.sql), and that file is the migrated schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaSnapshot } from '../../../electron/engine/storage/schema-snapshot';
import { SiteDatabase } from '../../../electron/engine/storage/site-database';
import { loadSqlJs } from '../../../electron/engine/storage/sqljs';
import { ROOT } from '../../helpers/built';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const SNAPSHOT = join(ROOT, 'electron', 'engine', 'storage', 'schema.sql');

describe('the schema snapshot', () => {
  it('is what every migration leaves in a new site database (npm run schema writes it again)', async () => {
    const site = SiteDatabase.create(await loadSqlJs(), join(tempDir(), 'CEN.sqlite'), {
      code: 'CEN',
      name: 'Central Site',
      parentCode: null,
      createdAt: 'now',
    });
    const actual = schemaSnapshot(site);
    site.close();
    if (process.env.USC_WRITE_SCHEMA === '1') writeFileSync(SNAPSHOT, actual);
    expect(actual, 'the migrated schema differs from electron/engine/storage/schema.sql: run npm run schema and review the change').toBe(
      readFileSync(SNAPSHOT, 'utf8'),
    );
  });
});
