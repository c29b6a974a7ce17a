/**
 * The clock a test sets for a spawned `usc` (or `usc web`): `USC_TEST_CLOCK=<ISO instant>` starts the engine's time
 * there, running at real speed, as the scheduler's own tests inject a clock. Production never sets it; without it
 * every host uses the system's clock.
 */
import type { EngineTuning } from '../engine/engine';

const VARIABLE = 'USC_TEST_CLOCK';
const realStart = Date.now();

function origin(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[VARIABLE];
  if (text === undefined || text === '') return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new Error(`${VARIABLE} must be an ISO date and time, not "${text}".`);
  return at;
}

/** The engine tuning that runs on the injected clock, when one is set. */
export function injectedClockTuning(env: NodeJS.ProcessEnv = process.env): Pick<EngineTuning, 'acceleratedClock'> {
  const at = origin(env);
  return at === undefined ? {} : { acceleratedClock: { origin: new Date(at + (Date.now() - realStart)).toISOString(), speed: 1 } };
}

/** Now, for the host's own messages ("Will retry at 14:32, in 58 min"), on the same clock as its engine. */
export function hostNow(env: NodeJS.ProcessEnv = process.env): number {
  const at = origin(env);
  return at === undefined ? Date.now() : at + (Date.now() - realStart);
}
