/** `usc`: the engine without a window. Every command takes --data DIR (or USC_DATA_DIR). */
import { parseArgs } from 'node:util';
import { buildPaths, resolveDataDir } from '../paths';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../product';
import { CliError, type CliContext, type CliIo } from './cli-context';
import { sitesCommand } from './commands/sites';
import { upstreamCommand } from './commands/upstream';
import { webCommand } from './commands/web';

const USAGE = `${PRODUCT_NAME} ${PRODUCT_VERSION}

Usage: usc <command> [options]

Commands:
  sites [--json]                     List the sites of the data folder.
  web [--port N] [--bind ADDR] [--open]
                                     Serve the console to a browser on 127.0.0.1 (port 0 = any free port).
                                     The first line printed is the console URL, with its access token.
  upstream [--port N] [--bind ADDR] [--updates N] [--seed S] [--max-per-request N]
                                     Run the built-in upstream update service (sample catalog, default
                                     2000 updates, seed 1) over the WSUS server-server protocol.
                                     The first line printed is its URL. Churn and fault injection:
                                     POST <url>/control/churn {"add":N,"revise":M,"expire":K,"remove":J,
                                     "addProduct":{"name":"..."}}, POST <url>/control/faults, GET <url>/control/state.
  help                               Show this help.

Options for every command:
  --data DIR                         Data folder (default: $USC_DATA_DIR, else the desktop console's folder).
`;

export async function runCli(argv: string[], io: CliIo, outDir: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
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
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
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
        return await webCommand(context, { port: parsePort(values.port), open: values.open, bind: values.bind });
      case 'upstream':
        return await upstreamCommand(context, {
          port: parsePort(values.port),
          bind: values.bind,
          updates: parseCount('--updates', values.updates, 0, 500_000),
          seed: parseCount('--seed', values.seed, 0, 2 ** 31),
          maxPerRequest: parseCount('--max-per-request', values['max-per-request'], 1, 10_000),
        });
      default:
        io.err(`usc: unknown command "${command}". Run "usc help" for the list of commands.`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`usc: ${error.message}`);
      return error.exitCode;
    }
    io.err(`usc: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
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
