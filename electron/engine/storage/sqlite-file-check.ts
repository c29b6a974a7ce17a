/**
 * Cheap structural checks of a SQLite file before it is loaded, so a truncated or foreign file is named
 * precisely ("truncated: 3 of 5 pages") instead of failing later with "database disk image is malformed".
 * Offsets are those of the SQLite file format's 100-byte header.
 */
const MAGIC = 'SQLite format 3\u0000';

export function findSqliteFileProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'the file is empty';
  if (bytes.length < 100) return `the file is only ${bytes.length} bytes long, shorter than a SQLite header`;
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 16));
  if (magic !== MAGIC) return 'the file does not start with the SQLite header; it is not a site database';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `the header names an invalid page size (${rawPageSize})`;
  if (bytes.length % pageSize !== 0) {
    return `the file is truncated: ${bytes.length} bytes is not a whole number of ${pageSize}-byte pages`;
  }
  const changeCounter = view.getUint32(24);
  const pagesInHeader = view.getUint32(28);
  const versionValidFor = view.getUint32(92);
  const pagesOnDisk = bytes.length / pageSize;
  if (changeCounter === versionValidFor && pagesInHeader !== 0 && pagesInHeader > pagesOnDisk) {
    return `the file is truncated: the header counts ${pagesInHeader} pages but only ${pagesOnDisk} are present`;
  }
  return undefined;
}
