/** `usc`: the engine without a window. Every command takes --data DIR (or USC_DATA_DIR). */
import { parseArgs } from 'node:util';
import { buildPaths, resolveDataDir } from '../paths';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../product';
import { CliError, type CliContext, type CliIo } from './cli-context';
import { sitesCommand } from './commands/sites';
import { doctorCommand } from './commands/doctor';
import { exportCommand, importCommand } from './commands/catalog-transfer';
import { configCommand, historyCommand, statusCommand, syncCommand, syncStatusCommand, updatesCommand } from './commands/sync-commands';
import { scheduleCommand } from './commands/schedule';
import { siteCommand } from './commands/site-commands';
import { serveCommand, serviceCommand } from './commands/service';
import { upstreamCommand } from './commands/upstream';
import { webCommand } from './commands/web';
import { digestCommand, notifyCommand } from './commands/notify';
import { listCsvCommand } from './commands/list-csv';

const USAGE = `${PRODUCT_NAME} ${PRODUCT_VERSION}

Usage: usc <command> [options]

Commands:
  sites [--json]                     List the sites of the data folder.
  web [--port N] [--bind ADDR] [--open]
                                     Serve the console to a browser on 127.0.0.1 (port 0 = any free port).
                                     The first line printed is the console URL, with its access token.
  config --site CEN [--source sample|microsoft-update|none|URL] [--products "A,B"] [--product NAME]...
         [--classifications "A,B"] [--classification NAME]... [--languages en,de] [--retry-minutes N]
         [--proxy URL [--proxy-user U --proxy-password P]] [--ca-file PEM] [--stall-minutes N]
         [--expire-superseded never|immediately|MONTHS] [--json]
                                     Show or change a site's Software Update Point settings. Products and
                                     classifications are kept by category ID: give IDs, or exact names (a
                                     comma inside a name in --products as \\, or one name per --product);
                                     a name that matches none or several is refused with the candidates.
                                     --languages: codes Microsoft Update offers (en, de, zh-tw, ...). --ca-file
                                     trusts the CA certificate(s) in a PEM file for an HTTPS upstream.
                                     --stall-minutes: no progress for this long (default 10) and the
                                     stuck requests are abandoned and retried, twice, then the sync fails.
                                     --expire-superseded: the supersedence rule a full sync applies.
  doctor --site CEN [--json]         Check the whole sync path before a sync: name resolution, TCP, TLS,
                                     clock, authorization, GetConfigData, disk space, database integrity.
                                     Exit code 0 only when every check passes.
  sync --site CEN [--full|--delta] [--json] [--verbose]
                                     Synchronize now (delta unless --full) and wait for the end.
                                     Exit code 0 only when the sync succeeded. Ctrl+C cancels it.
  notify --site CEN [--smtp HOST:PORT] [--security none|starttls|tls] [--user U --password P]
         [--from ADDR] [--to ADDR[,ADDR…]] [--on failure,success,digest] [--digest-every "1 weeks"]
         [--webhook URL[,URL…]] [--off] [--test] [--json]
                                     Show or change who is told of the site's synchronizations (e-mail through
                                     an SMTP server, JSON to webhooks: HTTPS, or HTTP on 127.0.0.1). --test
                                     sends a test message to each and prints what each answered (exit 0 only
                                     when all accepted). The password goes to the credentials file, never shown.
  digest --site CEN [--since DATE] [--json|--html FILE]
                                     The sync digest of the runs since DATE (the last day without it): new,
                                     revised and expired updates by classification and product, with their
                                     KB, severity, release date and what they supersede.
  export --site CEN --out FILE [--skip-damaged] [--json]
                                     Write the site's catalog (categories, detectoids, updates with their
                                     metadata, file URLs and digests, content version, settings) to one
                                     checksummed file, for a site that cannot reach an upstream.
  import --site CEN --in FILE [--json] [--verbose]
                                     Apply an export as a full synchronization (trigger "import"): history,
                                     status messages and log as any sync; --json prints what sync --json does.
                                     A file that is not an export, is truncated, fails its checksum or has a
                                     newer format is refused with the reason and changes nothing.
  updates --site CEN [--json] [--all] [--search TEXT] [--csv FILE]
                                     List the synchronized updates (--all adds bundled ones).
  history --site CEN [--json] [--limit N] [--csv FILE [--run N]]
                                     Synchronization history with what each run changed (--run: what run N
                                     changed).
  status --site CEN [--json] [--limit N] [--csv FILE]
                                     Status messages (SMS_WSUS_SYNC_MANAGER 6701-6705, 6709; USC_NOTIFIER 6790).
  status --all [--json] [--csv FILE] Synchronization Status: per site its source, state, last success, last
                                     attempt and error, content versions, next scheduled sync and retry.
                                     --csv FILE: the whole list to a CSV file (UTF-8 with BOM, RFC 4180).
  site [list] [--json]               The site hierarchy: last sync, content version, drift, pending retry.
  site add --code PR1 --name "Primary 1" --parent CEN
  site edit --site PR1 [--name NAME] [--parent CODE] | site remove --site PR1
                                     Add, rename, move or remove child sites (a removed site's database is kept).
  site restore --site CEN [--from-backup] [--yes]
                                     Show what restoring a damaged site would put back and set aside; with
                                     --yes, do it. Damage in the journal: the database opened without the
                                     journal's unreadable tail (the saves before it kept). Otherwise, or with
                                     --from-backup: the backup (its date, checksum, last run, updates). What
                                     is replaced is kept aside, never deleted.
  serve --site CEN [--port N] [--bind ADDR]
                                     Serve a site's database as an upstream update server for child sites
                                     on other machines. The first line printed is its URL. With an engine
                                     running on the data folder, that engine serves it; otherwise this runs
                                     the engine as "usc service" does until Ctrl+C.
  service                            Run the engine with no window: scheduled synchronizations, retries and
                                     child sites, until Ctrl+C. The console and usc commands attach to it.
  schedule --site CEN [--show] [--json] [--token]
  schedule --site CEN --set (--every "6 hours" | --token 16HEX | --custom JSON) | --disable
                                     Show or set the synchronization schedule (a scheduled sync is full).
                                     --token prints or takes a ConfigMgr schedule token.
  upstream [--port N] [--bind ADDR] [--updates N] [--seed S] [--max-per-request N] [--max-response-bytes N] [--control]
                                     Run the built-in upstream update service (sample catalog, default
                                     2000 updates, seed 1) over the WSUS server-server protocol. Like a
                                     Windows upstream it caps each GetUpdateData answer (2,000,000 bytes).
                                     The first line printed is its URL. --control adds churn and fault
                                     injection (for tests and benchmarks): POST <url>/control/churn {"add":N,"revise":M,"expire":K,"remove":J,
                                     "addProduct":{"name":"..."}}, POST <url>/control/faults {"kind":...},
                                     POST <url>/control/settings {"maxResponseBytes":N}, GET <url>/control/state.
  help                               Show this help.

Options for every command:
  --data DIR                         Data folder (default: $USC_DATA_DIR, else the desktop console's folder).

One engine owns a data folder. A command finds the running one (the console, usc web, usc service) and
works through it; where none runs, it starts an engine for itself that starts no synchronization of its own.
`;

export async function runCli(argv: string[], io: CliIo, outDir: string): Promise<number> {
  // "--token" with no value (usc schedule --show --token) asks for the token to be printed.
  const args = argv.map((arg, index) => (arg === '--token' && (argv[index + 1] === undefined || argv[index + 1]!.startsWith('--')) ? '--print-token' : arg));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
        port: { type: 'string', default: '0' },
        bind: { type: 'string', default: '127.0.0.1' },
        open: { type: 'boolean', default: false },
        updates: { type: 'string', default: '2000' },
        seed: { type: 'string', default: '1' },
        'max-per-request': { type: 'string', default: '100' },
        'max-response-bytes': { type: 'string', default: '2000000' },
        control: { type: 'boolean', default: false },
        site: { type: 'string', default: 'CEN' },
        source: { type: 'string' },
        products: { type: 'string' },
        classifications: { type: 'string' },
        product: { type: 'string', multiple: true },
        classification: { type: 'string', multiple: true },
        languages: { type: 'string' },
        'retry-minutes': { type: 'string' },
        proxy: { type: 'string' },
        'proxy-user': { type: 'string' },
        'proxy-password': { type: 'string' },
        'ca-file': { type: 'string' },
        'stall-minutes': { type: 'string' },
        'expire-superseded': { type: 'string' },
        full: { type: 'boolean', default: false },
        delta: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        search: { type: 'string' },
        out: { type: 'string' },
        in: { type: 'string' },
        limit: { type: 'string', default: '100' },
        show: { type: 'boolean', default: false },
        code: { type: 'string' },
        name: { type: 'string' },
        parent: { type: 'string' },
        set: { type: 'boolean', default: false },
        disable: { type: 'boolean', default: false },
        token: { type: 'string' },
        'print-token': { type: 'boolean', default: false },
        every: { type: 'string' },
        custom: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        'skip-damaged': { type: 'boolean', default: false },
        'from-backup': { type: 'boolean', default: false },
        smtp: { type: 'string' },
        security: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        on: { type: 'string' },
        'digest-every': { type: 'string' },
        webhook: { type: 'string' },
        off: { type: 'boolean', default: false },
        test: { type: 'boolean', default: false },
        since: { type: 'string' },
        html: { type: 'string' },
        csv: { type: 'string' },
        run: { type: 'string' },
      },
    });
  } catch (error) {
    io.err(`usc: ${(error as Error).message}`);
    io.err('Run "usc help" for the list of commands and options.');
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'help';
  if (values.version) {
    io.out(PRODUCT_VERSION);
    return 0;
  }
  if (values.help || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  const context: CliContext = { dataDir: resolveDataDir(values.data), paths: buildPaths(outDir), io };
  try {
    switch (command) {
      case 'sites':
        return await sitesCommand(context, { json: values.json });
      case 'web':
        return await webCommand(context, {
          port: parsePort(values.port),
          open: values.open,
          bind: values.bind,
        });
      case 'config':
        return await configCommand(context, {
          site: values.site,
          json: values.json,
          ...defined({
            source: values.source,
            products: values.products,
            classifications: values.classifications,
            languages: values.languages,
            retryMinutes: values['retry-minutes'],
            proxy: values.proxy,
            proxyUser: values['proxy-user'],
            proxyPassword: values['proxy-password'],
            caFile: values['ca-file'],
            stallMinutes: values['stall-minutes'],
            expireSuperseded: values['expire-superseded'],
          }),
          ...(values.product === undefined ? {} : { product: values.product }),
          ...(values.classification === undefined ? {} : { classification: values.classification }),
        });
      case 'notify':
        return await notifyCommand(context, {
          site: values.site,
          off: values.off,
          test: values.test,
          json: values.json,
          ...defined({
            smtp: values.smtp,
            security: values.security,
            user: values.user,
            password: values.password,
            from: values.from,
            to: values.to,
            on: values.on,
            digestEvery: values['digest-every'],
            webhook: values.webhook,
          }),
        });
      case 'digest':
        return await digestCommand(context, { site: values.site, json: values.json, ...defined({ since: values.since, html: values.html }) });
      case 'doctor':
        return await doctorCommand(context, { site: values.site, json: values.json });
      case 'sync':
        return await syncCommand(context, { site: values.site, full: values.full, delta: values.delta, json: values.json, verbose: values.verbose });
      case 'export':
        if (values.out === undefined) throw new CliError('usc export needs --out FILE: where to write the export.', 2);
        return await exportCommand(context, { site: values.site, out: values.out, json: values.json, skipDamaged: values['skip-damaged'] });
      case 'import':
        if (values.in === undefined) throw new CliError('usc import needs --in FILE: the export to import.', 2);
        return await importCommand(context, { site: values.site, in: values.in, json: values.json, verbose: values.verbose });
      case 'updates':
        if (values.csv !== undefined)
          return await listCsvCommand(context, {
            site: values.site,
            file: values.csv,
            list: 'updates',
            query: { includeBundled: values.all, ...defined({ search: values.search }) },
          });
        return await updatesCommand(context, { site: values.site, json: values.json, all: values.all, ...defined({ search: values.search }) });
      case 'history':
        if (values.csv !== undefined)
          return await listCsvCommand(context, {
            site: values.site,
            file: values.csv,
            list: values.run === undefined ? 'history' : 'changes',
            ...(values.run === undefined ? {} : { runId: parseCount('--run', values.run, 1, Number.MAX_SAFE_INTEGER) }),
          });
        return await historyCommand(context, { site: values.site, json: values.json, limit: parseCount('--limit', values.limit, 1, 1000) });
      case 'status':
        if (values.csv !== undefined) return await listCsvCommand(context, { site: values.site, file: values.csv, list: values.all ? 'syncStatus' : 'status' });
        if (values.all) return await syncStatusCommand(context, { json: values.json });
        return await statusCommand(context, { site: values.site, json: values.json, limit: parseCount('--limit', values.limit, 1, 1000) });
      case 'site':
        return await siteCommand(context, positionals[1], {
          site: values.site,
          json: values.json,
          yes: values.yes,
          fromBackup: values['from-backup'],
          ...defined({ code: values.code, name: values.name, parent: values.parent }),
        });
      case 'service':
        return await serviceCommand(context);
      case 'serve':
        return await serveCommand(context, { site: values.site, port: parsePort(values.port), bind: values.bind });
      case 'schedule': {
        return await scheduleCommand(context, {
          site: values.site,
          set: values.set,
          disable: values.disable,
          json: values.json,
          showToken: values['print-token'],
          ...defined({ token: values.token, every: values.every, custom: values.custom }),
        });
      }
      case 'upstream':
        return await upstreamCommand(context, {
          port: parsePort(values.port),
          bind: values.bind,
          updates: parseCount('--updates', values.updates, 0, 500_000),
          seed: parseCount('--seed', values.seed, 0, 2 ** 31),
          maxPerRequest: parseCount('--max-per-request', values['max-per-request'], 1, 10_000),
          maxResponseBytes: parseCount('--max-response-bytes', values['max-response-bytes'], 1, 2 ** 31),
          control: values.control,
        });
      default:
        io.err(`usc: unknown command "${command}". Run "usc help" for the list of commands.`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CliError) {
      // An empty message: the command has said all there is (usc site restore without --yes).
      if (error.message !== '') io.err(`usc: ${error.message}`);
      return error.exitCode;
    }
    io.err(`usc: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function defined<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: string };
}

function parseCount(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CliError(`${option} must be a whole number from ${min} to ${max}, not "${text}".`, 2);
  }
  return value;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be a number from 0 to 65535, not "${text}".`, 2);
  }
  return port;
}
