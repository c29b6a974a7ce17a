/**
 * A small, namespace-aware element tree built with saxes (a streaming, well-formedness-checking parser).
 * Large documents hand selected elements to a callback as soon as they close and drop them, so memory stays
 * flat however many records a response carries.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export interface XmlElement {
  /** Local name, without prefix. */
  name: string;
  ns: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
  /** Set when the text passed maxTextLength: what was kept is only its beginning. */
  oversize?: true;
}

/** Real update metadata nests a few dozen levels; a document far deeper is hostile (and costly to parse). */
export const MAX_XML_DEPTH = 256;

export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

export interface TreeBuilderOptions {
  /** Elements with this local name are passed to onRecord when complete and not kept in the tree. */
  recordName?: string;
  onRecord?: (element: XmlElement) => void;
  /** Deeper nesting is an XmlParseError (default MAX_XML_DEPTH). */
  maxDepth?: number;
  /** An element's text stops growing at this many characters and the element is marked oversize. */
  maxTextLength?: number;
}

/** Incremental parser: feed text chunks, then close() to get the root element. */
export class XmlTreeBuilder {
  private readonly parser = new SaxesParser({ xmlns: true, position: false });
  private readonly stack: XmlElement[] = [];
  private root: XmlElement | undefined;
  private error: Error | undefined;

  constructor(private readonly options: TreeBuilderOptions = {}) {
    this.parser.on('error', (error) => {
      this.error ??= new XmlParseError(error.message);
    });
    const maxDepth = options.maxDepth ?? MAX_XML_DEPTH;
    const maxText = options.maxTextLength ?? Number.POSITIVE_INFINITY;
    const appendText = (text: string) => {
      const current = this.stack[this.stack.length - 1];
      if (current === undefined || current.oversize) return;
      if (current.text.length + text.length > maxText) {
        current.oversize = true;
        return;
      }
      current.text += text;
    };
    this.parser.on('opentag', (tag: SaxesTagNS) => {
      if (this.stack.length >= maxDepth) throw new XmlParseError(`elements are nested deeper than ${maxDepth} levels`);
      const attributes: Record<string, string> = {};
      for (const attribute of Object.values(tag.attributes)) {
        if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
        attributes[attribute.local] = attribute.value;
      }
      const element: XmlElement = { name: tag.local, ns: tag.uri, attributes, children: [], text: '' };
      this.stack.push(element);
    });
    this.parser.on('text', appendText);
    this.parser.on('cdata', appendText);
    this.parser.on('closetag', () => {
      const element = this.stack.pop()!;
      const parent = this.stack[this.stack.length - 1];
      if (element.name === this.options.recordName && this.options.onRecord !== undefined) {
        this.options.onRecord(element);
        return;
      }
      if (parent === undefined) this.root = element;
      else parent.children.push(element);
    });
  }

  write(chunk: string): void {
    if (this.error !== undefined) throw this.error;
    try {
      this.parser.write(chunk);
    } catch (error) {
      // A limit refused from inside a handler: the parser is abandoned in whatever state it was.
      this.error ??= error instanceof XmlParseError ? error : new XmlParseError(error instanceof Error ? error.message : String(error));
    }
    if (this.error !== undefined) throw this.error;
  }

  close(): XmlElement {
    if (this.error === undefined) this.parser.close();
    if (this.error !== undefined) throw this.error;
    if (this.root === undefined) throw new XmlParseError('The document has no root element');
    return this.root;
  }
}

export function parseXml(text: string, options: Pick<TreeBuilderOptions, 'maxDepth'> = {}): XmlElement {
  const builder = new XmlTreeBuilder(options);
  builder.write(text);
  return builder.close();
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.name === name);
}

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((candidate) => candidate.name === name) ?? [];
}

/** The text of a descendant reached by local names, trimmed; undefined when absent. */
export function textAt(element: XmlElement | undefined, ...path: string[]): string | undefined {
  let current = element;
  for (const name of path) current = child(current, name);
  return current === undefined ? undefined : current.text.trim();
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[char]};`);
}
