import type { FaultCode } from '../soap/protocol-names';

import type { UpstreamErrorKind } from '../../../../shared/errors';

export type { UpstreamErrorKind };

/** A failed exchange with the upstream server, described so an administrator can act on it. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamErrorKind,
    readonly operation: string,
    message: string,
    readonly details: { faultCode?: FaultCode | string; status?: number; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  get faultCode(): string | undefined {
    return this.details.faultCode;
  }

  /**
   * Transient: worth another try after a pause (server busy, 5xx, timeouts, dropped connections). A fault the
   * protocol says must stop the protocol (InternalServerError, IncompatibleProtocolVersion, a fault without an
   * ErrorCode) is not.
   */
  get retryable(): boolean {
    if (this.kind === 'timeout' || this.kind === 'network') return true;
    if (this.kind === 'http') return (this.details.status ?? 0) >= 500;
    if (this.kind === 'fault') return this.faultCode === 'ServerBusy';
    return false;
  }
}
