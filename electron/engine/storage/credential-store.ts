/**
 * Passwords the engine must keep (a proxy's), out of the site databases: one JSON file in the data folder that only
 * its owner may read (0600, written atomically). Never sent to a console; the contract only says whether one is saved.
 * (No operating-system keychain is reachable from a headless engine on every platform; this is what ~/.netrc does.)
 */
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file';

const OWNER_ONLY = 0o600;

type Stored = Record<string, { proxyPassword?: string; smtpPassword?: string }>;

export class CredentialStore {
  constructor(readonly file: string) {
    // A file an earlier version or a copy left readable to others is closed first.
    if (process.platform !== 'win32' && existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, OWNER_ONLY);
  }

  proxyPassword(site: string): string | undefined {
    return this.read()[site]?.proxyPassword;
  }

  /** Saves (or, with undefined, forgets) a site's proxy password. */
  setProxyPassword(site: string, password: string | undefined): void {
    this.set(site, 'proxyPassword', password);
  }

  /** The password of the site's SMTP server (notifications). */
  smtpPassword(site: string): string | undefined {
    return this.read()[site]?.smtpPassword;
  }

  setSmtpPassword(site: string, password: string | undefined): void {
    this.set(site, 'smtpPassword', password);
  }

  private set(site: string, key: 'proxyPassword' | 'smtpPassword', password: string | undefined): void {
    const stored = this.read();
    if (stored[site]?.[key] === password) return;
    const entry = { ...stored[site] };
    if (password === undefined) delete entry[key];
    else entry[key] = password;
    if (Object.keys(entry).length === 0) delete stored[site];
    else stored[site] = entry;
    writeFileAtomic(this.file, Buffer.from(`${JSON.stringify(stored, null, 2)}\n`), { mode: OWNER_ONLY });
  }

  private read(): Stored {
    if (!existsSync(this.file)) return {};
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Stored) : {};
    } catch {
      // Unreadable: the administrator enters the password again (the sync says authentication failed).
      return {};
    }
  }
}
