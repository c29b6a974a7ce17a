/** The site's languages against what its upstream offers: a language not enabled there is said, at every sync. */
import { describe, expect, it } from 'vitest';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

describe("the upstream's languages", () => {
  it('warns at each sync about a selected language the upstream lists as not enabled, including one disabled after the config anchor was kept', async () => {
    const { service, url } = await fixture.service({ updates: 80, seed: 61 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url, { languages: ['en', 'de', 'ja'] });
    expect(await fixture.sync(engine, 'full')).toMatchObject({ outcome: 'succeeded', warnings: [] });

    // Disabled upstream after this site kept its config anchor: the next answer lists the changed languages again.
    service.configure({ disabledLanguages: ['ja'] });
    const next = await fixture.sync(engine, 'delta');
    expect(next.outcome).toBe('succeeded');
    expect(next.warnings).toEqual([
      "The upstream server lists the language Japanese (ja) as not enabled: updates' texts in it may be missing. Enable it on the upstream server (WSUS Options → Update Files and Languages), or leave it out here",
    ]);
    // Kept: an answer that lists no language (nothing changed since the anchor) still warns.
    const again = await fixture.sync(engine, 'delta');
    expect(again.warnings).toEqual(next.warnings);
  });
});
