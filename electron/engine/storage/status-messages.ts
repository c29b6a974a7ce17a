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
 * given times (the last 24 hours, the last 7 days), and when it last reported. A component whose counts were reset
 * (Reset Counts) counts only the messages since then: the messages themselves are kept.
 */
export function componentStatusCounts(
  site: SiteDatabase,
  since: { day: string; week: string },
  resets: Readonly<Record<string, string>> = {},
): Array<{ component: string; day: SeverityCounts; week: SeverityCounts; lastMessageAt: string }> {
  return selectRows(
    site.db,
    `WITH reset (component, at) AS (SELECT key, value FROM json_each(?3)),
     counted AS (
       SELECT m.component, m.severity, m.time, m.time >= max(?1, coalesce(r.at, '')) AS in_day, m.time >= max(?2, coalesce(r.at, '')) AS in_week
       FROM status_message m LEFT JOIN reset r ON r.component = m.component)
     SELECT component,
       sum(severity = 'E' AND in_day) AS day_e, sum(severity = 'W' AND in_day) AS day_w, sum(severity = 'I' AND in_day) AS day_i,
       sum(severity = 'E' AND in_week) AS week_e, sum(severity = 'W' AND in_week) AS week_w, sum(severity = 'I' AND in_week) AS week_i,
       max(time) AS last_time
     FROM counted GROUP BY component ORDER BY component`,
    [since.day, since.week, JSON.stringify(resets)],
  ).map((row) => ({
    component: String(row.component),
    day: { errors: Number(row.day_e), warnings: Number(row.day_w), information: Number(row.day_i) },
    week: { errors: Number(row.week_e), warnings: Number(row.week_w), information: Number(row.week_i) },
    lastMessageAt: String(row.last_time),
  }));
}
