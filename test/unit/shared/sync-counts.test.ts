import { describe, expect, it } from 'vitest';
import { describeChanges, describeFailure } from '../../../shared/sync-counts';
import { durationText } from '../../../shared/time-text';

const counts = { new: 1067, modified: 0, expired: 0, removed: 0, skipped: 0, failed: 0 };
const listed = { new: 717, modified: 0, expired: 0, removed: 0 };

describe('what a sync changed, in words', () => {
  it('counts updates as the repository lists them and says the revisions beside them', () => {
    expect(describeChanges({ counts, listed })).toBe('717 new, 0 modified, 0 expired, 0 removed updates (1,067 revisions written, bundled updates included)');
    expect(describeChanges({ counts: { ...counts, new: 717 }, listed })).toBe('717 new, 0 modified, 0 expired, 0 removed updates');
    expect(describeChanges({ counts: { ...counts, skipped: 4 }, listed })).toContain(
      '; 4 skipped (revised or expired updates a delta sync leaves for the next full sync)',
    );
  });

  it('says what failed, what to check, what is kept and when the retry runs', () => {
    const now = Date.parse('2026-11-29T14:00:00Z');
    const text = describeFailure(
      {
        counts,
        listed: { ...listed, new: 6200 },
        error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8530', update: null, again: false },
        nextRetry: '2026-11-29T14:58:00Z',
      },
      now,
    );
    expect(text).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:8530 \(ECONNREFUSED\)\. Check the port .+\. /);
    expect(text).toContain('The 6,200 updates applied before it are kept; the next sync fetches the rest.');
    expect(text).toMatch(/Will retry at .*\d\d:\d\d( [AP]M)?, in 58 min\.$/);
    // A code Error Lookup does not know is told as it is; one it knows says what to do.
    expect(
      describeFailure(
        { counts, listed: { ...listed, new: 0 }, error: { code: 'SOMETHING_NEW', message: 'Off.', update: null, again: false }, nextRetry: null },
        now,
      ),
    ).toBe('Off (SOMETHING_NEW).');
    expect(
      describeFailure(
        { counts, listed: { ...listed, new: 0 }, error: { code: 'SOURCE_DISABLED', message: 'Off.', update: null, again: false }, nextRetry: null },
        now,
      ),
    ).toBe('Off (SOURCE_DISABLED). Import a catalog (Import Catalog… on the Software Update Point), or choose a source in its Sync Settings.');
  });

  it('rounds a countdown up, so it never says 0 before the time', () => {
    expect([
      durationText(100),
      durationText(8_000),
      durationText(59_001),
      durationText(58 * 60_000),
      durationText(125 * 60_000),
      durationText(72 * 3_600_000),
    ]).toEqual(['1 s', '8 s', '1 min', '58 min', '2 h 5 min', '3 days']);
  });
});
