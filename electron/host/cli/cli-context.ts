import type { ApiMethodName, ApiParams, ApiResult } from '../../../shared/contract';
import { ApiError } from '../../../shared/errors';
import { startConsoleHost, type ConsoleHost } from '../console-host';
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

export async function withHost<T>(context: CliContext, work: (host: ConsoleHost) => Promise<T>): Promise<T> {
  const host = await startConsoleHost({
    dataDir: context.dataDir,
    workerPath: context.paths.workerPath,
    sqlWasmPath: context.paths.sqlWasmPath,
    reportProblem: (message) => context.io.err(message),
  });
  try {
    if (host.engine.status.state !== 'ready') throw new CliError(host.engine.status.message);
    return await work(host);
  } finally {
    await host.stop();
  }
}

/** Calls the contract and unwraps the outcome; a failed call becomes a CliError with the engine's message. */
export async function callApi<M extends ApiMethodName>(
  host: ConsoleHost,
  method: M,
  params: ApiParams<M>,
): Promise<ApiResult<M>> {
  const outcome = await host.dispatch(method, params);
  if (!outcome.ok) {
    const error = ApiError.fromData(outcome.error);
    // Exit code 3: a site database is damaged (usc sites lists it; usc site restore puts its backup back).
    throw new CliError(error.message, error.code === 'SITE_DAMAGED' ? 3 : 1);
  }
  return outcome.value as ApiResult<M>;
}
