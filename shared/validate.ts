/** Runtime checks at each boundary of the contract. Bad input becomes a BAD_REQUEST with a readable reason. */
import { z } from 'zod';
import { apiMethods, eventSchemas, isApiMethodName, isEventName, type ApiMethodName, type ConsoleEvent } from './contract';
import type { ApiErrorData } from './errors';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

export function checkCall(method: unknown, params: unknown): Checked<{ method: ApiMethodName; params: unknown }> {
  if (!isApiMethodName(method)) {
    return {
      ok: false,
      error: { code: 'UNKNOWN_METHOD', message: `The console has no call named ${JSON.stringify(method)}.` },
    };
  }
  const parsed = apiMethods[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Invalid arguments for ${method}: ${describeIssues(parsed.error)}` },
    };
  }
  return { ok: true, value: { method, params: parsed.data } };
}

export function checkResult(method: ApiMethodName, value: unknown): Checked<unknown> {
  const parsed = apiMethods[method].result.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `The engine answered ${method} with data the console does not understand.`,
        cause: describeIssues(parsed.error),
      },
    };
  }
  return { ok: true, value: parsed.data };
}

export function checkEvent(name: unknown, payload: unknown): Checked<ConsoleEvent> {
  if (!isEventName(name)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: `Unknown event ${JSON.stringify(name)}.` } };
  }
  const parsed = eventSchemas[name].safeParse(payload);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Invalid ${name} event: ${describeIssues(parsed.error)}` },
    };
  }
  return { ok: true, value: { name, payload: parsed.data } as ConsoleEvent };
}
