/**
 * Takes the metadata blobs out of a GetUpdateData answer before it reaches the XML parser. Each blob is a whole update
 * XML document escaped into one text node (or a base64 cabinet); a streaming parser reads it character by character
 * and decodes every entity, which costs more than parsing the document itself afterwards. The blob's text is cut out
 * with string searches, the element is replaced by `<XmlUpdateBlob usc-blob="N"/>`, and the text is decoded when the
 * record asks for it.
 *
 * Only the exact, unprefixed element names are taken out, and only when the text holds no markup (`<`, a CDATA
 * section) and no entity other than the five predefined ones and character references; anything else is left to the
 * parser, which checks it as before.
 */
const NAMES = ['XmlUpdateBlob', 'XmlUpdateBlobCompressed'] as const;
const OPEN = NAMES.map((name) => `<${name}>`);
const CLOSE = NAMES.map((name) => `</${name}>`);
/** The longest text a start tag could be cut in two at the end of a chunk. */
const CARRY = Math.max(...OPEN.map((tag) => tag.length)) - 1;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const BAD_AMPERSAND = /&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

export const BLOB_REFERENCE = 'usc-blob';

export class BlobPrescan {
  private pending = '';
  /** Where to look for the end tag of a blob held across chunks (what was searched already is not searched again). */
  private searchFrom = 0;
  private readonly taken: Array<string | undefined> = [];

  /** Blobs longer than this are not kept: the element is marked oversize (the client refuses that update). */
  constructor(private readonly maxLength = Number.POSITIVE_INFINITY) {}

  /** Feeds a chunk of the answer; returns the text that may go to the parser now. */
  feed(chunk: string): string {
    const pending = this.pending + chunk;
    const parts: string[] = [];
    // Where each start tag next occurs at or after `cursor` (-1: nowhere in this text); searched again only once
    // passed, so a tag that is absent is not looked for again for every blob of the chunk.
    const next = OPEN.map((tag) => pending.indexOf(tag));
    let cursor = 0;
    for (;;) {
      OPEN.forEach((tag, kind) => {
        if (next[kind]! >= 0 && next[kind]! < cursor) next[kind] = pending.indexOf(tag, cursor);
      });
      const kind: number = next[0]! >= 0 && (next[1]! < 0 || next[0]! < next[1]!) ? 0 : next[1]! >= 0 ? 1 : -1;
      if (kind < 0) {
        const keep = Math.min(CARRY, pending.length - cursor);
        parts.push(pending.slice(cursor, pending.length - keep));
        this.pending = pending.slice(pending.length - keep);
        return parts.join('');
      }
      const at = next[kind]!;
      const end = pending.indexOf(CLOSE[kind]!, Math.max(at, this.searchFrom));
      if (end < 0) {
        // The blob goes on in the next chunk: hold it from its start tag.
        parts.push(pending.slice(cursor, at));
        this.pending = pending.slice(at);
        this.searchFrom = Math.max(0, this.pending.length - CLOSE[kind]!.length);
        return parts.join('');
      }
      this.searchFrom = 0;
      const text = pending.slice(at + OPEN[kind]!.length, end);
      if (text.length > this.maxLength) {
        parts.push(pending.slice(cursor, at), `<${NAMES[kind]} ${BLOB_REFERENCE}="oversize"/>`);
      } else if (text.includes('<') || BAD_AMPERSAND.test(text)) {
        parts.push(pending.slice(cursor, end + CLOSE[kind]!.length));
      } else {
        this.taken.push(text);
        parts.push(pending.slice(cursor, at), `<${NAMES[kind]} ${BLOB_REFERENCE}="${this.taken.length - 1}"/>`);
      }
      cursor = end + CLOSE[kind]!.length;
    }
  }

  /** What is left when the answer has ended. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  /** The decoded text of a blob taken out (once: it is let go after). */
  take(reference: string | undefined): string | undefined {
    if (reference === undefined) return undefined;
    const index = Number(reference);
    const raw = this.taken[index];
    this.taken[index] = undefined;
    return raw === undefined ? undefined : decodeText(raw);
  }

  reset(): void {
    this.pending = '';
    this.searchFrom = 0;
    this.taken.length = 0;
  }
}

/**
 * Text as an XML parser reports it: line ends normalized, then entities and character references decoded. An
 * escaped update XML holds an entity every few characters; plain string replacements are several times faster than
 * one regular expression with a callback per match. `&amp;` goes last so that `&amp;lt;` stays `&lt;`.
 */
export function decodeText(raw: string): string {
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!text.includes('&')) return text;
  // A character reference can produce an `&` that must not be read again: one pass over every entity then.
  if (text.includes('&#')) {
    return text.replace(ENTITY, (_match, named: string | undefined, decimal: string | undefined, hex: string | undefined) =>
      named !== undefined ? NAMED[named]! : String.fromCodePoint(decimal !== undefined ? Number(decimal) : parseInt(hex!, 16)),
    );
  }
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');
}
