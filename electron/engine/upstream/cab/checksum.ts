/** The CFDATA checksum of the cabinet format: XOR of little-endian 32-bit words, with its own rule for the tail. */
export function cabChecksum(bytes: Uint8Array, seed: number): number {
  let checksum = seed >>> 0;
  const whole = bytes.length & ~3;
  let index = 0;
  for (; index < whole; index += 4) {
    checksum ^= (bytes[index]! | (bytes[index + 1]! << 8) | (bytes[index + 2]! << 16) | (bytes[index + 3]! << 24)) >>> 0;
  }
  // The last 1 to 3 bytes form one word, the first of them in the highest position used.
  let tail = 0;
  for (; index < bytes.length; index++) tail = (tail << 8) | bytes[index]!;
  return (checksum ^ tail) >>> 0;
}
