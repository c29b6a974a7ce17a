/**
 * Delivery of one notification: a mail through the site's SMTP server (nodemailer), a JSON document to each webhook
 * (undici, through the site's proxy when it has one). Each answers with what the server said, word for word, for
 * the log, the console's "Send test message" and `usc notify --test`.
 */
import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import { request, type Dispatcher } from 'undici';
import { httpDispatcher } from '../upstream/client/http-dispatcher';
import type { DeliveryResult, NotifySettings } from '../../../shared/notify';

export interface MailMessage {
  subject: string;
  text: string;
  html: string;
  /** Stable per notification, so a mail system that receives it twice can tell. */
  messageId: string;
}

export interface Transport {
  /** PEM certificates trusted beside Node's roots (the site's --ca-file): a self-signed mail server's, say. */
  extraCaCertificates?: string[];
  proxy?: { url: string; username?: string; password?: string };
  timeoutMs?: number;
}

export async function sendMail(
  smtp: NonNullable<NotifySettings['smtp']>,
  password: string | undefined,
  recipients: string[],
  message: MailMessage,
  transport: Transport = {},
): Promise<DeliveryResult> {
  const target = recipients.join(', ');
  const timeout = transport.timeoutMs ?? 30_000;
  const mailer = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: password ?? '' } }),
    tls: transport.extraCaCertificates?.length ? { ca: [...rootCertificates, ...transport.extraCaCertificates] } : {},
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  try {
    const info = await mailer.sendMail({
      from: smtp.from,
      to: recipients,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: message.messageId,
    });
    const rejected = info.rejected.map(String);
    if (rejected.length > 0) return { channel: 'mail', target, ok: false, answer: `${info.response} (refused: ${rejected.join(', ')})` };
    return { channel: 'mail', target, ok: true, answer: info.response };
  } catch (error) {
    return { channel: 'mail', target, ok: false, answer: mailError(error, smtp) };
  } finally {
    mailer.close();
  }
}

/** The server's own reply when there is one ("535 5.7.8 Authentication failed"), otherwise what kept it from answering. */
function mailError(error: unknown, smtp: NonNullable<NotifySettings['smtp']>): string {
  const details = error as { response?: unknown; code?: unknown; message?: unknown };
  if (typeof details.response === 'string' && details.response !== '') return details.response;
  const code = typeof details.code === 'string' ? `${details.code}: ` : '';
  const message = typeof details.message === 'string' ? details.message : String(error);
  return `${code}${message} (${smtp.host}:${smtp.port}, ${smtp.security})`;
}

export async function postWebhook(url: string, body: string, transport: Transport = {}): Promise<DeliveryResult> {
  const dispatcher = dispatcherFor(transport);
  try {
    const answer = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Update Sync Console' },
      dispatcher,
      headersTimeout: transport.timeoutMs ?? 30_000,
      bodyTimeout: transport.timeoutMs ?? 30_000,
    });
    const text = (await answer.body.text()).replace(/\s+/g, ' ').trim().slice(0, 200);
    const ok = answer.statusCode >= 200 && answer.statusCode < 300;
    return { channel: 'webhook', target: url, ok, answer: `HTTP ${answer.statusCode}${text === '' ? '' : `: ${text}`}` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { channel: 'webhook', target: url, ok: false, answer: `${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}` };
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

function dispatcherFor(transport: Transport): Dispatcher {
  return httpDispatcher({
    ...(transport.extraCaCertificates === undefined ? {} : { extraCaCertificates: transport.extraCaCertificates }),
    ...(transport.proxy === undefined ? {} : { proxy: transport.proxy }),
  });
}
