import { isHostMethod, type ApiMethodName, type ApiResult, type HostMethodName } from '../../shared/contract';
import { toApiErrorData } from '../../shared/errors';
import type { CallOutcome } from '../../shared/protocol';
import { checkCall, checkResult } from '../../shared/validate';

export interface EngineBackend {
  call(method: ApiMethodName, params: unknown): Promise<CallOutcome>;
}

export type HostHandlers = { [M in HostMethodName]: () => ApiResult<M> | Promise<ApiResult<M>> };

/** Entry point every transport uses: validates a call, routes it, validates the answer. Never throws. */
export type Dispatch = (method: unknown, params: unknown) => Promise<CallOutcome>;

export function createDispatcher(engine: EngineBackend, host: HostHandlers): Dispatch {
  return async (method, params) => {
    const checked = checkCall(method, params);
    if (!checked.ok) return checked;
    const name = checked.value.method;
    try {
      const outcome = isHostMethod(name)
        ? { ok: true as const, value: await host[name]() }
        : await engine.call(name, checked.value.params);
      if (!outcome.ok) return outcome;
      return checkResult(name, outcome.value);
    } catch (error) {
      return { ok: false, error: toApiErrorData(error) };
    }
  };
}
