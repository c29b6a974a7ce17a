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
}

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
    this.parser.on('opentag', (tag: SaxesTagNS) => {
      const attributes: Record<string, string> = {};
      for (const attribute of Object.values(tag.attributes)) {
        if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
        attributes[attribute.local] = attribute.value;
      }
      const element: XmlElement = { name: tag.local, ns: tag.uri, attributes, children: [], text: '' };
      this.stack.push(element);
    });
    this.parser.on('text', (text) => {
      const current = this.stack[this.stack.length - 1];
      if (current !== undefined) current.text += text;
    });
    this.parser.on('cdata', (text) => {
      const current = this.stack[this.stack.length - 1];
      if (current !== undefined) current.text += text;
    });
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
    this.parser.write(chunk);
    if (this.error !== undefined) throw this.error;
  }

  close(): XmlElement {
    if (this.error === undefined) this.parser.close();
    if (this.error !== undefined) throw this.error;
    if (this.root === undefined) throw new XmlParseError('The document has no root element');
    return this.root;
  }
}

export function parseXml(text: string): XmlElement {
  const builder = new XmlTreeBuilder();
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
