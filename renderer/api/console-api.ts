import type { ConsoleBridge } from '../../shared/bridge';
import { apiMethods, type ApiMethodName, type ConsoleApi } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import { checkEvent } from '../../shared/validate';
import type { ConsoleEvent } from '../../shared/contract';

/** Turns the generic bridge into the typed ConsoleApi; a failed call rejects with an ApiError. */
export function createConsoleApi(bridge: ConsoleBridge): ConsoleApi {
  const api: Partial<Record<ApiMethodName, (params?: unknown) => Promise<unknown>>> = {};
  for (const method of Object.keys(apiMethods) as ApiMethodName[]) {
    api[method] = async (params?: unknown) => {
      const outcome = await bridge.call(method, params ?? {});
      if (!outcome.ok) throw ApiError.fromData(outcome.error);
      return outcome.value;
    };
  }
  return api as ConsoleApi;
}

/** Subscribes to console events, dropping anything that does not match the contract. */
export function subscribeToEvents(bridge: ConsoleBridge, listener: (event: ConsoleEvent) => void): () => void {
  return bridge.subscribe((message) => {
    const checked = checkEvent(message.name, message.payload);
    if (checked.ok) listener(checked.value);
  });
}
