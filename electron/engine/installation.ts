/**
 * How this installation names itself to an upstream server. A WSUS server keeps a row per downstream server, keyed by
 * the accountGuid of GetAuthorizationCookie ([MS-WSUSSS] §3.1.4.2): one GUID per installation, made once and kept in
 * the data folder, so two consoles are two downstream servers, and a console is the same one after a restart. The
 * accountName is the machine's host name, as a downstream WSUS sends its name.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './storage/atomic-file';

export interface Installation {
  accountGuid: string;
  accountName: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The host name as an accountName the protocol accepts (letters, digits, dots and hyphens). */
export function accountNameOf(host = hostname()): string {
  const name = host.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '');
  return name === '' ? 'update-sync-console' : name;
}

/** The installation's identity, made on first use (`<data>/installation.json`, written atomically). */
export function loadInstallation(dataDir: string): Installation {
  const file = join(dataDir, 'installation.json');
  let accountGuid: string | undefined;
  if (existsSync(file)) {
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { accountGuid?: unknown };
      if (typeof stored.accountGuid === 'string' && GUID.test(stored.accountGuid) && !/^0{8}-/.test(stored.accountGuid)) accountGuid = stored.accountGuid;
    } catch {
      // Unreadable: a new identity is made below (the upstream sees a new downstream server, nothing worse).
    }
  }
  if (accountGuid === undefined) {
    accountGuid = randomUUID();
    writeFileAtomic(file, Buffer.from(`${JSON.stringify({ accountGuid, createdAt: new Date().toISOString() }, null, 2)}\n`));
  }
  return { accountGuid, accountName: accountNameOf() };
}
