import type { Clock } from '../../electron/engine/schedule/clock';

/** A clock that only moves when the test says so, firing due timers in order. */
export class ManualClock implements Clock {
  private timers: Array<{ at: number; fire: () => void; live: boolean }> = [];

  constructor(public time: number) {}

  now = (): Date => new Date(this.time);

  setTimer(at: Date, fire: () => void): () => void {
    const timer = { at: at.getTime(), fire, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  get armed(): number {
    return this.timers.filter((timer) => timer.live).length;
  }

  /** Moves time forward to `until`, firing each due timer at its own time. */
  advanceTo(until: Date | string): void {
    const end = new Date(until).getTime();
    for (;;) {
      const due = this.timers.filter((timer) => timer.live && timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.live = false;
      this.time = Math.max(this.time, due.at);
      due.fire();
    }
    this.time = end;
  }
}
