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
  /**
   * A blob whose end tag has not arrived yet: its start tag and text so far, kept as the chunks that brought it (a
   * blob of tens of megabytes arrives in hundreds of chunks: joining and searching it again for each was quadratic).
   * Past maxLength its text is no longer kept, only counted.
   */
  private open: { kind: number; parts: string[]; length: number; tail: string } | undefined;
  private readonly taken: Array<string | undefined> = [];

  /** Blobs longer than this are not kept: the element is marked oversize (the client refuses that update). */
  constructor(private readonly maxLength = Number.POSITIVE_INFINITY) {}

  /** Feeds a chunk of the answer; returns the text that may go to the parser now. */
  feed(chunk: string): string {
    if (this.open === undefined) return this.scan(this.pending + chunk);
    // Inside a blob: only the new chunk (and the few characters before it a split end tag may start in) is searched.
    const open = this.open;
    const close = CLOSE[open.kind]!;
    const found = (open.tail + chunk).indexOf(close);
    if (found < 0) {
      open.length += chunk.length;
      if (open.length <= this.maxLength + OPEN[open.kind]!.length) open.parts.push(chunk);
      else open.parts = [];
      open.tail = (open.tail + chunk).slice(-(close.length - 1));
      return '';
    }
    const cut = found - open.tail.length; // where the end tag starts in this chunk (negative: in the held text)
    const held = open.parts.join('') + chunk.slice(0, Math.max(0, cut));
    const text = (cut < 0 ? held.slice(0, held.length + cut) : held).slice(OPEN[open.kind]!.length);
    const textLength = open.length + cut - OPEN[open.kind]!.length;
    this.open = undefined;
    this.pending = '';
    return this.blob(open.kind, textLength > this.maxLength ? undefined : text) + this.scan(chunk.slice(cut + close.length));
  }

  /** The element a blob is replaced by (its text kept for take), or the element itself when the parser must read it. */
  private blob(kind: number, text: string | undefined): string {
    if (text === undefined) return `<${NAMES[kind]} ${BLOB_REFERENCE}="oversize"/>`;
    if (text.includes('<') || BAD_AMPERSAND.test(text)) return `${OPEN[kind]}${text}${CLOSE[kind]}`;
    this.taken.push(text);
    return `<${NAMES[kind]} ${BLOB_REFERENCE}="${this.taken.length - 1}"/>`;
  }

  /** Text outside any open blob: blobs that end in it are taken out; one that does not end is held from its start tag. */
  private scan(pending: string): string {
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
      const end = pending.indexOf(CLOSE[kind]!, at);
      if (end < 0) {
        // The blob goes on in the next chunk: hold it from its start tag.
        parts.push(pending.slice(cursor, at));
        const held = pending.slice(at);
        this.open = { kind, parts: [held], length: held.length, tail: held.slice(-(CLOSE[kind]!.length - 1)) };
        this.pending = '';
        return parts.join('');
      }
      const text = pending.slice(at + OPEN[kind]!.length, end);
      parts.push(pending.slice(cursor, at), this.blob(kind, text.length > this.maxLength ? undefined : text));
      cursor = end + CLOSE[kind]!.length;
    }
  }

  /** What is left when the answer has ended (a blob cut off by the end goes to the parser, which reports it). */
  end(): string {
    const rest = this.open === undefined ? this.pending : this.open.parts.join('');
    this.pending = '';
    this.open = undefined;
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
    this.open = undefined;
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
