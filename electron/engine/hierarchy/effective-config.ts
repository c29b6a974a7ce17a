/**
 * The settings a site's synchronization follows: a top-level site's own; a child's are the top-level site's
 * products, classifications and languages, with its parent as source (served from this data folder, unless the child
 * was pointed at its parent's URL on another machine). The proxy and its password are the top-level site's.
 */
import type { SiteCode } from '../../../shared/domain';
import type { CredentialStore } from '../storage/credential-store';
import type { SiteRegistry } from '../storage/site-registry';
import { childSupConfig, readSupConfig, type EffectiveConfig } from '../settings/sup-config';
import type { ParentServices } from './parent-services';

export async function effectiveConfig(
  site: SiteCode,
  parts: { sites: SiteRegistry; credentials: CredentialStore; parents: ParentServices },
): Promise<EffectiveConfig> {
  const { sites } = parts;
  const own = readSupConfig(sites.database(site));
  const parent = sites.get(site).parentCode;
  const topSite = sites.topLevelOf(site);
  const effective = parent === null ? own : childSupConfig(readSupConfig(sites.database(topSite)), own, parent);
  const password = effective.proxy === undefined ? undefined : parts.credentials.proxyPassword(topSite);
  const config = password === undefined ? effective : { ...effective, proxy: { ...effective.proxy!, password } };
  // A child on another machine is pointed at its parent's URL with `usc config --source`; otherwise the parent in
  // this data folder serves it, named in the child's log as the site it is, not as a loopback URL.
  if (parent === null || config.source.kind === 'upstream') return config;
  return { ...config, source: { kind: 'upstream', url: await parts.parents.serve(parent) }, serverName: `${parent} (parent site)` };
}
