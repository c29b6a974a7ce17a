/**
 * The words of wsyncmgr.log that ConfigMgr 2007 administrators search for and tools parse: how a sync is woken,
 * how its time and ETA are written, and what a successful sync says at its end. Other lines are written where
 * their facts are.
 */
import type { SyncTrigger } from '../../../shared/domain';

export const WAKEUP: Record<SyncTrigger, string[]> = {
  manual: ['Wakeup by inbox drop', 'Found local sync request file', 'Starting Sync', 'Performing sync on local request'],
  cli: ['Wakeup by inbox drop', 'Found local sync request file', 'Starting Sync', 'Performing sync on local request'],
  schedule: ['Wakeup for scheduled regular sync', 'Starting Sync', 'Performing sync on regular schedule'],
  parent: ['Wakeup by inbox drop', 'Starting Sync', 'Performing sync on parent request'],
  retry: ['Wakeup for a retry of a failed sync', 'Starting Sync', 'Performing sync on retry schedule'],
  resume: ['Wakeup to resume an interrupted sync', 'Starting Sync', 'Performing sync to resume an interrupted sync'],
  import: ['Wakeup by inbox drop', 'Starting Sync', 'Performing sync from an imported catalog export'],
};

/** "Sync time: 0d00h01m05s". */
export function formatSyncTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${Math.floor(seconds / 86400)}d${pad(Math.floor(seconds / 3600) % 24)}h${pad(Math.floor(seconds / 60) % 60)}m${pad(seconds % 60)}s`;
}

/** "ETA in 00:12:30". */
export function formatEta(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** What a successful sync writes at its end: the lines before its 6702, and after it. */
export function successLines(facts: {
  serverName: string;
  updateSourceId: string;
  site: string;
  contentVersion: number;
  changed: number;
  parent: string | undefined;
  elapsedMs: number;
}): { before6702: string[]; after6702: string[] } {
  return {
    before6702: [
      `Done synchronizing SMS with WSUS Server ${facts.serverName}`,
      `Set content version of update source {${facts.updateSourceId}} for site ${facts.site} to ${facts.contentVersion}`,
    ],
    after6702: [
      'Sync succeeded',
      `Updated ${facts.changed} items in SMS database, new update source content version is ${facts.contentVersion}`,
      ...(facts.parent === undefined ? [] : [`Successfully synced site with parent ${facts.parent}, version ${facts.contentVersion}`]),
      `Sync time: ${formatSyncTime(facts.elapsedMs)}`,
    ],
  };
}
