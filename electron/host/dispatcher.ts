import { isHostMethod, type ApiMethodName, type ApiResult, type HostMethodName } from '../../shared/contract';
import { ApiError, toApiErrorData } from '../../shared/errors';
import type { CallOutcome } from '../../shared/protocol';
import { checkCall, checkResult } from '../../shared/validate';

export interface EngineBackend {
  call(method: ApiMethodName, params: unknown): Promise<CallOutcome>;
}

export type HostHandlers = { [M in HostMethodName]: () => ApiResult<M> | Promise<ApiResult<M>> };

/**
 * Who is calling. The console's transports (Electron IPC, the web host) are not trusted with what only the
 * administrator may decide on the command line; the CLI and the engine's own endpoint (owner-only) are.
 */
export interface Caller {
  trusted?: boolean;
}

/** Entry point every transport uses: validates a call, routes it, validates the answer. Never throws. */
export type Dispatch = (method: unknown, params: unknown, caller?: Caller) => Promise<CallOutcome>;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function createDispatcher(engine: EngineBackend, host: HostHandlers): Dispatch {
  return async (method, params, caller = {}) => {
    const checked = checkCall(method, params);
    if (!checked.ok) return checked;
    const name = checked.value.method;
    try {
      refuseUntrusted(checked.value, caller);
      const outcome = isHostMethod(name) ? { ok: true as const, value: await host[name]() } : await engine.call(name, checked.value.params);
      if (!outcome.ok) return outcome;
      return checkResult(name, outcome.value);
    } catch (error) {
      return { ok: false, error: toApiErrorData(error) };
    }
  };
}

/** Serving a site beyond this computer opens an unauthenticated server: an explicit command-line choice only. */
function refuseUntrusted(call: { method: ApiMethodName; params: unknown }, caller: Caller): void {
  if (call.method !== 'serveSite' || caller.trusted === true) return;
  const bind = (call.params as { bind?: string }).bind;
  if (bind !== undefined && !LOOPBACK.has(bind)) {
    throw new ApiError(
      'NOT_ALLOWED',
      `The console serves sites on this computer only (127.0.0.1), not on ${bind}. To serve a site to other machines, run on the server: usc serve --site <code> --bind ${bind}`,
    );
  }
}
