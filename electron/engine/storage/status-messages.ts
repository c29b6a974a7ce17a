/** Status messages of the site's components (`status_message`): stored as ConfigMgr's, read back by the console. */
import type { SiteDatabase } from './site-database';
import { selectRows } from './rows';

export interface StoredStatusMessage {
  messageId: number;
  id: number;
  severity: 'I' | 'W' | 'E';
  component: string;
  time: string;
  insertionStrings: string[];
}

export function insertStatusMessage(
  site: SiteDatabase,
  message: { id: number; severity: 'I' | 'W' | 'E'; component: string; time: string; insertionStrings: readonly string[] },
): void {
  site.db.run('INSERT INTO status_message (status_id, severity, component, time, insertion_strings) VALUES (?, ?, ?, ?, ?)', [
    message.id,
    message.severity,
    message.component,
    message.time,
    JSON.stringify(message.insertionStrings),
  ]);
}

/** The latest messages, newest first. */
export function listStatusMessages(site: SiteDatabase, limit: number): StoredStatusMessage[] {
  return selectRows(site.db, 'SELECT * FROM status_message ORDER BY message_id DESC LIMIT ?', [limit]).map((row) => ({
    messageId: Number(row.message_id),
    id: Number(row.status_id),
    severity: String(row.severity) as 'I' | 'W' | 'E',
    component: String(row.component),
    time: String(row.time),
    insertionStrings: JSON.parse(String(row.insertion_strings)) as string[],
  }));
}

export interface SeverityCounts {
  errors: number;
  warnings: number;
  information: number;
}

/**
 * Component Status as ConfigMgr's: per component, its error, warning and information messages since each of the
 * given times (the last 24 hours, the last 7 days), and when it last reported.
 */
export function componentStatusCounts(
  site: SiteDatabase,
  since: { day: string; week: string },
): Array<{ component: string; day: SeverityCounts; week: SeverityCounts; lastMessageAt: string }> {
  return selectRows(
    site.db,
    `SELECT component,
       sum(severity = 'E' AND time >= ?1) AS day_e, sum(severity = 'W' AND time >= ?1) AS day_w, sum(severity = 'I' AND time >= ?1) AS day_i,
       sum(severity = 'E' AND time >= ?2) AS week_e, sum(severity = 'W' AND time >= ?2) AS week_w, sum(severity = 'I' AND time >= ?2) AS week_i,
       max(time) AS last_time
     FROM status_message GROUP BY component ORDER BY component`,
    [since.day, since.week],
  ).map((row) => ({
    component: String(row.component),
    day: { errors: Number(row.day_e), warnings: Number(row.day_w), information: Number(row.day_i) },
    week: { errors: Number(row.week_e), warnings: Number(row.week_w), information: Number(row.week_i) },
    lastMessageAt: String(row.last_time),
  }));
}
