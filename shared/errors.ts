import { z } from 'zod';

export const ApiErrorCodeSchema = z.enum([
  /** The call's name or arguments do not match the contract. */
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  /** The action is not available here (e.g. manual synchronization of a child site). */
  'NOT_ALLOWED',
  /** The site's database file could not be opened; it was left untouched. */
  'SITE_DAMAGED',
  /** Another engine holds the data folder. */
  'DATA_FOLDER_IN_USE',
  /** The engine stopped while the call was in flight; it is being restarted. */
  'ENGINE_RESTARTED',
  'ENGINE_UNAVAILABLE',
  'TIMEOUT',
  /** A file or folder could not be read or written (permissions, a read-only or full disk, a path that cannot exist). */
  'FILE_ERROR',
  /** A file handed to the engine is not what it must be (an import that is not an export, truncated, fails its checksum); nothing was changed. */
  'FILE_REFUSED',
  /** The administrator stopped the operation; nothing of it was kept. */
  'CANCELLED',
  'INTERNAL',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

/** The codes a synchronization ends with, besides the upstream's (below): each has its Error Lookup entry. */
export const SYNC_FAILURE_CODES = [
  'EMPTY_FILTER',
  'SOURCE_DISABLED',
  'STALLED',
  'UPDATES_FAILED',
  'SAVE_FAILED',
  'CANCELLED',
  'INTERRUPTED',
  'DATABASE_DAMAGED',
  'INTERNAL',
] as const;
export type SyncFailureCode = (typeof SYNC_FAILURE_CODES)[number];

/** How an exchange with the upstream server failed; a sync that ends on one says `UPSTREAM_<KIND>` (or the SOAP ErrorCode). */
export const UPSTREAM_ERROR_KINDS = ['fault', 'http', 'timeout', 'network', 'malformed', 'cancelled', 'tls'] as const;
export type UpstreamErrorKind = (typeof UPSTREAM_ERROR_KINDS)[number];

export const ApiErrorSchema = z.object({
  code: ApiErrorCodeSchema,
  message: z.string(),
  /** Technical cause for the log; never shown as a stack trace. */
  cause: z.string().optional(),
});
export type ApiErrorData = z.infer<typeof ApiErrorSchema>;

/** An error with a code and a message an administrator understands. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly causeText: string | undefined;

  constructor(code: ApiErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.causeText = cause === undefined ? undefined : describeCause(cause);
  }

  toData(): ApiErrorData {
    return this.causeText === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, cause: this.causeText };
  }

  static fromData(data: ApiErrorData): ApiError {
    const error = new ApiError(data.code, data.message);
    return data.cause === undefined ? error : Object.assign(error, { causeText: data.cause });
  }
}

export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

/** What an administrator checks for each file-system error code. */
const FILE_ERROR_REASONS: Record<string, string> = {
  EACCES: 'permission denied: the account running Update Sync Console may not write there',
  EPERM: 'the operation is not permitted for the account running Update Sync Console',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'a part of the path does not exist',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'something already exists there',
  EMFILE: 'too many files are open',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'the disk reported an input/output error',
};

/** Turns anything thrown into the error shape the contract carries. */
export function toApiErrorData(error: unknown): ApiErrorData {
  if (error instanceof ApiError) return error.toData();
  const system = error as { code?: unknown; path?: unknown; syscall?: unknown } | undefined;
  if (typeof system?.code === 'string' && typeof system.path === 'string' && FILE_ERROR_REASONS[system.code] !== undefined) {
    const action = typeof system.syscall === 'string' ? `${system.syscall} ` : 'use ';
    return {
      code: 'FILE_ERROR',
      message: `Could not ${action}${system.path}: ${FILE_ERROR_REASONS[system.code]} (${system.code}).`,
      cause: describeCause(error),
    };
  }
  return { code: 'INTERNAL', message: `The engine hit an unexpected error: ${describeCause(error)}`, cause: describeCause(error) };
}

/** What the console shows for a failed call: the contract's own message, or the thrown value as text. */
export function errorText(error: unknown): string {
  return error instanceof ApiError ? error.message : String(error);
}
