import { describe, expect, it } from 'vitest';
import { errorsIn, lookUpError } from '../../../shared/error-lookup';
import { ApiErrorCodeSchema, SYNC_FAILURE_CODES, UPSTREAM_ERROR_KINDS } from '../../../shared/errors';
import { FAULT_CODES } from '../../../electron/engine/upstream/soap/protocol-names';

/** Every code the engine can end a synchronization or a call with, from the lists its types are made of. */
const ENGINE_CODES = [
  ...ApiErrorCodeSchema.options,
  ...SYNC_FAILURE_CODES,
  ...UPSTREAM_ERROR_KINDS.map((kind) => `UPSTREAM_${kind.toUpperCase()}`),
  ...FAULT_CODES,
];

describe('Error Lookup', () => {
  it.each(ENGINE_CODES)('explains %s: what it means and what to do', (code) => {
    const entry = lookUpError(code);
    expect(entry, code).toBeDefined();
    expect(entry!.meaning.length).toBeGreaterThan(20);
    expect(entry!.check.length).toBeGreaterThan(10);
  });

  it('tells what to collect for INTERNAL, a defect of the console itself', () => {
    expect(lookUpError('INTERNAL')?.check).toMatch(/wsyncmgr\.log.*usc doctor.*report/);
  });

  it('finds the codes in a line of wsyncmgr.log', () => {
    expect(errorsIn('Sync failed: Unexpected error (INTERNAL). Source: CWSyncMgr::DoSync').map((entry) => entry.code)).toEqual(['INTERNAL']);
    expect(errorsIn('GetUpdateData failed: HTTP 503 (UPSTREAM_HTTP)').map((entry) => entry.code)).toEqual(['HTTP 503', 'UPSTREAM_HTTP']);
  });
});
