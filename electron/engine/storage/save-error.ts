/** A save of a site database (its file, journal or blob store) that did not reach the disk, said for an administrator. */
export class SiteSaveError extends Error {
  readonly code: string;

  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
    super(`Could not save ${file}: ${reasonOf(code, cause)}. What is on disk is as it was before this save`);
    this.name = 'SiteSaveError';
    this.code = code;
  }
}

function reasonOf(code: string, cause: unknown): string {
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (free some space, then synchronize again)';
    case 'EDQUOT':
      return 'the disk quota is exhausted';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (check who owns the data folder)';
    case 'EFBIG':
      return 'the file would be larger than the system allows';
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}
