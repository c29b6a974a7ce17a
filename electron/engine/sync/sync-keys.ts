/** Where a site keeps its synchronization state (the setting table): anchors, the settings they were taken with, versions. */
export const SYNC_KEYS = {
  updateAnchor: 'sync.updateAnchor',
  configAnchor: 'sync.configAnchor',
  fingerprint: 'sync.configFingerprint',
  contentVersion: 'sync.contentVersion',
  updateSourceId: 'sync.updateSourceId',
} as const;
