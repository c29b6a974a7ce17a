/**
 * Message framing shared by every hop: renderer ⇄ host (Electron IPC or WebSocket) and host ⇄ engine worker.
 * A call never rejects across a hop: its outcome travels as data, so error codes survive serialization.
 */
import { z } from 'zod';
import { ApiErrorSchema, type ApiErrorData } from './errors';

export const CallMessageSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown(),
  /**
   * Set by a host that relays its own caller (a web console attached to this engine): the engine applies that
   * caller's trust, not the relaying host's. Absent: the caller is the folder's owner on the command line.
   */
  untrusted: z.boolean().optional(),
});
export type CallMessage = z.infer<typeof CallMessageSchema>;

/** A client of the engine's endpoint saying what it is: a console stays attached and never holds a command's engine. */
export const HelloMessageSchema = z.object({ type: z.literal('hello'), role: z.literal('console') });

export type CallOutcome<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

export const CallOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

export const ResultMessageSchema = z.intersection(z.object({ type: z.literal('result'), id: z.number().int().nonnegative() }), CallOutcomeSchema);
export type ResultMessage = { type: 'result'; id: number } & CallOutcome;

export const EventMessageSchema = z.object({
  type: z.literal('event'),
  name: z.string(),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof EventMessageSchema>;

export const InboundToClientSchema = z.union([ResultMessageSchema, EventMessageSchema]);

export function failure(error: ApiErrorData): CallOutcome<never> {
  return { ok: false, error };
}
