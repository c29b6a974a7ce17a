import { describe, expect, it } from 'vitest';
import { errorsIn, lookUpError } from '../../../shared/error-lookup';
import { parseTraceLine, splitTraceEntries } from '../../../shared/trace-log';

describe('trace log lines as CMTrace reads them', () => {
  it('reads a site-server line into text, component, time and thread', () => {
    expect(parseTraceLine('Sync failed: WSUS server not configured.  $$<SMS_WSUS_SYNC_MANAGER><11-23-2026 08:00:00.000+000><thread=3404 (0xD4C)>')).toEqual({
      text: 'Sync failed: WSUS server not configured.',
      component: 'SMS_WSUS_SYNC_MANAGER',
      time: '11-23-2026 08:00:00.000+000',
      thread: 3404,
      severity: 'error',
    });
  });

  it('reads CCM entries whatever the order of their attributes, and keeps an entry that spans lines whole', () => {
    const reordered = '<![LOG[Download failed.]LOG]!><thread="101" type="3" component="CAS" date="11-23-2026" time="08:00:03.000+000" file="x.cpp:12">';
    expect(parseTraceLine(reordered)).toMatchObject({
      text: 'Download failed.',
      component: 'CAS',
      time: '11-23-2026 08:00:03.000+000',
      thread: 101,
      severity: 'error',
    });
    const file = [
      '<![LOG[Scan started.]LOG]!><time="08:00:01.000+000" date="11-23-2026" component="ScanAgent" context="" type="1" thread="100" file="">',
      '',
      '<![LOG[Policy:',
      '  line two',
      'end]LOG]!><time="08:00:02.000+000" date="11-23-2026" component="PolicyAgent" context="" type="2" thread="100" file="">',
      'Plain line  $$<SMS_WSUS_SYNC_MANAGER><11-23-2026 08:00:04.000+000><thread=1 (0x1)>',
    ].join('\r\n');
    const entries = splitTraceEntries(file);
    expect(entries).toHaveLength(3);
    expect(parseTraceLine(entries[1]!)).toMatchObject({ text: 'Policy:\n  line two\nend', component: 'PolicyAgent', severity: 'warning' });
  });
});

describe('Error Lookup', () => {
  it('explains HTTP statuses, SOAP error codes, Node and Windows codes, and finds them in a line', () => {
    expect(lookUpError('503')?.code).toBe('HTTP 503');
    expect(lookUpError('econnrefused')?.check).toContain('8530');
    expect(lookUpError('0x80072ee2')?.meaning).toContain('timed out');
    expect(lookUpError('-2147012894')?.code).toBe('0x80072EE2');
    expect(lookUpError('NoSuchCode')).toBeUndefined();
    const line = 'Sync failed: UpstreamServer.GetUpdateData: The upstream server answered with HTTP 503 (ServerBusy); connect ECONNREFUSED 10.0.0.5:8530';
    expect(errorsIn(line).map((entry) => entry.code)).toEqual(['HTTP 503', 'ServerBusy', 'ECONNREFUSED']);
  });
});

describe('the colour of a line', () => {
  it('is an error for failures, a warning for warnings, retries and skipped updates, information otherwise', async () => {
    const { severityOf } = await import('../../../shared/trace-log');
    expect(severityOf('Sync failed. Will retry in 60 minutes')).toBe('error');
    expect(severityOf('sync: The upstream server answered GetUpdateData with HTTP 500. Retrying in 2 s (attempt 2 of 5).')).toBe('warning');
    expect(severityOf('Skipped 12 revised or expired updates; the next full sync applies them')).toBe('warning');
    expect(severityOf('STATMSG: ID=6702 SEV=I LEV=M')).toBe('info');
  });
});
