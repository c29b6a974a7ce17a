/**
 * The sync digest (notify.ts) as a person reads it: the subject, the plain text and the HTML of the mail, and the
 * file `usc digest --html` writes. Made from the same document the webhook receives, so both carry the same facts.
 */
import type { DigestRun, DigestUpdate, SyncDigest } from './notify';

const CHANGE_WORDS: Record<DigestUpdate['change'], string> = { added: 'new', revised: 'revised', expired: 'expired', removed: 'removed' };

export function digestSubject(digest: SyncDigest): string {
  const site = `${digest.site.code} - ${digest.site.name}`;
  if (digest.event === 'test') return `[Update Sync Console] Test message from ${site}`;
  const failed = digest.runs.filter((run) => run.outcome === 'failed');
  if (digest.event === 'failure' && failed.length > 0)
    return `[Update Sync Console] ${site}: synchronization failed (${failed.at(-1)!.error?.code ?? 'error'})`;
  const { added, revised, expired } = digest.counts;
  const what = `${added} new, ${revised} revised, ${expired} expired`;
  return digest.event === 'digest' ? `[Update Sync Console] ${site}: digest, ${what}` : `[Update Sync Console] ${site}: synchronized, ${what}`;
}

/** The one line a chat webhook shows. */
export function digestLine(digest: Omit<SyncDigest, 'text'>): string {
  return digestSubject({ ...digest, text: '' }).replace(/^\[Update Sync Console\] /, '');
}

function runLine(run: DigestRun): string {
  const counts = `${run.counts.new} new, ${run.counts.modified} revised, ${run.counts.expired} expired, ${run.counts.removed} removed`;
  return `Run ${run.runId} (${run.kind}, ${run.trigger}) ${run.outcome} at ${run.endedAt ?? run.startedAt}: ${counts}${run.counts.failed > 0 ? `, ${run.counts.failed} failed` : ''}`;
}

function failureLines(run: DigestRun): string[] {
  if (run.error === null) return [];
  return [
    `  Error ${run.error.code}: ${run.error.message}`,
    ...(run.error.meaning === null ? [] : [`  What it means: ${run.error.meaning}`]),
    ...(run.error.check === null ? [] : [`  What to check: ${run.error.check}`]),
    ...(run.kept === null ? [] : [`  Kept: ${run.kept}`]),
    `  Retry: ${run.retryAt === null ? 'none scheduled' : run.retryAt}`,
  ];
}

/** The KB beside a title, unless the title says it already (Microsoft's titles end with it). */
function kbBeside(update: DigestUpdate): string | null {
  return update.kb === null || update.title.includes(`KB${update.kb}`) ? null : `KB${update.kb}`;
}

function updateLine(update: DigestUpdate): string {
  const facts = [
    CHANGE_WORDS[update.change],
    kbBeside(update),
    update.severity,
    update.releasedAt === null ? null : `released ${update.releasedAt.slice(0, 10)}`,
  ].filter((fact): fact is string => fact !== null);
  const supersedes =
    update.supersedes.length === 0
      ? ''
      : `; supersedes ${update.supersedes.map((old) => (old.kb === null ? (old.title ?? old.updateId) : `KB${old.kb}`)).join(', ')}`;
  return `${update.title} (${facts.join(', ')}${supersedes})`;
}

function omittedLine(digest: SyncDigest): string {
  return `Listed below: the ${digest.groups.reduce((sum, group) => sum + group.products.reduce((inner, product) => inner + product.updates.length, 0), 0)} most important; ${digest.omitted} more are counted above. Every one: usc digest --site ${digest.site.code} --since ${digest.period.from ?? '<date>'}, or Export List… of What changed.`;
}

export function digestText(digest: SyncDigest): string {
  const lines = [
    digestSubject(digest).replace(/^\[Update Sync Console\] /, ''),
    '',
    `Site: ${digest.site.code} - ${digest.site.name}`,
    `Period: ${digest.period.from ?? 'the first synchronization'} to ${digest.period.to}`,
    '',
  ];
  if (digest.event === 'test') lines.push('This is a test message: notifications from this site reach you.', '');
  for (const run of digest.runs) lines.push(runLine(run), ...failureLines(run));
  if (digest.runs.length > 0) lines.push('');
  const { added, revised, expired, removed } = digest.counts;
  lines.push(`Updates: ${added} new, ${revised} revised, ${expired} expired, ${removed} removed`, '');
  if (digest.omitted > 0) lines.push(omittedLine(digest), '');
  for (const group of digest.groups) {
    lines.push(group.classification);
    for (const product of group.products) {
      lines.push(`  ${product.product}`);
      for (const update of product.updates) lines.push(`    - ${updateLine(update)}`);
    }
    lines.push('');
  }
  lines.push(`Sent by Update Sync Console (notification ${digest.id}).`);
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

export function digestHtml(digest: SyncDigest): string {
  const e = escapeHtml;
  const cell = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"';
  const runs = digest.runs
    .map(
      (run) =>
        `<li><b>${e(runLine(run))}</b>${
          run.error === null
            ? ''
            : `<ul>${failureLines(run)
                .map((line) => `<li>${e(line.trim())}</li>`)
                .join('')}</ul>`
        }</li>`,
    )
    .join('');
  const groups = digest.groups
    .map(
      (group) =>
        `<h2 style="font-size:16px;margin:16px 0 4px">${e(group.classification)}</h2>` +
        group.products
          .map(
            (product) =>
              `<h3 style="font-size:14px;margin:8px 0 4px">${e(product.product)}</h3>` +
              `<table style="border-collapse:collapse;font-size:13px"><thead><tr><th ${cell}>Update</th><th ${cell}>Change</th><th ${cell}>KB</th><th ${cell}>Severity</th><th ${cell}>Released</th><th ${cell}>Supersedes</th></tr></thead><tbody>` +
              product.updates
                .map(
                  (update) =>
                    `<tr><td ${cell}>${e(update.title)}</td><td ${cell}>${CHANGE_WORDS[update.change]}</td><td ${cell}>${update.kb === null ? '' : `KB${e(update.kb)}`}</td><td ${cell}>${e(update.severity ?? '')}</td><td ${cell}>${e(update.releasedAt?.slice(0, 10) ?? '')}</td><td ${cell}>${e(
                      update.supersedes.map((old) => (old.kb === null ? (old.title ?? old.updateId) : `KB${old.kb}`)).join(', '),
                    )}</td></tr>`,
                )
                .join('') +
              '</tbody></table>',
          )
          .join(''),
    )
    .join('');
  const { added, revised, expired, removed } = digest.counts;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${e(digestSubject(digest))}</title></head>
<body style="font-family:Segoe UI,Arial,sans-serif;font-size:14px;color:#1b1b1b">
<h1 style="font-size:18px">${e(digestSubject(digest).replace(/^\[Update Sync Console\] /, ''))}</h1>
<p>Site <b>${e(digest.site.code)} - ${e(digest.site.name)}</b>, ${e(digest.period.from ?? 'the first synchronization')} to ${e(digest.period.to)}.</p>
${digest.event === 'test' ? '<p>This is a test message: notifications from this site reach you.</p>' : ''}
${runs === '' ? '' : `<ul>${runs}</ul>`}
<p>Updates: <b>${added}</b> new, <b>${revised}</b> revised, <b>${expired}</b> expired, <b>${removed}</b> removed.</p>
${digest.omitted > 0 ? `<p>${e(omittedLine(digest))}</p>` : ''}
${groups}
<p style="color:#605e5c;font-size:12px">Sent by Update Sync Console (notification ${e(digest.id)}).</p>
</body></html>
`;
}
