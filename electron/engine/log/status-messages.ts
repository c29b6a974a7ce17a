/**
 * Status messages of SMS_WSUS_SYNC_MANAGER: stored in the site database and echoed in wsyncmgr.log as the
 * `STATMSG:` lines ConfigMgr writes.
 */
import { hostname } from 'node:os';
import type { Database } from 'sql.js';
import type { TraceLogWriter } from './trace-log-writer';

export const SYNC_COMPONENT = 'SMS_WSUS_SYNC_MANAGER';

export type StatusSeverity = 'I' | 'W' | 'E';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function gmtDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)} ${date.getUTCFullYear()}`;
}

export function reportStatus(
  db: Database,
  log: TraceLogWriter,
  message: { id: number; severity: StatusSeverity; site: string; time: Date; insertionStrings?: string[] },
): void {
  const strings = message.insertionStrings ?? [];
  db.run('INSERT INTO status_message (status_id, severity, component, time, insertion_strings) VALUES (?, ?, ?, ?, ?)', [
    message.id,
    message.severity,
    SYNC_COMPONENT,
    message.time.toISOString(),
    JSON.stringify(strings),
  ]);
  const istr = Array.from({ length: 10 }, (_, index) => `ISTR${index}="${(strings[index] ?? '').replace(/"/g, "'")}"`).join(' ');
  log.write(
    `STATMSG: ID=${message.id} SEV=${message.severity} LEV=M SOURCE="SMS Server" COMP="${SYNC_COMPONENT}" SYS=${hostname()} SITE=${message.site} PID=${process.pid} TID=4404 GMTDATE=${gmtDate(message.time)} ${istr} NUMATTRS=0`,
  );
}
