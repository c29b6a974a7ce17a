/**
 * ConfigMgr trace-log lines as CMTrace reads them. Site-server components (wsyncmgr.log) write
 * `text  $$<COMPONENT><MM-dd-yyyy HH:mm:ss.fff+bias><thread=N (0xN)>`, bias in minutes as Windows counts it
 * (UTC = local time + bias). Client-side logs use `<![LOG[text]LOG]!><time=… date=… component=… type=… thread=…>`.
 * Both are read back by parseTraceLine.
 */
export type TraceSeverity = 'info' | 'warning' | 'error';

export interface TraceLine {
  text: string;
  component: string;
  /** As written: `MM-dd-yyyy HH:mm:ss.fff+bias`. */
  time: string;
  thread: number;
  severity: TraceSeverity;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Local wall-clock time with the Windows bias, for a given offset from UTC in minutes (as Date#getTimezoneOffset). */
export function formatTraceTime(date: Date, timezoneOffsetMinutes = date.getTimezoneOffset()): string {
  const local = new Date(date.getTime() - timezoneOffsetMinutes * 60_000);
  const bias = `${timezoneOffsetMinutes < 0 ? '-' : '+'}${pad(Math.abs(timezoneOffsetMinutes), 3)}`;
  return (
    `${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}-${local.getUTCFullYear()} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${bias}`
  );
}

/** CMTrace has no severity field for site-server logs; it colours by keywords, and so do we. */
export function severityOf(text: string): TraceSeverity {
  if (/\b(fail(ed|ure)?|error|SEV=E)\b/i.test(text)) return 'error';
  if (/\b(warn(ing)?|SEV=W|cancel(l)?ed)\b/i.test(text)) return 'warning';
  return 'info';
}

export function formatTraceLine(line: Omit<TraceLine, 'severity'>): string {
  // Line breaks inside a message are written as ~ so each entry stays on one line.
  const text = line.text.replace(/\r?\n/g, '~');
  return `${text}  $$<${line.component}><${line.time}><thread=${line.thread} (0x${line.thread.toString(16).toUpperCase()})>`;
}

const SITE_SERVER = /^(.*?)\s*\$\$<([^>]*)><([^>]*)><thread=(\d+)(?: \(0x[0-9A-Fa-f]+\))?>\s*$/;
const CCM = /^<!\[LOG\[([\s\S]*?)\]LOG\]!><time="([^"]*)" date="([^"]*)" component="([^"]*)" context="[^"]*" type="(\d)" thread="(\d+)"/;

export function parseTraceLine(raw: string): TraceLine | undefined {
  const site = SITE_SERVER.exec(raw);
  if (site !== null) {
    const text = site[1]!;
    return { text, component: site[2]!, time: site[3]!, thread: Number(site[4]), severity: severityOf(text) };
  }
  const ccm = CCM.exec(raw);
  if (ccm !== null) {
    const type = ccm[5];
    return {
      text: ccm[1]!,
      component: ccm[4]!,
      time: `${ccm[3]} ${ccm[2]}`,
      thread: Number(ccm[6]),
      severity: type === '3' ? 'error' : type === '2' ? 'warning' : 'info',
    };
  }
  return undefined;
}
