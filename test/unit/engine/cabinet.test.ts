import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CabinetError } from '../../../electron/engine/upstream/cab/cab-error';
import { readCabinet, writeCabinet } from '../../../electron/engine/upstream/cab/cabinet';
import { hostileCabinet } from '../../../electron/engine/upstream/service/hostile-input';
import { ROOT } from '../../helpers/built';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'cab');
const SHARED_FIXTURES = join(ROOT, '..', 'shared', 'fixtures', 'cab');

function expectMembersMatch(cabFile: string, expectedDir: string, unsupported: string[] = []): void {
  const cabinet = readCabinet(readFileSync(cabFile));
  const expectedNames = readdirSync(expectedDir).sort();
  expect(cabinet.files.map((file) => file.name).sort()).toEqual(expectedNames);
  for (const file of cabinet.files) {
    if (unsupported.includes(file.name)) {
      expect(() => cabinet.extract(file)).toThrow(CabinetError);
      continue;
    }
    expect(Buffer.from(cabinet.extract(file)).equals(readFileSync(join(expectedDir, file.name))), file.name).toBe(true);
  }
}

/** A deterministic pseudo-random source, so the corruption tests are repeatable. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('cabinet decoder', () => {
  it('extracts MSZIP and LZX folders of a two-folder cabinet byte for byte', () => {
    const cabinet = readCabinet(readFileSync(join(FIXTURES, 'normal_2files_2folders.cab')));
    expect(cabinet.folders.map((folder) => `${folder.compression}/${folder.windowBits}`)).toEqual(['mszip/15', 'lzx/18']);
    expectMembersMatch(join(FIXTURES, 'normal_2files_2folders.cab'), join(FIXTURES, 'normal_2files_2folders.cab.expected'));
  });

  it('extracts MSZIP and LZX members of a mixed cabinet and reports Quantum as unsupported', () => {
    expectMembersMatch(join(FIXTURES, 'mszip_lzx_qtm.cab'), join(FIXTURES, 'mszip_lzx_qtm.cab.expected'), ['qtm.txt']);
    const cabinet = readCabinet(readFileSync(join(FIXTURES, 'mszip_lzx_qtm.cab')));
    const quantum = cabinet.files.find((file) => file.name === 'qtm.txt')!;
    expect(() => cabinet.extract(quantum)).toThrow(/Quantum compression is not supported/);
  });

  const large = join(SHARED_FIXTURES, 'large-files-cab.cab');
  it.skipIf(!existsSync(large))('extracts the 14 MB makecab LZX cabinet with a 2 MB window (skipped when ../shared/fixtures is absent)', () => {
    const cabinet = readCabinet(readFileSync(large));
    expect(cabinet.folders).toMatchObject([{ compression: 'lzx', windowBits: 21, blockCount: 449 }]);
    const [member] = cabinet.files;
    const data = cabinet.extract(member!);
    expect(data.length).toBe(14_689_228);
    expect(createHash('sha256').update(data).digest('hex')).toBe('30e0e3f37c7bdd389b5d1c73d08b2e2b422c50b5c32362e9995504e7c80cb1c1');
  });

  it.each([0, 1, 5_121, 32_768, 32_769, 200_000])('round-trips a %i-byte member through writeCabinet', (size) => {
    const random = seeded(size + 1);
    const text = Array.from({ length: size }, () => 'abcdefgh <upd:Update/>\n'.charCodeAt(Math.floor(random() * 23)));
    const content = new Uint8Array(text);
    const cab = writeCabinet('update.xml', content);
    expect(Buffer.from(cab.subarray(0, 4)).toString('latin1')).toBe('MSCF');
    const cabinet = readCabinet(cab);
    expect(cabinet.files).toMatchObject([{ name: 'update.xml', size }]);
    expect(Buffer.from(cabinet.extract(cabinet.files[0]!)).equals(content)).toBe(true);
  });

  it('rejects a truncated cabinet and a corrupted data block with a CabinetError', () => {
    const cab = writeCabinet('update.xml', new TextEncoder().encode('<upd:Update>'.repeat(1000)));
    expect(() => readCabinet(cab.subarray(0, cab.length - 10)).extract({ name: 'update.xml', size: 12000, folder: 0, offsetInFolder: 0 })).toThrow(
      CabinetError,
    );
    const flipped = cab.slice();
    flipped[flipped.length - 5]! ^= 0xff;
    const cabinet = readCabinet(flipped);
    expect(() => cabinet.extract(cabinet.files[0]!)).toThrow(/Checksum mismatch/);
    expect(() => readCabinet(new TextEncoder().encode('not a cabinet at all, just text'))).toThrow(/MSCF signature/);
  });

  it('fails cleanly, never hangs or crashes, on corrupted LZX data', () => {
    const original = readFileSync(join(FIXTURES, 'mszip_lzx_qtm.cab'));
    const cabinet = readCabinet(original);
    const lzxFolder = cabinet.folders[1]!;
    const random = seeded(2026);
    let failures = 0;
    for (let round = 0; round < 300; round++) {
      const corrupt = Uint8Array.from(original);
      const dataStart = lzxFolder.dataOffset + 8;
      for (let flips = 0; flips < 3; flips++) corrupt[dataStart + Math.floor(random() * 40)]! ^= 1 << Math.floor(random() * 8);
      // Zero the checksum so the LZX decoder itself meets the damage.
      corrupt.fill(0, lzxFolder.dataOffset, lzxFolder.dataOffset + 4);
      const damaged = readCabinet(corrupt);
      try {
        damaged.extract(damaged.files.find((file) => file.name === 'lzx.txt')!);
      } catch (error) {
        expect(error).toBeInstanceOf(CabinetError);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(0);
  });
});

describe('hostile cabinets', () => {
  it('refuses a member that declares more than the limit, before decoding anything', () => {
    const bomb = hostileCabinet(500 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(() => readCabinet(bomb, { maxBytes: 64 * 1024 * 1024 })).toThrow(
      'Cabinet member blob.xml declares 524288000 bytes, more than the limit of 67108864; refusing it',
    );
  });

  it('refuses data blocks that expand past the sizes their headers declare', () => {
    // A cabinet whose member and block headers say 1,000 bytes, while its deflate stream holds 32 KiB.
    const honest = writeCabinet('blob.xml', new Uint8Array(32_768));
    const lying = Buffer.from(honest);
    const view = new DataView(lying.buffer, lying.byteOffset, lying.byteLength);
    const fileEntry = 36 + 8;
    view.setUint32(fileEntry, 1_000, true);
    const dataOffset = view.getUint32(36, true);
    view.setUint32(dataOffset, 0, true); // no checksum, so the lie is not caught as corruption
    view.setUint16(dataOffset + 6, 1_000, true);
    const cabinet = readCabinet(lying);
    expect(() => cabinet.extract(cabinet.files[0]!)).toThrow('MSZIP block 0 expands past the 1000 bytes its header declares; refusing it');
  });

  it('refuses a folder whose blocks declare more than the limit in all', () => {
    // The member says 1,000 bytes; its folder's blocks say 200,000.
    const big = Buffer.from(writeCabinet('blob.xml', new Uint8Array(200_000)));
    big.writeUInt32LE(1_000, 36 + 8);
    const cabinet = readCabinet(big, { maxBytes: 100_000 + 1 });
    expect(() => cabinet.extract(cabinet.files[0]!)).toThrow(/declares more than 100001 bytes of data; refusing it/);
  });
});
