/** A cabinet that cannot be read: malformed, truncated, or using a compression this decoder does not support. */
export class CabinetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CabinetError';
  }
}
