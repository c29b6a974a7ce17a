import { describe, expect, it } from 'vitest';
import { checkCall, checkEvent, checkResult } from '../../../shared/validate';

describe('contract validation', () => {
  it('accepts a known call and normalizes the site code', () => {
    const checked = checkCall('getSite', { site: ' cen ' });
    expect(checked).toEqual({ ok: true, value: { method: 'getSite', params: { site: 'CEN' } } });
  });

  it('treats a missing params object as empty for calls without arguments', () => {
    expect(checkCall('listSites', undefined)).toEqual({ ok: true, value: { method: 'listSites', params: {} } });
  });

  it('refuses an unknown call by name, without throwing', () => {
    const checked = checkCall('dropDatabase', {});
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error.code).toBe('UNKNOWN_METHOD');
      expect(checked.error.message).toContain('dropDatabase');
    }
  });

  it('does not treat inherited object members as calls', () => {
    expect(checkCall('toString', {}).ok).toBe(false);
    expect(checkCall('__proto__', {}).ok).toBe(false);
  });

  it.each([
    ['a site code of the wrong length', { site: 'CENTRAL' }, 'site'],
    ['a site code with punctuation', { site: 'C-1' }, 'three letters or digits'],
    ['a missing argument', {}, 'site'],
    ['an extra argument', { site: 'CEN', force: true }, 'force'],
    ['a non-object', 'CEN', 'Invalid arguments'],
  ])('explains %s', (_label, params, fragment) => {
    const checked = checkCall('getSite', params);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error.code).toBe('BAD_REQUEST');
      expect(checked.error.message).toContain(fragment);
    }
  });

  it('rejects an engine answer that does not match the contract', () => {
    const checked = checkResult('listSites', [{ code: 'CEN' }]);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.code).toBe('INTERNAL');
  });

  it('validates pushed events', () => {
    const good = checkEvent('engineStatus', { state: 'ready', message: 'ok', restarts: 0, at: '2026-01-01T00:00:00Z' });
    expect(good.ok).toBe(true);
    expect(checkEvent('engineStatus', { state: 'exploded' }).ok).toBe(false);
    expect(checkEvent('nonsense', {}).ok).toBe(false);
  });
});
