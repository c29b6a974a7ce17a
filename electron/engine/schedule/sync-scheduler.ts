/**
 * Fires scheduled (full) synchronizations. One timer, armed for the nearest due run across sites; no polling.
 * A run due while the console was closed is caught up once at start (and logged as missed); a run due while a
 * sync is running is queued by the sync controller. Editing a schedule re-arms the timer at once.
 */
import type { SiteCode } from '../../../shared/domain';
import { nextRunAfter } from '../../../shared/schedule/next-run';
import type { SyncSchedule } from '../../../shared/schedule/schedule-model';
import type { Clock } from './clock';

export interface SchedulerHost {
  /** Sites that own a schedule (top-level sites with a usable database). */
  scheduledSites(): SiteCode[];
  readSchedule(site: SiteCode): SyncSchedule | undefined;
  /** The due time of the last run fired (persisted with the site). */
  readLastFired(site: SiteCode): Date | undefined;
  writeLastFired(site: SiteCode, due: Date): void;
  fire(site: SiteCode, due: Date, reason: 'due' | 'missed' | 'first'): void;
}

export class SyncScheduler {
  private cancelTimer: (() => void) | undefined;
  private armedFor: { site: SiteCode; due: Date } | undefined;

  private active = false;

  constructor(
    private readonly host: SchedulerHost,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {}

  /** At engine start: catch up missed runs once, then arm the timer. */
  start(): void {
    this.active = true;
    const now = this.clock.now();
    for (const site of this.host.scheduledSites()) {
      const due = this.nextDue(site);
      if (due !== undefined && due.getTime() <= now.getTime()) {
        const lastFired = this.host.readLastFired(site);
        this.fireSite(site, now, lastFired === undefined && this.host.readSchedule(site)?.startIsDefault ? 'first' : 'missed', due);
      }
    }
    this.arm();
  }

  /** After a schedule was saved: fire what is due now (a default start means "as soon as possible"), re-arm. */
  reschedule(): void {
    // An engine started for one command never starts a sync: the schedule is saved and taken up by the next engine that runs it.
    if (!this.active) return;
    const now = this.clock.now();
    for (const site of this.host.scheduledSites()) {
      const due = this.nextDue(site);
      if (due !== undefined && due.getTime() <= now.getTime()) this.fireSite(site, now, 'first', due);
    }
    this.arm();
  }

  /** The next run of each scheduled site. */
  upcoming(site: SiteCode): Date | undefined {
    return this.nextDue(site);
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.armedFor = undefined;
  }

  private nextDue(site: SiteCode): Date | undefined {
    const schedule = this.host.readSchedule(site);
    if (schedule === undefined || !schedule.enabled) return undefined;
    const lastFired = this.host.readLastFired(site);
    return nextRunAfter(schedule, lastFired ?? new Date(0), this.timeZone) ?? undefined;
  }

  private fireSite(site: SiteCode, now: Date, reason: 'due' | 'missed' | 'first', due: Date): void {
    this.host.writeLastFired(site, reason === 'due' ? due : now);
    this.host.fire(site, due, reason);
  }

  private arm(): void {
    this.stop();
    let nearest: { site: SiteCode; due: Date } | undefined;
    for (const site of this.host.scheduledSites()) {
      const due = this.nextDue(site);
      if (due !== undefined && (nearest === undefined || due < nearest.due)) nearest = { site, due };
    }
    if (nearest === undefined) return;
    this.armedFor = nearest;
    this.cancelTimer = this.clock.setTimer(nearest.due, () => {
      const armed = this.armedFor;
      this.cancelTimer = undefined;
      if (armed !== undefined) this.fireSite(armed.site, this.clock.now(), 'due', armed.due);
      // Other sites due at the same moment fire too; then the timer moves to the next run.
      const now = this.clock.now();
      for (const site of this.host.scheduledSites()) {
        const due = this.nextDue(site);
        if (due !== undefined && due.getTime() <= now.getTime()) this.fireSite(site, now, 'due', due);
      }
      this.arm();
    });
  }
}
