/** Turns a GetUpdateData record's blob (plain or a base64 cabinet of UTF-16LE XML) into the metadata XML text. */
import { CabinetError } from './cab/cab-error';
import { readCabinet } from './cab/cabinet';

/** The most metadata one update may carry (its XML, as characters); real updates stay below ten megabytes. */
export const MAX_METADATA_CHARS = 64 * 1024 * 1024;
/**
 * The most text one blob element may hold in an answer: the XML escaped (entities take room: "<" is "&lt;"), or its
 * cabinet in base64. Twice the XML limit, so that the limit an update meets is the same whether its server compresses
 * it or not; its decoded XML is then held to MAX_METADATA_CHARS.
 */
export const MAX_BLOB_TEXT_CHARS = 2 * MAX_METADATA_CHARS;

export function decodeCompressedBlob(base64: string): string {
  return readCompressedBlob(base64).xml;
}

/** The XML of a compressed blob and the cabinet's bytes as they arrived (the blob store keeps those, not a copy). */
export function readCompressedBlob(base64: string): { xml: string; cabinet: Buffer } {
  const cabinet = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  return { xml: xmlFromCabinet(cabinet), cabinet };
}

/** The metadata XML a cabinet holds, under the same limits as when it arrived. */
export function xmlFromCabinet(bytes: Uint8Array): string {
  // UTF-16LE: two bytes per character of XML.
  const cabinet = readCabinet(bytes, { maxBytes: 2 * MAX_METADATA_CHARS + 2 });
  const member = cabinet.files[0];
  if (member === undefined) throw new CabinetError('The compressed metadata cabinet holds no member');
  const data = Buffer.from(cabinet.extract(member));
  return decodeXmlBytes(data);
}

/** Metadata inside cabinets is UTF-16LE (usually with a byte-order mark); tolerate UTF-8 too. */
function decodeXmlBytes(data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString('utf16le');
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8');
  if (data.length >= 2 && data[1] === 0 && data[0] !== 0) return data.toString('utf16le');
  return data.toString('utf8');
}
