/**
 * Turns a SUP sync source into a protocol client. The built-in sample catalog is served by an upstream service
 * started inside the engine on an ephemeral 127.0.0.1 port, so a fresh install synchronizes real metadata with
 * no network; Microsoft Update and upstream servers are reached by the same client code.
 */
import { describeSyncSource, type SyncSource } from '../../../shared/domain';
import { ApiError } from '../../../shared/errors';
import { UpstreamClient, type UpstreamClientOptions } from './client/upstream-client';
import { SampleCatalog } from './service/catalog';
import { UpstreamService } from './service/upstream-service';
import { MICROSOFT_UPDATE_URL } from './soap/protocol-names';

export const SAMPLE_CATALOG = { updates: 3_000, seed: 2026 } as const;

export type ClientSettings = Omit<UpstreamClientOptions, 'baseUrl'>;

export class SyncSourceConnector {
  private sample: { service: UpstreamService; url: string } | undefined;
  private starting: Promise<{ service: UpstreamService; url: string }> | undefined;

  constructor(
    private readonly sampleOptions: { updates: number; seed: number } = SAMPLE_CATALOG,
    /** How this installation names itself to every upstream (installation.ts). */
    readonly account: { accountName: string; accountGuid: string } | undefined = undefined,
  ) {}

  /** A client for the source, signing in as this installation; the caller closes it. */
  async connect(source: SyncSource, settings: ClientSettings = {}): Promise<UpstreamClient> {
    const baseUrl = await this.urlOf(source);
    return new UpstreamClient({ ...this.account, ...settings, baseUrl });
  }

  async urlOf(source: SyncSource): Promise<string> {
    switch (source.kind) {
      case 'sample':
        return (await this.sampleService()).url;
      case 'microsoft-update':
        return MICROSOFT_UPDATE_URL;
      case 'upstream':
        return source.url;
      case 'none':
        throw new ApiError('BAD_REQUEST', `The sync source is "${describeSyncSource(source)}": synchronization is turned off for this site.`);
      case 'parent':
        // The hierarchy turns a parent here into the URL it serves the parent at before a sync starts.
        throw new ApiError('BAD_REQUEST', `${describeSyncSource(source)} is served by the engine; it has no address of its own.`);
    }
  }

  /** The embedded service behind the sample source (started on first use). */
  async sampleService(): Promise<{ service: UpstreamService; url: string }> {
    if (this.sample !== undefined) return this.sample;
    this.starting ??= (async () => {
      const service = new UpstreamService({ catalog: SampleCatalog.generate(this.sampleOptions) });
      const url = await service.listen(0, '127.0.0.1');
      this.sample = { service, url };
      return this.sample;
    })();
    return this.starting;
  }

  async close(): Promise<void> {
    await this.sample?.service.close();
    this.sample = undefined;
    this.starting = undefined;
  }
}
