/**
 * The addresses the desktop console opens in the system browser: pages the console links to (an update's More
 * information on support.microsoft.com, the Microsoft Update Catalog, Microsoft's documentation), over HTTPS,
 * never any https:// URL a page or an update's metadata could name (Electron's security checklist: openExternal
 * only with an allow-list).
 */
const EXTERNAL_HOSTS = new Set([
  'support.microsoft.com',
  'www.catalog.update.microsoft.com',
  'catalog.update.microsoft.com',
  'learn.microsoft.com',
  'docs.microsoft.com',
  'technet.microsoft.com',
]);

export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && EXTERNAL_HOSTS.has(parsed.hostname.toLowerCase());
}
