/**
 * Status messages of SMS_WSUS_SYNC_MANAGER: stored in the site database and echoed in wsyncmgr.log as the
 * `STATMSG:` lines ConfigMgr writes.
 */
import { hostname } from 'node:os';
import type { SiteCode } from '../../../shared/domain';
import type { SiteDatabase } from '../storage/site-database';
import { insertStatusMessage, listStatusMessages } from '../storage/status-messages';
import type { TraceLogWriter } from './trace-log-writer';

export const SYNC_COMPONENT = 'SMS_WSUS_SYNC_MANAGER';

export type StatusSeverity = 'I' | 'W' | 'E';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function gmtDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)} ${date.getUTCFullYear()}`;
}

export const STATUS_DESCRIPTIONS: Record<number, string> = {
  6701: 'WSUS Synchronization started.',
  6702: 'WSUS Synchronization done.',
  6703: 'WSUS Synchronization failed.',
  6704: 'WSUS Synchronization in progress. Current phase: Synchronizing WSUS Server.',
  6705: 'WSUS Synchronization in progress. Current phase: Synchronizing site database.',
  // Not a ConfigMgr 2007 ID: the stall watchdog's own warning.
  6709: 'WSUS Synchronization made no progress: the stuck requests were abandoned and are retried.',
  // Not a ConfigMgr ID: this console's notifier (component USC_NOTIFIER) gave up on a delivery after its retries.
  6790: 'A notification could not be delivered after its retries.',
};

/** Stores a status message (in the caller's transaction) and writes its STATMSG line. */
export function reportStatus(
  database: SiteDatabase,
  log: TraceLogWriter,
  message: { id: number; severity: StatusSeverity; site: string; time: Date; insertionStrings?: string[]; component?: string },
): void {
  const strings = message.insertionStrings ?? [];
  const component = message.component ?? SYNC_COMPONENT;
  insertStatusMessage(database, {
    id: message.id,
    severity: message.severity,
    component,
    time: message.time.toISOString(),
    insertionStrings: strings,
  });
  const istr = Array.from({ length: 10 }, (_, index) => `ISTR${index}="${(strings[index] ?? '').replace(/"/g, "'")}"`).join(' ');
  log.write(
    `STATMSG: ID=${message.id} SEV=${message.severity} LEV=M SOURCE="SMS Server" COMP="${component}" SYS=${hostname()} SITE=${message.site} PID=${process.pid} TID=4404 GMTDATE=${gmtDate(message.time)} ${istr} NUMATTRS=0`,
  );
}

/** The latest status messages as the console shows them: each with its description, 6703 with its message and source. */
export function statusMessagesOf(database: SiteDatabase, site: SiteCode, limit: number) {
  return listStatusMessages(database, limit).map((message) => {
    const base = STATUS_DESCRIPTIONS[message.id] ?? `Status message ${message.id}.`;
    const strings = message.insertionStrings;
    return {
      ...message,
      site,
      description:
        message.id === 6703 && strings.length >= 2
          ? `${base} Message: ${strings[1]}. Source: ${strings[0]}.`
          : message.id === 6790 && strings.length >= 3
            ? `${base} Notification ${strings[0]}, ${strings[1]}: ${strings[2]}`
            : base,
    };
  });
}
