/**
 * The sync's connection to its upstream: the source it syncs from (the site's, or an import's file served on
 * loopback), signed in once for the whole sync (the fetch workers share the session), the upstream's configuration
 * and languages kept per upstream (upstream-config.ts), and ServerChanged: the upstream's identity changed, its
 * anchors are reset and the sync starts over as a full one (retry-policy.ts says how often).
 */
import type { TraceLogWriter } from '../log/trace-log-writer';
import { SERVER_CHANGED_RESTARTS } from '../retry/retry-policy';
import { writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import { inTransaction } from '../storage/transaction';
import { serverNameOf, type EffectiveConfig } from '../settings/sup-config';
import type { ServerConfig, UpstreamClient, UpstreamNotice } from '../upstream/client/upstream-client';
import { UpstreamError } from '../upstream/client/upstream-error';
import type { ClientSettings } from '../upstream/sync-source';
import type { MetadataSource } from './metadata-fetch';
import { SyncFailure } from './run-outcome';
import type { SyncContext, SyncRequest } from './sync-context';
import { SYNC_KEYS } from './sync-keys';
import { languageProblems, mergeLanguages, readKeptConfig, writeKeptConfig } from './upstream-config';

/** The upstream's identity changed mid-sync: the anchors were reset, and the sync starts over as a full one. */
export class ServerChanged extends Error {}

export class UpstreamSession {
  private serverChanges = 0;

  private constructor(
    private readonly context: SyncContext,
    readonly client: UpstreamClient,
    readonly serverName: string,
    /** The upstream's languages (GetConfigData, with those kept from before): the list filter names the site's by LCID. */
    readonly languages: ServerConfig['languages'],
    private readonly transport: Pick<ClientSettings, 'proxy' | 'extraCaCertificates'>,
    private readonly onNotice: (notice: UpstreamNotice) => void,
  ) {}

  /**
   * Connects and asks for the upstream's configuration; returns the session and the language problems to warn of.
   * `commit` makes the languages kept durable.
   */
  static async open(
    context: SyncContext,
    request: SyncRequest,
    config: EffectiveConfig,
    hooks: {
      onNotice: (notice: UpstreamNotice) => void;
      commit: () => void;
      /** Runs a call under the stall watchdog (call-watchdog.ts). */
      watch: <T>(client: UpstreamClient, what: string, call: (signal: AbortSignal) => Promise<T>) => Promise<T>;
    },
  ): Promise<{ session: UpstreamSession; languageProblems: string[] }> {
    const { log, database } = context;
    const imported = request.import;
    if (config.source.kind === 'none' && imported === undefined) {
      log.write(`Synchronizing WSUS server ${serverNameOf(config)} ...`);
      throw new SyncFailure('SOURCE_DISABLED', 'CWSyncMgr::DoSync', 'The Software Update Point is set to "Do not synchronize"');
    }
    // The site's proxy and extra CA certificates; an import's file is served on loopback and needs neither.
    const transport: Pick<ClientSettings, 'proxy' | 'extraCaCertificates'> =
      imported !== undefined
        ? {}
        : {
            ...(config.proxy === undefined ? {} : { proxy: config.proxy }),
            ...(config.extraCaCertificates === undefined ? {} : { extraCaCertificates: config.extraCaCertificates }),
          };
    const client = await context.connector.connect(imported === undefined ? config.source : { kind: 'upstream', url: imported.url }, {
      ...context.clientSettings,
      ...transport,
      onNotice: hooks.onNotice,
    });
    const serverName = imported?.serverName ?? config.serverName ?? serverNameOf(config, client.baseUrl);
    log.write(`Synchronizing WSUS server ${serverName} ...`);
    log.write('sync: Starting WSUS synchronization');
    // After the first successful call, the config anchor goes with every GetConfigData; the answer then lists only
    // the languages that changed, so the languages kept are updated by it.
    const baseUrl = client.baseUrl;
    const kept = readKeptConfig(database, baseUrl);
    const answer = await hooks.watch(client, 'GetConfigData', (signal) => client.getConfigData(kept?.configAnchor, signal));
    const languages = mergeLanguages(kept?.languages, answer.languages);
    inTransaction(database, () => writeKeptConfig(database, { url: baseUrl, configAnchor: answer.configAnchor, languages }));
    hooks.commit();
    const session = new UpstreamSession(context, client, serverName, languages, transport, hooks.onNotice);
    // An import's file holds the languages it was exported with: importGaps names the others.
    return { session, languageProblems: imported === undefined ? languageProblems(languages, config.languages) : [] };
  }

  /**
   * An upstream call during which the upstream may answer ServerChanged ([MS-WSUSSS] §2.2.9.3): every anchor is
   * reset (with `onReset`, in the same transaction) and ServerChanged is thrown for the sync to start over. Batches
   * already applied stay.
   */
  async watching<T>(anchor: string | undefined, call: (client: UpstreamClient) => Promise<T>, onReset: () => void, commit: () => void): Promise<T> {
    try {
      return await call(this.client);
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.faultCode !== 'ServerChanged' || this.serverChanges >= SERVER_CHANGED_RESTARTS) throw error;
      this.serverChanges++;
      this.log.write(
        `The upstream server ${this.serverName} has changed (ServerChanged${anchor === undefined ? '' : ` for anchor ${anchor}`}): its anchors were reset; listing every revision again as a full sync.`,
      );
      const database: SiteDatabase = this.context.database;
      inTransaction(database, () => {
        writeSetting(database, SYNC_KEYS.updateAnchor, undefined);
        writeSetting(database, SYNC_KEYS.configAnchor, undefined);
        writeKeptConfig(database, undefined);
        onReset();
      });
      commit();
      throw new ServerChanged();
    }
  }

  /** Where the metadata fetch asks (metadata-fetch.ts). */
  metadataSource(indexesDeferred: boolean): MetadataSource {
    return { context: this.context, client: this.client, transport: this.transport, onNotice: this.onNotice, indexesDeferred };
  }

  close(): Promise<void> {
    return this.client.close().catch(() => undefined);
  }

  private get log(): TraceLogWriter {
    return this.context.log;
  }
}
