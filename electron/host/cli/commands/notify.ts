/** `usc notify` (a top-level site's e-mail and webhook notifications, and their test) and `usc digest`. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { digestHtml, digestText } from '../../../../shared/digest-text';
import { NOTIFY_EVENTS, NOTIFY_OFF, type NotifyEvent, type NotifySettings, type NotifySettingsView } from '../../../../shared/notify';
import { callApi, CliError, withHost, type CliContext } from '../cli-context';

export interface NotifyOptions {
  site: string;
  smtp?: string;
  security?: string;
  user?: string;
  password?: string;
  from?: string;
  to?: string;
  on?: string;
  digestEvery?: string;
  webhook?: string;
  off: boolean;
  test: boolean;
  json: boolean;
}

const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** The settings as changed by the options given; undefined when none changes anything (show them). */
function changed(current: NotifySettings, options: NotifyOptions): NotifySettings | undefined {
  if (options.off) return { ...current, enabled: false };
  const given = [options.smtp, options.security, options.user, options.from, options.to, options.on, options.digestEvery, options.webhook];
  if (given.every((value) => value === undefined) && options.password === undefined) return undefined;
  let smtp = current.smtp;
  if (options.smtp !== undefined) {
    const match = /^([^:\s]+):(\d{1,5})$/.exec(options.smtp.trim());
    if (match === null) throw new CliError(`--smtp takes HOST:PORT, such as mail.example.com:587, not "${options.smtp}".`, 2);
    smtp = {
      host: match[1]!,
      port: Number(match[2]),
      security: smtp?.security ?? 'starttls',
      from: smtp?.from ?? '',
      ...(smtp?.user === undefined ? {} : { user: smtp.user }),
    };
  }
  if (options.security !== undefined || options.user !== undefined || options.from !== undefined) {
    if (smtp === null) throw new CliError('Give the SMTP server first: --smtp HOST:PORT.', 2);
    if (options.security !== undefined && !['none', 'starttls', 'tls'].includes(options.security))
      throw new CliError(`--security takes none, starttls or tls, not "${options.security}".`, 2);
    smtp = {
      ...smtp,
      ...(options.security === undefined ? {} : { security: options.security as 'none' | 'starttls' | 'tls' }),
      ...(options.from === undefined ? {} : { from: options.from.trim() }),
    };
    if (options.user !== undefined) {
      const { user: _omitted, ...rest } = smtp;
      smtp = options.user === '' ? rest : { ...rest, user: options.user };
    }
  }
  let on = current.on;
  if (options.on !== undefined) {
    const events = list(options.on);
    const unknown = events.filter((event) => !(NOTIFY_EVENTS as readonly string[]).includes(event));
    if (unknown.length > 0) throw new CliError(`--on takes failure, success and digest (comma-separated), not "${unknown.join(', ')}".`, 2);
    on = events as NotifyEvent[];
  }
  let digestEvery = current.digestEvery;
  if (options.digestEvery !== undefined) {
    const match = /^(\d+)\s*(hours?|days?|weeks?)$/i.exec(options.digestEvery.trim());
    if (match === null) throw new CliError(`--digest-every takes a number and a unit, such as "1 weeks" or "24 hours", not "${options.digestEvery}".`, 2);
    digestEvery = { every: Number(match[1]), unit: match[2]!.toLowerCase().replace(/s?$/, 's') as 'hours' | 'days' | 'weeks' };
  }
  return {
    enabled: true,
    smtp,
    recipients: options.to === undefined ? current.recipients : list(options.to),
    on,
    digestEvery,
    webhooks: options.webhook === undefined ? current.webhooks : list(options.webhook),
  };
}

function describe(site: string, view: NotifySettingsView): string[] {
  const { settings } = view;
  if (!settings.enabled) return [`Notifications of ${site}: off.`];
  const smtp =
    settings.smtp === null
      ? 'none'
      : `${settings.smtp.host}:${settings.smtp.port} (${settings.smtp.security}), from ${settings.smtp.from}${settings.smtp.user === undefined ? '' : `, as ${settings.smtp.user}${view.passwordSaved ? ' (password saved)' : ' (no password saved)'}`}`;
  return [
    `Notifications of ${site}: on ${settings.on.join(', ')}${settings.digestEvery === null ? '' : `; a digest every ${settings.digestEvery.every} ${settings.digestEvery.unit}`}.`,
    `SMTP server: ${smtp}`,
    `Recipients: ${settings.recipients.join(', ') || 'none'}`,
    `Webhooks: ${settings.webhooks.join(', ') || 'none'}`,
  ];
}

export async function notifyCommand(context: CliContext, options: NotifyOptions): Promise<number> {
  return withHost(context, async (host) => {
    let view = await callApi(host, 'getNotifySettings', { site: options.site });
    const next = changed(view.settings.enabled ? view.settings : { ...NOTIFY_OFF, ...view.settings }, options);
    if (next !== undefined || options.password !== undefined) {
      view = await callApi(host, 'setNotifySettings', {
        site: options.site,
        settings: next ?? view.settings,
        ...(options.password === undefined ? {} : { password: options.password }),
      });
    }
    if (!options.test) {
      if (options.json) context.io.out(JSON.stringify(view, null, 2));
      else for (const line of describe(options.site, view)) context.io.out(line);
      return 0;
    }
    const { results } = await callApi(host, 'testNotifications', { site: options.site });
    if (options.json) context.io.out(JSON.stringify(results, null, 2));
    else
      for (const result of results)
        context.io.out(
          `${result.ok ? 'Accepted' : 'REFUSED'}: ${result.channel === 'mail' ? `mail to ${result.target}` : `webhook ${result.target}`}: ${result.answer}`,
        );
    // Exit 0 only when every recipient and webhook accepted the test message.
    return results.every((result) => result.ok) ? 0 : 1;
  });
}

export async function digestCommand(context: CliContext, options: { site: string; since?: string; json: boolean; html?: string }): Promise<number> {
  let since: string | undefined;
  if (options.since !== undefined) {
    const parsed = new Date(options.since);
    if (Number.isNaN(parsed.getTime())) throw new CliError(`--since takes a date, such as 2026-12-01 or 2026-12-01T08:00:00Z, not "${options.since}".`, 2);
    since = parsed.toISOString();
  }
  const digest = await withHost(context, (host) => callApi(host, 'getSyncDigest', { site: options.site, ...(since === undefined ? {} : { since }) }));
  if (options.html !== undefined) {
    const file = resolve(options.html);
    writeFileSync(file, digestHtml(digest));
    context.io.err(`Wrote the digest to ${file}.`);
  }
  if (options.json) context.io.out(JSON.stringify(digest, null, 2));
  else if (options.html === undefined) context.io.out(digestText(digest).trimEnd());
  return 0;
}
