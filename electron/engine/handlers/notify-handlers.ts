/** E-mail Notification: a top-level site's settings, the test message, the digest, and where a run's notification stands. */
import { countOf } from '../../../shared/count-text';
import { ApiError } from '../../../shared/errors';
import type { NotifySettingsView } from '../../../shared/notify';
import type { SiteCode } from '../../../shared/domain';
import { readNotifySettings, writeNotifySettings, type Notifier } from '../notify/notifier';
import type { EngineContext, EngineHandlers } from './engine-context';

type NotifyMethods = 'getNotifySettings' | 'setNotifySettings' | 'testNotifications' | 'getSyncDigest' | 'awaitNotifications';

export function notifyHandlers(engine: EngineContext, notifier: Notifier): Pick<EngineHandlers, NotifyMethods> {
  const { sites, credentials } = engine;
  const view = (site: SiteCode): NotifySettingsView => {
    const top = engine.topLevelOf(site);
    return { settings: readNotifySettings(sites.database(top)), passwordSaved: credentials.smtpPassword(top) !== undefined };
  };
  return {
    getNotifySettings: ({ site }) => view(sites.get(site).code),
    setNotifySettings: ({ site, settings, password }) => {
      const code = sites.get(site).code;
      engine.requireTopLevel(code, 'change the notification settings');
      const before = readNotifySettings(sites.database(code));
      writeNotifySettings(sites.database(code), settings);
      if (password !== undefined) credentials.setSmtpPassword(code, password === null || password === '' ? undefined : password);
      notifier.settingsChanged();
      if (JSON.stringify(before) !== JSON.stringify(settings)) {
        // Said without the words the log pane colours as errors ("failure"): a change of settings is not one.
        const when = settings.on
          .map((event) => ({ failure: 'a sync fails', success: 'a sync brings new updates', digest: 'a digest is due' })[event])
          .join(', ');
        const channels = `${countOf(settings.recipients.length, 'recipient')}, ${countOf(settings.webhooks.length, 'webhook')}`;
        engine
          .logFor(code)
          .writeNow(
            settings.enabled ? `Notification settings changed: told when ${when}; ${channels}.` : 'Notification settings changed: notifications are off.',
          );
      }
      return view(code);
    },
    testNotifications: async ({ site, settings, password }) => {
      const code = sites.get(site).code;
      const top = engine.topLevelOf(code);
      const chosen = settings ?? readNotifySettings(sites.database(top));
      // An unsaved password is tried, never kept: the console's dialog tests before it saves.
      return { results: await notifier.sendTest(code, chosen, password) };
    },
    getSyncDigest: ({ site, since, runId }) => {
      const code = sites.get(site).code;
      if (runId !== undefined && engine.runsOf(code, 100_000).every((run) => run.runId !== runId)) {
        throw new ApiError('NOT_FOUND', `${code} has no synchronization run ${runId}.`);
      }
      const now = engine.now();
      const from = since ?? new Date(now.getTime() - 24 * 3_600_000).toISOString();
      return notifier.digestOf(code, {
        event: 'digest',
        id: runId === undefined ? `${code}-digest-${from}` : `${code}-run-${runId}`,
        ...(runId === undefined ? { since: new Date(from).toISOString() } : { runIds: [runId] }),
      });
    },
    awaitNotifications: async ({ site, runId, timeoutMs }) => ({ deliveries: (await notifier.awaitRun(sites.get(site).code, runId, timeoutMs)) ?? null }),
  };
}
