/**
 * Notifications of a top-level site: who is told of its synchronizations (e-mail, webhooks), of what, and the sync
 * digest they receive, as one document (the webhook's JSON, `usc digest --json`) from which the mail's HTML and
 * plain text are made (digest-text.ts).
 */
import { z } from 'zod';

export const NOTIFY_EVENTS = ['failure', 'success', 'digest'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+$/, 'is not an e-mail address (name@example.com)');

/** A webhook's URL: HTTPS, or plain HTTP on loopback (a relay on this machine, a test). */
export const WebhookUrlSchema = z
  .string()
  .trim()
  .max(2_048)
  .refine((text) => URL.canParse(text), 'is not a URL')
  .refine((text) => {
    if (!URL.canParse(text)) return true;
    const url = new URL(text);
    if (url.username !== '' || url.password !== '') return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  }, 'must be https:// (plain http:// only on 127.0.0.1), without a user name or password in it');

export const SmtpSecuritySchema = z.enum(['none', 'starttls', 'tls']);
export type SmtpSecurity = z.infer<typeof SmtpSecuritySchema>;

export const DigestIntervalSchema = z.object({ every: z.number().int().min(1).max(52), unit: z.enum(['hours', 'days', 'weeks']) });
export type DigestInterval = z.infer<typeof DigestIntervalSchema>;

/** What is stored (no password: that is in the credentials file, as the proxy's). */
export const NotifySettingsSchema = z
  .object({
    enabled: z.boolean(),
    smtp: z
      .object({
        host: z.string().trim().min(1).max(253),
        port: z.number().int().min(1).max(65_535),
        security: SmtpSecuritySchema,
        user: z.string().max(256).optional(),
        from: EmailSchema,
      })
      .nullable(),
    recipients: z.array(EmailSchema).max(100),
    on: z.array(z.enum(NOTIFY_EVENTS)).max(3),
    digestEvery: DigestIntervalSchema.nullable(),
    webhooks: z.array(WebhookUrlSchema).max(20),
  })
  .strict()
  .superRefine((settings, context) => {
    if (!settings.enabled) return;
    if (settings.on.length === 0)
      context.addIssue({ code: 'custom', path: ['on'], message: 'choose at least one of failure, success, digest (or turn notifications off)' });
    if (settings.recipients.length > 0 && settings.smtp === null)
      context.addIssue({ code: 'custom', path: ['smtp'], message: 'recipients need an SMTP server to send through' });
    if (settings.smtp !== null && settings.recipients.length === 0)
      context.addIssue({ code: 'custom', path: ['recipients'], message: 'add at least one recipient' });
    if (settings.recipients.length === 0 && settings.webhooks.length === 0)
      context.addIssue({ code: 'custom', path: ['recipients'], message: 'add recipients or a webhook: nobody would be told' });
    if (settings.on.includes('digest') && settings.digestEvery === null)
      context.addIssue({ code: 'custom', path: ['digestEvery'], message: 'a digest needs its interval ("1 weeks")' });
  });
export type NotifySettings = z.infer<typeof NotifySettingsSchema>;

export const NOTIFY_OFF: NotifySettings = { enabled: false, smtp: null, recipients: [], on: ['failure'], digestEvery: null, webhooks: [] };

/** As a console and `usc notify` see them: whether an SMTP password is saved, never the password. */
export const NotifySettingsViewSchema = z.object({ settings: NotifySettingsSchema, passwordSaved: z.boolean() });
export type NotifySettingsView = z.infer<typeof NotifySettingsViewSchema>;

/** One recipient's or webhook's answer to a delivery. */
export const DeliveryResultSchema = z.object({
  channel: z.enum(['mail', 'webhook']),
  /** The recipients (mail) or the URL (webhook). */
  target: z.string(),
  ok: z.boolean(),
  /** What the server answered (the SMTP reply, the HTTP status and the start of its body), or why nothing did. */
  answer: z.string(),
});
export type DeliveryResult = z.infer<typeof DeliveryResultSchema>;

export const DigestUpdateSchema = z.object({
  updateId: z.string(),
  title: z.string(),
  kb: z.string().nullable(),
  severity: z.string().nullable(),
  releasedAt: z.string().nullable(),
  change: z.enum(['added', 'revised', 'expired', 'removed']),
  supersedes: z.array(z.object({ updateId: z.string(), title: z.string().nullable(), kb: z.string().nullable() })),
});
export type DigestUpdate = z.infer<typeof DigestUpdateSchema>;

export const DigestRunSchema = z.object({
  runId: z.number().int(),
  kind: z.string(),
  trigger: z.string(),
  outcome: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  counts: z.object({ new: z.number().int(), modified: z.number().int(), expired: z.number().int(), removed: z.number().int(), failed: z.number().int() }),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      /** Error Lookup's advice. */
      meaning: z.string().nullable(),
      check: z.string().nullable(),
    })
    .nullable(),
  /** What a failed run kept, in words. */
  kept: z.string().nullable(),
  /** When the automatic retry runs (ISO), for a failed run. */
  retryAt: z.string().nullable(),
});
export type DigestRun = z.infer<typeof DigestRunSchema>;

/** The sync digest: the webhook's JSON body, `usc digest --json`; the mail is made from it. Versioned. */
export const SyncDigestSchema = z.object({
  schema: z.literal('update-sync-console/sync-digest'),
  version: z.literal(1),
  /** Why it was sent: a run that failed or succeeded, a scheduled digest, a test. */
  event: z.enum(['failure', 'success', 'digest', 'test']),
  /** Stable per notification: a receiver that gets it twice can tell. */
  id: z.string(),
  generatedAt: z.string(),
  site: z.object({ code: z.string(), name: z.string() }),
  period: z.object({ from: z.string().nullable(), to: z.string() }),
  runs: z.array(DigestRunSchema),
  /** New, revised, expired and removed updates by classification, then product; critical and important security first. */
  groups: z.array(z.object({ classification: z.string(), products: z.array(z.object({ product: z.string(), updates: z.array(DigestUpdateSchema) })) })),
  counts: z.object({ added: z.number().int(), revised: z.number().int(), expired: z.number().int(), removed: z.number().int() }),
  /**
   * Updates counted but not listed: a notification lists the NOTIFY_LISTED_UPDATES most important (a first sync
   * brings tens of thousands, past what a mail server or a chat accepts); `usc digest` lists them all.
   */
  omitted: z.number().int().nonnegative().default(0),
  /** One line for chat webhooks (Slack, Teams) that show only `text`. */
  text: z.string(),
});
export type SyncDigest = z.infer<typeof SyncDigestSchema>;

/** The most updates a mail or a webhook document lists (the counts are always complete). */
export const NOTIFY_LISTED_UPDATES = 1_000;
