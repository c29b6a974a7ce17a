import type { ApiMethodName, ApiParams, ApiResult } from '../../../shared/contract';
import { ApiError } from '../../../shared/errors';
import type { EngineTuning } from '../../engine/engine';
import { startConsoleHost, type ConsoleHost } from '../console-host';
import { attachToEngine, type HostConnection } from '../engine-endpoint';
import type { BuildPaths } from '../paths';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliContext {
  dataDir: string;
  paths: BuildPaths;
  io: CliIo;
}

/** A failure the CLI reports as one line and an exit code, never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The engine of this data folder, started by this process; its problems and start-up notices go to stderr. */
export function startCliHost(context: CliContext, tuning?: EngineTuning): Promise<ConsoleHost> {
  return startConsoleHost({
    dataDir: context.dataDir,
    workerPath: context.paths.workerPath,
    sqlWasmPath: context.paths.sqlWasmPath,
    ...(tuning === undefined ? {} : { tuning }),
    reportProblem: (message) => context.io.err(message),
    // A command waits while the engine upgrades a site database: say why.
    onStarting: (message) => context.io.err(message),
  });
}

/** startCliHost for a host that serves until stopped (usc web, usc service): an engine that did not start is a CliError. */
export async function startServingHost(context: CliContext): Promise<ConsoleHost> {
  const host = await startCliHost(context);
  if (host.engine.status.state !== 'ready') {
    // A console whose engine cannot start (a data folder that cannot be created or written) would only show that.
    const reason = host.engine.status.message;
    await host.stop();
    throw new CliError(reason);
  }
  return host;
}

/** Listens for Ctrl+C / SIGTERM before anything is announced, so a caller that stops us at once gets a clean stop. */
export function untilStopRequested(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** How long a command waits for another command's engine to answer on the data folder before giving up. */
const ATTACH_PATIENCE_MS = 5_000;

/**
 * Runs a command through the engine of the data folder: the running one (console, usc web, usc service, another
 * command) when there is one, else an engine started for this command alone, which starts no synchronization of its
 * own (no scheduler, no resumed sync, no retry, no child notification) and is stopped after it.
 */
export async function withHost<T>(context: CliContext, work: (host: HostConnection) => Promise<T>): Promise<T> {
  const deadline = Date.now() + ATTACH_PATIENCE_MS;
  for (;;) {
    const attached = await attachToEngine(context.dataDir);
    if (attached !== undefined) {
      try {
        return await work(attached);
      } finally {
        attached.close();
      }
    }
    const host = await startCliHost(context, { mode: 'command' });
    try {
      if (host.engine.status.state === 'ready') {
        try {
          return await work(host);
        } finally {
          // Another command may have attached to this engine meanwhile (a sync): it is not stopped under it.
          await host.drainClients();
        }
      }
      // Another engine took the folder between our look and our start: attach to it once it listens.
      if (host.engine.startFailure?.code !== 'DATA_FOLDER_IN_USE' || Date.now() > deadline) throw new CliError(host.engine.status.message);
    } finally {
      await host.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Calls the contract and unwraps the outcome; a failed call becomes a CliError with the engine's message. */
export async function callApi<M extends ApiMethodName>(host: HostConnection, method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  // The command line is the administrator's own: trusted with what the console may not do (serving beyond loopback).
  const outcome = await host.dispatch(method, params, { trusted: true });
  if (!outcome.ok) {
    const error = ApiError.fromData(outcome.error);
    // Exit code 3: a site database is damaged (usc sites lists it; usc site restore puts its backup back).
    throw new CliError(error.message, error.code === 'SITE_DAMAGED' ? 3 : 1);
  }
  return outcome.value as ApiResult<M>;
}
