import { extname, join, normalize, sep } from 'node:path';

/** Content types of the files the renderer build contains. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file of the renderer build, or undefined when it would leave that folder
 * (`..`, encoded separators): both the app:// protocol and the web host serve through this.
 */
export function rendererFileFor(rendererDir: string, pathname: string): string | undefined {
  let relative: string;
  try {
    relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  } catch {
    return undefined;
  }
  const root = normalize(rendererDir);
  const file = normalize(join(root, relative));
  return file.startsWith(root + sep) ? file : undefined;
}
