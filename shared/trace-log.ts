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
  // Retries and skipped updates are what an administrator scans a sync log for besides errors: yellow, as warnings.
  if (/\b(warn(ing)?|SEV=W|cancel(l)?ed|retrying|skipp(ed|ing))\b/i.test(text)) return 'warning';
  return 'info';
}

export function formatTraceLine(line: Omit<TraceLine, 'severity'>): string {
  // Line breaks inside a message are written as ~ so each entry stays on one line.
  const text = line.text.replace(/\r?\n/g, '~');
  return `${text}  $$<${line.component}><${line.time}><thread=${line.thread} (0x${line.thread.toString(16).toUpperCase()})>`;
}

const SITE_SERVER = /^(.*?)\s*\$\$<([^>]*)><([^>]*)><thread=(\d+)(?: \(0x[0-9A-Fa-f]+\))?>\s*$/;
/** `<![LOG[text]LOG]!><attributes>`: CMTrace reads the attributes by name, in any order, with or without quotes' spaces. */
const CCM = /^<!\[LOG\[([\s\S]*?)\]LOG\]!><([^>]*)>/;
const ATTRIBUTE = /(\w+)\s*=\s*"([^"]*)"/g;

export function parseTraceLine(raw: string): TraceLine | undefined {
  const site = SITE_SERVER.exec(raw);
  if (site !== null) {
    const text = site[1]!;
    return { text, component: site[2]!, time: site[3]!, thread: Number(site[4]), severity: severityOf(text) };
  }
  const ccm = CCM.exec(raw);
  if (ccm !== null) {
    const attributes = new Map([...ccm[2]!.matchAll(ATTRIBUTE)].map((match) => [match[1]!.toLowerCase(), match[2]!]));
    const type = attributes.get('type');
    const text = ccm[1]!;
    return {
      text,
      component: attributes.get('component') ?? '',
      time: [attributes.get('date'), attributes.get('time')].filter((part) => part !== undefined && part !== '').join(' '),
      thread: Number.parseInt(attributes.get('thread') ?? '0', 10) || 0,
      // Type 3 is an error and 2 a warning; an entry without a type is coloured by its words, as CMTrace does.
      severity: type === '3' ? 'error' : type === '2' ? 'warning' : type === '1' ? 'info' : severityOf(text),
    };
  }
  return undefined;
}

/**
 * A log file's entries: one per line, except CCM entries whose text spans several lines (`<![LOG[` … `]LOG]!>`),
 * which are kept whole. Empty lines between entries are dropped.
 */
export function splitTraceEntries(content: string): string[] {
  const entries: string[] = [];
  let open: string[] | undefined;
  for (const line of content.split(/\r?\n/)) {
    if (open !== undefined) {
      open.push(line);
      if (line.includes(']LOG]!>')) {
        entries.push(open.join('\n'));
        open = undefined;
      }
      continue;
    }
    if (line.trim() === '') continue;
    if (line.startsWith('<![LOG[') && !line.includes(']LOG]!>')) open = [line];
    else entries.push(line);
  }
  if (open !== undefined) entries.push(open.join('\n'));
  return entries;
}
