import { describe, expect, it } from 'vitest';
import { toApiErrorData } from '../../../shared/errors';

const systemError = (code: string, syscall: string, path: string) => Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path });

describe('errors as the contract carries them', () => {
  it('names the file, the operation and what to check for a file-system failure', () => {
    expect(toApiErrorData(systemError('EROFS', 'open', '/srv/usc/sites/CEN.sqlite.tmp'))).toMatchObject({
      code: 'FILE_ERROR',
      message: 'Could not open /srv/usc/sites/CEN.sqlite.tmp: the file system is read-only (EROFS).',
    });
    expect(toApiErrorData(systemError('EACCES', 'mkdir', '/srv/usc/Logs')).message).toBe(
      'Could not mkdir /srv/usc/Logs: permission denied: the account running Update Sync Console may not write there (EACCES).',
    );
    expect(toApiErrorData(systemError('ENOSPC', 'write', '/srv/usc/sites/CEN.sqlite.blobs.1')).message).toContain('the disk is full (ENOSPC)');
  });

  it('keeps the cause of anything else in the message instead of hiding it', () => {
    expect(toApiErrorData(new TypeError('x is not a function'))).toEqual({
      code: 'INTERNAL',
      message: 'The engine hit an unexpected error: x is not a function',
      cause: 'x is not a function',
    });
  });
});
