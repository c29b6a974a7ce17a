/**
 * A site's database served as an upstream update server over the server-server protocol: what a child site in this
 * data folder synchronizes from (one service per parent, reused by every child sync), or what `usc serve` offers to
 * child sites on other machines.
 */
import type { SiteCode } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { SiteRegistry } from '../storage/site-registry';
import { readSupConfig } from '../settings/sup-config';
import { UpstreamService } from '../upstream/service/upstream-service';
import { SiteCatalog } from './site-catalog';

export class ParentServices {
  private readonly services = new Map<SiteCode, { service: UpstreamService; url: string }>();

  constructor(
    private readonly sites: SiteRegistry,
    private readonly logFor: (site: SiteCode) => TraceLogWriter,
  ) {}

  /** Serves a site's database; on an ephemeral loopback port, the one service already running is reused. */
  async serve(site: SiteCode, port = 0, bind = '127.0.0.1'): Promise<string> {
    const running = this.services.get(site);
    if (running !== undefined && port === 0) return running.url;
    const top = readSupConfig(this.sites.database(this.sites.topLevelOf(site)));
    const service = new UpstreamService({
      catalog: new SiteCatalog(() => this.sites.database(site), top.languages),
      onServeProblem: (message) => this.logFor(site).writeNow(`ERROR: ${message}`),
    });
    const url = await service.listen(port, bind);
    if (running === undefined) this.services.set(site, { service, url });
    return url;
  }

  /** The sites served now. */
  get served(): SiteCode[] {
    return [...this.services.keys()];
  }

  async close(): Promise<void> {
    await Promise.all([...this.services.values()].map((entry) => entry.service.close()));
    this.services.clear();
  }
}
