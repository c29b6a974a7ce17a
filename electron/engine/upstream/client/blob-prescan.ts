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
const BAD_AMPERSAND = /&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

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
    this.pending += chunk;
    let out = '';
    for (;;) {
      const next = this.nextStart();
      if (next === undefined) {
        const keep = Math.min(CARRY, this.pending.length);
        out += this.pending.slice(0, this.pending.length - keep);
        this.pending = this.pending.slice(this.pending.length - keep);
        return out;
      }
      const { at, kind } = next;
      const end = this.pending.indexOf(CLOSE[kind]!, Math.max(at, this.searchFrom));
      if (end < 0) {
        // The blob goes on in the next chunk: hold it from its start tag.
        out += this.pending.slice(0, at);
        this.pending = this.pending.slice(at);
        this.searchFrom = Math.max(0, this.pending.length - CLOSE[kind]!.length);
        return out;
      }
      this.searchFrom = 0;
      const text = this.pending.slice(at + OPEN[kind]!.length, end);
      if (text.length > this.maxLength) {
        out += `${this.pending.slice(0, at)}<${NAMES[kind]} ${BLOB_REFERENCE}="oversize"/>`;
      } else if (text.includes('<') || BAD_AMPERSAND.test(text)) {
        out += this.pending.slice(0, end + CLOSE[kind]!.length);
      } else {
        this.taken.push(text);
        out += `${this.pending.slice(0, at)}<${NAMES[kind]} ${BLOB_REFERENCE}="${this.taken.length - 1}"/>`;
      }
      this.pending = this.pending.slice(end + CLOSE[kind]!.length);
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

  private nextStart(): { at: number; kind: number } | undefined {
    let best: { at: number; kind: number } | undefined;
    OPEN.forEach((tag, kind) => {
      const at = this.pending.indexOf(tag);
      if (at >= 0 && (best === undefined || at < best.at)) best = { at, kind };
    });
    return best;
  }
}

/** Text as an XML parser reports it: line ends normalized, then entities and character references decoded. */
export function decodeText(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').replace(ENTITY, (_match, named: string | undefined, decimal: string | undefined, hex: string | undefined) =>
    named !== undefined ? NAMED[named]! : String.fromCodePoint(decimal !== undefined ? Number(decimal) : parseInt(hex!, 16)),
  );
}
