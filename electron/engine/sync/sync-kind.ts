/**
 * Why a delta synchronization runs as a full one: there is no anchor yet (no successful sync), or the products,
 * classifications or languages changed since the anchor was taken. (A ServerChanged answer makes one full too:
 * upstream-session.ts.)
 */
import type { SyncKind } from '../../../shared/domain';
import { configFingerprint, describeConfigChange, type EffectiveConfig } from '../settings/sup-config';
import { readSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import { SYNC_KEYS } from './sync-keys';

export function syncKindOf(database: SiteDatabase, asked: SyncKind, config: EffectiveConfig): { anchorBefore: string | null; fullReason: string | null } {
  const anchorBefore = readSetting<string>(database, SYNC_KEYS.updateAnchor) ?? null;
  if (asked !== 'delta') return { anchorBefore, fullReason: null };
  if (anchorBefore === null) return { anchorBefore, fullReason: 'no previous successful synchronization' };
  const previous = readSetting<string>(database, SYNC_KEYS.fingerprint);
  const fingerprint = configFingerprint(config);
  return { anchorBefore, fullReason: previous !== undefined && previous !== fingerprint ? describeConfigChange(previous, fingerprint) : null };
}
