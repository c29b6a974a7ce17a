/**
 * What a site keeps of its upstream's GetConfigData: the config anchor, which a downstream server MUST send after its
 * first successful call ([MS-WSUSSS] §3.1.4.4.2.1), and the languages as last listed, since a call with the anchor
 * lists only the languages that changed. Kept per upstream URL: another server's anchor means nothing.
 */
import { updateLanguage } from '../../../shared/languages';
import { readSetting, writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import type { ServerConfig } from '../upstream/client/upstream-client';

const KEY = 'sync.upstreamConfig';

export interface KeptUpstreamConfig {
  url: string;
  configAnchor: string;
  languages: ServerConfig['languages'];
}

/** The config kept for this upstream, or undefined (never asked, or asked of another server). */
export function readKeptConfig(db: SiteDatabase, url: string): KeptUpstreamConfig | undefined {
  const kept = readSetting<KeptUpstreamConfig>(db, KEY);
  return kept !== undefined && kept.url === url && typeof kept.configAnchor === 'string' && Array.isArray(kept.languages) ? kept : undefined;
}

export function writeKeptConfig(db: SiteDatabase, kept: KeptUpstreamConfig | undefined): void {
  writeSetting(db, KEY, kept);
}

/** The languages as they stand: those kept, updated by the ones this answer listed (changed, or all of them). */
export function mergeLanguages(kept: ServerConfig['languages'] | undefined, listed: ServerConfig['languages']): ServerConfig['languages'] {
  const merged = new Map((kept ?? []).map((language) => [language.shortName.toLowerCase(), language]));
  for (const language of listed) merged.set(language.shortName.toLowerCase(), language);
  return [...merged.values()];
}

/**
 * What the administrator must hear about the site's languages against the upstream's: one it does not offer, and one
 * it offers but has not enabled (a WSUS server that does not download it: its updates' texts in it may be missing).
 */
export function languageProblems(offered: ServerConfig['languages'], chosen: readonly string[]): string[] {
  if (offered.length === 0) return [];
  const byCode = new Map(offered.map((language) => [language.shortName.toLowerCase(), language]));
  const problems: string[] = [];
  for (const code of chosen) {
    const lower = code.toLowerCase();
    if (lower === 'all') continue;
    const language = byCode.get(lower);
    const name = updateLanguage(lower)?.name ?? code;
    if (language === undefined) {
      problems.push(`The upstream server does not offer the language ${name} (${code}) selected on the Software Update Point`);
    } else if (!language.enabled) {
      problems.push(
        `The upstream server lists the language ${name} (${code}) as not enabled: updates' texts in it may be missing. Enable it on the upstream server (WSUS Options → Update Files and Languages), or leave it out here`,
      );
    }
  }
  return problems;
}
