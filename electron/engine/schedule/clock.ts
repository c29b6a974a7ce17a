/** Time for the engine, injected so the scheduler is tested without sleeping. */
export interface Clock {
  now(): Date;
  /** Calls `fire` at `at` (at once if it is past); returns a cancel function. */
  setTimer(at: Date, fire: () => void): () => void;
}

const MAX_TIMEOUT = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(at, fire) {
    let handle: NodeJS.Timeout;
    const arm = () => {
      const wait = at.getTime() - Date.now();
      handle = wait > MAX_TIMEOUT ? setTimeout(arm, MAX_TIMEOUT) : setTimeout(fire, Math.max(0, wait));
    };
    arm();
    return () => clearTimeout(handle);
  },
};

/** Virtual time running `speed` times faster than real time from `origin` (integration tests, demos). */
export function acceleratedClock(origin: Date, speed: number): Clock {
  const realStart = Date.now();
  const now = () => new Date(origin.getTime() + (Date.now() - realStart) * speed);
  return {
    now,
    setTimer(at, fire) {
      const handle = setTimeout(fire, Math.max(0, (at.getTime() - now().getTime()) / speed));
      return () => clearTimeout(handle);
    },
  };
}
