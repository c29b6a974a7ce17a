/**
 * What the update list asks the upstream for (GetRevisionIdList's filter), beyond the products and classifications:
 * the site's languages by LCID, which a downstream server of protocol 1.3 or later SHOULD send.
 */
import { updateLanguage } from '../../../shared/languages';
import type { ServerConfig } from '../upstream/client/upstream-client';

/**
 * The site's languages as the list filter names them: each by the LCID the upstream gave it (or the one Microsoft
 * Update uses), with the filter's delta flag. "all" names none: without Languages every language is listed.
 */
export function languageFilter(chosen: readonly string[], offered: ServerConfig['languages'], delta: boolean): Array<{ id: number; delta: boolean }> {
  if (chosen.some((code) => code.toLowerCase() === 'all')) return [];
  const byCode = new Map(offered.map((language) => [language.shortName.toLowerCase(), language.id]));
  const ids = chosen.flatMap((code) => {
    const id = byCode.get(code.toLowerCase()) ?? updateLanguage(code)?.lcid;
    return id === undefined || id === 0 ? [] : [id];
  });
  return [...new Set(ids)].map((id) => ({ id, delta }));
}

/** Whether a protocol version ("1.20") is at least major.minor (1.3): numbers, not text ("1.20" is after "1.3"). */
export function protocolAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const [givenMajor, givenMinor] = (version ?? '').split('.').map(Number);
  if (givenMajor === undefined || Number.isNaN(givenMajor)) return false;
  return givenMajor > major || (givenMajor === major && (givenMinor ?? 0) >= minor);
}
